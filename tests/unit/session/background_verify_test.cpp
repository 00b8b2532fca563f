// SPDX-License-Identifier: GPL-2.0-only
// The runner answers while it verifies: a swap's new scheduler loads on a worker thread
// (BackgroundVerify) while the loop serves status, refuses a second switch, and stops at once
// on a signal. The slow verify is test_good's load_waits_for option: its load returns only
// once the test creates a file, so every check below happens while the verify is provably
// still running, with no timing assumed. Helper threads record, the test asserts afterwards.
#include "session/BackgroundVerify.hpp"
#include "control/ControlClient.hpp"
#include "control/ControlProtocol.hpp"
#include "control/ControlServer.hpp"
#include "plugin/PluginInstance.hpp"
#include "base/RunnerError.hpp"

#include "LogCapture.hpp"
#include "SessionRig.hpp"
#include "TemporaryDirectory.hpp"
#include "TextCount.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <cstring>
#include <functional>
#include <optional>
#include <thread>

using Catch::Matchers::ContainsSubstring;
using scxr::BackgroundVerify;
using scxr::ControlClient;
using scxr::ControlReply;
using scxr::ControlRequest;
using scxr::ControlServer;
using scxr::ExitCode;
using scxr::test::LogCapture;
using scxr::test::SessionRig;
using namespace std::chrono_literals;

using scxr::test::count_occurrences;

namespace {

bool eventually(const std::function<bool()> &condition, std::chrono::milliseconds limit = 10s)
{
	const auto deadline = std::chrono::steady_clock::now() + limit;
	while (std::chrono::steady_clock::now() < deadline) {
		if (condition())
			return true;
		std::this_thread::sleep_for(5ms);
	}
	return condition();
}

ControlReply ask(const std::filesystem::path &socket, const ControlRequest &request,
		 std::chrono::milliseconds timeout = ControlClient::kDefaultTimeout)
{
	try {
		return ControlClient(socket, timeout).request(request);
	} catch (const scxr::RunnerError &error) {
		return ControlReply::failure(std::string("client: ") + error.what());
	}
}

ControlReply status_of(const std::filesystem::path &socket)
{
	return ask(socket, ControlRequest{ControlRequest::Command::status, {}});
}

ControlReply switch_to(const std::filesystem::path &socket, const std::filesystem::path &profile)
{
	return ask(socket, ControlRequest{ControlRequest::Command::switch_profile, profile.string()},
		   ControlClient::kSwitchTimeout);
}

std::string text(const ControlReply &reply, const std::string &name)
{
	const std::string *value = reply.find_string(name);
	return value ? *value : std::string("<missing>");
}

int64_t integer(const ControlReply &reply, const std::string &name)
{
	const int64_t *value = reply.find_integer(name);
	return value ? *value : -1;
}

bool verifying(const std::filesystem::path &socket) { return text(status_of(socket), "verifying") != "<missing>"; }

void release(const std::filesystem::path &file) { std::ofstream(file) << "go\n"; }


} // namespace

TEST_CASE("status answers during a swap's verify and names it; a second switch is refused as busy", "[swap][control]")
{
	SessionRig rig;
	const auto socket = rig.serve_control_socket();
	const auto gate = rig.directory.path() / "verify-may-end";
	const auto profile = rig.profile("p.toml", "test_good", "");
	const auto slow = rig.profile("slow.toml", "test_good", "load_waits_for = \"" + gate.string() + "\"");
	const auto other = rig.profile("other.toml", "test_failing", "");

	bool saw_verify = false;
	bool gate_closed_throughout = false;
	ControlReply during = ControlReply::failure("not asked");
	ControlReply busy = ControlReply::failure("not asked");
	ControlReply switched = ControlReply::failure("not asked");
	ControlReply after = ControlReply::failure("not asked");
	const auto outcome = rig.run(profile, [&] {
		eventually([&] { return ControlClient(socket).runner_is_running(); });
		std::thread first([&] { switched = switch_to(socket, slow); });
		saw_verify = eventually([&] { return verifying(socket); });
		during = status_of(socket);
		busy = switch_to(socket, other);
		kill(getpid(), SIGHUP); // waits for the swap's end, then finds nothing to change
		gate_closed_throughout = !std::filesystem::exists(gate);
		release(gate);
		first.join();
		eventually([&] { return integer(status_of(socket), "swaps") == 1 && !verifying(socket); });
		std::this_thread::sleep_for(50ms); // the SIGHUP's reload
		after = status_of(socket);
		kill(getpid(), SIGTERM);
	});

	CHECK(outcome.code == ExitCode::ok);
	REQUIRE(saw_verify);
	CHECK(gate_closed_throughout); // so the verify had not ended when status and busy were answered

	CHECK(during.ok());
	CHECK(text(during, "state") == "attached");
	CHECK(text(during, "profile") == profile.string());
	CHECK(text(during, "verifying") == "test_good");
	CHECK_THAT(text(during, "swap"), ContainsSubstring("swapping to test_good (" + slow.string() + "): verifying since "));

	CHECK_FALSE(busy.ok());
	CHECK_THAT(busy.error(), ContainsSubstring("busy, swapping to test_good (" + slow.string() + ")"));
	CHECK_THAT(busy.error(), ContainsSubstring("try again when it is done"));

	// The first switch's client waited for the end of its swap, as before.
	CHECK(switched.ok());
	CHECK(text(switched, "profile") == slow.string());
	CHECK_THAT(text(switched, "message"), ContainsSubstring("test_good -> test_good, gap "));

	CHECK(after.ok());
	CHECK(integer(after, "swaps") == 1);
	CHECK(integer(after, "failed_swaps") == 0); // the refused switch never started a swap
	CHECK(text(after, "swap") == "<missing>");
	const std::string log = LogCapture::text();
	CHECK_THAT(log, ContainsSubstring("SIGHUP: test_good keeps running"));
	CHECK(count_occurrences(log, "[test_good] instance created") == 2);
}

TEST_CASE("SIGTERM during a swap's verify detaches the old scheduler at once and does not wait", "[swap]")
{
	SessionRig rig;
	const auto socket = rig.serve_control_socket();
	const auto gate = rig.directory.path() / "verify-may-end";
	const auto profile = rig.profile("p.toml", "test_good", "");
	const auto slow = rig.profile("slow.toml", "test_good", "load_waits_for = \"" + gate.string() + "\"");

	bool saw_verify = false;
	bool ended_before_the_verify = false;
	ControlReply switched = ControlReply::failure("not asked");
	const auto outcome = rig.run(profile, [&] {
		eventually([&] { return ControlClient(socket).runner_is_running(); });
		std::thread first([&] { switched = switch_to(socket, slow); });
		saw_verify = eventually([&] { return verifying(socket); });
		kill(getpid(), SIGTERM);
		// The session removes its socket when it stops; the verify is still held back here.
		ended_before_the_verify = eventually([&] { return !std::filesystem::exists(socket); });
		release(gate);
		first.join();
	});

	CHECK(outcome.code == ExitCode::ok);
	REQUIRE(saw_verify);
	CHECK(ended_before_the_verify);
	CHECK_FALSE(switched.ok());
	CHECK_THAT(switched.error(), ContainsSubstring("received SIGTERM while test_good verified: test_good is detached, "
						       "nothing is attached, the runner stops"));
	const std::string log = LogCapture::text();
	CHECK_THAT(log, ContainsSubstring("received SIGTERM while test_good verified: detached test_good at once; not "
					  "waiting for the verify"));
	// Attached once (the old one), detached once, and the verified one never attached.
	CHECK(count_occurrences(log, "[test_good] detached\n") == 1);
	CHECK(count_occurrences(log, "test_good: attached\n") == 1);
}

TEST_CASE("a background verify signals its end on its fd and hands over the instance or the error", "[swap]")
{
	SECTION("an error of the work is rethrown by take()")
	{
		BackgroundVerify verify([]() -> std::unique_ptr<scxr::PluginInstance> {
			throw scxr::RunnerError(ExitCode::verifier_rejected, "fake rejection");
		});
		pollfd descriptor{verify.fd(), POLLIN, 0};
		REQUIRE(::poll(&descriptor, 1, 10'000) == 1);
		CHECK(verify.finished());
		CHECK_THROWS_WITH(verify.take(), "fake rejection");
	}
	SECTION("the fd stays quiet while the work runs")
	{
		std::atomic<bool> may_end = false;
		BackgroundVerify verify([&]() -> std::unique_ptr<scxr::PluginInstance> {
			while (!may_end)
				std::this_thread::sleep_for(1ms);
			return nullptr;
		});
		pollfd descriptor{verify.fd(), POLLIN, 0};
		CHECK(::poll(&descriptor, 1, 50) == 0);
		CHECK_FALSE(verify.finished());
		may_end = true;
		REQUIRE(::poll(&descriptor, 1, 10'000) == 1);
		CHECK(verify.take() == nullptr);
	}
}

TEST_CASE("the control server answers a deferred request later, and drops it if the client hangs up", "[control]")
{
	scxr::test::TemporaryDirectory directory;
	ControlServer::Options options;
	options.socket_path = directory.path() / "run" / "control.sock";
	options.client_timeout = 200ms; // a deferred client outlives it
	std::optional<ControlServer::ReplyTicket> deferred;
	ControlServer server(options, ControlServer::DeferringHandler(
					      [&](const ControlRequest &request,
						  ControlServer::ReplyTicket ticket) -> std::optional<ControlReply> {
						      if (request.command != ControlRequest::Command::switch_profile)
							      return ControlReply::success().set("answered", "now");
						      deferred = ticket;
						      return std::nullopt;
					      }));
	const auto service_until = [&](const std::function<bool()> &condition) {
		const auto deadline = std::chrono::steady_clock::now() + 10s;
		while (!condition() && std::chrono::steady_clock::now() < deadline) {
			pollfd descriptor{server.fd(), POLLIN, 0};
			::poll(&descriptor, 1, 10);
			server.service(ControlServer::Clock::now());
		}
		return condition();
	};

	SECTION("the waiting client gets the later reply; others are answered meanwhile")
	{
		ControlReply later = ControlReply::failure("nothing yet");
		std::thread client([&] { later = switch_to(options.socket_path, "/tmp/p.toml"); });
		REQUIRE(service_until([&] { return deferred.has_value(); }));
		// Past the client timeout: a deferred client is not dropped for being slow.
		const auto waited_until = std::chrono::steady_clock::now() + 400ms;
		service_until([&] { return std::chrono::steady_clock::now() > waited_until; });
		CHECK(server.client_count() == 1);
		ControlReply status = ControlReply::failure("nothing yet");
		std::thread asking([&] { status = status_of(options.socket_path); });
		service_until([&] { return status.ok(); });
		asking.join();
		CHECK(text(status, "answered") == "now");
		server.reply_later(*deferred, ControlReply::success().set("answered", "later"), ControlServer::Clock::now());
		service_until([&] { return server.client_count() == 0; });
		client.join();
		CHECK(text(later, "answered") == "later");
	}
	SECTION("a client that hangs up is dropped, and its reply goes nowhere")
	{
		const int socket = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		REQUIRE(socket >= 0);
		sockaddr_un address{};
		address.sun_family = AF_UNIX;
		std::strncpy(address.sun_path, options.socket_path.c_str(), sizeof(address.sun_path) - 1);
		REQUIRE(::connect(socket, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0);
		const std::string request = "switch /tmp/p.toml\n";
		REQUIRE(::send(socket, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
		REQUIRE(service_until([&] { return deferred.has_value(); }));
		::close(socket);
		CHECK(service_until([&] { return server.client_count() == 0; }));
		server.reply_later(*deferred, ControlReply::success(), ControlServer::Clock::now());
		CHECK(server.client_count() == 0);
	}
}

TEST_CASE("--duration ending during a swap's verify stops like a signal: at once, exit code 0", "[swap]")
{
	SessionRig rig;
	rig.session.run_for = scxr::Duration::from_nanoseconds(2'000'000'000);
	const auto socket = rig.serve_control_socket();
	const auto gate = rig.directory.path() / "verify-may-end";
	const auto profile = rig.profile("p.toml", "test_good", "");
	const auto slow = rig.profile("slow.toml", "test_good", "load_waits_for = \"" + gate.string() + "\"");

	bool ended_before_the_verify = false;
	ControlReply switched = ControlReply::failure("not asked");
	const auto outcome = rig.run(profile, [&] {
		eventually([&] { return ControlClient(socket).runner_is_running(); });
		std::thread first([&] { switched = switch_to(socket, slow); });
		ended_before_the_verify = eventually([&] { return !std::filesystem::exists(socket); });
		release(gate);
		first.join();
	});

	CHECK(outcome.code == ExitCode::ok);
	CHECK(ended_before_the_verify);
	CHECK_THAT(switched.error(), ContainsSubstring("--duration of 2s elapsed while test_good verified"));
	CHECK_THAT(LogCapture::text(), ContainsSubstring("--duration of 2s elapsed while test_good verified: detached "
							 "test_good at once"));
	CHECK(count_occurrences(LogCapture::text(), "[test_good] detached\n") == 1);
}
