// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "control/ControlProtocol.hpp"
#include "control/StatsSnapshot.hpp"
#include "output/StatsPrinter.hpp"
#include "plugin/SchedulerExit.hpp"
#include "session/ChildScheduler.hpp"
#include "profile/ResolvedProfile.hpp"
#include "session/InstanceLoader.hpp"
#include "session/LoopState.hpp"
#include "session/RestartPolicy.hpp"
#include "session/SessionSettings.hpp"
#include "session/SessionStatus.hpp"
#include "session/SwapGapClock.hpp"
#include "session/SwapOutcome.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace scxr {

class ControlServer;
class PluginInstance;
class ProfileResolver;
class Swap;

// The scheduler a Session keeps active, and everything that happens to it: the current
// profile and its attached instance; starts, reloads and switches (a Swap at a time), exits
// and restarts (as its RestartPolicy decides), stats and live dumps; what status tells of it.
//
// The Session's loop owns the events and calls in here; this class moves the loop's state
// (LoopState) on as the scheduler runs, waits for a restart, or ends the run. Everything here
// runs on the loop's thread, except a swap's background verify.
class ActiveScheduler {
public:
	using Clock = std::chrono::steady_clock;

	// resolver, settings, kernel, libbpf_log, state and the streams must outlive this object.
	// read_signals reads the signals that wait, so that a stop asked for during a load is seen
	// in state before attaching.
	ActiveScheduler(const ProfileResolver &resolver, ResolvedProfile initial, const SessionSettings &settings,
			const KernelProbe &kernel, LibbpfLog &libbpf_log, LoopState &state,
			std::function<void()> read_signals, std::ostream &out, std::ostream &err);
	~ActiveScheduler();
	ActiveScheduler(const ActiveScheduler &) = delete;
	ActiveScheduler &operator=(const ActiveScheduler &) = delete;

	const ResolvedProfile &profile() const { return current_; }

	// The first start. Throws RunnerError; false when a stop came during the load.
	bool start();
	// The earliest of deadline, the next poll, stats reading and restart.
	Clock::time_point next_wake(Clock::time_point deadline) const;
	// A pre-verified swap is under way (its verify runs, or its result waits for the loop).
	bool swapping() const { return swap_ != nullptr; }
	// Readable once a swap's background verify ended; -1 without one.
	int verify_fd() const;
	// The attached scheduler's exit event (PluginInstance::exit_event_fd) while the loop
	// should wait on it: running, not swapping. -1 otherwise, or when the plugin has none.
	int exit_event_fd() const;
	// The exit events of the attached child schedulers, for the loop to wait on as well.
	void child_exit_event_fds(std::vector<int> &fds) const;

	void finish_swap_if_verified(ControlServer *control);
	void restart_if_due();
	void poll_if_due();
	void print_stats_if_due();
	void print_live_dump();
	// A reading of the attached scheduler (and its attached children) with its schema, for the
	// stats socket and `stats`; nullopt while none is attached.
	std::optional<StatsSnapshot> stats_snapshot();
	// Once it has run long enough, the restart delay starts again from the initial one.
	void note_health();

	// Offers the profile at path instead of the current one (a reload, a switch). A swap that
	// verifies in the background answers the switch's ticket later, through control.
	SwapOutcome offer(const std::string &path, const std::string &trigger, ControlServer *control);
	void answer_later(uint64_t ticket);
	ControlReply status(Clock::time_point now) const;
	// The runner's own counts, for /metrics.
	RunnerCounters runner_counters(Clock::time_point now) const;
	// The control socket's `stats` (`scx-runner top`): status, what the kernel shows
	// (kernel_state), when the reading was taken (monotonic_ns, CLOCK_MONOTONIC, so a client
	// on this machine can time rates by it) and the nodes of stats_snapshot().
	ControlReply stats_reply();

	// The run ends (a signal, --duration): detaches whatever is attached. True when a swap's
	// verify still runs, which destroying this object would wait for.
	bool stop(const std::string &why, ControlServer *control);
	bool verify_still_running() const;

private:
	bool start_current();
	void attached(Clock::time_point now);
	void adopt(ResolvedProfile resolved);
	SwapOutcome start_instead(ResolvedProfile candidate, const std::string &trigger);
	SwapOutcome start_swap(ResolvedProfile candidate, const std::string &trigger, ControlServer *control);
	SwapOutcome finish_swap(ControlServer *control);
	void handle_exit(const SchedulerExit &exit);
	void apply(const RestartPolicy::Decision &decision, bool error_exit, const std::string &id);
	void fall_back(const std::filesystem::path &profile);
	// The profile's children below the attached root, started top-down.
	void start_children();
	void stop_children(const std::string &why);

	const ProfileResolver &resolver_;
	const KernelProbe &kernel_;
	ResolvedProfile current_;
	const SessionSettings &settings_;
	InstanceLoader loader_;
	LoopState &state_;
	std::function<void()> read_signals_;
	std::ostream &out_;
	std::ostream &err_;
	StatsPrinter stats_printer_;
	// The root's stats reading, refreshed on every stats interval (print_stats_if_due).
	StatsReading stats_reading_;

	std::unique_ptr<PluginInstance> instance_; // nullptr while a restart is pending
	RestartPolicy policy_;
	SwapGapClock gap_clock_;
	std::unique_ptr<Swap> swap_; // a pre-verified swap between its start and its end
	// The schedulers below the root, while it is attached; empty for a single scheduler.
	ChildScheduler::Children children_;
	SessionStatus status_;
	Clock::time_point next_poll_;
	Clock::time_point next_stats_;
};

} // namespace scxr
