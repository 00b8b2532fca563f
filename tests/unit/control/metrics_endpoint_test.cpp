// SPDX-License-Identifier: GPL-2.0-only
// The metrics endpoint with the real module (build/runner/scx-runner-metrics.so): pages are
// rendered on the thread that calls service(), as the session's loop does; a loop that does
// not answer costs a scrape a 503, not a hang; bad requests and floods are answered by the
// module alone; a missing module or a taken port is metrics_failed.
#include "base/RunnerError.hpp"
#include "control/MetricsEndpoint.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <string>
#include <thread>
#include <vector>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using scxr::MetricsEndpoint;
using namespace std::chrono_literals;

namespace {

MetricsEndpoint::Options test_options()
{
	MetricsEndpoint::Options options;
	options.port = 0;
	options.module_paths = {SCXR_TEST_METRICS_MODULE};
	options.render_timeout = 2000ms;
	return options;
}

int connect_to(int port)
{
	const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sockaddr_in address{};
	address.sin_family = AF_INET;
	address.sin_port = htons(static_cast<uint16_t>(port));
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	REQUIRE(::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0);
	return fd;
}

// Sends request as is and reads until the server closes (or 10 s pass), or with
// status_line_only until the first line is in: httplib keeps a connection open after a 400 or
// a 414, waiting for the client's next request, until its 5 s timeout.
std::string http_exchange(int port, const std::string &request, bool status_line_only = false)
{
	const int fd = connect_to(port);
	size_t sent = 0;
	while (sent < request.size()) {
		const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		sent += static_cast<size_t>(n);
	}
	std::string response;
	char buffer[4096];
	const auto give_up = std::chrono::steady_clock::now() + 10s;
	while (std::chrono::steady_clock::now() < give_up) {
		pollfd ready{fd, POLLIN, 0};
		if (::poll(&ready, 1, 100) <= 0)
			continue;
		const ssize_t n = ::read(fd, buffer, sizeof(buffer));
		if (n <= 0)
			break;
		response.append(buffer, static_cast<size_t>(n));
		if (status_line_only && response.find("\r\n") != std::string::npos)
			break;
	}
	::close(fd);
	return response;
}

std::string get(int port, const std::string &path)
{
	return http_exchange(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
}

// Runs the loop's side (service() whenever fd() is readable) until done is set.
class LoopThread {
public:
	explicit LoopThread(MetricsEndpoint &endpoint)
		: thread_([this, &endpoint] {
			  while (!done_) {
				  pollfd ready{endpoint.fd(), POLLIN, 0};
				  if (::poll(&ready, 1, 20) > 0)
					  endpoint.service();
			  }
		  })
	{
	}
	~LoopThread()
	{
		done_ = true;
		thread_.join();
	}

private:
	std::atomic<bool> done_ = false;
	std::thread thread_;
};

} // namespace

TEST_CASE("metrics: a scrape gets the page rendered on the loop's thread", "[metrics]")
{
	std::atomic<int> renders = 0;
	std::thread::id render_thread;
	MetricsEndpoint endpoint(test_options(), [&] {
		render_thread = std::this_thread::get_id();
		return "# HELP scx_x_total x\n# TYPE scx_x_total counter\nscx_x_total " + std::to_string(++renders) + "\n";
	});
	REQUIRE(endpoint.port() > 0);
	CHECK(endpoint.address() == "127.0.0.1:" + std::to_string(endpoint.port()));
	std::thread::id loop_thread;
	{
		LoopThread loop(endpoint);
		const std::string first = get(endpoint.port(), "/metrics");
		const std::string second = get(endpoint.port(), "/metrics");
		CHECK_THAT(first, StartsWith("HTTP/1.1 200 OK\r\n"));
		CHECK_THAT(first, ContainsSubstring("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
		CHECK_THAT(first, ContainsSubstring("\r\n\r\n# HELP scx_x_total x\n"));
		CHECK_THAT(first, ContainsSubstring("scx_x_total 1\n"));
		// A scrape never gets an older page than one rendered after it asked.
		CHECK_THAT(second, ContainsSubstring("scx_x_total 2\n"));
		CHECK_THAT(get(endpoint.port(), "/"), ContainsSubstring("/metrics"));
	}
	CHECK(render_thread != std::this_thread::get_id());
	CHECK(renders == 2);
}

TEST_CASE("metrics: a loop that does not answer costs the scrape a 503, not a hang", "[metrics]")
{
	MetricsEndpoint::Options options = test_options();
	options.render_timeout = 200ms;
	MetricsEndpoint endpoint(options, [] { return std::string("scx_x 1\n"); });
	const auto before = std::chrono::steady_clock::now();
	const std::string response = get(endpoint.port(), "/metrics");
	CHECK_THAT(response, StartsWith("HTTP/1.1 503 "));
	CHECK(std::chrono::steady_clock::now() - before < 5s);
	// The next scrape is served once the loop turns.
	LoopThread loop(endpoint);
	CHECK_THAT(get(endpoint.port(), "/metrics"), StartsWith("HTTP/1.1 200 OK\r\n"));
}

TEST_CASE("metrics: bad requests are answered by the module without a render", "[metrics]")
{
	std::atomic<int> renders = 0;
	MetricsEndpoint endpoint(test_options(), [&] {
		++renders;
		return std::string("scx_x 1\n");
	});
	LoopThread loop(endpoint);
	CHECK_THAT(get(endpoint.port(), "/nothing"), StartsWith("HTTP/1.1 404 "));
	CHECK_THAT(http_exchange(endpoint.port(), "NOT HTTP AT ALL\r\n\r\n", true), StartsWith("HTTP/1.1 400 "));
	CHECK_THAT(http_exchange(endpoint.port(),
				 "GET /" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", true),
		   StartsWith("HTTP/1.1 414 "));
	CHECK_THAT(http_exchange(endpoint.port(),
				 "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n",
				 true),
		   StartsWith("HTTP/1.1 413 "));
	CHECK(renders == 0);
	// Many clients at once, each silent: served by a few workers and the accepting thread, then
	// dropped by the read timeout; the endpoint still answers afterwards.
	std::vector<int> silent;
	for (int i = 0; i < 20; ++i)
		silent.push_back(connect_to(endpoint.port()));
	for (const int fd : silent)
		::close(fd);
	CHECK_THAT(get(endpoint.port(), "/metrics"), StartsWith("HTTP/1.1 200 OK\r\n"));
	CHECK(renders == 1);
}

TEST_CASE("metrics: a missing module and a taken port are metrics_failed", "[metrics]")
{
	MetricsEndpoint::Options missing = test_options();
	missing.module_paths = {"/nonexistent/scx-runner-metrics.so"};
	try {
		MetricsEndpoint endpoint(missing, [] { return std::string(); });
		FAIL("started without a module");
	} catch (const scxr::RunnerError &error) {
		CHECK(error.code() == scxr::ExitCode::metrics_failed);
		CHECK_THAT(error.what(), ContainsSubstring("scx-runner-metrics.so is not installed"));
		CHECK_THAT(error.details(), ContainsSubstring("/nonexistent/scx-runner-metrics.so"));
	}

	MetricsEndpoint first(test_options(), [] { return std::string(); });
	MetricsEndpoint::Options same_port = test_options();
	same_port.port = first.port();
	try {
		MetricsEndpoint second(same_port, [] { return std::string(); });
		FAIL("bound a taken port");
	} catch (const scxr::RunnerError &error) {
		CHECK(error.code() == scxr::ExitCode::metrics_failed);
		CHECK_THAT(error.what(), ContainsSubstring("cannot listen on 127.0.0.1:" + std::to_string(first.port())));
	}
}
