// SPDX-License-Identifier: GPL-2.0-only
#include "http/MetricsHttpServer.hpp"

#include "http/BoundedTaskQueue.hpp"

#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace scxr::http {

namespace {

// The Prometheus text exposition format, version 0.0.4: what every scraper reads.
constexpr const char *kExpositionType = "text/plain; version=0.0.4; charset=utf-8";

} // namespace

MetricsHttpServer::MetricsHttpServer(const std::string &host, int port, scxr_metrics_render_fn render, void *context)
	: render_(render), context_(context)
{
	server_.new_task_queue = [] { return new BoundedTaskQueue(kWorkers, kMaxWaitingConnections); };
	server_.set_read_timeout(kClientTimeoutSeconds, 0);
	server_.set_write_timeout(kClientTimeoutSeconds, 0);
	server_.set_keep_alive_timeout(kKeepAliveSeconds);
	server_.set_keep_alive_max_count(16);
	server_.set_payload_max_length(4096);
	// No idle interval: the acceptor blocks in accept() until a client comes or stop() shuts
	// the socket, instead of waking on a timer while nobody scrapes.
	server_.set_idle_interval(0, 0);
	// SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a second runner (or
	// anything else that sets it) would share the port and take half the scrapes instead of
	// being told the port is taken.
	server_.set_socket_options([](int socket) {
		const int on = 1;
		::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	});
	server_.Get("/metrics", [this](const httplib::Request &, httplib::Response &response) { serve_metrics(response); });
	server_.Get("/", [](const httplib::Request &, httplib::Response &response) {
		response.set_content("scx-runner: the metrics are at /metrics\n", "text/plain; charset=utf-8");
	});
	if (port == 0)
		port_ = server_.bind_to_any_port(host);
	else if (server_.bind_to_port(host, port))
		port_ = port;
	if (port_ <= 0)
		throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) +
					 " (the address is in use, or not one of this machine's)");
	acceptor_ = std::thread([this] {
		server_.listen_after_bind();
		acceptor_done_ = true;
	});
	// httplib's stop() does nothing until the accept loop has begun, and a server stopped
	// before that would block in accept() for good: wait for it to begin (or to have failed).
	while (!server_.is_running() && !acceptor_done_)
		std::this_thread::sleep_for(std::chrono::microseconds(200));
}

MetricsHttpServer::~MetricsHttpServer()
{
	server_.stop();
	acceptor_.join();
}

void MetricsHttpServer::serve_metrics(httplib::Response &response)
{
	char *text = nullptr;
	size_t size = 0;
	const int status = render_(context_, &text, &size);
	if (status != 0) {
		response.status = status;
		response.set_content("no reading of the scheduler's stats could be had; try again\n",
				     "text/plain; charset=utf-8");
		return;
	}
	std::unique_ptr<char, decltype(&std::free)> owned(text, &std::free);
	response.set_content(std::string(text, size), kExpositionType);
}

} // namespace scxr::http
