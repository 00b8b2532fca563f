// SPDX-License-Identifier: GPL-2.0-only
// The control socket end to end inside one process: a ControlServer in a temporary directory,
// driven by hand (deterministic: service() with chosen times) or by a loop thread when the
// blocking ControlClient talks to it; plus the protocol's JSON writer and reader on their own.
#include "control/ControlClient.hpp"
#include "control/ControlProtocol.hpp"
#include "control/ControlServer.hpp"
#include "output/Json.hpp"
#include "base/RunnerError.hpp"
#include "TemporaryDirectory.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using scxr::ControlClient;
using scxr::ControlProtocol;
using scxr::ControlReply;
using scxr::ControlRequest;
using scxr::ControlServer;
using scxr::ExitCode;
using scxr::RunnerError;
using scxr::test::TemporaryDirectory;
using namespace std::chrono_literals;

namespace {

// What the Session would do, recorded so tests can see which requests reached it.
class FakeSession {
public:
	ControlReply answer(const ControlRequest &request)
	{
		std::lock_guard lock(mutex_);
		seen_.push_back(request);
		if (request.command == ControlRequest::Command::status)
			return ControlReply::success()
				.set("profile", "/etc/scx/\"quoted\" prof\xc3\xafle.toml")
				.set("plugin", "qmap")
				.set("swaps", 3)
				.set("uptime_ms", int64_t{123456789012})
				.set("attached", true)
				.set("options", ControlReply::Object{{"slice", "20ms"}, {"note", "tab\there"}});
		if (request.profile_path == "/throws.toml")
			throw std::runtime_error("the session broke");
		if (request.profile_path == "/invalid.toml")
			return ControlReply::failure("/invalid.toml:3:1: unknown key 'slcie'");
		return ControlReply::success().set("profile", request.profile_path);
	}

	std::vector<ControlRequest> seen()
	{
		std::lock_guard lock(mutex_);
		return seen_;
	}

	ControlServer::Handler handler()
	{
		return [this](const ControlRequest &request) { return answer(request); };
	}

private:
	std::mutex mutex_;
	std::vector<ControlRequest> seen_;
};

// Runs the server's event loop like the Session does, for the blocking ControlClient.
class ServerLoop {
public:
	explicit ServerLoop(ControlServer &server)
		: thread_([this, &server] {
			  while (!stop_) {
				  pollfd descriptor{server.fd(), POLLIN, 0};
				  ::poll(&descriptor, 1, 10);
				  server.service(ControlServer::Clock::now());
			  }
		  })
	{
	}
	~ServerLoop()
	{
		stop_ = true;
		thread_.join();
	}

private:
	std::atomic<bool> stop_{false};
	std::thread thread_;
};

// A hand-made client, to send what ControlClient never would.
class RawClient {
public:
	explicit RawClient(const std::filesystem::path &path)
		: socket_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0))
	{
		REQUIRE(socket_ >= 0);
		sockaddr_un address{};
		address.sun_family = AF_UNIX;
		std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
		REQUIRE(::connect(socket_, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0);
	}
	~RawClient() { ::close(socket_); }

	void send(std::string_view data)
	{
		REQUIRE(::send(socket_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size()));
	}
	void close_writing() { ::shutdown(socket_, SHUT_WR); }
	int descriptor() const { return socket_; }

	// Everything until the server closes (or 2 s pass).
	std::string receive_all()
	{
		std::string received;
		char buffer[4096];
		for (;;) {
			pollfd descriptor{socket_, POLLIN, 0};
			if (::poll(&descriptor, 1, 2000) <= 0)
				return received + "<timeout>";
			const ssize_t count = ::recv(socket_, buffer, sizeof(buffer), 0);
			if (count <= 0)
				return received;
			received.append(buffer, static_cast<size_t>(count));
		}
	}

	bool has_data_or_eof()
	{
		pollfd descriptor{socket_, POLLIN, 0};
		return ::poll(&descriptor, 1, 0) > 0;
	}

private:
	int socket_;
};

ControlServer::Options options_in(const TemporaryDirectory &directory)
{
	ControlServer::Options options;
	options.socket_path = directory.path() / "run" / "control.sock";
	options.client_timeout = 1000ms;
	return options;
}

// Services until no client is left (or a bound is hit): the loop would do this as fd() wakes it.
void service_until_idle(ControlServer &server, ControlServer::Clock::time_point now)
{
	for (int round = 0; round < 20; ++round) {
		server.service(now);
		if (server.client_count() == 0)
			return;
	}
}

ControlReply reply_of(RawClient &client)
{
	std::string line = client.receive_all();
	REQUIRE_THAT(line, Catch::Matchers::EndsWith("\n"));
	line.pop_back();
	return ControlProtocol::parse_reply(line);
}

} // namespace

TEST_CASE("the socket is root's only: socket 0600 in a 0700 directory", "[control]")
{
	TemporaryDirectory directory;
	FakeSession session;
	const auto options = options_in(directory);
	{
		ControlServer server(options, session.handler());
		struct stat status{};
		REQUIRE(::lstat(options.socket_path.c_str(), &status) == 0);
		CHECK(S_ISSOCK(status.st_mode));
		CHECK((status.st_mode & 07777) == 0600);
		REQUIRE(::stat(options.socket_path.parent_path().c_str(), &status) == 0);
		CHECK((status.st_mode & 07777) == 0700);
		CHECK(server.listen_fd() >= 0);
		CHECK(server.fd() != server.listen_fd());
	}
	CHECK_FALSE(std::filesystem::exists(options.socket_path));
}

TEST_CASE("ControlClient talks to a serving runner", "[control]")
{
	TemporaryDirectory directory;
	FakeSession session;
	const auto options = options_in(directory);
	ControlServer server(options, session.handler());
	ServerLoop loop(server);
	const ControlClient client(options.socket_path);

	SECTION("ping is answered by the server itself")
	{
		const ControlReply reply = client.request({ControlRequest::Command::ping, {}});
		CHECK(reply.ok());
		REQUIRE(reply.find_integer("pid"));
		CHECK(*reply.find_integer("pid") == ::getpid());
		CHECK(client.runner_is_running());
		CHECK(session.seen().empty());
	}
	SECTION("status carries every field type, escapes included")
	{
		const ControlReply reply = client.request({ControlRequest::Command::status, {}});
		REQUIRE(reply.ok());
		REQUIRE(reply.find_string("profile"));
		CHECK(*reply.find_string("profile") == "/etc/scx/\"quoted\" prof\xc3\xafle.toml");
		CHECK(*reply.find_string("plugin") == "qmap");
		CHECK(*reply.find_integer("swaps") == 3);
		CHECK(*reply.find_integer("uptime_ms") == 123456789012);
		CHECK(*reply.find_bool("attached") == true);
		REQUIRE(reply.find_object("options"));
		CHECK(*reply.find_object("options") == ControlReply::Object{{"slice", "20ms"}, {"note", "tab\there"}});
	}
	SECTION("switch hands the absolute path to the session")
	{
		const ControlReply reply = client.request({ControlRequest::Command::switch_profile, "/etc/scx/simple.toml"});
		CHECK(reply.ok());
		CHECK(*reply.find_string("profile") == "/etc/scx/simple.toml");
		const auto seen = session.seen();
		REQUIRE(seen.size() == 1);
		CHECK(seen[0].command == ControlRequest::Command::switch_profile);
		CHECK(seen[0].profile_path == "/etc/scx/simple.toml");
	}
	SECTION("a refused switch comes back as a failed reply, not an exception")
	{
		const ControlReply reply = client.request({ControlRequest::Command::switch_profile, "/invalid.toml"});
		CHECK_FALSE(reply.ok());
		CHECK(reply.error() == "/invalid.toml:3:1: unknown key 'slcie'");
	}
	SECTION("a session that throws gives an internal error reply and the server goes on")
	{
		const ControlReply reply = client.request({ControlRequest::Command::switch_profile, "/throws.toml"});
		CHECK_FALSE(reply.ok());
		CHECK_THAT(reply.error(), ContainsSubstring("the session broke"));
		CHECK(client.request({ControlRequest::Command::status, {}}).ok());
	}
	SECTION("the client refuses to send a relative or multi-line path")
	{
		CHECK_THROWS_AS(client.request({ControlRequest::Command::switch_profile, "simple.toml"}), RunnerError);
		CHECK_THROWS_AS(client.request({ControlRequest::Command::switch_profile, "/a\nstatus"}), RunnerError);
		CHECK(session.seen().empty());
	}
}

TEST_CASE("bad requests get an error reply and never reach the session", "[control]")
{
	TemporaryDirectory directory;
	FakeSession session;
	const auto options = options_in(directory);
	ControlServer server(options, session.handler());
	const auto now = ControlServer::Clock::now();

	struct Case {
		std::string request;
		std::string error;
	};
	const std::vector<Case> cases{
		{"stat\n", "bad request: unknown command 'stat'"},
		{"stats all\n", "bad request: 'stats' takes no argument"},
		{"switch simple.toml\n", "bad request: the profile path must be absolute"},
		{"switch\n", "bad request: 'switch' needs a profile path"},
		{"status now\n", "bad request: 'status' takes no argument"},
		{"\n", "bad request: empty request"},
		{std::string("sta\0tus\n", 8), "bad request: the request contains control characters"},
		{"\xff\xfe\x80junk\n", "bad request: the request is not UTF-8 text"},
		{std::string(5000, 'x'), "the request is too long"},
	};
	for (const Case &bad : cases) {
		CAPTURE(bad.request.substr(0, 40));
		RawClient client(options.socket_path);
		client.send(bad.request);
		service_until_idle(server, now);
		const ControlReply reply = reply_of(client);
		CHECK_FALSE(reply.ok());
		CHECK_THAT(reply.error(), ContainsSubstring(bad.error));
	}
	CHECK(session.seen().empty());
	CHECK(server.client_count() == 0);

	SECTION("the server still answers good requests afterwards")
	{
		RawClient client(options.socket_path);
		client.send("status\r\n");
		service_until_idle(server, now);
		CHECK(reply_of(client).ok());
		CHECK(session.seen().size() == 1);
	}
	SECTION("a request without a newline counts when the client closes its side")
	{
		RawClient client(options.socket_path);
		client.send("status");
		client.close_writing();
		service_until_idle(server, now);
		CHECK(reply_of(client).ok());
	}
	SECTION("a client that connects and leaves is just closed")
	{
		{
			RawClient client(options.socket_path);
			client.close_writing();
		}
		service_until_idle(server, now);
		CHECK(server.client_count() == 0);
		CHECK(session.seen().empty());
	}
}

TEST_CASE("a slow client is dropped at its deadline with a timeout reply", "[control]")
{
	TemporaryDirectory directory;
	FakeSession session;
	const auto options = options_in(directory);
	ControlServer server(options, session.handler());
	const auto start = ControlServer::Clock::now();

	RawClient slow(options.socket_path);
	slow.send("stat");
	server.service(start);
	server.service(start);
	REQUIRE(server.client_count() == 1);
	REQUIRE(server.time_until_deadline(start).has_value());
	CHECK(*server.time_until_deadline(start) == options.client_timeout);
	CHECK(*server.time_until_deadline(start + 400ms) == options.client_timeout - 400ms);

	server.service(start + options.client_timeout - 1ms);
	CHECK(server.client_count() == 1);
	CHECK_FALSE(slow.has_data_or_eof());

	// Meanwhile another client is served normally.
	RawClient quick(options.socket_path);
	quick.send("ping\n");
	server.service(start + 10ms);
	server.service(start + 10ms);
	CHECK(reply_of(quick).ok());

	server.service(start + options.client_timeout);
	CHECK(server.client_count() == 0);
	CHECK_FALSE(server.time_until_deadline(start).has_value());
	const ControlReply reply = reply_of(slow);
	CHECK_FALSE(reply.ok());
	CHECK_THAT(reply.error(), ContainsSubstring("timed out"));
	CHECK(session.seen().empty());
}

TEST_CASE("many clients at once are all answered", "[control]")
{
	TemporaryDirectory directory;
	FakeSession session;
	auto options = options_in(directory);
	options.max_clients = 64;
	ControlServer server(options, session.handler());
	const auto now = ControlServer::Clock::now();

	std::vector<std::unique_ptr<RawClient>> clients;
	for (int index = 0; index < 50; ++index) {
		clients.push_back(std::make_unique<RawClient>(options.socket_path));
		clients.back()->send(index % 2 ? "status\n" : "switch /profiles/p" + std::to_string(index) + ".toml\n");
	}
	service_until_idle(server, now);
	CHECK(server.client_count() == 0);
	for (int index = 0; index < 50; ++index) {
		const ControlReply reply = reply_of(*clients[static_cast<size_t>(index)]);
		CHECK(reply.ok());
		if (index % 2 == 0)
			CHECK(*reply.find_string("profile") == "/profiles/p" + std::to_string(index) + ".toml");
		else
			CHECK(*reply.find_string("plugin") == "qmap");
	}
	CHECK(session.seen().size() == 50);
}

TEST_CASE("clients beyond max_clients get a busy reply", "[control]")
{
	TemporaryDirectory directory;
	FakeSession session;
	auto options = options_in(directory);
	options.max_clients = 2;
	ControlServer server(options, session.handler());
	const auto now = ControlServer::Clock::now();

	RawClient first(options.socket_path);
	RawClient second(options.socket_path);
	RawClient third(options.socket_path);
	server.service(now);
	CHECK(server.client_count() == 2);
	const ControlReply reply = reply_of(third);
	CHECK_FALSE(reply.ok());
	CHECK_THAT(reply.error(), ContainsSubstring("busy"));

	first.send("ping\n");
	second.send("ping\n");
	service_until_idle(server, now);
	CHECK(reply_of(first).ok());
	CHECK(reply_of(second).ok());
}

TEST_CASE("an oversized request gets a too-long reply and costs the server no more than a line", "[control][hostile]")
{
	TemporaryDirectory directory;
	FakeSession session;
	const auto options = options_in(directory);
	ControlServer server(options, session.handler());
	const auto now = ControlServer::Clock::now();

	RawClient flooder(options.socket_path);
	const int flood_socket = flooder.descriptor();
	// 16 MiB without a newline, from a thread: the send blocks once the socket buffer is full
	// and ends (EPIPE) when the server closes the connection.
	std::atomic<size_t> flood_sent{0};
	std::thread flood([flood_socket, &flood_sent] {
		const std::string block(64 * 1024, 'x');
		for (int round = 0; round < 256; ++round) {
			const ssize_t sent = ::send(flood_socket, block.data(), block.size(), MSG_NOSIGNAL);
			if (sent <= 0)
				return;
			flood_sent += static_cast<size_t>(sent);
		}
	});
	server.service(now);
	REQUIRE(server.client_count() == 1);
	for (int round = 0; round < 500 && server.client_count() > 0; ++round) {
		pollfd descriptor{server.fd(), POLLIN, 0};
		::poll(&descriptor, 1, 10);
		server.service(now);
	}
	CHECK(server.client_count() == 0);
	const std::string received = flooder.receive_all();
	flood.join();
	CHECK(flood_sent < 16u * 1024 * 1024); // the server stopped reading, it did not swallow it all
	REQUIRE_THAT(received, Catch::Matchers::EndsWith("\n"));
	const ControlReply reply = ControlProtocol::parse_reply(received.substr(0, received.size() - 1));
	CHECK_FALSE(reply.ok());
	CHECK_THAT(reply.error(), ContainsSubstring("the request is too long (more than 4160 bytes)"));
	CHECK(session.seen().empty());

	RawClient next(options.socket_path);
	next.send("ping\n");
	service_until_idle(server, now);
	CHECK(reply_of(next).ok());
}

TEST_CASE("a client that closes its connection mid-request is dropped; the cut request never runs", "[control][hostile]")
{
	TemporaryDirectory directory;
	FakeSession session;
	const auto options = options_in(directory);
	ControlServer server(options, session.handler());
	const auto now = ControlServer::Clock::now();

	for (const std::string cut : {"switch /etc/scx/q", "stat", "switch /etc/scx/qmap.toml"}) {
		CAPTURE(cut);
		{
			RawClient client(options.socket_path);
			client.send(cut);
			server.service(now);
			CHECK(server.client_count() == 1);
		} // closed without a newline: the runner cannot know where the request was meant to end
		service_until_idle(server, now);
		CHECK(server.client_count() == 0);
	}
	CHECK(session.seen().empty());

	// Ending the request with shutdown(SHUT_WR) (socat, nc -N) still counts: that peer waits
	// for the answer.
	RawClient half_closed(options.socket_path);
	half_closed.send("switch /etc/scx/qmap.toml");
	half_closed.close_writing();
	service_until_idle(server, now);
	CHECK(reply_of(half_closed).ok());
	REQUIRE(session.seen().size() == 1);
	CHECK(session.seen()[0].profile_path == "/etc/scx/qmap.toml");
}

TEST_CASE("garbage gets an error reply, with or without a newline", "[control][hostile]")
{
	TemporaryDirectory directory;
	FakeSession session;
	const auto options = options_in(directory);
	ControlServer server(options, session.handler());
	const auto start = ControlServer::Clock::now();

	std::string every_byte;
	for (int byte = 255; byte >= 0; --byte)
		every_byte += static_cast<char>(byte);
	{
		RawClient client(options.socket_path);
		client.send(every_byte); // its first line holds invalid UTF-8 and control characters
		service_until_idle(server, start);
		const ControlReply reply = reply_of(client);
		CHECK_FALSE(reply.ok());
		CHECK_THAT(reply.error(), StartsWith("bad request: "));
	}
	{
		RawClient client(options.socket_path);
		client.send(std::string("\x00\x01\xff\xc0\xaf{\"ok\":true}", 11));
		client.close_writing();
		service_until_idle(server, start);
		CHECK_THAT(reply_of(client).error(), StartsWith("bad request: "));
	}
	{
		RawClient client(options.socket_path);
		client.send(std::string(3000, '\xff')); // no newline, under the limit, never finished
		server.service(start);
		server.service(start);
		CHECK(server.client_count() == 1);
		server.service(start + options.client_timeout);
		CHECK(server.client_count() == 0);
		CHECK_THAT(reply_of(client).error(), ContainsSubstring("timed out"));
	}
	CHECK(session.seen().empty());
}

TEST_CASE("a byte-by-byte client is answered, holds no one up, and cannot outstay its deadline", "[control][hostile]")
{
	TemporaryDirectory directory;
	FakeSession session;
	const auto options = options_in(directory);
	ControlServer server(options, session.handler());
	const auto start = ControlServer::Clock::now();

	SECTION("a slow but complete request is answered; others are served meanwhile")
	{
		RawClient slow(options.socket_path);
		server.service(start);
		const std::string request = "switch /etc/scx/slow.toml\n";
		for (size_t index = 0; index < request.size(); ++index) {
			const auto now = start + std::chrono::milliseconds(10 * static_cast<int64_t>(index));
			slow.send(request.substr(index, 1));
			server.service(now);
			if (index + 1 < request.size()) {
				CHECK_FALSE(slow.has_data_or_eof());
				// Between two of its bytes, another client comes and goes.
				RawClient quick(options.socket_path);
				quick.send(index % 2 ? "ping\n" : "status\n");
				server.service(now);
				server.service(now);
				CHECK(reply_of(quick).ok());
			}
		}
		service_until_idle(server, start + 300ms);
		const ControlReply reply = reply_of(slow);
		CHECK(reply.ok());
		CHECK(*reply.find_string("profile") == "/etc/scx/slow.toml");
	}
	SECTION("each byte does not renew the deadline: a trickle is cut off at it")
	{
		RawClient trickle(options.socket_path);
		server.service(start);
		for (int step = 1; step < 10; ++step) {
			trickle.send("s");
			server.service(start + step * 100ms);
			CHECK(server.client_count() == 1);
		}
		trickle.send("s");
		server.service(start + options.client_timeout);
		CHECK(server.client_count() == 0);
		CHECK_THAT(reply_of(trickle).error(), ContainsSubstring("timed out"));
		CHECK(session.seen().empty());
	}
}

TEST_CASE("only one runner serves a socket; stale sockets are replaced", "[control]")
{
	TemporaryDirectory directory;
	FakeSession session;
	const auto options = options_in(directory);

	SECTION("a second server refuses to start")
	{
		ControlServer first(options, session.handler());
		try {
			ControlServer second(options, session.handler());
			FAIL("the second server started");
		} catch (const RunnerError &error) {
			CHECK(error.code() == ExitCode::scheduler_busy);
			CHECK_THAT(error.what(), ContainsSubstring("another scx-runner is running"));
			CHECK_THAT(error.what(), ContainsSubstring(options.socket_path.string()));
		}
		// The first one still serves, and its socket file is still there.
		CHECK(std::filesystem::exists(options.socket_path));
		ServerLoop loop(first);
		CHECK(ControlClient(options.socket_path).runner_is_running());
	}
	SECTION("a stale socket file is removed and served again")
	{
		std::filesystem::create_directories(options.socket_path.parent_path());
		{
			const int stale = ::socket(AF_UNIX, SOCK_STREAM, 0);
			sockaddr_un address{};
			address.sun_family = AF_UNIX;
			std::strncpy(address.sun_path, options.socket_path.c_str(), sizeof(address.sun_path) - 1);
			REQUIRE(::bind(stale, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0);
			::close(stale); // a crashed runner: the file stays, nobody listens
		}
		REQUIRE(std::filesystem::exists(options.socket_path));
		CHECK_THROWS_WITH(ControlClient(options.socket_path).request({ControlRequest::Command::ping, {}}),
				  ContainsSubstring("is stale"));

		ControlServer server(options, session.handler());
		ServerLoop loop(server);
		CHECK(ControlClient(options.socket_path).runner_is_running());
	}
	SECTION("a file that is not a socket is left alone")
	{
		std::filesystem::create_directories(options.socket_path.parent_path());
		std::ofstream(options.socket_path) << "not a socket\n";
		try {
			ControlServer server(options, session.handler());
			FAIL("the server started over a regular file");
		} catch (const RunnerError &error) {
			CHECK(error.code() == ExitCode::control_failed);
			CHECK_THAT(error.what(), ContainsSubstring("is not a socket"));
		}
		CHECK(std::filesystem::is_regular_file(options.socket_path));
	}
	SECTION("a path too long for a Unix socket is refused clearly")
	{
		ControlServer::Options long_options = options;
		long_options.socket_path = directory.path() / std::string(120, 'x');
		CHECK_THROWS_WITH(ControlServer(long_options, session.handler()), ContainsSubstring("at most 107 bytes"));
	}
}

TEST_CASE("ControlClient says clearly when no runner answers", "[control]")
{
	TemporaryDirectory directory;
	const auto path = directory.path() / "control.sock";

	SECTION("no socket")
	{
		try {
			ControlClient(path).request({ControlRequest::Command::status, {}});
			FAIL("a request without a runner succeeded");
		} catch (const RunnerError &error) {
			CHECK(error.code() == ExitCode::control_failed);
			CHECK(std::string(error.what()) == "no runner is running (no socket at " + path.string() + ")");
		}
		CHECK_FALSE(ControlClient(path).runner_is_running());
	}
	SECTION("a runner that never answers")
	{
		const int silent = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		sockaddr_un address{};
		address.sun_family = AF_UNIX;
		std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
		REQUIRE(::bind(silent, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0);
		REQUIRE(::listen(silent, 4) == 0);
		const auto start = std::chrono::steady_clock::now();
		CHECK_THROWS_WITH(ControlClient(path, 200ms).request({ControlRequest::Command::status, {}}),
				  ContainsSubstring("did not answer within 200 ms"));
		const auto waited = std::chrono::steady_clock::now() - start;
		CHECK(waited >= 200ms);
		CHECK(waited < 5s);
		::close(silent);
	}
	SECTION("a peer that answers garbage")
	{
		const int fake = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		sockaddr_un address{};
		address.sun_family = AF_UNIX;
		std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
		REQUIRE(::bind(fake, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0);
		REQUIRE(::listen(fake, 4) == 0);
		std::thread peer([fake] {
			const int connection = ::accept(fake, nullptr, nullptr);
			char buffer[64];
			[[maybe_unused]] ssize_t ignored = ::recv(connection, buffer, sizeof(buffer), 0);
			ignored = ::send(connection, "HTTP/1.1 200 OK\n", 16, MSG_NOSIGNAL);
			::close(connection);
		});
		CHECK_THROWS_WITH(ControlClient(path).request({ControlRequest::Command::status, {}}),
				  ContainsSubstring("unreadable reply"));
		peer.join();
		::close(fake);
	}
}

TEST_CASE("a reply is one line of valid JSON whatever its text holds", "[control][protocol]")
{
	// What a profile path or a plugin's message may hold: newlines would cut the line, other
	// control characters and broken UTF-8 would make it unreadable JSON.
	const std::string nasty = std::string("a\nb\rc\0d\x1f" "e\x7f" "f\"g\\h ", 16) + "bad\xff cut\xc3";
	const ControlReply reply = ControlReply::failure(nasty).set("profile", nasty).set(
		"options", ControlReply::Object{{"key\n\xfe", nasty}});
	const std::string line = reply.to_line();
	CHECK(line.find('\n') == line.size() - 1);
	CHECK(line.find('\r') == std::string::npos);
	CHECK(std::none_of(line.begin(), line.end() - 1, [](char c) { return static_cast<unsigned char>(c) < 0x20; }));
	CHECK(scxr::is_utf8(line));
	const std::string repaired = std::string("a\nb\rc\0d\x1f" "e\x7f" "f\"g\\h ", 16) + "bad\xef\xbf\xbd cut\xef\xbf\xbd";
	CHECK(line == "{\"ok\":false,\"error\":\"a\\nb\\rc\\u0000d\\u001fe\x7f" "f\\\"g\\\\h bad\xef\xbf\xbd cut\xef\xbf\xbd\","
		      "\"profile\":\"a\\nb\\rc\\u0000d\\u001fe\x7f" "f\\\"g\\\\h bad\xef\xbf\xbd cut\xef\xbf\xbd\","
		      "\"options\":{\"key\\n\xef\xbf\xbd\":\"a\\nb\\rc\\u0000d\\u001fe\x7f" "f\\\"g\\\\h bad\xef\xbf\xbd cut\xef\xbf\xbd\"}}\n");
	const ControlReply read = ControlProtocol::parse_reply(line);
	CHECK(read.error() == repaired);
	CHECK(*read.find_string("profile") == repaired);
	CHECK(*read.find_object("options") == ControlReply::Object{{"key\n\xef\xbf\xbd", repaired}});
	// Once repaired, the text is stable: written again, the line is the same.
	CHECK(read.to_line() == line);
}

TEST_CASE("replies survive a round trip through the reader", "[control][protocol]")
{
	const ControlReply reply = ControlReply::success()
					   .set("text", std::string("quote\" backslash\\ newline\n \x01 \xc3\xa9"))
					   .set("negative", int64_t{-42})
					   .set("big", int64_t{9'007'199'254'740'993})
					   .set("flag", false)
					   .set("empty", ControlReply::Object{})
					   .set("options", ControlReply::Object{{"a", "1"}, {"b\"", "x\ny"}});
	const std::string line = reply.to_line();
	CHECK(line.find('\n') == line.size() - 1);
	CHECK_THAT(line, StartsWith("{\"ok\":true,\"text\":"));
	CHECK(ControlProtocol::parse_reply(line) == reply);

	const ControlReply failure = ControlReply::failure("it \"failed\"").set("code", 12);
	CHECK(failure.to_line() == "{\"ok\":false,\"error\":\"it \\\"failed\\\"\",\"code\":12}\n");
	CHECK(ControlProtocol::parse_reply(failure.to_line()) == failure);

	CHECK_THROWS_AS(ControlReply::success().set("ok", true), std::invalid_argument);
	CHECK_THROWS_AS(ControlReply::success().set("error", "no"), std::invalid_argument);
	ControlReply replaced = ControlReply::success().set("n", 1).set("n", 2);
	CHECK(replaced.fields().size() == 1);
	CHECK(*replaced.find_integer("n") == 2);
	CHECK(replaced.find_string("n") == nullptr);
}

TEST_CASE("the reply reader takes any JSON spelling of flat fields", "[control][protocol]")
{
	const ControlReply reply = ControlProtocol::parse_reply(
		" { \"ok\" : true , \"s\" : \"\\u00e9\\ud83d\\udc27\\/\\b\\f\" ,\"n\":null, \"o\":{\"x\":1,\"y\":true,\"z\":null} }\r\n");
	CHECK(reply.ok());
	CHECK(*reply.find_string("s") == "\xc3\xa9\xf0\x9f\x90\xa7/\b\f");
	// A null is a field that is not there (a runner never writes one).
	CHECK(reply.find("n") == nullptr);
	CHECK(*reply.find_object("o") == ControlReply::Object{{"x", "1"}, {"y", "true"}});
	// Duplicate names: the first one's place, the last one's value.
	const ControlReply duplicates = ControlProtocol::parse_reply(R"({"a":1,"ok":true,"b":2,"a":3})");
	REQUIRE(duplicates.fields().size() == 2);
	CHECK(duplicates.fields()[0].first == "a");
	CHECK(*duplicates.find_integer("a") == 3);

	const std::vector<std::pair<std::string, std::string>> broken{
		{"", "unexpected end of input"},
		{"[1]", "the reply is a JSON array, not an object"},
		{"{\"error\":\"x\"}", "no \"ok\""},
		{"{\"ok\":1}", "not a boolean"},
		{"{\"ok\":false}", "no \"error\""},
		{"{\"ok\":true,\"a\":1.5}", "field \"a\": only integer numbers"},
		{"{\"ok\":true,\"a\":99999999999999999999}", "fit in 64 bits"},
		{"{\"ok\":true,\"a\":9223372036854775808}", "fit in 64 bits"},
		{"{\"ok\":true,\"a\":1" + std::string(400, '0') + "}", "beyond what a double holds"},
		{"{\"ok\":true,\"a\":{\"b\":2.5}}", "field \"a\": only integer numbers"},
		{"{\"ok\":true,\"a\":\"open", "missing closing quote"},
		{"{\"ok\":true,\"a\":\"\\q\"}", "forbidden character after backslash"},
		{"{\"ok\":true,\"a\":\"\\u12\"}", "must be followed by 4 hex digits"},
		{"{\"ok\":true,\"s\":\"\\udc00\\ud800x\"}", "surrogate"},
		{"{\"ok\":true} trailing", "column 15"},
		{"{\"ok\":true,}", "expected string literal"},
		{"{\"ok\":tru}", "invalid literal"},
		{"{\"ok\":true,\"a\":\"raw\ttab\"}", "control character U+0009"},
	};
	for (const auto &[text, problem] : broken) {
		CAPTURE(text);
		CHECK_THROWS_WITH(ControlProtocol::parse_reply(text), ContainsSubstring(problem));
	}
	CHECK(*ControlProtocol::parse_reply(R"({"ok":true,"a":9223372036854775807,"b":-9223372036854775808})")
		       .find_integer("b") == std::numeric_limits<int64_t>::min());
}

TEST_CASE("arrays and objects of objects are kept as documents, as read", "[control][protocol]")
{
	const ControlReply reply = ControlProtocol::parse_reply(
		R"({"ok":true,"nodes":[{"name":"","stats":[{"value":1.5},{"value":18446744073709551615}]}],)"
		R"("deep":{"a":{"b":[]}},"empty":[],"flat":{"x":1}})");
	const scxr::JsonTree *nodes = reply.find_tree("nodes");
	REQUIRE(nodes != nullptr);
	CHECK(nodes->document().at(0).at("stats").at(0).at("value") == 1.5);
	CHECK(nodes->document().at(0).at("stats").at(1).at("value").get<uint64_t>() == UINT64_MAX);
	REQUIRE(reply.find_tree("deep") != nullptr);
	CHECK(reply.find_tree("deep")->document().at("a").at("b").is_array());
	REQUIRE(reply.find_tree("empty") != nullptr);
	CHECK(reply.find_tree("empty")->document().empty());
	// A flat object stays what status has always read: text values.
	CHECK(reply.find_tree("flat") == nullptr);
	CHECK(*reply.find_object("flat") == ControlReply::Object{{"x", "1"}});

	// Written back, the documents come out as they went in, and compare equal.
	const ControlReply again = ControlProtocol::parse_reply(reply.to_line());
	CHECK(again == reply);
	const ControlReply written = ControlReply::success().set(
		"nodes", scxr::JsonTree(nlohmann::ordered_json::parse(R"([{"name":"web","stats":[]}])")));
	CHECK(written.to_line() == "{\"ok\":true,\"nodes\":[{\"name\":\"web\",\"stats\":[]}]}\n");
	CHECK(ControlProtocol::parse_reply(written.to_line()) == written);

	// A tree moved from, or made empty, holds null rather than nothing.
	scxr::JsonTree moved(nlohmann::ordered_json::array());
	const scxr::JsonTree taken = std::move(moved);
	CHECK(taken.document().is_array());
	CHECK(scxr::JsonTree().document().is_null());
}

TEST_CASE("request lines parse into requests", "[control][protocol]")
{
	const auto parse = [](std::string_view line) { return ControlProtocol::parse_request(line); };
	REQUIRE(std::holds_alternative<ControlRequest>(parse("ping")));
	CHECK(std::get<ControlRequest>(parse("status\r")).command == ControlRequest::Command::status);
	CHECK(std::get<ControlRequest>(parse("stats")).command == ControlRequest::Command::stats);
	CHECK_THAT(std::get<std::string>(parse("stats now")), ContainsSubstring("'stats' takes no argument"));
	CHECK_THAT(std::get<std::string>(parse("stat")),
		   ContainsSubstring("unknown command 'stat' (use ping, status, stats or switch /absolute/profile.toml)"));
	const auto switched = parse("switch /etc/scx/my profile.toml");
	REQUIRE(std::holds_alternative<ControlRequest>(switched));
	CHECK(std::get<ControlRequest>(switched).command == ControlRequest::Command::switch_profile);
	CHECK(std::get<ControlRequest>(switched).profile_path == "/etc/scx/my profile.toml");

	CHECK_THAT(std::get<std::string>(parse("PING")), ContainsSubstring("unknown command 'PING'"));
	CHECK_THAT(std::get<std::string>(parse("switch ./a.toml")), ContainsSubstring("must be absolute"));
	CHECK_THAT(std::get<std::string>(parse(std::string(ControlProtocol::kMaxRequestBytes + 1, 'a'))),
		   ContainsSubstring("too long"));
	// A long unknown command is cut in the message, not echoed whole.
	CHECK(std::get<std::string>(parse(std::string(1000, 'z'))).size() < 200);
	// ... and cut between characters, never inside one (found by the control fuzz target).
	std::string accented_command(39, 'a');
	for (int count = 0; count < 30; ++count)
		accented_command += "\xc3\xa9";
	CHECK_THAT(std::get<std::string>(parse(accented_command)),
		   ContainsSubstring("unknown command '" + std::string(39, 'a') + "...'"));

	CHECK(ControlProtocol::format_request({ControlRequest::Command::switch_profile, "/a b.toml"}) == "switch /a b.toml\n");
	CHECK(ControlProtocol::format_request({ControlRequest::Command::status, {}}) == "status\n");
	CHECK(ControlProtocol::format_request({ControlRequest::Command::stats, {}}) == "stats\n");
	CHECK_THROWS_AS(ControlProtocol::format_request({ControlRequest::Command::switch_profile, "/a\nb"}),
			std::invalid_argument);
}

TEST_CASE("the reply reader refuses bytes that are not UTF-8, without echoing them", "[control][protocol]")
{
	// The writer never sends them (they become U+FFFD), so such a reply is not from a runner.
	CHECK_THROWS_WITH(ControlProtocol::parse_reply("{\"ok\":true,\"\xff" "aps\":1}"), ContainsSubstring("ill-formed UTF-8"));
	const std::string long_text = "{\"ok\":true,\"v\":\"" + std::string(100000, 'x') + "\xc0\xaf\"}";
	try {
		ControlProtocol::parse_reply(long_text);
		FAIL("a reply with invalid UTF-8 was accepted");
	} catch (const std::invalid_argument &error) {
		const std::string message = error.what();
		CAPTURE(message);
		CHECK(message.size() < 200);
		CHECK(scxr::is_utf8(message));
	}
}
