// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "session/BackgroundVerify.hpp"
#include "control/ControlProtocol.hpp"
#include "base/Duration.hpp"
#include "base/ExitCode.hpp"
#include "profile/ResolvedProfile.hpp"
#include "session/RestartPolicy.hpp"
#include "plugin/SchedulerExit.hpp"
#include "session/SwapGapClock.hpp"
#include "session/SwapMode.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

namespace scxr {

class ControlServer;
class FileWatcher;
class KernelProbe;
class LibbpfLog;
class PluginInstance;
class ProfileResolver;
class RunnerError;
class SignalFd;
struct SwapInProgress;

struct SessionSettings {
	std::optional<Duration> run_for; // --duration
	// How often the loop asks the plugin whether the scheduler exited.
	Duration poll_interval = Duration::from_nanoseconds(100'000'000);
	// Print the whole verifier log on a rejection, not only its tail.
	bool full_verifier_log = false;
	SwapMode swap_mode = SwapMode::pre_verified;
	// Reload when the profile file changes on disk (--watch).
	bool watch = false;
	// Serve status and switch on this Unix socket; nullopt: no control socket.
	std::optional<std::filesystem::path> control_socket;
};

// What became of a reload or a switch, for the log and the control reply.
struct SwapOutcome {
	bool ok = false;      // false: the profile or the new scheduler failed; the old one runs on
	bool swapped = false; // another scheduler instance is attached now
	bool in_progress = false; // the new scheduler verifies in the background; the loop ends the swap
	std::string message;  // one line: what happened, or what failed and what runs now
	std::optional<SwapGapClock::Clock::duration> gap;
};

// The running runner: one scheduler at a time, from the profile it was started with or the
// one a reload, a switch or a fallback brought, until a signal, --duration or the scheduler
// itself ends the run.
//
//   start    create -> configure -> load -> attach the initial profile's scheduler
//   loop     poll exit info, print stats, answer signals (SIGINT/SIGTERM stop, SIGUSR1
//            dumps, SIGHUP reloads), the control socket (status, switch) and --watch
//   reload   re-read the profile; swap when it names another plugin, other options, or the
//            plugin file changed on disk (SwapDecision); a bad profile changes nothing
//   swap     pre-verified: create, configure and load the new scheduler on a worker thread
//            (BackgroundVerify) while the old one runs and the loop goes on answering (status
//            tells the verify in progress, another switch is refused as busy, a reload waits,
//            a stop detaches the old at once), then detach the old and attach the new on the
//            loop's thread; a failure before the detach leaves the old attached, a failed
//            attach re-attaches the old. stop-start (for comparison): detach the old first,
//            verify on the loop's thread. Each swap's gap is measured (SwapGapClock).
//   restart  after an error exit, as the profile's [restart] table says (RestartPolicy):
//            backoff, the kernel's restart requests at once, then the fallback profile or
//            exit code 12
//
// Every way out detaches the scheduler and destroys the instance before its plugin file may
// close. Output: stats lines and live dumps go to out; exit reports (EXIT: line and the
// kernel's debug dump) and error details go to err.
class Session {
public:
	using Clock = std::chrono::steady_clock;

	// resolver must outlive the session; it resolves reloads, switches and fallbacks.
	// Throws RunnerError when the control socket is served by another runner already.
	Session(const ProfileResolver &resolver, ResolvedProfile initial, SessionSettings settings,
		const KernelProbe &kernel, LibbpfLog &libbpf_log, SignalFd &signals, std::ostream &out,
		std::ostream &err);
	~Session();
	Session(const Session &) = delete;
	Session &operator=(const Session &) = delete;

	// Throws RunnerError for failures of the initial start; later failures are survived or
	// become the exit code.
	ExitCode run();
	// True when run() ended on a stop while a new scheduler still verified: the old one is
	// detached and destroyed, nothing else is attached, and destroying the session waits for
	// the verify. A process that must exit at once ends itself without destroying it.
	bool verify_still_running() const;

	// The control socket's requests: status and switch. A switch that starts a swap answers
	// later (nullopt), through the control socket's ticket, once the swap ended.
	std::optional<ControlReply> answer(const ControlRequest &request, uint64_t ticket);

	// Re-reads the current profile (what SIGHUP and --watch do). trigger names the cause
	// for the log ("SIGHUP").
	SwapOutcome reload(const std::string &trigger);
	// Offers the profile at path instead of the current one (what a switch does).
	SwapOutcome offer(const std::string &path, const std::string &trigger);

private:
	// create -> configure -> load (verify); the load's failure is explained from libbpf's log.
	// The work touches nothing of the session, so it may run on a BackgroundVerify.
	BackgroundVerify::Work verify_work(const ResolvedProfile &resolved) const;
	std::unique_ptr<PluginInstance> prepare(const ResolvedProfile &resolved);
	// Loads and attaches current_. False when a stop signal arrived during the load (then
	// nothing is attached).
	bool start_current();
	void attached(Clock::time_point now);
	// Takes the current profile's settings as they are now (policy, stats, watch target).
	void adopt(ResolvedProfile resolved);

	SwapOutcome swap(ResolvedProfile candidate, const std::string &trigger);
	// Starts the verify in the background; finish_swap_in_progress() ends the swap.
	SwapOutcome start_pre_verified(ResolvedProfile candidate, const std::string &trigger);
	void finish_swap_in_progress();
	SwapOutcome swap_pre_verified(ResolvedProfile candidate, const std::string &trigger,
				      std::unique_ptr<PluginInstance> fresh, Clock::duration verify);
	// A stop (signal or --duration) while a swap verifies: the old scheduler goes at once.
	void stop_during_swap(const std::string &why);
	ControlReply switch_reply(const SwapOutcome &outcome) const;
	SwapOutcome swap_stop_start(ResolvedProfile candidate, const std::string &trigger);
	// After a swap attached candidate's instance: logs, counts, adopts.
	SwapOutcome finish_swap(ResolvedProfile candidate, std::unique_ptr<PluginInstance> fresh,
				Clock::duration gap, Clock::duration verify, bool verified_while_running);
	// Neither the new nor the old scheduler could be attached: the restart policy decides.
	void lost_both(const std::string &why);

	// Reads every waiting signal: records stops and reloads, prints dumps at once.
	void take_signals();
	// Waits until the next thing to do, or until a signal, a control client or a profile
	// change needs attention.
	void wait_until(Clock::time_point wake);

	// The scheduler exited by itself: report it and let the restart policy decide.
	void handle_exit(const SchedulerExit &exit);
	void apply(const RestartPolicy::Decision &decision, bool error_exit, const std::string &id);
	void restart_now();
	void fall_back(const std::filesystem::path &profile);

	void print_stats();
	void print_live_dump();
	void report_exit(const SchedulerExit &exit);
	ControlReply status_reply() const;
	void watch_current_profile();

	const ProfileResolver &resolver_;
	ResolvedProfile current_;
	SessionSettings settings_;
	const KernelProbe &kernel_;
	LibbpfLog &libbpf_log_;
	SignalFd &signals_;
	std::ostream &out_;
	std::ostream &err_;

	std::unique_ptr<PluginInstance> instance_; // nullptr while a restart is pending
	RestartPolicy policy_;
	SwapGapClock gap_clock_;
	std::unique_ptr<ControlServer> control_;
	std::unique_ptr<FileWatcher> watcher_;
	std::unique_ptr<SwapInProgress> swap_in_progress_; // nullptr when no swap verifies

	Clock::time_point started_;
	Clock::time_point attached_at_;
	Clock::time_point next_poll_;
	Clock::time_point next_stats_;
	std::optional<Clock::time_point> restart_at_;
	std::optional<int> stop_signal_;
	std::optional<std::string> reload_trigger_;
	std::optional<ExitCode> finished_;
	uint64_t swaps_ = 0;
	uint64_t restarts_ = 0;
	uint64_t failed_swaps_ = 0;
};

} // namespace scxr
