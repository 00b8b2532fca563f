// SPDX-License-Identifier: GPL-2.0-only
// Reloads, swaps, rollbacks, restarts and the control socket of a running Session, with the
// fake schedulers of the test plugins. A helper thread plays the user: it edits the profile,
// sends signals and asks the control socket, which also tells it when the session got there.
// Helper threads never assert (Catch2 assertions are not thread-safe); they record what they
// saw and the test checks it after the session ended. The last tests drive the Swap class
// alone: its one rollback path in both modes.
#include "base/RunnerError.hpp"
#include "control/ControlClient.hpp"
#include "control/ControlProtocol.hpp"
#include "control/StatsClient.hpp"
#include "kernel/LibbpfLog.hpp"
#include "plugin/PluginInstance.hpp"
#include "plugin/PluginLoader.hpp"
#include "profile/ProfileResolver.hpp"
#include "session/InstanceLoader.hpp"
#include "session/Swap.hpp"
#include "session/SwapGapClock.hpp"

#include "LogCapture.hpp"
#include "SessionRig.hpp"
#include "TestPlugins.hpp"
#include "TextCount.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

using Catch::Matchers::ContainsSubstring;
using scxr::ControlClient;
using scxr::ControlReply;
using scxr::ControlRequest;
using scxr::ExitCode;
using scxr::test::LogCapture;
using scxr::test::SessionRig;
using scxr::test::TestPlugins;
using namespace std::chrono_literals;

using scxr::test::count_occurrences;

namespace {


// Whether the markers occur in log in this order. The first one anchors: each later marker's
// first occurrence after it must come after the marker before, so a line that recurs (every
// detach logs "detached") is judged by its first appearance. A missing marker fails the check
// and says so, instead of comparing npos.
bool appears_in_order(const std::string &log, const std::vector<std::string> &markers)
{
	const size_t anchor = log.find(markers.front());
	if (anchor == std::string::npos) {
		UNSCOPED_INFO("'" << markers.front() << "' is not in the log");
		return false;
	}
	size_t previous = anchor;
	for (size_t index = 1; index < markers.size(); ++index) {
		const size_t found = log.find(markers[index], anchor);
		if (found == std::string::npos) {
			UNSCOPED_INFO("'" << markers[index] << "' is not in the log after '" << markers.front() << "'");
			return false;
		}
		if (found < previous) {
			UNSCOPED_INFO("'" << markers[index] << "' comes before '" << markers[index - 1] << "'");
			return false;
		}
		previous = found;
	}
	return true;
}

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

// The session's status, or a failed reply when it cannot be had.
ControlReply status_of(const std::filesystem::path &socket)
{
	try {
		return ControlClient(socket).request(ControlRequest{ControlRequest::Command::status, {}});
	} catch (const scxr::RunnerError &error) {
		return ControlReply::failure(error.what());
	}
}

int64_t integer(const ControlReply &reply, const std::string &name)
{
	const int64_t *value = reply.find_integer(name);
	return value ? *value : -1;
}

std::string text(const ControlReply &reply, const std::string &name)
{
	const std::string *value = reply.find_string(name);
	return value ? *value : std::string("<missing>");
}

std::string option(const ControlReply &reply, const std::string &name)
{
	if (const ControlReply::Object *options = reply.find_object("options"))
		for (const auto &[key, value] : *options)
			if (key == name)
				return value;
	return "<missing>";
}

bool running(const std::filesystem::path &socket) { return ControlClient(socket).runner_is_running(); }

ControlReply switch_to(const std::filesystem::path &socket, const std::string &profile)
{
	try {
		return ControlClient(socket, ControlClient::kSwitchTimeout)
			.request(ControlRequest{ControlRequest::Command::switch_profile, profile});
	} catch (const scxr::RunnerError &error) {
		return ControlReply::failure(std::string("client: ") + error.what());
	}
}

void stop() { kill(getpid(), SIGTERM); }

// What the helper thread saw, checked once the session is over.
struct Seen {
	bool ready = false;
	std::vector<ControlReply> replies;
};

} // namespace

TEST_CASE("SIGHUP with other options swaps, pre-verified, and logs the gap", "[swap]")
{
	SessionRig rig;
	const auto socket = rig.serve_control_socket();
	const auto profile = rig.profile("p.toml", "test_good", "label = \"one\"");
	Seen seen;
	const auto outcome = rig.run(profile, [&] {
		seen.ready = eventually([&] { return running(socket); });
		rig.profile("p.toml", "test_good", "label = \"two\"");
		kill(getpid(), SIGHUP);
		eventually([&] { return integer(status_of(socket), "swaps") == 1; });
		seen.replies.push_back(status_of(socket));
		stop();
	});
	REQUIRE(seen.ready); // the session was up before the test acted on it
	CHECK(outcome.code == ExitCode::ok);
	REQUIRE(seen.replies.size() == 1);
	const ControlReply &status = seen.replies[0];
	CHECK(integer(status, "swaps") == 1);
	CHECK(option(status, "label") == "\"two\"");
	CHECK(text(status, "state") == "attached");
	CHECK(text(status, "swap_mode") == "pre-verified");
	const std::string log = LogCapture::text();
	CHECK_THAT(log, ContainsSubstring("SIGHUP: swapping test_good -> test_good (pre-verified swap): options: label "
					  "\"one\" -> \"two\""));
	CHECK(std::regex_search(log, std::regex(R"(swap: test_good -> test_good, gap [0-9]+\.[0-9]{3} ms \(verify [0-9.]+ s done while test_good ran\))")));
	// The new instance was loaded before the old one was detached.
	CHECK(appears_in_order(log, {"SIGHUP: swapping", "loaded and verified", "[test_good] detached"}));
	CHECK(count_occurrences(log, "[test_good] instance destroyed") == 2);
}

TEST_CASE("--swap-mode stop-start detaches first and measures its gap the same way", "[swap]")
{
	SessionRig rig;
	rig.session.swap_mode = scxr::SwapMode::stop_start;
	const auto socket = rig.serve_control_socket();
	const auto profile = rig.profile("p.toml", "test_good", "batch = 1");
	Seen seen;
	const auto outcome = rig.run(profile, [&] {
		seen.ready = eventually([&] { return running(socket); });
		rig.profile("p.toml", "test_good", "batch = 2");
		kill(getpid(), SIGHUP);
		eventually([&] { return integer(status_of(socket), "swaps") == 1; });
		stop();
	});
	REQUIRE(seen.ready); // the session was up before the test acted on it
	CHECK(outcome.code == ExitCode::ok);
	const std::string log = LogCapture::text();
	CHECK(std::regex_search(log, std::regex(R"(swap: test_good -> test_good, gap [0-9]+\.[0-9]{3} ms \(stop-start: verify [0-9.]+ s done while no scheduler ran\))")));
	CHECK(appears_in_order(log, {"SIGHUP: swapping", "[test_good] detached", "loaded and verified"}));
}

TEST_CASE("a reload with an invalid profile changes nothing and says why with file:line:column", "[swap]")
{
	SessionRig rig;
	const auto socket = rig.serve_control_socket();
	const auto profile = rig.profile("p.toml", "test_good", "label = \"kept\"");
	Seen seen;
	const auto outcome = rig.run(profile, [&] {
		seen.ready = eventually([&] { return running(socket); });
		rig.directory.write("p.toml", "plugin = \"test_good\"\n[options]\nbatch = \"many\"\n");
		kill(getpid(), SIGHUP);
		eventually([&] { return integer(status_of(socket), "failed_swaps") == 1; });
		seen.replies.push_back(status_of(socket));
		stop();
	});
	REQUIRE(seen.ready); // the session was up before the test acted on it
	CHECK(outcome.code == ExitCode::ok);
	REQUIRE(seen.replies.size() == 1);
	CHECK(integer(seen.replies[0], "swaps") == 0);
	CHECK(integer(seen.replies[0], "failed_swaps") == 1);
	CHECK(option(seen.replies[0], "label") == "\"kept\"");
	const std::string log = LogCapture::text();
	CHECK_THAT(log, ContainsSubstring("error: SIGHUP: " + profile.string() + ":3:9: option 'batch'"));
	CHECK_THAT(log, ContainsSubstring("SIGHUP: " + profile.string() + " is not usable; test_good keeps running"));
	CHECK(count_occurrences(log, "[test_good] instance created") == 1);
	CHECK(count_occurrences(log, "test_good: attached") == 1);
}

TEST_CASE("a new scheduler that fails to load leaves the old one attached", "[swap]")
{
	SessionRig rig;
	const auto socket = rig.serve_control_socket();
	const auto profile = rig.profile("p.toml", "test_good", "");
	Seen seen;
	const auto outcome = rig.run(profile, [&] {
		seen.ready = eventually([&] { return running(socket); });
		rig.profile("p.toml", "test_failing",
			    "fail_in = \"load\"\nstatus = \"verifier\"\nlibbpf_output = \"verifier_log\"");
		kill(getpid(), SIGHUP);
		eventually([&] { return integer(status_of(socket), "failed_swaps") == 1; });
		seen.replies.push_back(status_of(socket));
		stop();
	});
	REQUIRE(seen.ready); // the session was up before the test acted on it
	CHECK(outcome.code == ExitCode::ok);
	REQUIRE(seen.replies.size() == 1);
	CHECK(text(seen.replies[0], "plugin") == "test_good");
	CHECK(text(seen.replies[0], "state") == "attached");
	const std::string log = LogCapture::text();
	CHECK_THAT(log, ContainsSubstring("SIGHUP: preparing test_failing: the kernel's verifier rejected plugin "
					  "'test_failing' (program 'fake_enqueue'): R7 invalid mem access 'scalar'"));
	CHECK_THAT(log, ContainsSubstring("swap: test_failing failed before the swap, test_good keeps running"));
	CHECK(count_occurrences(log, "[test_good] detached\n") == 1); // only at the end
	CHECK_THAT(outcome.err, ContainsSubstring("verifier log of program 'fake_enqueue'"));
}

TEST_CASE("a new scheduler that fails to attach is rolled back: the old one is attached again", "[swap]")
{
	SessionRig rig;
	const auto socket = rig.serve_control_socket();
	const auto profile = rig.profile("p.toml", "test_good", "");
	Seen seen;
	const auto outcome = rig.run(profile, [&] {
		seen.ready = eventually([&] { return running(socket); });
		rig.profile("p.toml", "test_failing", "fail_in = \"attach\"\nstatus = \"attach\"");
		kill(getpid(), SIGHUP);
		eventually([&] { return integer(status_of(socket), "failed_swaps") == 1; });
		seen.replies.push_back(status_of(socket));
		kill(getpid(), SIGUSR1);
		std::this_thread::sleep_for(50ms);
		stop();
	});
	REQUIRE(seen.ready); // the session was up before the test acted on it
	CHECK(outcome.code == ExitCode::ok);
	REQUIRE(seen.replies.size() == 1);
	CHECK(text(seen.replies[0], "plugin") == "test_good");
	CHECK(text(seen.replies[0], "state") == "attached");
	CHECK(text(seen.replies[0], "last_gap") != "<missing>");
	const std::string log = LogCapture::text();
	CHECK_THAT(log, ContainsSubstring("SIGHUP: attaching test_failing: plugin 'test_failing': attach failed: fake "
					  "failure in attach"));
	CHECK_THAT(log, ContainsSubstring("swap: attaching test_failing failed, test_good is attached again (gap "));
	// The old instance was detached and attached again, not replaced.
	CHECK(count_occurrences(log, "[test_good] instance created") == 1);
	CHECK(count_occurrences(log, "[test_good] detached\n") == 2);
	// Its counters say so too: the live dump after the rollback is the old instance's.
	CHECK_THAT(outcome.out, ContainsSubstring("--- LIVE DUMP test_good ---"));
}

TEST_CASE("when even the old scheduler cannot be re-attached, the restart policy decides", "[swap][restart]")
{
	SessionRig rig;
	const auto socket = rig.serve_control_socket();
	// Its second attach (the re-attach after the failed swap) fails too; no [restart] table.
	const auto profile = rig.profile("p.toml", "test_good", "fail_attach_from = 2");
	Seen seen;
	const auto outcome = rig.run(profile, [&] {
		seen.ready = eventually([&] { return running(socket); });
		rig.profile("p.toml", "test_failing", "fail_in = \"attach\"\nstatus = \"attach\"");
		kill(getpid(), SIGHUP);
	});
	REQUIRE(seen.ready); // the session was up before the test acted on it
	CHECK(outcome.code == ExitCode::scheduler_error_exit);
	const std::string log = LogCapture::text();
	CHECK_THAT(log, ContainsSubstring("SIGHUP: re-attaching test_good: plugin 'test_good': attach failed: fake attach "
					  "failure (attach 2)"));
	CHECK_THAT(log, ContainsSubstring("swap: attaching test_failing failed and re-attaching test_good failed too; no "
					  "sched_ext scheduler is attached"));
	CHECK_THAT(log, ContainsSubstring("not restarting: restarts are disabled"));
}

TEST_CASE("a plugin file rebuilt and installed over the old one is loaded fresh; the old image is closed",
	  "[swap]")
{
	SessionRig rig;
	const auto plugins = rig.directory.path() / "plugins";
	std::filesystem::create_directories(plugins);
	chmod(plugins.c_str(), 0755);
	std::filesystem::copy_file(TestPlugins::file("test_good"), plugins / "test_good.so");
	chmod((plugins / "test_good.so").c_str(), 0755);
	rig.plugin_directory = plugins;
	const auto socket = rig.serve_control_socket();
	const auto profile = rig.profile("p.toml", "test_good", "");

	Seen seen;
	size_t old_image_mappings_before = 0;
	size_t old_image_mappings_after = 99;
	auto deleted_mappings = [&] {
		std::ifstream maps("/proc/self/maps");
		size_t found = 0;
		for (std::string line; std::getline(maps, line);)
			if (line.find((plugins / "test_good.so").string() + " (deleted)") != std::string::npos)
				++found;
		return found;
	};
	const auto outcome = rig.run(profile, [&] {
		seen.ready = eventually([&] { return running(socket); });
		// install(1) style: a new file renamed over the old one.
		const auto staged = plugins / ".test_good.so.new";
		std::filesystem::copy_file(SCXR_TEST_REBUILT_GOOD_PLUGIN, staged);
		chmod(staged.c_str(), 0755);
		std::filesystem::rename(staged, plugins / "test_good.so");
		old_image_mappings_before = deleted_mappings();
		kill(getpid(), SIGHUP);
		eventually([&] { return integer(status_of(socket), "swaps") == 1; });
		seen.replies.push_back(status_of(socket));
		old_image_mappings_after = deleted_mappings();
		kill(getpid(), SIGUSR1);
		std::this_thread::sleep_for(50ms);
		stop();
	});
	REQUIRE(seen.ready); // the session was up before the test acted on it
	CHECK(outcome.code == ExitCode::ok);
	REQUIRE(seen.replies.size() == 1);
	CHECK(text(seen.replies[0], "version") == "1.2.4-rebuilt");
	// The replaced file was still mapped (as deleted) while the old instance ran, and is gone
	// once the swap destroyed that instance.
	CHECK(old_image_mappings_before > 0);
	CHECK(old_image_mappings_after == 0);
	const std::string log = LogCapture::text();
	CHECK_THAT(log, ContainsSubstring("test_good.so changed on disk (version 1.2.3 -> 1.2.4-rebuilt)"));
	CHECK_THAT(log, ContainsSubstring("test_good: plugin version 1.2.3 -> 1.2.4-rebuilt"));
	// The new code runs: its own dump says which build it is.
	CHECK_THAT(outcome.out, ContainsSubstring("version=1.2.4-rebuilt label=fake"));
}

TEST_CASE("--watch reloads when the profile is saved, by rename like an editor", "[swap]")
{
	SessionRig rig;
	rig.session.watch = true;
	const auto socket = rig.serve_control_socket();
	const auto profile = rig.profile("p.toml", "test_good", "batch = 1");
	Seen seen;
	const auto outcome = rig.run(profile, [&] {
		seen.ready = eventually([&] { return running(socket); });
		const auto saved = rig.profile("p.toml.swp", "test_good", "batch = 3");
		std::filesystem::rename(saved, profile);
		eventually([&] { return integer(status_of(socket), "swaps") == 1; });
		seen.replies.push_back(status_of(socket));
		stop();
	});
	REQUIRE(seen.ready); // the session was up before the test acted on it
	CHECK(outcome.code == ExitCode::ok);
	REQUIRE(seen.replies.size() == 1);
	CHECK(option(seen.replies[0], "batch") == "3");
	CHECK_THAT(LogCapture::text(), ContainsSubstring(profile.string() + " changed on disk: swapping test_good -> test_good"));
}

TEST_CASE("switch through the control socket swaps plugins and answers with the gap", "[swap][control]")
{
	SessionRig rig;
	const auto socket = rig.serve_control_socket();
	const auto profile = rig.profile("p.toml", "test_good", "");
	const auto other = rig.profile("other.toml", "test_failing", "");
	const auto broken = rig.directory.write("broken.toml", "plugin = \"test_good\"\n[options]\nlabl = \"x\"\n");
	Seen seen;
	const auto outcome = rig.run(profile, [&] {
		seen.ready = eventually([&] { return running(socket); });
		seen.replies.push_back(switch_to(socket, other.string()));
		seen.replies.push_back(status_of(socket));
		seen.replies.push_back(switch_to(socket, broken.string()));
		seen.replies.push_back(switch_to(socket, other.string()));
		seen.replies.push_back(switch_to(socket, "relative.toml"));
		seen.replies.push_back(status_of(socket));
		stop();
	});
	REQUIRE(seen.ready); // the session was up before the test acted on it
	CHECK(outcome.code == ExitCode::ok);
	REQUIRE(seen.replies.size() == 6);
	const ControlReply &switched = seen.replies[0];
	CHECK(switched.ok());
	CHECK(switched.find_bool("swapped") != nullptr);
	CHECK(*switched.find_bool("swapped"));
	CHECK(text(switched, "plugin") == "test_failing");
	CHECK_THAT(text(switched, "message"), ContainsSubstring("test_good -> test_failing, gap "));
	CHECK(text(switched, "gap") != "<missing>");

	CHECK(text(seen.replies[1], "plugin") == "test_failing");
	CHECK(text(seen.replies[1], "profile") == other.string());
	CHECK(integer(seen.replies[1], "swaps") == 1);

	CHECK_FALSE(seen.replies[2].ok());
	CHECK_THAT(seen.replies[2].error(), ContainsSubstring(broken.string() + ":3:1: unknown option 'labl'"));
	CHECK_THAT(seen.replies[2].error(), ContainsSubstring("test_failing keeps running"));

	// The same profile again: nothing to swap, still a success.
	CHECK(seen.replies[3].ok());
	CHECK_FALSE(*seen.replies[3].find_bool("swapped"));

	CHECK_FALSE(seen.replies[4].ok());
	CHECK_THAT(seen.replies[4].error(), ContainsSubstring("must be absolute"));

	CHECK(integer(seen.replies[5], "swaps") == 1);
	CHECK(integer(seen.replies[5], "failed_swaps") == 1);
	CHECK(text(seen.replies[5], "state") == "attached");
}

TEST_CASE("junk on the control socket gets an error reply and never disturbs the scheduler", "[control]")
{
	SessionRig rig;
	const auto socket = rig.serve_control_socket();
	const auto profile = rig.profile("p.toml", "test_good", "");
	Seen seen;
	std::vector<std::string> raw_replies;
	const auto outcome = rig.run(profile, [&] {
		seen.ready = eventually([&] { return running(socket); });
		for (const std::string &request : {std::string("stat\n"), std::string("switch\n"), std::string("\x01\x02\n"),
						  std::string(10000, 'x')}) {
			const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			sockaddr_un address{};
			address.sun_family = AF_UNIX;
			std::strncpy(address.sun_path, socket.c_str(), sizeof(address.sun_path) - 1);
			std::string reply;
			if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0) {
				[[maybe_unused]] ssize_t sent = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
				char buffer[4096];
				ssize_t got = 0;
				while ((got = ::recv(fd, buffer, sizeof(buffer), 0)) > 0)
					reply.append(buffer, static_cast<size_t>(got));
			}
			::close(fd);
			raw_replies.push_back(reply);
		}
		seen.replies.push_back(status_of(socket));
		stop();
	});
	REQUIRE(seen.ready); // the session was up before the test acted on it
	CHECK(outcome.code == ExitCode::ok);
	REQUIRE(raw_replies.size() == 4);
	for (const std::string &reply : raw_replies) {
		CAPTURE(reply);
		CHECK_THAT(reply, ContainsSubstring("\"ok\":false"));
	}
	REQUIRE(seen.replies.size() == 1);
	CHECK(text(seen.replies[0], "state") == "attached");
	CHECK(integer(seen.replies[0], "swaps") == 0);
	CHECK(integer(seen.replies[0], "failed_swaps") == 0);
	CHECK(count_occurrences(LogCapture::text(), "[test_good] instance created") == 1);
}

TEST_CASE("status tells profile, plugin, version, options, uptime and counters", "[control]")
{
	SessionRig rig;
	const auto socket = rig.serve_control_socket();
	const auto profile = rig.profile("p.toml", "test_good", "mode = \"random\"\nslice = \"3ms\"");
	Seen seen;
	struct stat socket_status {};
	int stat_result = -1;
	const auto outcome = rig.run(profile, [&] {
		seen.ready = eventually([&] { return running(socket); });
		stat_result = ::stat(socket.c_str(), &socket_status);
		seen.replies.push_back(status_of(socket));
		stop();
	});
	REQUIRE(seen.ready); // the session was up before the test acted on it
	CHECK(outcome.code == ExitCode::ok);
	REQUIRE(stat_result == 0);
	CHECK((socket_status.st_mode & 0777) == 0600);
	CHECK_FALSE(std::filesystem::exists(socket)); // removed on the way out
	REQUIRE(seen.replies.size() == 1);
	const ControlReply &status = seen.replies[0];
	CHECK(status.ok());
	CHECK(integer(status, "pid") == getpid());
	CHECK(text(status, "profile") == profile.string());
	CHECK(text(status, "plugin") == "test_good");
	CHECK(text(status, "version") == "1.2.3");
	CHECK(option(status, "mode") == "\"random\"");
	CHECK(option(status, "slice") == "3ms");
	CHECK(option(status, "batch") == "8");
	CHECK(integer(status, "uptime_seconds") >= 0);
	CHECK(integer(status, "restarts") == 0);
}

TEST_CASE("error exits restart with growing delays, then the fallback profile takes over", "[restart]")
{
	SessionRig rig;
	const auto socket = rig.serve_control_socket();
	rig.profile("fallback.toml", "test_good", "label = \"fallback\"");
	const auto profile = rig.profile("p.toml", "test_good", "exit_after_polls = 3\nexit_kind = 1025",
					 "[restart]\ninitial_delay = \"10ms\"\nmax_delay = \"40ms\"\nmax_restarts = 4\n"
					 "window = \"1m\"\nfallback = \"fallback.toml\"\n");
	Seen seen;
	const auto outcome = rig.run(profile, [&] {
		seen.ready = eventually([&] { return running(socket); });
		eventually([&] { return option(status_of(socket), "label") == "\"fallback\""; });
		seen.replies.push_back(status_of(socket));
		stop();
	});
	REQUIRE(seen.ready); // the session was up before the test acted on it
	CHECK(outcome.code == ExitCode::ok);
	const std::string log = LogCapture::text();
	CHECK_THAT(log, ContainsSubstring("test_good: restart 1 of 4 within 1m in 10ms"));
	CHECK_THAT(log, ContainsSubstring("test_good: restart 2 of 4 within 1m in 20ms"));
	CHECK_THAT(log, ContainsSubstring("test_good: restart 3 of 4 within 1m in 40ms"));
	CHECK_THAT(log, ContainsSubstring("test_good: restart 4 of 4 within 1m in 40ms"));
	CHECK_THAT(log, ContainsSubstring("not restarting: 4 restarts within 1m; falling back to " +
					  (rig.directory.path() / "fallback.toml").string()));
	CHECK(count_occurrences(outcome.err, "EXIT: fake exit") == 5);
	REQUIRE(seen.replies.size() == 1);
	CHECK(integer(seen.replies[0], "restarts") == 4);
	CHECK(text(seen.replies[0], "profile") == (rig.directory.path() / "fallback.toml").string());
}

TEST_CASE("without a fallback a spent budget ends the run with exit code 12", "[restart]")
{
	SessionRig rig;
	const auto profile = rig.profile("p.toml", "test_good", "exit_after_polls = 2\nexit_kind = 1026",
					 "[restart]\ninitial_delay = \"10ms\"\nmax_restarts = 2\n");
	const auto outcome = rig.run(profile);
	CHECK(outcome.code == ExitCode::scheduler_error_exit);
	const std::string log = LogCapture::text();
	CHECK(count_occurrences(log, "test_good: attached") == 3);
	CHECK_THAT(log, ContainsSubstring("not restarting: 2 restarts within 1m; no fallback profile is set"));
}

TEST_CASE("the kernel's restart request is honoured at once, even with backoff configured", "[restart]")
{
	SessionRig rig;
	const auto profile = rig.profile("p.toml", "test_good",
					 "exit_after_polls = 2\nexit_kind = 1025\nrequest_restart = true",
					 "[restart]\ninitial_delay = \"10s\"\nmax_restarts = 2\n");
	const auto outcome = rig.run(profile);
	CHECK(outcome.code == ExitCode::scheduler_error_exit);
	const std::string log = LogCapture::text();
	CHECK_THAT(log, ContainsSubstring("restart 1 of 2 within 1m at once"));
	CHECK_THAT(log, ContainsSubstring("restart 2 of 2 within 1m at once"));
	CHECK(count_occurrences(log, "test_good: attached") == 3);
}

TEST_CASE("a user stop and a clean unregistration are never restarted", "[restart]")
{
	SessionRig rig;
	const auto profile = rig.profile("p.toml", "test_good", "exit_after_polls = 2\nexit_kind = 64",
					 "[restart]\ninitial_delay = \"10ms\"\n");
	const auto outcome = rig.run(profile);
	CHECK(outcome.code == ExitCode::ok);
	CHECK(count_occurrences(LogCapture::text(), "test_good: attached") == 1);
	CHECK(count_occurrences(LogCapture::text(), "restart 1 of") == 0);
}

// The Swap class by itself, without a Session: its one rollback path in both modes. A test
// holds the running instance and the profile it came from, as the Session does.
namespace {

class SwapBench {
public:
	SwapBench() : resolver_(scxr::PluginLoader({rig_.plugin_directory}), rig_.overrides, rig_.kernel) {}

	scxr::ResolvedProfile resolve(const std::string &name, const std::string &id, const std::string &options)
	{
		return resolver_.resolve(rig_.profile(name, id, options).string(), nullptr, true);
	}
	std::unique_ptr<scxr::PluginInstance> attached(const scxr::ResolvedProfile &profile)
	{
		std::unique_ptr<scxr::PluginInstance> instance = loader.load(profile.root);
		instance->attach();
		return instance;
	}
	// Runs a swap to its end: waits for a background verify first, as the loop does.
	scxr::Swap::Result run(scxr::Swap &swap, std::unique_ptr<scxr::PluginInstance> &running,
			       const scxr::ResolvedProfile &current)
	{
		if (swap.background()) {
			pollfd descriptor{swap.fd(), POLLIN, 0};
			REQUIRE(::poll(&descriptor, 1, 10'000) == 1);
		}
		REQUIRE(swap.verify_ended());
		return swap.finish(running, current, gap_clock, err, [] {});
	}

	scxr::test::TemporaryDirectory &directory() { return rig_.directory; }

	scxr::LibbpfLog libbpf_log;
	scxr::InstanceLoader loader{rig_.kernel, libbpf_log, false};
	scxr::SwapGapClock gap_clock;
	std::ostringstream err;

private:
	SessionRig rig_;
	scxr::ProfileResolver resolver_;
};

} // namespace

TEST_CASE("a Swap verifies the new scheduler first, then detaches the old and attaches the new", "[swap][rollback]")
{
	SwapBench bench;
	const auto current = bench.resolve("old.toml", "test_good", "label = \"old\"");
	auto running = bench.attached(current);
	const scxr::PluginInstance *old_instance = running.get();
	LogCapture::clear();

	scxr::Swap swap(bench.resolve("new.toml", "test_good", "label = \"new\""), "test", scxr::SwapMode::pre_verified,
			bench.loader);
	REQUIRE(swap.background());
	const scxr::Swap::Result result = bench.run(swap, running, current);

	CHECK(result.end == scxr::Swap::End::swapped);
	CHECK(result.outcome.ok);
	CHECK(result.outcome.swapped);
	REQUIRE(result.outcome.gap.has_value());
	REQUIRE(running != nullptr);
	CHECK(running.get() != old_instance);
	CHECK(running->attached());
	CHECK_THAT(running->dump(), ContainsSubstring("label=new"));
	CHECK(bench.gap_clock.gaps_measured() == 1);
	// The old instance goes once the new one is attached, out of the gap.
	CHECK(appears_in_order(LogCapture::text(), {"test_good: loaded and verified", "[test_good] detached",
						     "swap: test_good -> test_good, gap ", "[test_good] instance destroyed"}));
	CHECK_THAT(LogCapture::text(), ContainsSubstring("done while test_good ran"));
}

TEST_CASE("a Swap whose new scheduler fails to verify never touches the old one", "[swap][rollback]")
{
	SwapBench bench;
	const auto current = bench.resolve("old.toml", "test_good", "");
	auto running = bench.attached(current);
	const scxr::PluginInstance *old_instance = running.get();
	LogCapture::clear();

	scxr::Swap swap(bench.resolve("new.toml", "test_failing", "fail_in = \"load\"\nstatus = \"verifier\""), "test",
			scxr::SwapMode::pre_verified, bench.loader);
	const scxr::Swap::Result result = bench.run(swap, running, current);

	CHECK(result.end == scxr::Swap::End::kept);
	CHECK_FALSE(result.outcome.ok);
	CHECK_THAT(result.outcome.message, ContainsSubstring("test_failing failed before the swap, test_good keeps running"));
	CHECK(running.get() == old_instance);
	CHECK(running->attached());
	CHECK(count_occurrences(LogCapture::text(), "[test_good] detached") == 0);
	CHECK(bench.gap_clock.gaps_measured() == 0);
}

TEST_CASE("a Swap rolls back a failed attach in both modes: the old scheduler is attached again", "[swap][rollback]")
{
	SwapBench bench;
	const auto current = bench.resolve("old.toml", "test_good", "");
	auto running = bench.attached(current);
	const scxr::PluginInstance *old_instance = running.get();
	const auto failing = bench.resolve("new.toml", "test_failing", "fail_in = \"attach\"\nstatus = \"attach\"");
	LogCapture::clear();

	SECTION("pre-verified: the kept old instance is re-attached")
	{
		scxr::Swap swap(failing, "test", scxr::SwapMode::pre_verified, bench.loader);
		const scxr::Swap::Result result = bench.run(swap, running, current);
		CHECK(result.end == scxr::Swap::End::rolled_back);
		CHECK_FALSE(result.outcome.ok);
		CHECK(result.outcome.gap.has_value());
		CHECK_THAT(result.outcome.message,
			   ContainsSubstring("attaching test_failing failed, test_good is attached again (gap "));
		CHECK(running.get() == old_instance);
		CHECK(count_occurrences(LogCapture::text(), "[test_good] instance created") == 0);
		CHECK(appears_in_order(LogCapture::text(),
				       {"[test_good] detached", "error: test: attaching test_failing: plugin 'test_failing'",
					"swap: attaching test_failing failed, test_good is attached again"}));
	}
	SECTION("stop-start: the dropped old instance is started afresh")
	{
		scxr::Swap swap(failing, "test", scxr::SwapMode::stop_start, bench.loader);
		CHECK_FALSE(swap.background());
		const scxr::Swap::Result result = bench.run(swap, running, current);
		CHECK(result.end == scxr::Swap::End::rolled_back);
		CHECK_THAT(result.outcome.message,
			   ContainsSubstring("starting test_failing failed, test_good is attached again (gap "));
		CHECK(appears_in_order(LogCapture::text(),
				       {"[test_good] detached", "[test_good] instance destroyed",
					"error: test: starting test_failing: plugin 'test_failing'",
					"[test_good] instance created", "swap: starting test_failing failed"}));
	}
	REQUIRE(running != nullptr);
	CHECK(running->attached());
	CHECK(bench.gap_clock.gaps_measured() == 1);
	CHECK_FALSE(bench.gap_clock.in_gap());
}

TEST_CASE("a Swap that can attach neither scheduler leaves nothing attached", "[swap][rollback][restart]")
{
	SwapBench bench;
	const auto failing = bench.resolve("new.toml", "test_failing", "fail_in = \"attach\"\nstatus = \"attach\"");

	SECTION("pre-verified: the old instance refuses its second attach")
	{
		const auto current = bench.resolve("old.toml", "test_good", "fail_attach_from = 2");
		auto running = bench.attached(current);
		scxr::Swap swap(failing, "test", scxr::SwapMode::pre_verified, bench.loader);
		const scxr::Swap::Result result = bench.run(swap, running, current);
		CHECK(result.end == scxr::Swap::End::lost_both);
		CHECK(running == nullptr);
		CHECK_THAT(result.outcome.message,
			   ContainsSubstring("attaching test_failing failed (plugin 'test_failing': attach failed: fake "
					     "failure in attach) and re-attaching test_good failed too (plugin 'test_good': "
					     "attach failed: fake attach failure (attach 2))"));
	}
	SECTION("stop-start: the old profile no longer starts")
	{
		// As if its plugin had changed on disk since: what is loaded again fails to attach.
		const auto current = bench.resolve("old.toml", "test_failing", "fail_in = \"attach\"\nstatus = \"attach\"");
		auto running = bench.attached(bench.resolve("running.toml", "test_good", ""));
		scxr::Swap swap(failing, "test", scxr::SwapMode::stop_start, bench.loader);
		const scxr::Swap::Result result = bench.run(swap, running, current);
		CHECK(result.end == scxr::Swap::End::lost_both);
		CHECK(running == nullptr);
		CHECK_THAT(result.outcome.message,
			   ContainsSubstring("starting test_failing failed (plugin 'test_failing': attach failed: fake "
					     "failure in attach) and restarting test_good failed too"));
	}
	CHECK_THAT(LogCapture::text(), ContainsSubstring("failed too; no sched_ext scheduler is attached"));
	CHECK(bench.gap_clock.gaps_measured() == 0);
	CHECK_FALSE(bench.gap_clock.in_gap());
}

TEST_CASE("a Swap abandoned during its verify detaches the old scheduler at once", "[swap][rollback]")
{
	SwapBench bench;
	const auto gate = bench.directory().path() / "verify-may-end";
	const auto current = bench.resolve("old.toml", "test_good", "");
	auto running = bench.attached(current);
	scxr::Swap swap(bench.resolve("slow.toml", "test_good", "load_waits_for = \"" + gate.string() + "\""), "test",
			scxr::SwapMode::pre_verified, bench.loader);
	REQUIRE(swap.background());
	CHECK_FALSE(swap.verify_ended());
	CHECK_THAT(swap.describe(scxr::Swap::Clock::now()), ContainsSubstring("): verifying since "));

	const bool still_verifying = swap.abandon("received SIGTERM", running, nullptr);
	CHECK(still_verifying);
	CHECK(running == nullptr);
	CHECK_THAT(LogCapture::text(), ContainsSubstring("received SIGTERM while test_good verified: detached test_good at "
							 "once; not waiting for the verify"));
	std::ofstream(gate) << "go\n"; // so that destroying the swap does not wait 60 s
}

TEST_CASE("the session serves the scx_stats socket, across a swap, and removes it at the end", "[session][swap][stats-socket]")
{
	SessionRig rig;
	const std::filesystem::path stats_socket = rig.directory.path() / "scx" / "root" / "stats";
	rig.session.stats_socket = stats_socket;
	const auto profile = rig.profile("p.toml", "test_good", "batch = 1");
	struct {
		bool ready = false;
		int before_errno = -1, after_errno = -1, meta_errno = -1;
		nlohmann::json before, after, meta;
		bool swapped = false;
	} seen;
	const auto outcome = rig.run(profile, [&] {
		const auto ask = [&](const scxr::StatsRequest &request) {
			return scxr::StatsClient(stats_socket).request(request);
		};
		seen.ready = eventually([&] { return std::filesystem::exists(stats_socket); });
		try {
			// One connection across the swap: scx tools keep theirs open.
			scxr::StatsClient client(stats_socket);
			auto reply = client.request({"stats", {{"target", "top"}}});
			seen.before_errno = reply.error_number;
			seen.before = nlohmann::json::parse(reply.resp.dump());
			reply = client.request({"stats_meta", {}});
			seen.meta_errno = reply.error_number;
			seen.meta = nlohmann::json::parse(reply.resp.dump());
			rig.profile("p.toml", "test_good", "batch = 1\noffset = 7");
			kill(getpid(), SIGHUP);
			seen.swapped = eventually([&] {
				const auto now = ask({"stats", {}});
				return now.error_number == 0 && now.resp.contains("offset") && now.resp["offset"] == 7;
			});
			reply = client.request({"stats", {}});
			seen.after_errno = reply.error_number;
			seen.after = nlohmann::json::parse(reply.resp.dump());
		} catch (const std::exception &) {
		}
		stop();
	});
	REQUIRE(seen.ready);
	CHECK(outcome.code == ExitCode::ok);
	CHECK(seen.before_errno == 0);
	CHECK(seen.before.at("nr_attaches") == 1);
	CHECK(seen.before.at("offset") == -5); // the option's default
	CHECK(seen.meta_errno == 0);
	CHECK(seen.meta.at("test_good").at("top") == "true");
	CHECK(seen.meta.at("test_good").at("fields").at("nr_polls").at("user").at("_kind") == "counter");
	CHECK(seen.swapped);
	CHECK(seen.after_errno == 0);
	CHECK(seen.after.at("offset") == 7);
	CHECK_FALSE(std::filesystem::exists(stats_socket));
}
