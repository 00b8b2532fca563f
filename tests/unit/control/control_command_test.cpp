// SPDX-License-Identifier: GPL-2.0-only
// The status and switch commands as a user runs them (Application, in this process), with and
// without a runner behind the control socket. The runner is a Session of the test plugins on
// the main thread; the commands run on a helper thread, as another process would.
#include "app/Application.hpp"
#include "control/ControlClient.hpp"

#include "FakeKernelProbe.hpp"
#include "LogCapture.hpp"
#include "SessionRig.hpp"
#include "TemporaryDirectory.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <sstream>
#include <thread>
#include <unistd.h>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using scxr::test::FakeKernelProbe;
using scxr::test::SessionRig;
using namespace std::chrono_literals;

namespace {

struct Result {
	int code = -1;
	std::string out;
};

Result command(const FakeKernelProbe &kernel, const std::vector<std::string> &arguments)
{
	std::ostringstream out;
	std::ostringstream err;
	scxr::Application application(kernel, out, err, "/nonexistent/installed", nullptr);
	Result result;
	result.code = application.main(arguments);
	result.out = out.str();
	return result;
}

FakeKernelProbe enabled_kernel()
{
	FakeKernelProbe kernel;
	kernel.state = "enabled";
	kernel.attached = "test_good";
	kernel.enable_sequence = "7";
	return kernel;
}

} // namespace

TEST_CASE("status without a runner shows the kernel's view and exits 0", "[control]")
{
	const scxr::test::TemporaryDirectory directory;
	const std::string socket = (directory.path() / "control.sock").string();
	const Result text = command(enabled_kernel(), {"--control-socket", socket, "status"});
	CHECK(text.code == 0);
	CHECK_THAT(text.out, StartsWith("kernel: sched_ext enabled, root/ops test_good, enable_seq 7\n"));
	CHECK_THAT(text.out, ContainsSubstring("runner: no runner is running (no socket at " + socket + ")"));

	const Result json = command(enabled_kernel(), {"--control-socket", socket, "status", "--json"});
	CHECK(json.code == 0);
	CHECK(json.out == "{\"kernel\":{\"sched_ext\":true,\"state\":\"enabled\",\"ops\":\"test_good\",\"enable_seq\":7},"
			  "\"runner\":null,\"runner_problem\":\"no runner is running (no socket at " +
				  socket + ")\"}\n");
	const auto document = nlohmann::json::parse(json.out);
	CHECK(document.at("kernel").at("state") == "enabled");
	CHECK(document.at("kernel").at("ops") == "test_good");
	CHECK(document.at("kernel").at("enable_seq") == 7);
	CHECK(document.at("runner").is_null());

	FakeKernelProbe no_sched_ext;
	no_sched_ext.sched_ext = false;
	CHECK_THAT(command(no_sched_ext, {"--control-socket", socket, "status"}).out,
		   StartsWith("kernel: no sched_ext"));
}

TEST_CASE("switch without a runner exits 14", "[control]")
{
	const scxr::test::TemporaryDirectory directory;
	const Result result =
		command(FakeKernelProbe(), {"--control-socket", (directory.path() / "c.sock").string(), "switch", "x.toml"});
	CHECK(result.code == 14);
	CHECK_THAT(scxr::test::LogCapture::text(), ContainsSubstring("no runner is running"));
}

TEST_CASE("status and switch talk to a running runner", "[control]")
{
	SessionRig rig;
	const std::string socket = rig.serve_control_socket().string();
	const auto profile = rig.profile("p.toml", "test_good", "batch = 5");
	rig.profile("other.toml", "test_failing", "");
	rig.profile("bad.toml", "test_nonexistent", "");
	Result status_before;
	Result status_json;
	Result switched;
	Result failed_switch;
	const auto outcome = rig.run(profile, [&] {
		const auto deadline = std::chrono::steady_clock::now() + 10s;
		while (!scxr::ControlClient(socket).runner_is_running() && std::chrono::steady_clock::now() < deadline)
			std::this_thread::sleep_for(5ms);
		status_before = command(enabled_kernel(), {"--control-socket", socket, "status"});
		// A relative path is the client's to resolve: the runner may run elsewhere.
		const auto previous = std::filesystem::current_path();
		std::filesystem::current_path(rig.directory.path());
		switched = command(enabled_kernel(), {"--control-socket", socket, "switch", "other.toml"});
		failed_switch = command(enabled_kernel(), {"--control-socket", socket, "switch", "bad.toml"});
		std::filesystem::current_path(previous);
		status_json = command(enabled_kernel(), {"--control-socket", socket, "status", "--json"});
		kill(getpid(), SIGTERM);
	});
	CHECK(outcome.code == scxr::ExitCode::ok);

	CHECK(status_before.code == 0);
	CHECK_THAT(status_before.out, ContainsSubstring("runner: pid " + std::to_string(getpid()) + ", attached\n"));
	CHECK_THAT(status_before.out, ContainsSubstring("  profile: " + profile.string() + "\n"));
	CHECK_THAT(status_before.out, ContainsSubstring("  plugin: test_good 1.2.3 ("));
	CHECK_THAT(status_before.out, ContainsSubstring("batch = 5"));
	CHECK_THAT(status_before.out, ContainsSubstring("  swaps: 0 (0 failed, pre-verified mode)\n"));
	CHECK_THAT(status_before.out, ContainsSubstring("  restarts: 0\n"));

	CHECK(switched.code == 0);
	CHECK_THAT(switched.out, StartsWith("switch: test_good -> test_failing, gap "));

	CHECK(failed_switch.code == 14);

	CHECK(status_json.code == 0);
	const auto document = nlohmann::json::parse(status_json.out);
	CHECK_FALSE(document.at("runner").contains("ok"));
	CHECK(document.at("runner").at("plugin") == "test_failing");
	CHECK(document.at("runner").at("profile") == (rig.directory.path() / "other.toml").string());
	CHECK(document.at("runner").at("swaps") == 1);
	CHECK(document.at("runner").at("failed_swaps") == 1);
	CHECK(document.at("runner").at("options").at("fail_in") == "\"none\"");
}
