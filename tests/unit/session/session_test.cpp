// SPDX-License-Identifier: GPL-2.0-only
// A whole run of a scheduler in this process: the fake scheduler of test_good (and the
// failures of test_failing) through create, configure, load, attach, the loop with stats,
// signals and exit polling, and the way out. Times are short but never asserted.
#include "base/RunnerError.hpp"

#include "LogCapture.hpp"
#include "SessionRig.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <functional>
#include <sstream>
#include <thread>
#include <unistd.h>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using scxr::Duration;
using scxr::ExitCode;
using scxr::RunnerError;
using scxr::test::LogCapture;
using scxr::test::SessionRig;

namespace {

Duration milliseconds(uint64_t count) { return Duration::from_nanoseconds(count * 1'000'000); }

using Outcome = SessionRig::Outcome;

// Runs a session of plugin id with the given [options] lines (and extra tables) on rig.
Outcome run(SessionRig &rig, const std::string &id, const std::string &options, const std::string &extra = {},
	    const std::function<void()> &meanwhile = {}, int pending_signal = 0)
{
	return rig.run(rig.profile("t.toml", id, options, extra), meanwhile, pending_signal);
}

Outcome run(const std::string &id, const std::string &options, const std::function<void()> &meanwhile = {},
	    int pending_signal = 0)
{
	SessionRig rig;
	return run(rig, id, options, {}, meanwhile, pending_signal);
}

RunnerError run_error(SessionRig &rig, const std::string &id, const std::string &options)
{
	try {
		run(rig, id, options);
	} catch (const RunnerError &error) {
		return error;
	}
	FAIL("expected the session to fail");
	return RunnerError(ExitCode::ok, "");
}

RunnerError run_error(const std::string &id, const std::string &options)
{
	SessionRig rig;
	return run_error(rig, id, options);
}

std::vector<std::string> lines(const std::string &text)
{
	std::vector<std::string> result;
	std::istringstream stream(text);
	for (std::string line; std::getline(stream, line);)
		result.push_back(line);
	return result;
}

size_t count(const std::string &text, const std::string &needle)
{
	size_t found = 0;
	for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
		++found;
	return found;
}

void send_after(int signal, int delay_ms)
{
	std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
	kill(getpid(), signal);
}

} // namespace

TEST_CASE("stats come every interval, grouped, totals first and then rates", "[session]")
{
	const Outcome outcome = run("test_good", "batch = 3\nexit_after_polls = 20\nexit_kind = 65\n");
	CHECK(outcome.code == ExitCode::ok);
	const auto stats = lines(outcome.out);
	REQUIRE(stats.size() >= 8);
	// Each reading: a header, then its groups in schema order (fake, load, exit).
	REQUIRE(stats.size() % 4 == 0);
	for (size_t index = 0; index < stats.size(); index += 4) {
		CAPTURE(index, stats[index], stats[index + 1]);
		if (index == 0) {
			CHECK(stats[index].substr(8) == " test_good: totals");
			CHECK_THAT(stats[index + 1], StartsWith("  fake  nr_polls="));
			CHECK_THAT(stats[index + 1], ContainsSubstring(" nr_dispatched=3 nr_attaches=1"));
		} else {
			CHECK_THAT(stats[index], ContainsSubstring(" test_good: rates over "));
			// 3 dispatched per reading, every 5 ms or so: a rate, not a total.
			CHECK_THAT(stats[index + 1], ContainsSubstring("/s nr_dispatched="));
			CHECK_THAT(stats[index + 1], ContainsSubstring(" nr_attaches=0/s"));
		}
		CHECK_THAT(stats[index + 2], StartsWith("  load  load="));
		CHECK_THAT(stats[index + 3], StartsWith("  exit  polls_until_exit="));
	}
}

TEST_CASE("JSON stats are one object per line", "[session]")
{
	SessionRig rig;
	rig.overrides.stats_format = scxr::StatsFormat::json;
	const Outcome outcome = run(rig, "test_good", "exit_after_polls = 10\nexit_kind = 64\n");
	const auto stats = lines(outcome.out);
	REQUIRE_FALSE(stats.empty());
	for (const std::string &line : stats) {
		const auto object = nlohmann::json::parse(line);
		CHECK(object.at("plugin") == "test_good");
		CHECK(object.at("stats").at("nr_attaches") == 1);
		CHECK(object.at("timestamp").get<std::string>().size() == 24);
		// The totals move by the batch (8) each reading; rates come from the second on.
		CHECK(object.at("stats").at("nr_dispatched") == 8 * (&line - &stats.front() + 1));
		CHECK(object.contains("rates") == (&line != &stats.front()));
	}
}

TEST_CASE("an error exit prints EXIT and the debug dump and is exit code 12", "[session]")
{
	SessionRig rig;
	rig.overrides.stats_interval = Duration();
	const Outcome outcome = run(rig, "test_good", "exit_after_polls = 3\nexit_kind = 1025\n");
	CHECK(outcome.code == ExitCode::scheduler_error_exit);
	CHECK(outcome.out.empty()); // stats are off
	CHECK(outcome.err == "EXIT: fake exit (exited after 3 polls)\n"
			     "--- DEBUG DUMP ---\nfake debug dump\nlabel=fake\n--- END DEBUG DUMP ---\n");
	CHECK_THAT(LogCapture::text(), ContainsSubstring("error: test_good: the scheduler exited: error (BPF) (kind 1025"));
	CHECK_THAT(LogCapture::text(), ContainsSubstring("[test_good] detached"));
}

TEST_CASE("an unregistration exit is exit code 0", "[session]")
{
	const Outcome outcome = run("test_good", "exit_after_polls = 2\nexit_kind = 64\n");
	CHECK(outcome.code == ExitCode::ok);
	CHECK_THAT(outcome.err, StartsWith("EXIT: fake exit (exited after 2 polls)\n"));
	CHECK_THAT(LogCapture::text(), ContainsSubstring("info: test_good: the scheduler exited: unregistered (kind 64"));
}

TEST_CASE("a restart request reloads and reattaches once", "[session]")
{
	const Outcome outcome = run("test_good", "exit_after_polls = 2\nexit_kind = 1025\nrequest_restart = true\n");
	// Without a [restart] table: restarted once, at once; the second request finds the budget
	// spent and the error kind decides.
	CHECK(outcome.code == ExitCode::scheduler_error_exit);
	CHECK(count(outcome.err, "EXIT: fake exit") == 2);
	const std::string log = LogCapture::text();
	CHECK(count(log, "the scheduler asked for a restart") == 2);
	CHECK(count(log, "restart 1 of 1 within 1m at once") == 1);
	CHECK(count(log, "test_good: attached") == 2);
	CHECK(count(log, "[test_good] instance created") == 2);
	CHECK_THAT(log, ContainsSubstring("not restarting: 1 restarts within 1m; no fallback profile is set"));
}

TEST_CASE("without a restart budget a restart request ends the run", "[session]")
{
	SessionRig rig;
	const Outcome outcome = run(rig, "test_good", "exit_after_polls = 1\nexit_kind = 65\nrequest_restart = true\n",
				    "[restart]\nmax_restarts = 0\n");
	CHECK(outcome.code == ExitCode::ok);
	CHECK(count(outcome.err, "EXIT: ") == 1);
}

TEST_CASE("--duration detaches and ends with exit code 0", "[session]")
{
	SessionRig rig;
	rig.session.run_for = milliseconds(100);
	const Outcome outcome = run(rig, "test_good", "");
	CHECK(outcome.code == ExitCode::ok);
	CHECK(outcome.err.empty());
	CHECK_THAT(LogCapture::text(), ContainsSubstring("test_good: --duration of 100ms elapsed, detaching"));
	CHECK_THAT(LogCapture::text(), ContainsSubstring("[test_good] detached"));
}

TEST_CASE("SIGUSR1 prints the live dump; SIGTERM detaches with exit code 0", "[session]")
{
	const Outcome outcome = run("test_good", "label = \"live\"\n", [] {
		send_after(SIGUSR1, 50);
		send_after(SIGTERM, 50);
	});
	CHECK(outcome.code == ExitCode::ok);
	CHECK_THAT(outcome.out, ContainsSubstring("--- LIVE DUMP test_good ---\nversion=1.2.3 label=live mode=fifo slice_ns=20000000"));
	CHECK_THAT(outcome.out, ContainsSubstring("\n--- END LIVE DUMP ---\n"));
	CHECK_THAT(LogCapture::text(), ContainsSubstring("test_good: received SIGTERM, detaching"));
	CHECK_THAT(LogCapture::text(), ContainsSubstring("[test_good] instance destroyed"));
}

TEST_CASE("SIGINT detaches too; SIGHUP of an unchanged profile keeps the scheduler", "[session]")
{
	const Outcome outcome = run("test_good", "", [] {
		send_after(SIGHUP, 30);
		send_after(SIGINT, 60);
	});
	CHECK(outcome.code == ExitCode::ok);
	CHECK_THAT(LogCapture::text(), ContainsSubstring("SIGHUP: test_good keeps running: nothing changed that needs a swap"));
	CHECK(count(LogCapture::text(), "[test_good] instance created") == 1);
	CHECK_THAT(LogCapture::text(), ContainsSubstring("received SIGINT, detaching"));
}

TEST_CASE("a stop asked for during the load is answered without attaching", "[session]")
{
	const Outcome outcome = run("test_good", "", {}, SIGTERM);
	CHECK(outcome.code == ExitCode::ok);
	CHECK(outcome.out.empty());
	const std::string log = LogCapture::text();
	CHECK_THAT(log, ContainsSubstring("test_good: received SIGTERM before attaching; not attaching"));
	CHECK_FALSE(log.find("test_good: attached") != std::string::npos);
	CHECK_THAT(log, ContainsSubstring("[test_good] instance destroyed"));
}

TEST_CASE("a verifier rejection is exit code 10 with the error line and the log tail", "[session]")
{
	const RunnerError error = run_error("test_failing", "fail_in = \"load\"\nstatus = \"verifier\"\nlibbpf_output = \"verifier_log\"\n");
	CHECK(error.code() == ExitCode::verifier_rejected);
	CHECK(std::string(error.what()) ==
	      "the kernel's verifier rejected plugin 'test_failing' (program 'fake_enqueue'): R7 invalid mem access 'scalar'");
	CHECK_THAT(error.details(), StartsWith("verifier log of program 'fake_enqueue' (20 of 45 lines; -v prints all of it):\n"));
	CHECK_THAT(error.details(), ContainsSubstring("plugin 'test_failing': load failed: fake failure in load"));

	SessionRig verbose;
	verbose.session.full_verifier_log = true;
	const RunnerError full =
		run_error(verbose, "test_failing", "fail_in = \"load\"\nstatus = \"verifier\"\nlibbpf_output = \"verifier_log\"\n");
	CHECK_THAT(full.details(), StartsWith("verifier log of program 'fake_enqueue' (45 of 45 lines):\n"));
}

TEST_CASE("a start that loads does not look at the kernel's BTF", "[session][startup]")
{
	SessionRig rig;
	rig.session.run_for = milliseconds(50);
	const Outcome outcome = run(rig, "test_good", "");
	CHECK(outcome.code == ExitCode::ok);
	CHECK(rig.kernel.requirement_lookups == 0);
}

TEST_CASE("a failed load on a kernel that lacks a requirement is exit code 8 naming it", "[session][startup]")
{
	SessionRig rig;
	rig.kernel.release = "6.6.0-lts";
	rig.kernel.every_requirement_present = false;
	const RunnerError error = run_error(rig, "test_failing", "fail_in = \"load\"\nstatus = \"verifier\"\n");
	CHECK(error.code() == ExitCode::kernel_feature_missing);
	CHECK(std::string(error.what()) == "kernel 6.6.0-lts lacks a feature that plugin 'test_failing' needs");
	CHECK_THAT(error.details(), ContainsSubstring("type sched_ext_ops (sched_ext), in Linux 6.12 and newer"));
	CHECK(rig.kernel.requirement_lookups == 1);
	CHECK(rig.kernel.btf_releases == 1);
}

TEST_CASE("a failed load on a kernel with every requirement keeps the load's own diagnosis", "[session][startup]")
{
	SessionRig rig;
	const RunnerError error =
		run_error(rig, "test_failing", "fail_in = \"load\"\nstatus = \"verifier\"\nlibbpf_output = \"verifier_log\"\n");
	CHECK(error.code() == ExitCode::verifier_rejected);
	CHECK(rig.kernel.requirement_lookups == 1);
}

TEST_CASE("a kfunc mismatch during load is exit code 8 whatever status the plugin gave", "[session]")
{
	const RunnerError error =
		run_error("test_failing", "fail_in = \"load\"\nstatus = \"verifier\"\nlibbpf_output = \"kfunc_incompatible\"\n");
	CHECK(error.code() == ExitCode::kernel_feature_missing);
	CHECK(std::string(error.what()) == "kernel too old or too new for plugin 'test_failing': kfunc scx_bpf_kick_cpu has a "
					   "different signature in this kernel (kernel 7.3.4-fake)");
	const RunnerError member =
		run_error("test_failing", "fail_in = \"load\"\nstatus = \"internal\"\nlibbpf_output = \"struct_ops_member\"\n");
	CHECK(member.code() == ExitCode::kernel_feature_missing);
	CHECK_THAT(member.what(), ContainsSubstring("struct_ops member sub_attach does not exist in this kernel"));
}

TEST_CASE("attach failures keep their class: busy 9, refused 11", "[session]")
{
	CHECK(run_error("test_failing", "fail_in = \"attach\"\nstatus = \"busy\"\n").code() == ExitCode::scheduler_busy);
	CHECK(run_error("test_failing", "fail_in = \"attach\"\nstatus = \"attach\"\n").code() == ExitCode::attach_refused);
}

TEST_CASE("a failure while attached still detaches and destroys the instance", "[session]")
{
	const RunnerError error = run_error("test_failing", "fail_in = \"poll\"\n");
	CHECK(error.code() == ExitCode::internal);
	CHECK(std::string(error.what()) == "plugin 'test_failing': poll failed: fake failure in poll");
	const std::string log = LogCapture::text();
	const size_t detached = log.find("[test_failing] detached");
	REQUIRE(detached != std::string::npos);
	CHECK(log.find("[test_failing] instance destroyed", detached) != std::string::npos);
}
