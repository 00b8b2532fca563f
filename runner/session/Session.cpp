// SPDX-License-Identifier: GPL-2.0-only
#include "session/Session.hpp"

#include "base/RunnerError.hpp"
#include "control/ControlServer.hpp"
#include "control/MetricsEndpoint.hpp"
#include "control/MetricsFormatter.hpp"
#include "control/StatsServer.hpp"
#include "session/FileWatcher.hpp"
#include "session/SignalFd.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

namespace scxr {

namespace {

using Clock = Session::Clock;

int milliseconds_until(Clock::time_point deadline, Clock::time_point now)
{
	if (deadline <= now)
		return 0;
	// Round up, so the wait never ends a moment before the deadline and spins.
	const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
	return static_cast<int>(std::min<int64_t>(left, 60'000));
}

} // namespace

Session::Session(const ProfileResolver &resolver, ResolvedProfile initial, SessionSettings settings,
		 const KernelProbe &kernel, LibbpfLog &libbpf_log, SignalFd &signals, std::ostream &out,
		 std::ostream &err)
	: settings_(std::move(settings)), signals_(signals),
	  scheduler_(resolver, std::move(initial), settings_, kernel, libbpf_log, state_, [this] { take_signals(); }, out,
		     err)
{
	if (settings_.control_socket) {
		ControlServer::Options options;
		options.socket_path = *settings_.control_socket;
		try {
			control_ = std::make_unique<ControlServer>(
				options, ControlServer::DeferringHandler(
						 [this](const ControlRequest &request, ControlServer::ReplyTicket ticket) {
							 return answer(request, ticket);
						 }));
		} catch (const RunnerError &error) {
			// Two runners would fight over the one sched_ext slot: that one is fatal. A
			// socket that cannot be set up only costs status and switch.
			if (error.code() == ExitCode::scheduler_busy)
				throw;
			spdlog::warn("{}; 'scx-runner status' and 'scx-runner switch' will not reach this runner",
				     error.what());
		}
	}
	serve_stats_socket();
	serve_metrics();
	watch_current_profile();
}

Session::~Session() = default;

void Session::serve_stats_socket()
{
	if (!settings_.stats_socket)
		return;
	StatsServer::Options options;
	options.socket_path = *settings_.stats_socket;
	try {
		stats_server_ = std::make_unique<StatsServer>(options, [this] { return scheduler_.stats_snapshot(); });
	} catch (const RunnerError &error) {
		spdlog::warn("{}; scx_stats clients (scx-runner monitor, scxtop) will not reach this runner", error.what());
	}
}

void Session::serve_metrics()
{
	if (!settings_.metrics)
		return;
	MetricsEndpoint::Options options;
	options.host = settings_.metrics->host;
	options.port = settings_.metrics->port;
	options.module_paths = settings_.metrics_module_paths;
	metrics_ = std::make_unique<MetricsEndpoint>(options, [this] {
		return MetricsFormatter::format(scheduler_.stats_snapshot(), scheduler_.runner_counters(Clock::now()));
	});
}

void Session::watch_current_profile()
{
	const std::string &file = scheduler_.profile().profile.path;
	// Once per file: a file that cannot be watched is warned about once, not on every turn.
	if (!settings_.watch || watched_profile_ == file)
		return;
	watched_profile_ = file;
	try {
		watcher_ = std::make_unique<FileWatcher>(file);
		ready_.watcher = true;
		spdlog::debug("watching {} for changes", file);
	} catch (const RunnerError &error) {
		watcher_.reset();
		spdlog::warn("--watch: {}; send SIGHUP to reload instead", error.what());
	}
}

ExitCode Session::run()
{
	// The instance is destroyed (and so detached) on every way out of this function, also
	// when an exception passes through: no scheduler stays attached behind the runner's back.
	if (!scheduler_.start())
		return ExitCode::ok;
	// --duration counts from the attach: a verify can take longer than the whole duration
	// under emulation, and the user asked for that long with the scheduler running.
	const Clock::time_point deadline =
		settings_.run_for ? Clock::now() + settings_.run_for->to_chrono() : Clock::time_point::max();
	for (;;) {
		wait_until(scheduler_.next_wake(deadline));
		if (ready_.signals)
			take_signals();
		serve_requests();
		scheduler_.restart_if_due();
		scheduler_.poll_if_due();
		watch_current_profile(); // a fallback may have changed the profile
		if (Clock::now() >= deadline)
			state_.stop(fmt::format("--duration of {} elapsed", settings_.run_for->to_string()));
		if (const std::optional<ExitCode> code = leave())
			return *code;
		scheduler_.print_stats_if_due();
		scheduler_.note_health();
	}
}

namespace {

// Whether a source with a deadline (a client's timeout, a debounce) is due now.
template <typename Left>
bool due(const std::optional<Left> &left)
{
	return left && *left <= Left::zero();
}

} // namespace

void Session::wait_until(Clock::time_point wake)
{
	// The loop's own sources first, at fixed places; the scheduler's descriptors after them
	// only wake the loop (their owners look for themselves).
	enum Slot : size_t { signals_slot, control_slot, stats_slot, metrics_slot, watcher_slot, fixed_slots };
	std::vector<pollfd> descriptors(fixed_slots, pollfd{-1, POLLIN, 0});
	descriptors[signals_slot].fd = signals_.fd();
	if (control_) {
		descriptors[control_slot].fd = control_->fd();
		if (auto deadline = control_->time_until_deadline(Clock::now()))
			wake = std::min(wake, Clock::now() + *deadline);
	}
	if (stats_server_) {
		descriptors[stats_slot].fd = stats_server_->fd();
		if (auto deadline = stats_server_->time_until_deadline(Clock::now()))
			wake = std::min(wake, Clock::now() + *deadline);
	}
	if (metrics_)
		descriptors[metrics_slot].fd = metrics_->fd();
	if (watcher_) {
		descriptors[watcher_slot].fd = watcher_->fd();
		if (auto debounce = watcher_->time_until_due(Clock::now()))
			wake = std::min(wake, Clock::now() + *debounce);
	}
	if (const int verify = scheduler_.verify_fd(); verify >= 0)
		descriptors.push_back({verify, POLLIN, 0});
	if (const int exit_event = scheduler_.exit_event_fd(); exit_event >= 0)
		descriptors.push_back({exit_event, POLLIN, 0});
	std::vector<int> child_exits;
	scheduler_.child_exit_event_fds(child_exits);
	for (const int child_exit : child_exits)
		descriptors.push_back({child_exit, POLLIN, 0});
	// poll() skips the negative descriptors of the sources this session does not have.
	const int timeout = milliseconds_until(wake, Clock::now());
	if (::poll(descriptors.data(), descriptors.size(), timeout) < 0) {
		if (errno != EINTR)
			spdlog::warn("waiting for events failed: {}", std::strerror(errno));
		ready_ = Readiness{}; // unknown: ask every source
		return;
	}
	const auto readable = [&](Slot slot) { return descriptors[slot].revents != 0; };
	ready_.signals = readable(signals_slot);
	ready_.control = readable(control_slot);
	ready_.stats = readable(stats_slot);
	ready_.metrics = readable(metrics_slot);
	ready_.watcher = readable(watcher_slot);
}

void Session::take_signals()
{
	for (int signal : signals_.wait(std::chrono::milliseconds(0))) {
		switch (signal) {
		case SIGINT:
		case SIGTERM: state_.stop(fmt::format("received SIG{}", sigabbrev_np(signal))); break;
		case SIGUSR1: scheduler_.print_live_dump(); break;
		case SIGHUP: waiting_reload_ = "SIGHUP"; break;
		default: spdlog::debug("ignoring signal {}", signal);
		}
	}
}

void Session::serve_requests()
{
	if (state_.stopping())
		return;
	// Each source only when it has something: readable at the last wait, or a deadline due.
	if (control_ && (ready_.control || due(control_->time_until_deadline(Clock::now()))))
		control_->service(Clock::now());
	if (stats_server_ && (ready_.stats || due(stats_server_->time_until_deadline(Clock::now()))))
		stats_server_->service(Clock::now());
	if (metrics_ && ready_.metrics)
		metrics_->service();
	watch_current_profile(); // a switch may have changed the profile
	if (watcher_ && (ready_.watcher || due(watcher_->time_until_due(Clock::now()))) &&
	    watcher_->changed(Clock::now()) && !waiting_reload_)
		waiting_reload_ = fmt::format("{} changed on disk", scheduler_.profile().profile.path);
	scheduler_.finish_swap_if_verified(control_.get());
	// A reload asked for during a swap waits for its end (then it compares with the new
	// scheduler).
	if (waiting_reload_ && !scheduler_.swapping() && !state_.finished())
		reload(*std::exchange(waiting_reload_, std::nullopt));
}

std::optional<ExitCode> Session::leave()
{
	if (const LoopState::Finished *finished = state_.finished())
		return finished->code;
	const LoopState::Stopping *stopping = state_.stopping();
	if (!stopping)
		return std::nullopt;
	// The process may end without this session's destructor while a verify runs: nothing is
	// left to serve.
	if (scheduler_.stop(stopping->why, control_.get())) {
		control_.reset();
		stats_server_.reset();
		metrics_.reset();
		watcher_.reset();
	}
	return ExitCode::ok;
}

bool Session::verify_still_running() const { return scheduler_.verify_still_running(); }

SwapOutcome Session::reload(const std::string &trigger) { return offer(scheduler_.profile().profile.path, trigger); }

SwapOutcome Session::offer(const std::string &path, const std::string &trigger)
{
	return scheduler_.offer(path, trigger, control_.get());
}

std::optional<ControlReply> Session::answer(const ControlRequest &request, uint64_t ticket)
{
	switch (request.command) {
	case ControlRequest::Command::ping: return ControlReply::success().set("pid", ::getpid());
	case ControlRequest::Command::status: return scheduler_.status(Clock::now());
	case ControlRequest::Command::stats: return scheduler_.stats_reply();
	case ControlRequest::Command::switch_profile: {
		const SwapOutcome outcome = offer(request.profile_path, "switch");
		if (!outcome.in_progress)
			return outcome.reply(scheduler_.profile());
		scheduler_.answer_later(ticket);
		return std::nullopt;
	}
	}
	return ControlReply::failure("unknown request");
}

} // namespace scxr
