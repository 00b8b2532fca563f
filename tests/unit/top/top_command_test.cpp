// SPDX-License-Identifier: GPL-2.0-only
// `scx-runner top` as it reads the control socket's `stats` (what it refuses), and `top --plain`
// as a user runs it (Application, in this process), with and without a runner behind the socket.
#include "app/Application.hpp"
#include "control/ControlClient.hpp"
#include "top/TopLayout.hpp"
#include "top/TopReading.hpp"

#include "FakeKernelProbe.hpp"
#include "LogCapture.hpp"
#include "SessionRig.hpp"
#include "TemporaryDirectory.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <chrono>
#include <csignal>
#include <sstream>
#include <thread>
#include <unistd.h>

using Catch::Matchers::ContainsSubstring;
using scxr::ControlClient;
using scxr::TopReading;
using scxr::test::FakeKernelProbe;
using scxr::test::SessionRig;
using scxr::test::wait_for_runner;
using namespace std::chrono_literals;

namespace {

struct Result {
	int code = -1;
	std::string out;
	std::string err;
};

Result top(const std::vector<std::string> &arguments)
{
	std::ostringstream out;
	std::ostringstream err;
	const FakeKernelProbe kernel;
	scxr::Application application(kernel, out, err, "/nonexistent/installed", nullptr);
	Result result;
	result.code = application.main(arguments);
	result.out = out.str();
	result.err = err.str();
	return result;
}

} // namespace

TEST_CASE("a stats reply that is not one is refused with what is wrong", "[control][top]")
{
	const auto read = [](const std::string &line) { return TopReading::from_reply(scxr::ControlProtocol::parse_reply(line)); };
	CHECK_THROWS_WITH(read(R"({"ok":true,"pid":1})"), ContainsSubstring("no \"nodes\""));
	CHECK_THROWS_WITH(read(R"({"ok":false,"error":"unknown command 'stats'"})"),
			  ContainsSubstring("the runner refused: unknown command 'stats'"));
	CHECK_THROWS_WITH(read(R"({"ok":true,"pid":"1","nodes":[]})"), ContainsSubstring("\"pid\" is not an integer"));
	CHECK_THROWS_WITH(read(R"({"ok":true,"nodes":{"a":1}})"), ContainsSubstring("\"nodes\" is not an array"));
	CHECK_THROWS_WITH(read(R"({"ok":true,"nodes":[{"name":"web","stats":[{"name":"x","value":"1"}]}]})"),
			  ContainsSubstring("node 1 (web), stat x: \"value\" is not a number"));
	CHECK_THROWS_WITH(read(R"({"ok":true,"nodes":[{"name":"web","stats":[{"value":1}]}]})"),
			  ContainsSubstring("node 1 (web): a stat has no name"));
	CHECK_THROWS_WITH(read(R"({"ok":true,"nodes":[1]})"), ContainsSubstring("node 1 is not an object"));
	// No reading yet (a restart pending) is fine: no nodes.
	const TopReading pending = read(R"({"ok":true,"state":"restart pending","nodes":[]})");
	CHECK(pending.snapshot.nodes.empty());
	CHECK(pending.state == "restart pending");
	CHECK_FALSE(pending.taken_at);
}

TEST_CASE("top --plain prints a block per reading of a running runner until the duration ends", "[top]")
{
	SessionRig rig;
	const std::string socket = rig.serve_control_socket().string();
	const auto profile = rig.profile("p.toml", "test_good", "batch = 5");
	Result result;
	const auto outcome = rig.run(profile, [&] {
		wait_for_runner(socket);
		result = top({"--control-socket", socket, "top", "--plain", "--interval", "100ms", "--duration", "0.45"});
		kill(getpid(), SIGTERM);
	});
	CHECK(outcome.code == scxr::ExitCode::ok);
	CAPTURE(result.out, result.err);
	CHECK(result.code == 0);
	// The header is cut at 80 columns, so a long temporary directory (Nix's sandbox has one)
	// shows only the start of the profile's path: its first 20 characters always fit.
	CHECK_THAT(result.out,
		   ContainsSubstring("scx-runner pid " + std::to_string(getpid()) + ": " + profile.string().substr(0, 20)));
	CHECK_THAT(result.out, ContainsSubstring("\nattached, sched_ext disabled, up "));
	CHECK_THAT(result.out, ContainsSubstring("\nroot: test_good (kernel: none)\n"));
	// From the second reading on, the batch shows as a rate.
	CHECK_THAT(result.out, ContainsSubstring("/s"));
	CHECK_THAT(result.out, ContainsSubstring("nr_dispatched"));
	size_t blocks = 0;
	std::istringstream lines(result.out);
	for (std::string line; std::getline(lines, line);) {
		CHECK(scxr::TopLayout::display_width(line) <= 80);
		if (line.find(" scx-runner pid ") != std::string::npos)
			++blocks;
	}
	// Five readings in 0.45 s at 100 ms; fewer on a loaded machine, never more.
	CHECK(blocks >= 2);
	CHECK(blocks <= 5);
}

TEST_CASE("top without a runner says where it looked and what to do, and exits 14", "[top]")
{
	const scxr::test::TemporaryDirectory directory;
	const std::string socket = (directory.path() / "control.sock").string();
	const Result result = top({"--control-socket", socket, "top", "--plain"});
	CHECK(result.code == 14);
	const std::string log = scxr::test::LogCapture::text();
	CHECK_THAT(log, ContainsSubstring("top: no runner answers at " + socket + ": no runner is running"));
	CHECK_THAT(result.err, ContainsSubstring("is scx-runner running? start it with 'scx-runner PROFILE.toml'"));
	CHECK_THAT(result.err, ContainsSubstring("--control-socket PATH"));
	CHECK(result.out.empty());
}
