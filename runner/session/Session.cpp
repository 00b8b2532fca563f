// SPDX-License-Identifier: GPL-2.0-only
#include "session/Session.hpp"

#include "control/ControlServer.hpp"
#include "output/ErrorPrinter.hpp"
#include "session/FileWatcher.hpp"
#include "kernel/KernelProbe.hpp"
#include "kernel/LibbpfLog.hpp"
#include "kernel/LoadDiagnosis.hpp"
#include "plugin/PluginInstance.hpp"
#include "profile/ProfileResolver.hpp"
#include "base/RunnerError.hpp"
#include "session/SignalFd.hpp"
#include "output/StatsFormatter.hpp"
#include "session/SwapDecision.hpp"
#include "session/SwapInProgress.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
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

std::string seconds_text(Clock::duration duration)
{
	return fmt::format("{:.1f} s", std::chrono::duration<double>(duration).count());
}

int64_t whole_seconds(Clock::duration duration)
{
	return std::chrono::duration_cast<std::chrono::seconds>(duration).count();
}

// The plugin's version, and where it came from, for the log: "simple 1.0.0 (/usr/lib/...)".
std::string plugin_text(const PluginLibrary &plugin)
{
	return fmt::format("{} {} ({})", plugin.id(), plugin.version(), plugin.path().string());
}

} // namespace

Session::Session(const ProfileResolver &resolver, ResolvedProfile initial, SessionSettings settings,
		 const KernelProbe &kernel, LibbpfLog &libbpf_log, SignalFd &signals, std::ostream &out,
		 std::ostream &err)
	: resolver_(resolver), current_(std::move(initial)), settings_(std::move(settings)), kernel_(kernel),
	  libbpf_log_(libbpf_log), signals_(signals), out_(out), err_(err), policy_(current_.restart_settings()),
	  started_(Clock::now())
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
	if (settings_.watch)
		watch_current_profile();
}

Session::~Session() = default;

void Session::watch_current_profile()
{
	if (watcher_ && watcher_->file() == current_.profile.path)
		return;
	try {
		watcher_ = std::make_unique<FileWatcher>(current_.profile.path);
		spdlog::debug("watching {} for changes", current_.profile.path);
	} catch (const RunnerError &error) {
		watcher_.reset();
		spdlog::warn("--watch: {}; send SIGHUP to reload instead", error.what());
	}
}

BackgroundVerify::Work Session::verify_work(const ResolvedProfile &resolved) const
{
	// Copies, not references to the session's state: a background verify runs while the loop
	// goes on. The libbpf log outlives every session and is safe to share between threads.
	return [plugin = resolved.plugin, options = resolved.options, &libbpf_log = libbpf_log_,
		&kernel = kernel_, kernel_release = kernel_.kernel_release(), full_log = settings_.full_verifier_log] {
		auto instance = std::make_unique<PluginInstance>(plugin);
		instance->configure(options);
		LibbpfLog::Capture capture(libbpf_log);
		try {
			instance->load();
		} catch (const RunnerError &error) {
			// A kernel that lacks what the plugin declares explains the failure best (exit 8,
			// naming what is missing); only a failed load pays for parsing the kernel's BTF.
			kernel.check_requirements(*plugin);
			throw LoadDiagnosis::analyse(capture.text()).explain(error, instance->id(), kernel_release, full_log);
		}
		return instance;
	};
}

std::unique_ptr<PluginInstance> Session::prepare(const ResolvedProfile &resolved)
{
	// With --log-level debug, this line's timestamp against the process start is the runner's
	// own start-up cost (issue 12: at most 50 ms under emulation).
	spdlog::debug("{}: creating, configuring and loading the scheduler", resolved.plugin->id());
	const auto load_started = Clock::now();
	std::unique_ptr<PluginInstance> instance = verify_work(resolved)();
	spdlog::info("{}: loaded and verified in {} ms", instance->id(),
		     std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - load_started).count());
	return instance;
}

bool Session::start_current()
{
	std::unique_ptr<PluginInstance> instance = prepare(current_);
	// A load takes seconds for a large scheduler; a stop asked for meanwhile must not be
	// answered by attaching first.
	take_signals();
	if (stop_signal_) {
		spdlog::info("{}: received SIG{} before attaching; not attaching", instance->id(),
			     sigabbrev_np(*stop_signal_));
		return false;
	}
	// Attach failures are explained by the plugin (busy, refused); what libbpf says about
	// them is in the debug log.
	instance->attach();
	instance_ = std::move(instance);
	spdlog::info("{}: attached", instance_->id());
	attached(Clock::now());
	return true;
}

void Session::attached(Clock::time_point now)
{
	attached_at_ = now;
	policy_.on_attached(now);
	next_poll_ = now + settings_.poll_interval.to_chrono();
	next_stats_ = now + current_.runner.effective_stats_interval().to_chrono();
}

void Session::adopt(ResolvedProfile resolved)
{
	const bool new_path = resolved.profile.path != current_.profile.path;
	current_ = std::move(resolved);
	// A changed profile is a new policy: its backoff and budget start afresh.
	policy_ = RestartPolicy(current_.restart_settings());
	if (instance_)
		policy_.on_attached(attached_at_);
	if (new_path && settings_.watch)
		watch_current_profile();
}

void Session::print_stats()
{
	const std::vector<StatSample> samples = instance_->stats();
	out_ << StatsFormatter(current_.runner.effective_stats_format())
			.format(std::chrono::system_clock::now(), instance_->id(), samples)
	     << '\n';
	out_.flush();
}

void Session::print_live_dump()
{
	if (!instance_) {
		spdlog::info("SIGUSR1: no scheduler is attached (a restart is pending); nothing to dump");
		return;
	}
	std::string text = instance_->dump();
	if (!text.empty() && text.back() != '\n')
		text += '\n';
	out_ << "--- LIVE DUMP " << instance_->id() << " ---\n" << text << "--- END LIVE DUMP ---\n";
	out_.flush();
}

void Session::report_exit(const SchedulerExit &exit)
{
	const std::string reason = exit.reason.empty() ? exit.kind_name() : exit.reason;
	err_ << "EXIT: " << reason;
	if (!exit.message.empty())
		err_ << " (" << exit.message << ")";
	err_ << '\n';
	if (!exit.dump.empty()) {
		err_ << "--- DEBUG DUMP ---\n" << exit.dump;
		if (exit.dump.back() != '\n')
			err_ << '\n';
		err_ << "--- END DEBUG DUMP ---\n";
	}
	err_.flush();
}

void Session::take_signals()
{
	for (int signal : signals_.wait(std::chrono::milliseconds(0))) {
		switch (signal) {
		case SIGINT:
		case SIGTERM:
			if (!stop_signal_)
				stop_signal_ = signal;
			break;
		case SIGUSR1: print_live_dump(); break;
		case SIGHUP: reload_trigger_ = "SIGHUP"; break;
		default: spdlog::debug("ignoring signal {}", signal);
		}
	}
}

void Session::wait_until(Clock::time_point wake)
{
	std::vector<pollfd> descriptors{{signals_.fd(), POLLIN, 0}};
	if (control_) {
		descriptors.push_back({control_->fd(), POLLIN, 0});
		if (auto deadline = control_->time_until_deadline(Clock::now()))
			wake = std::min(wake, Clock::now() + *deadline);
	}
	if (swap_in_progress_)
		descriptors.push_back({swap_in_progress_->verify->fd(), POLLIN, 0});
	if (watcher_) {
		descriptors.push_back({watcher_->fd(), POLLIN, 0});
		if (auto due = watcher_->time_until_due(Clock::now()))
			wake = std::min(wake, Clock::now() + *due);
	}
	const int timeout = milliseconds_until(wake, Clock::now());
	if (::poll(descriptors.data(), descriptors.size(), timeout) < 0 && errno != EINTR)
		spdlog::warn("waiting for events failed: {}", std::strerror(errno));
}

ExitCode Session::run()
{
	started_ = Clock::now();
	spdlog::info("{}: running plugin {}", current_.profile.path, plugin_text(*current_.plugin));
	// The instance is destroyed (and so detached) on every way out of this function, also
	// when an exception passes through: no scheduler stays attached behind the runner's back.
	if (!start_current())
		return ExitCode::ok;
	// --duration counts from the attach: a verify can take longer than the whole duration
	// under emulation, and the user asked for that long with the scheduler running.
	const Clock::time_point deadline =
		settings_.run_for ? Clock::now() + settings_.run_for->to_chrono() : Clock::time_point::max();

	for (;;) {
		const bool stats_enabled = !current_.runner.effective_stats_interval().is_zero();
		Clock::time_point wake = deadline;
		// While a swap verifies, the old scheduler's exit is looked at when the swap ends.
		if (instance_ && !swap_in_progress_) {
			wake = std::min(wake, next_poll_);
			if (stats_enabled)
				wake = std::min(wake, next_stats_);
		}
		if (restart_at_)
			wake = std::min(wake, *restart_at_);
		wait_until(wake);

		take_signals();
		if (control_ && !stop_signal_)
			control_->service(Clock::now());
		if (watcher_ && watcher_->changed(Clock::now()) && !reload_trigger_)
			reload_trigger_ = fmt::format("{} changed on disk", current_.profile.path);
		if (swap_in_progress_ && swap_in_progress_->verify->finished() && !stop_signal_)
			finish_swap_in_progress();
		// A reload asked for during a swap waits for its end (then it compares with the new
		// scheduler).
		if (reload_trigger_ && !stop_signal_ && !finished_ && !swap_in_progress_) {
			const std::string trigger = std::move(*reload_trigger_);
			reload_trigger_.reset();
			reload(trigger);
		}
		if (stop_signal_) {
			if (swap_in_progress_) {
				stop_during_swap(fmt::format("received SIG{}", sigabbrev_np(*stop_signal_)));
				return ExitCode::ok;
			}
			if (instance_) {
				spdlog::info("{}: received SIG{}, detaching", instance_->id(), sigabbrev_np(*stop_signal_));
				instance_->detach();
			} else {
				spdlog::info("received SIG{} while a restart was pending; exiting", sigabbrev_np(*stop_signal_));
			}
			return ExitCode::ok;
		}
		if (finished_)
			return *finished_;

		if (restart_at_ && Clock::now() >= *restart_at_)
			restart_now();
		if (finished_)
			return *finished_;

		if (instance_ && !swap_in_progress_ && Clock::now() >= next_poll_) {
			next_poll_ = Clock::now() + settings_.poll_interval.to_chrono();
			if (std::optional<SchedulerExit> exit = instance_->poll())
				handle_exit(*exit);
			if (finished_)
				return *finished_;
		}
		if (Clock::now() >= deadline) {
			if (swap_in_progress_) {
				stop_during_swap(fmt::format("--duration of {} elapsed", settings_.run_for->to_string()));
				return ExitCode::ok;
			}
			if (instance_) {
				spdlog::info("{}: --duration of {} elapsed, detaching", instance_->id(),
					     settings_.run_for->to_string());
				instance_->detach();
			} else {
				spdlog::info("--duration of {} elapsed while a restart was pending; exiting",
					     settings_.run_for->to_string());
			}
			return ExitCode::ok;
		}
		if (instance_ && stats_enabled && Clock::now() >= next_stats_) {
			print_stats();
			// Keep the cadence, but never try to catch up on missed intervals.
			next_stats_ = std::max(next_stats_ + current_.runner.effective_stats_interval().to_chrono(),
					       Clock::now());
		}
		if (instance_ && policy_.on_running(Clock::now()))
			spdlog::info("{}: healthy for {}; the restart delay is back to {}", instance_->id(),
				     policy_.healthy_after().to_string(), policy_.settings().initial_delay.to_string());
	}
}

void Session::handle_exit(const SchedulerExit &exit)
{
	const std::string id = instance_->id();
	instance_->detach();
	spdlog::log(exit.is_error() ? spdlog::level::err : spdlog::level::info,
		    "{}: the scheduler exited: {} (kind {}, exit code {:#x})", id, exit.kind_name(), exit.kind,
		    static_cast<uint64_t>(exit.exit_code));
	report_exit(exit);
	// Its programs stay loaded until the instance goes; a restart loads them afresh.
	instance_.reset();
	if (exit.restart_requested()) {
		spdlog::info("{}: the scheduler asked for a restart", id);
		apply(policy_.on_restart_request(Clock::now()), exit.is_error(), id);
		return;
	}
	if (!exit.is_error()) {
		finished_ = ExitCode::ok;
		return;
	}
	apply(policy_.on_error_exit(Clock::now()), true, id);
}

void Session::apply(const RestartPolicy::Decision &decision, bool error_exit, const std::string &id)
{
	switch (decision.action) {
	case RestartPolicy::Decision::Action::restart:
		spdlog::warn("{}: {}", id, decision.explanation);
		restart_at_ = decision.restart_at;
		return;
	case RestartPolicy::Decision::Action::fall_back:
		spdlog::warn("{}: {}", id, decision.explanation);
		fall_back(decision.fallback_profile);
		return;
	case RestartPolicy::Decision::Action::give_up:
		spdlog::log(error_exit ? spdlog::level::err : spdlog::level::warn, "{}: {}", id, decision.explanation);
		finished_ = error_exit ? ExitCode::scheduler_error_exit : ExitCode::ok;
		return;
	}
}

void Session::restart_now()
{
	restart_at_.reset();
	++restarts_;
	const std::string id = current_.plugin->id();
	spdlog::info("{}: restarting (restart {} of this run)", id, restarts_);
	try {
		if (!start_current())
			finished_ = ExitCode::ok; // stopped during the load; the loop exits
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_, "restart: ");
		apply(policy_.on_error_exit(Clock::now()), true, id);
	}
}

void Session::fall_back(const std::filesystem::path &profile)
{
	try {
		ResolvedProfile fallback = resolver_.resolve(profile.string(), &current_, true);
		spdlog::warn("falling back to {}: plugin {}", fallback.profile.path, plugin_text(*fallback.plugin));
		adopt(std::move(fallback));
		if (!start_current())
			finished_ = ExitCode::ok;
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_, "fallback: ");
		spdlog::error("the fallback profile {} did not start; giving up", profile.string());
		finished_ = ExitCode::scheduler_error_exit;
	}
}

SwapOutcome Session::reload(const std::string &trigger) { return offer(current_.profile.path, trigger); }

SwapOutcome Session::offer(const std::string &path, const std::string &trigger)
{
	const std::string running = instance_ ? instance_->id() : std::string("nothing");
	if (swap_in_progress_) {
		SwapOutcome outcome;
		outcome.message = fmt::format("busy, {}; try again when it is done", swap_in_progress_->describe(Clock::now()));
		spdlog::warn("{}: {}", trigger, outcome.message);
		return outcome;
	}
	spdlog::info("{}: reading {}", trigger, path);
	ResolvedProfile candidate;
	try {
		candidate = resolver_.resolve(path, &current_, true);
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_, trigger + ": ");
		SwapOutcome outcome;
		outcome.message = fmt::format("{} is not usable, {} keeps running: {}", path, running,
					      ErrorPrinter::summary(error));
		spdlog::warn("{}: {} is not usable; {} keeps running", trigger, path, running);
		++failed_swaps_;
		return outcome;
	}

	if (!instance_) {
		// Nothing runs (a restart is pending): the new profile starts now, in its place.
		SwapOutcome outcome;
		spdlog::info("{}: no scheduler is attached; starting {} now", trigger, plugin_text(*candidate.plugin));
		restart_at_.reset();
		adopt(std::move(candidate));
		try {
			if (!start_current()) {
				finished_ = ExitCode::ok;
				outcome.message = "stopped by a signal before attaching";
				return outcome;
			}
		} catch (const RunnerError &error) {
			ErrorPrinter::print(error, err_, trigger + ": ");
			apply(policy_.on_error_exit(Clock::now()), true, current_.plugin->id());
			outcome.message = fmt::format("starting {} failed: {}", current_.plugin->id(), error.what());
			return outcome;
		}
		outcome.ok = true;
		outcome.swapped = true;
		outcome.message = fmt::format("started {}", current_.plugin->id());
		return outcome;
	}

	const SwapDecision decision = SwapDecision::between(current_, candidate);
	if (!decision.swap) {
		SwapOutcome outcome;
		outcome.ok = true;
		outcome.message = fmt::format("{} keeps running: {}", instance_->id(), decision.explanation());
		spdlog::info("{}: {}", trigger, outcome.message);
		adopt(std::move(candidate));
		return outcome;
	}
	spdlog::info("{}: swapping {} -> {} ({} swap): {}", trigger, instance_->id(), candidate.plugin->id(),
		     swap_mode_name(settings_.swap_mode), decision.explanation());
	return swap(std::move(candidate), trigger);
}

SwapOutcome Session::swap(ResolvedProfile candidate, const std::string &trigger)
{
	SwapOutcome outcome = settings_.swap_mode == SwapMode::pre_verified
				      ? start_pre_verified(std::move(candidate), trigger)
				      : swap_stop_start(std::move(candidate), trigger);
	if (!outcome.ok)
		++failed_swaps_;
	return outcome;
}

SwapOutcome Session::start_pre_verified(ResolvedProfile candidate, const std::string &trigger)
{
	// Everything that can fail slowly or for a reason in the new profile happens on the
	// worker, while the old scheduler keeps the machine scheduled and the loop keeps answering.
	SwapOutcome outcome;
	try {
		auto verify = std::make_unique<BackgroundVerify>(verify_work(candidate));
		swap_in_progress_ = std::make_unique<SwapInProgress>(
			SwapInProgress{std::move(candidate), trigger, std::move(verify), {}});
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_, fmt::format("{}: preparing {}: ", trigger, candidate.plugin->id()));
		outcome.message = fmt::format("{} could not be verified, {} keeps running: {}", candidate.plugin->id(),
					      instance_->id(), error.what());
		spdlog::warn("swap: {}", outcome.message);
		return outcome;
	}
	outcome.ok = true;
	outcome.in_progress = true;
	outcome.message = swap_in_progress_->describe(Clock::now());
	return outcome;
}

void Session::finish_swap_in_progress()
{
	const std::unique_ptr<SwapInProgress> swap = std::move(swap_in_progress_);
	const std::string new_id = swap->candidate.plugin->id();
	const Clock::duration verify = swap->verify->elapsed(Clock::now());
	SwapOutcome outcome;
	std::unique_ptr<PluginInstance> fresh;
	try {
		fresh = swap->verify->take();
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_, fmt::format("{}: preparing {}: ", swap->trigger, new_id));
		outcome.message = fmt::format("{} failed before the swap, {} keeps running: {}", new_id, instance_->id(),
					      error.what());
		spdlog::warn("swap: {}", outcome.message);
	}
	if (fresh) {
		spdlog::info("{}: loaded and verified in {} ms", new_id,
			     std::chrono::duration_cast<std::chrono::milliseconds>(verify).count());
		outcome = swap_pre_verified(std::move(swap->candidate), swap->trigger, std::move(fresh), verify);
	}
	if (!outcome.ok)
		++failed_swaps_;
	swap->answer_waiting_clients(control_.get(), switch_reply(outcome));
}

void Session::stop_during_swap(const std::string &why)
{
	const std::string new_id = swap_in_progress_->candidate.plugin->id();
	const std::string old_id = instance_ ? instance_->id() : std::string("nothing");
	// The old scheduler goes at once: a stop must not wait for a verify that libbpf cannot
	// interrupt, and the new scheduler is never attached.
	if (instance_) {
		instance_->detach();
		instance_.reset();
	}
	swap_in_progress_->answer_waiting_clients(
		control_.get(), ControlReply::failure(fmt::format(
					"{} while {} verified: {} is detached, nothing is attached, the runner stops", why,
					new_id, old_id)));
	if (swap_in_progress_->verify->finished()) {
		spdlog::info("{} while {} verified: detached {}; {} is not attached", why, new_id, old_id, new_id);
		swap_in_progress_.reset();
		return;
	}
	spdlog::info("{} while {} verified: detached {} at once; not waiting for the verify ({} is never attached)",
		     why, new_id, old_id, new_id);
	// The process may now end without this session's destructor: nothing else to serve.
	control_.reset();
	watcher_.reset();
}

bool Session::verify_still_running() const { return swap_in_progress_ && !swap_in_progress_->verify->finished(); }

SwapOutcome Session::swap_pre_verified(ResolvedProfile candidate, const std::string &trigger,
				       std::unique_ptr<PluginInstance> fresh, Clock::duration verify)
{
	const std::string old_id = instance_->id();
	SwapOutcome outcome;

	// The old scheduler may have ended by itself while the new one verified.
	if (std::optional<SchedulerExit> exit = instance_->poll()) {
		spdlog::warn("{}: the scheduler exited while its successor verified: {} (kind {})", old_id,
			     exit->kind_name(), exit->kind);
		report_exit(*exit);
	}

	const auto detach_started = Clock::now();
	gap_clock_.detaching(detach_started);
	instance_->detach();
	const auto attach_started = Clock::now();
	try {
		fresh->attach();
		spdlog::debug("swap: detaching {} took {}, attaching {} took {}", old_id,
			      SwapGapClock::format(attach_started - detach_started), candidate.plugin->id(),
			      SwapGapClock::format(Clock::now() - attach_started));
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_, fmt::format("{}: attaching {}: ", trigger, candidate.plugin->id()));
		try {
			instance_->attach();
		} catch (const RunnerError &again) {
			ErrorPrinter::print(again, err_, fmt::format("{}: re-attaching {}: ", trigger, old_id));
			lost_both(fmt::format("attaching {} failed and re-attaching {} failed too", candidate.plugin->id(),
					      old_id));
			outcome.message = fmt::format("attaching {} failed ({}) and re-attaching {} failed too ({})",
						      candidate.plugin->id(), error.what(), old_id, again.what());
			return outcome;
		}
		const Clock::duration gap = gap_clock_.attached(Clock::now()).value_or(Clock::duration::zero());
		attached(Clock::now());
		outcome.gap = gap;
		outcome.message = fmt::format("attaching {} failed, {} is attached again (gap {}): {}", candidate.plugin->id(),
					      old_id, SwapGapClock::format(gap), error.what());
		spdlog::warn("swap: {}", outcome.message);
		return outcome;
	}
	const Clock::duration gap = gap_clock_.attached(Clock::now()).value_or(Clock::duration::zero());
	return finish_swap(std::move(candidate), std::move(fresh), gap, verify, true);
}

SwapOutcome Session::swap_stop_start(ResolvedProfile candidate, const std::string &trigger)
{
	const std::string old_id = instance_->id();
	SwapOutcome outcome;

	gap_clock_.detaching(Clock::now());
	instance_->detach();
	instance_.reset();
	const auto verify_started = Clock::now();
	try {
		std::unique_ptr<PluginInstance> fresh = prepare(candidate);
		const Clock::duration verify = Clock::now() - verify_started;
		fresh->attach();
		const Clock::duration gap = gap_clock_.attached(Clock::now()).value_or(Clock::duration::zero());
		return finish_swap(std::move(candidate), std::move(fresh), gap, verify, false);
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_, fmt::format("{}: starting {}: ", trigger, candidate.plugin->id()));
		try {
			instance_ = prepare(current_);
			instance_->attach();
		} catch (const RunnerError &again) {
			instance_.reset();
			ErrorPrinter::print(again, err_, fmt::format("{}: restarting {}: ", trigger, old_id));
			lost_both(fmt::format("starting {} failed and restarting {} failed too", candidate.plugin->id(),
					      old_id));
			outcome.message = fmt::format("starting {} failed ({}) and restarting {} failed too ({})",
						      candidate.plugin->id(), error.what(), old_id, again.what());
			return outcome;
		}
		const Clock::duration gap = gap_clock_.attached(Clock::now()).value_or(Clock::duration::zero());
		attached(Clock::now());
		outcome.gap = gap;
		outcome.message = fmt::format("starting {} failed, {} is attached again (gap {}): {}", candidate.plugin->id(),
					      old_id, SwapGapClock::format(gap), error.what());
		spdlog::warn("swap: {}", outcome.message);
		return outcome;
	}
}

SwapOutcome Session::finish_swap(ResolvedProfile candidate, std::unique_ptr<PluginInstance> fresh,
				 Clock::duration gap, Clock::duration verify, bool verified_while_running)
{
	const std::string old_id = current_.plugin->id();
	const std::string old_version = current_.plugin->version();
	const std::string new_id = candidate.plugin->id();
	SwapOutcome outcome;
	outcome.ok = true;
	outcome.swapped = true;
	outcome.gap = gap;
	outcome.message = fmt::format("{} -> {}, gap {} ({})", old_id, new_id, SwapGapClock::format(gap),
				      verified_while_running
					      ? fmt::format("verify {} done while {} ran", seconds_text(verify), old_id)
					      : fmt::format("stop-start: verify {} done while no scheduler ran",
							    seconds_text(verify)));
	spdlog::info("swap: {}", outcome.message);
	if (old_id == new_id && old_version != candidate.plugin->version())
		spdlog::info("{}: plugin version {} -> {} ({})", new_id, old_version, candidate.plugin->version(),
			     candidate.plugin->path().string());
	else if (old_id != new_id)
		spdlog::info("{}: running plugin {}", candidate.profile.path, plugin_text(*candidate.plugin));
	++swaps_;
	// The old instance goes first, then (in adopt) the last reference to its plugin image.
	instance_ = std::move(fresh);
	adopt(std::move(candidate));
	attached(Clock::now());
	return outcome;
}

void Session::lost_both(const std::string &why)
{
	gap_clock_.abandoned();
	instance_.reset();
	spdlog::error("swap: {}; no sched_ext scheduler is attached", why);
	apply(policy_.on_error_exit(Clock::now()), true, current_.plugin->id());
}

ControlReply Session::status_reply() const
{
	const Clock::time_point now = Clock::now();
	ControlReply reply = ControlReply::success();
	reply.set("pid", ::getpid());
	reply.set("profile", current_.profile.path);
	reply.set("plugin", current_.plugin->id());
	reply.set("version", current_.plugin->version());
	reply.set("plugin_file", current_.plugin->path().string());
	reply.set("state", instance_ ? "attached" : "restart pending");
	ControlReply::Object options;
	const OptionSchema schema = current_.plugin->schema();
	for (const OptionSettings::Setting &setting : current_.options.settings())
		options.emplace_back(setting.name, OptionSettings::format(setting, schema));
	reply.set("options", std::move(options));
	reply.set("uptime_seconds", whole_seconds(now - started_));
	if (instance_)
		reply.set("attached_seconds", whole_seconds(now - attached_at_));
	reply.set("swaps", swaps_);
	reply.set("failed_swaps", failed_swaps_);
	reply.set("restarts", restarts_);
	reply.set("swap_mode", std::string(swap_mode_name(settings_.swap_mode)));
	if (const auto gap = gap_clock_.last_gap())
		reply.set("last_gap", SwapGapClock::format(*gap));
	if (swap_in_progress_) {
		reply.set("verifying", swap_in_progress_->candidate.plugin->id());
		reply.set("swap", swap_in_progress_->describe(now));
	}
	return reply;
}

std::optional<ControlReply> Session::answer(const ControlRequest &request, uint64_t ticket)
{
	switch (request.command) {
	case ControlRequest::Command::ping: return ControlReply::success().set("pid", ::getpid());
	case ControlRequest::Command::status: return status_reply();
	case ControlRequest::Command::switch_profile: {
		const SwapOutcome outcome = offer(request.profile_path, "switch");
		if (!outcome.in_progress)
			return switch_reply(outcome);
		swap_in_progress_->waiting_clients.push_back(ticket);
		return std::nullopt;
	}
	}
	return ControlReply::failure("unknown request");
}

ControlReply Session::switch_reply(const SwapOutcome &outcome) const
{
	if (!outcome.ok)
		return ControlReply::failure(outcome.message);
	ControlReply reply = ControlReply::success();
	reply.set("message", outcome.message);
	reply.set("swapped", outcome.swapped);
	reply.set("profile", current_.profile.path);
	reply.set("plugin", current_.plugin->id());
	reply.set("version", current_.plugin->version());
	if (outcome.gap)
		reply.set("gap", SwapGapClock::format(*outcome.gap));
	return reply;
}

} // namespace scxr
