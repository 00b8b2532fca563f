// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "Duration.hpp"
#include "ExitCode.hpp"
#include "OptionSettings.hpp"
#include "PluginLibrary.hpp"
#include "SchedulerExit.hpp"
#include "StatsFormat.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>

namespace scxr {

class KernelProbe;
class LibbpfLog;
class PluginInstance;
class SignalFd;

struct SessionSettings {
	Duration stats_interval = Duration::from_nanoseconds(1'000'000'000); // zero: no stats
	StatsFormat stats_format = StatsFormat::text;
	std::optional<Duration> run_for;                                     // --duration
	// How often the loop asks the plugin whether the scheduler exited.
	Duration poll_interval = Duration::from_nanoseconds(100'000'000);
	// Restarts granted to a scheduler that asks for one (SCX_ECODE_ACT_RESTART).
	unsigned restart_budget = 1;
	// Print the whole verifier log on a rejection, not only its tail.
	bool full_verifier_log = false;
};

// One run of one scheduler: create -> configure -> load -> attach, then the loop (exit
// polling, stats, signals) until a signal, --duration or the scheduler itself ends it. Every
// way out detaches the scheduler and destroys the instance before the plugin file may close.
//
// Output: stats lines and live dumps go to out; the exit report (EXIT: line and the kernel's
// debug dump) goes to err.
class Session {
public:
	Session(std::shared_ptr<const PluginLibrary> plugin, OptionSettings options, SessionSettings settings,
		const KernelProbe &kernel, LibbpfLog &libbpf_log, SignalFd &signals, std::ostream &out,
		std::ostream &err);
	~Session();

	// Throws RunnerError for failures before or during the run.
	ExitCode run();

private:
	// nullptr when a stop signal arrived before the scheduler was attached.
	std::unique_ptr<PluginInstance> start();
	void load(PluginInstance &instance);
	// Waits up to wait for signals and answers them; returns SIGINT or SIGTERM when one asks
	// to stop (the caller detaches).
	std::optional<int> take_signals(PluginInstance &instance, std::chrono::milliseconds wait);
	void print_stats(PluginInstance &instance);
	void print_live_dump(PluginInstance &instance);
	void report_exit(const SchedulerExit &exit);

	std::shared_ptr<const PluginLibrary> plugin_;
	OptionSettings options_;
	SessionSettings settings_;
	const KernelProbe &kernel_;
	LibbpfLog &libbpf_log_;
	SignalFd &signals_;
	std::ostream &out_;
	std::ostream &err_;
};

} // namespace scxr
