// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/ExitCode.hpp"
#include "control/ControlProtocol.hpp"
#include "profile/ResolvedProfile.hpp"
#include "session/ActiveScheduler.hpp"
#include "session/LoopState.hpp"
#include "session/SessionSettings.hpp"
#include "session/SwapOutcome.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

namespace scxr {

class ControlServer;
class MetricsEndpoint;
class StatsServer;
class FileWatcher;
class KernelProbe;
class LibbpfLog;
class ProfileResolver;
class SignalFd;

// The running runner: one scheduler at a time, from the profile it was started with or the
// one a reload, a switch or a fallback brought, until a signal, --duration or the scheduler
// itself ends the run.
//
//   start    create -> configure -> load -> attach the initial profile's scheduler
//   loop     poll exit info, print stats, answer signals (SIGINT/SIGTERM stop, SIGUSR1
//            dumps, SIGHUP reloads), the control socket (status, switch), the scx_stats
//            socket, /metrics scrapes and --watch
//   reload   re-read the profile; swap when it names another plugin, other options, or the
//            plugin file changed on disk (SwapDecision); a bad profile changes nothing
//   swap     one Swap at a time (verify new -> detach old -> attach new, one rollback path):
//            pre-verified verifies on a worker thread while the old scheduler runs and the loop
//            goes on answering (status tells the verify in progress, another switch is refused
//            as busy, a reload waits, a stop detaches the old at once); stop-start (for
//            comparison) detaches first. Each swap's gap is measured (SwapGapClock).
//   restart  after an error exit, as the profile's [restart] table says (RestartPolicy):
//            backoff, the kernel's restart requests at once, then the fallback profile or
//            exit code 12
//
// This class is the loop: it waits for the events (signals, the control socket, --watch, the
// end of a swap's verify, the timers) and dispatches them; the LoopState says where it stands.
// What happens to the scheduler is ActiveScheduler's (with Swap, RestartPolicy and the output
// layer's printers). Every way out detaches the scheduler and destroys the instance before its
// plugin file may close. Output: stats lines and live dumps go to out; exit reports (EXIT:
// line and the kernel's debug dump) and error details go to err.
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
	// Waits until wake, or until a signal, a control client, the end of a verify or a profile
	// change needs attention.
	void wait_until(Clock::time_point wake);
	// Reads every waiting signal: records stops and reloads, prints dumps at once.
	void take_signals();
	// The control socket, --watch, the end of a swap's verify and a reload that waited.
	void serve_requests();
	// The loop's exit code once it is stopping (after detaching) or finished.
	std::optional<ExitCode> leave();
	// Serves the scx_stats socket, if settings ask for one; a socket that cannot be served
	// only costs its readers.
	void serve_stats_socket();
	// Serves /metrics, if settings ask for it. Throws RunnerError (metrics_failed) when it
	// cannot: the user asked for it, and a scrape target that silently is not there is found
	// out only when it is needed.
	void serve_metrics();
	// Follows the current profile's file (it changes with a switch or a fallback).
	void watch_current_profile();

	SessionSettings settings_;
	SignalFd &signals_;
	LoopState state_;
	ActiveScheduler scheduler_;
	std::unique_ptr<ControlServer> control_;
	std::unique_ptr<StatsServer> stats_server_;
	std::unique_ptr<MetricsEndpoint> metrics_;
	std::unique_ptr<FileWatcher> watcher_;
	std::string watched_profile_; // the file --watch follows, or tried to
	// What the last wait_until() found readable. An idle runner wakes only for its stats, and
	// each descriptor asked again without cause was a system call per wake (under emulation
	// a tenth of an idle tick); until the first wait, and for a source set up since, assume
	// everything is.
	struct Readiness {
		bool signals = true;
		bool control = true;
		bool stats = true;
		bool metrics = true;
		bool watcher = true;
	} ready_;
	// A SIGHUP or --watch change not acted on yet: it waits for the end of a swap.
	std::optional<std::string> waiting_reload_;
};

} // namespace scxr
