/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

/*
 * The runner's HTTP module, scx-runner-metrics.so: the one piece of the runner linked with an
 * HTTP library (cpp-httplib, and through Debian's build of it OpenSSL, brotli and zlib), so
 * dlopened only when --metrics asks for it; every other start maps none of that.
 *
 * A C interface, like the plugins': the runner and the module each link their own C++ runtime,
 * so nothing of C++ crosses. The module serves GET /metrics on its own threads and asks the
 * runner for each page through render(); the runner answers on its event loop's thread
 * (control/MetricsEndpoint).
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SCXR_METRICS_MODULE_VERSION 1u
/* The one symbol the module exports: returns its scxr_metrics_module. */
#define SCXR_METRICS_MODULE_ENTRY "scxr_metrics_module_entry"

/*
 * Renders one page of /metrics. On success returns 0 and sets *text to a malloc()ed buffer of
 * *size bytes (the module free()s it); otherwise returns an HTTP status to answer with (503
 * when no reading could be had in time). Called on the module's threads, any number at once.
 */
typedef int (*scxr_metrics_render_fn)(void *context, char **text, size_t *size);

struct scxr_metrics_module {
	uint32_t version; /* SCXR_METRICS_MODULE_VERSION */
	/*
	 * Binds host:port (port 0: any free port) and serves until stop(). Returns the server, or
	 * NULL with a message in error (NUL-terminated, at most error_size bytes).
	 */
	void *(*start)(const char *host, int port, scxr_metrics_render_fn render, void *context,
		       char *error, size_t error_size);
	/* The port bound, useful after port 0. */
	int (*port)(const void *server);
	/* Stops serving, waits for the module's threads and frees the server. */
	void (*stop)(void *server);
};

typedef const struct scxr_metrics_module *(*scxr_metrics_module_entry_fn)(void);

#ifdef __cplusplus
}
#endif
