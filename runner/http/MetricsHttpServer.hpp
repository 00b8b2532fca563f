// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "http/metrics_module.h"

#include <httplib.h>

#include <atomic>
#include <string>
#include <thread>

namespace scxr::http {

// GET /metrics over cpp-httplib, each page rendered by the runner (metrics_module.h). Also
// GET / (a pointer to /metrics, for a person with a browser); anything else is httplib's 404,
// or its 400/414 for what is not HTTP. Bounded like the runner's sockets: a few workers, a
// short wait for slow clients, no request bodies, a few requests per kept-alive connection.
class MetricsHttpServer {
public:
	// Each connection holds a worker until it is answered or times out, so a few clients that
	// connect and say nothing delay a scrape by up to (their number / workers) client timeouts.
	// A scraper sends its few hundred bytes at once: 2 s is plenty for one, and short for them.
	static constexpr size_t kWorkers = 8;
	static constexpr size_t kMaxWaitingConnections = 16;
	static constexpr time_t kClientTimeoutSeconds = 2;
	// How long a kept-alive connection may sit idle holding a worker: scrapers ask every 10 s
	// or more, so keeping it for them saves nothing, while an idle one delays other scrapes.
	static constexpr time_t kKeepAliveSeconds = 1;

	// Binds; throws std::runtime_error naming the address when it cannot.
	MetricsHttpServer(const std::string &host, int port, scxr_metrics_render_fn render, void *context);
	// Stops accepting and waits for the connections in service.
	~MetricsHttpServer();
	MetricsHttpServer(const MetricsHttpServer &) = delete;
	MetricsHttpServer &operator=(const MetricsHttpServer &) = delete;

	int port() const { return port_; }

private:
	void serve_metrics(httplib::Response &response);

	scxr_metrics_render_fn render_;
	void *context_;
	httplib::Server server_;
	int port_ = 0;
	std::atomic<bool> acceptor_done_ = false;
	std::thread acceptor_;
};

} // namespace scxr::http
