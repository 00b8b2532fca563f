// SPDX-License-Identifier: GPL-2.0-only
// The module's one exported symbol (module.map), and the C functions behind it.

#include "http/MetricsHttpServer.hpp"
#include "http/metrics_module.h"

#include <cstdio>
#include <exception>

namespace {

void *start(const char *host, int port, scxr_metrics_render_fn render, void *context, char *error, size_t error_size)
{
	try {
		return new scxr::http::MetricsHttpServer(host, port, render, context);
	} catch (const std::exception &failure) {
		if (error && error_size > 0)
			std::snprintf(error, error_size, "%s", failure.what());
		return nullptr;
	}
}

int port(const void *server) { return static_cast<const scxr::http::MetricsHttpServer *>(server)->port(); }

void stop(void *server) { delete static_cast<scxr::http::MetricsHttpServer *>(server); }

constexpr scxr_metrics_module kModule = {
	.version = SCXR_METRICS_MODULE_VERSION,
	.start = start,
	.port = port,
	.stop = stop,
};

} // namespace

extern "C" __attribute__((visibility("default"))) const scxr_metrics_module *scxr_metrics_module_entry(void)
{
	return &kModule;
}
