// SPDX-License-Identifier: GPL-2.0-only
#include "session/ActiveScheduler.hpp"

#include "base/RunnerError.hpp"
#include "control/StatsSnapshotJson.hpp"
#include "kernel/KernelProbe.hpp"
#include "kernel/SchedExtNode.hpp"
#include "output/ErrorPrinter.hpp"
#include "output/ExitReportPrinter.hpp"
#include "output/LiveDumpPrinter.hpp"
#include "output/StatsPrinter.hpp"
#include "plugin/PluginInstance.hpp"
#include "profile/ProfileResolver.hpp"
#include "session/PluginText.hpp"
#include "session/Swap.hpp"
#include "session/SwapDecision.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace scxr {

ActiveScheduler::ActiveScheduler(const ProfileResolver &resolver, ResolvedProfile initial, const SessionSettings &settings,
				 const KernelProbe &kernel, LibbpfLog &libbpf_log, LoopState &state,
				 std::function<void()> read_signals, std::ostream &out, std::ostream &err)
	: resolver_(resolver), kernel_(kernel), current_(std::move(initial)), settings_(settings),
	  loader_(kernel, libbpf_log, settings.full_verifier_log), state_(state), read_signals_(std::move(read_signals)),
	  out_(out), err_(err), stats_printer_(out), policy_(current_.root.restart_settings()), status_(Clock::now())
{
}

ActiveScheduler::~ActiveScheduler() = default;

bool ActiveScheduler::start()
{
	status_.started(Clock::now());
	spdlog::info("{}: running plugin {}", current_.profile.path, plugin_text(*current_.root.plugin));
	return start_current();
}

bool ActiveScheduler::start_current()
{
	std::unique_ptr<PluginInstance> instance = loader_.load(current_.root);
	// A load takes seconds for a large scheduler; a stop asked for meanwhile must not be
	// answered by attaching first.
	read_signals_();
	if (const LoopState::Stopping *stopping = state_.stopping()) {
		spdlog::info("{}: {} before attaching; not attaching", instance->id(), stopping->why);
		return false;
	}
	// Attach failures are explained by the plugin (busy, refused); what libbpf says about
	// them is in the debug log.
	instance->attach();
	instance_ = std::move(instance);
	spdlog::info("{}: attached", instance_->id());
	attached(Clock::now());
	start_children();
	return true;
}

void ActiveScheduler::start_children()
{
	children_.clear();
	for (const ResolvedNode &child : current_.root.children)
		children_.push_back(std::make_unique<ChildScheduler>(child, loader_, err_));
	ChildScheduler::start_all(children_, Clock::now());
}

void ActiveScheduler::stop_children(const std::string &why)
{
	ChildScheduler::stop_all(children_, why);
	children_.clear();
}

void ActiveScheduler::child_exit_event_fds(std::vector<int> &fds) const
{
	if (!state_.running() || !instance_)
		return;
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		child->exit_event_fds(fds);
}

void ActiveScheduler::attached(Clock::time_point now)
{
	state_.run();
	status_.attached(now);
	// Another instance, or one re-attached: its counters are not compared with what came before.
	stats_printer_.forget();
	policy_.on_attached(now);
	next_poll_ = now + settings_.poll_interval.to_chrono();
	next_stats_ = now + current_.runner.effective_stats_interval().to_chrono();
}

void ActiveScheduler::adopt(ResolvedProfile resolved)
{
	current_ = std::move(resolved);
	// A changed profile is a new policy: its backoff and budget start afresh.
	policy_ = RestartPolicy(current_.root.restart_settings());
	if (instance_)
		policy_.on_attached(status_.attached_at());
}

ActiveScheduler::Clock::time_point ActiveScheduler::next_wake(Clock::time_point deadline) const
{
	Clock::time_point wake = deadline;
	// While a swap verifies, the old scheduler's exit is looked at when the swap ends.
	if (instance_ && !swap_) {
		// With an exit event the loop wakes on its descriptor instead: no timer while idle.
		const bool children_need_timer =
			std::any_of(children_.begin(), children_.end(),
				    [](const std::unique_ptr<ChildScheduler> &child) { return child->needs_poll_timer(); });
		if (exit_event_fd() < 0 || children_need_timer)
			wake = std::min(wake, next_poll_);
		for (const std::unique_ptr<ChildScheduler> &child : children_)
			wake = child->next_wake(wake);
		if (!current_.runner.effective_stats_interval().is_zero())
			wake = std::min(wake, next_stats_);
	}
	if (const LoopState::RestartPending *pending = state_.restart_pending())
		wake = std::min(wake, pending->at);
	return wake;
}

int ActiveScheduler::verify_fd() const { return swap_ ? swap_->fd() : -1; }

int ActiveScheduler::exit_event_fd() const
{
	if (!state_.running() || !instance_ || swap_ || !instance_->attached())
		return -1;
	return instance_->exit_event_fd();
}

bool ActiveScheduler::verify_still_running() const { return swap_ && !swap_->verify_ended(); }

void ActiveScheduler::restart_if_due()
{
	const LoopState::RestartPending *pending = state_.restart_pending();
	if (!pending || Clock::now() < pending->at)
		return;
	const std::string id = current_.root.plugin->id();
	spdlog::info("{}: restarting (restart {} of this run)", id, status_.restarting());
	try {
		if (!start_current())
			state_.finish(ExitCode::ok); // stopped during the load
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_, "restart: ");
		apply(policy_.on_error_exit(Clock::now()), true, id);
	}
}

void ActiveScheduler::poll_if_due()
{
	if (!state_.running() || !instance_)
		return;
	// With an exit event, every turn of the loop looks (a turn happens only when something
	// woke it, and poll() only reads memory); without one, the timer says when.
	const Clock::time_point now = Clock::now();
	const bool timer_due = now >= next_poll_;
	if (timer_due)
		next_poll_ = now + settings_.poll_interval.to_chrono();
	// While a swap verifies, the old root's exit is looked at when the swap ends.
	if (!swap_ && (exit_event_fd() >= 0 || timer_due)) {
		if (std::optional<SchedulerExit> exit = instance_->poll()) {
			handle_exit(*exit);
			return;
		}
	}
	// A child's exit or restart is its own; the root goes on whatever happens below it.
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		child->service(now, timer_due);
}

void ActiveScheduler::print_stats_if_due()
{
	const Duration interval = current_.runner.effective_stats_interval();
	if (!instance_ || interval.is_zero() || Clock::now() < next_stats_)
		return;
	// One reading kept from tick to tick and refreshed in place: an idle runner's CPU time is
	// mostly these ticks, and each fresh reading copied every stat's name and help text.
	stats_reading_.when = std::chrono::system_clock::now();
	stats_reading_.plugin_id = instance_->id();
	instance_->refresh_stats(stats_reading_.samples);
	stats_printer_.print(current_.runner.effective_stats_format(), stats_reading_, Clock::now());
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		child->print_stats(stats_printer_, current_.runner.effective_stats_format(), Clock::now());
	// Keep the cadence, but never try to catch up on missed intervals.
	next_stats_ = std::max(next_stats_ + interval.to_chrono(), Clock::now());
}

RunnerCounters ActiveScheduler::runner_counters(Clock::time_point now) const
{
	RunnerCounters counters = status_.counters(instance_ != nullptr, gap_clock_, now);
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		child->add_restarts(counters.child_restarts);
	return counters;
}

std::optional<StatsSnapshot> ActiveScheduler::stats_snapshot()
{
	if (!instance_)
		return std::nullopt;
	StatsSnapshot::Node node;
	node.plugin_id = instance_->id();
	node.plugin_description = instance_->library().description();
	node.samples = instance_->stats();
	// After the reading: a 1.0 plugin's schema is learnt from it.
	node.schema = instance_->stat_schema().stats();
	// A root below another scheduler's cgroup is somewhere under root/sub; only the machine's
	// root has a known ops file.
	if (current_.root.written.cgroup)
		node.cgroup = current_.root.cgroup_dir.string();
	else
		node.kernel_ops = kernel_.attached_scheduler();
	StatsSnapshot snapshot;
	snapshot.nodes.push_back(std::move(node));
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		child->add_stats(snapshot, SchedExtNode::root());
	return snapshot;
}

ControlReply ActiveScheduler::stats_reply()
{
	const std::optional<StatsSnapshot> snapshot = stats_snapshot();
	const Clock::time_point taken = Clock::now();
	ControlReply reply = status(taken);
	reply.set("kernel_state", kernel_.sched_ext_state());
	reply.set("monotonic_ns", std::chrono::duration_cast<std::chrono::nanoseconds>(taken.time_since_epoch()).count());
	reply.set("nodes", StatsSnapshotJson::write(snapshot.value_or(StatsSnapshot{})));
	return reply;
}

void ActiveScheduler::print_live_dump()
{
	if (!instance_) {
		spdlog::info("SIGUSR1: no scheduler is attached (a restart is pending); nothing to dump");
		return;
	}
	LiveDumpPrinter::print(out_, instance_->id(), instance_->dump());
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		child->print_live_dump(out_);
}

void ActiveScheduler::note_health()
{
	if (instance_ && policy_.on_running(Clock::now()))
		spdlog::info("{}: healthy for {}; the restart delay is back to {}", instance_->id(),
			     policy_.healthy_after().to_string(), policy_.settings().initial_delay.to_string());
}

void ActiveScheduler::handle_exit(const SchedulerExit &exit)
{
	const std::string id = instance_->id();
	// The kernel ejects the children of an exiting scheduler; their instances go first.
	stop_children(fmt::format("the root {} exited", id));
	instance_->detach();
	spdlog::log(exit.is_error() ? spdlog::level::err : spdlog::level::info,
		    "{}: the scheduler exited: {} (kind {}, exit code {:#x})", id, exit.kind_name(), exit.kind,
		    static_cast<uint64_t>(exit.exit_code));
	ExitReportPrinter::print(err_, exit);
	// Its programs stay loaded until the instance goes; a restart loads them afresh.
	instance_.reset();
	if (exit.restart_requested()) {
		spdlog::info("{}: the scheduler asked for a restart", id);
		apply(policy_.on_restart_request(Clock::now()), exit.is_error(), id);
		return;
	}
	if (!exit.is_error()) {
		state_.finish(ExitCode::ok);
		return;
	}
	apply(policy_.on_error_exit(Clock::now()), true, id);
}

void ActiveScheduler::apply(const RestartPolicy::Decision &decision, bool error_exit, const std::string &id)
{
	switch (decision.action) {
	case RestartPolicy::Decision::Action::restart:
		spdlog::warn("{}: {}", id, decision.explanation);
		state_.restart_at(decision.restart_at);
		return;
	case RestartPolicy::Decision::Action::fall_back:
		spdlog::warn("{}: {}", id, decision.explanation);
		fall_back(decision.fallback_profile);
		return;
	case RestartPolicy::Decision::Action::give_up:
		spdlog::log(error_exit ? spdlog::level::err : spdlog::level::warn, "{}: {}", id, decision.explanation);
		state_.finish(error_exit ? ExitCode::scheduler_error_exit : ExitCode::ok);
		return;
	}
}

void ActiveScheduler::fall_back(const std::filesystem::path &profile)
{
	try {
		ResolvedProfile fallback = resolver_.resolve(profile.string(), &current_, true);
		spdlog::warn("falling back to {}: plugin {}", fallback.profile.path, plugin_text(*fallback.root.plugin));
		adopt(std::move(fallback));
		if (!start_current())
			state_.finish(ExitCode::ok);
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_, "fallback: ");
		spdlog::error("the fallback profile {} did not start; giving up", profile.string());
		state_.finish(ExitCode::scheduler_error_exit);
	}
}

SwapOutcome ActiveScheduler::offer(const std::string &path, const std::string &trigger, ControlServer *control)
{
	SwapOutcome outcome;
	if (swap_) {
		outcome.message = fmt::format("busy, {}; try again when it is done", swap_->describe(Clock::now()));
		spdlog::warn("{}: {}", trigger, outcome.message);
		return outcome;
	}
	const std::string running = instance_ ? instance_->id() : std::string("nothing");
	spdlog::info("{}: reading {}", trigger, path);
	ResolvedProfile candidate;
	try {
		candidate = resolver_.resolve(path, &current_, true);
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_, trigger + ": ");
		outcome.message = fmt::format("{} is not usable, {} keeps running: {}", path, running,
					      ErrorPrinter::summary(error));
		spdlog::warn("{}: {} is not usable; {} keeps running", trigger, path, running);
		status_.swap_failed();
		return outcome;
	}
	if (!instance_)
		return start_instead(std::move(candidate), trigger);
	const SwapDecision decision = SwapDecision::between(current_, candidate);
	if (!decision.swap) {
		outcome.ok = true;
		outcome.message = fmt::format("{} keeps running: {}", running, decision.explanation());
		spdlog::info("{}: {}", trigger, outcome.message);
		adopt(std::move(candidate));
		ChildScheduler::reload(children_, current_.root.children, loader_, err_, Clock::now());
		return outcome;
	}
	spdlog::info("{}: swapping {} -> {} ({} swap): {}", trigger, running, candidate.root.plugin->id(),
		     swap_mode_name(settings_.swap_mode), decision.explanation());
	return start_swap(std::move(candidate), trigger, control);
}

SwapOutcome ActiveScheduler::start_instead(ResolvedProfile candidate, const std::string &trigger)
{
	// Nothing runs (a restart is pending): the new profile starts now, in its place.
	SwapOutcome outcome;
	spdlog::info("{}: no scheduler is attached; starting {} now", trigger, plugin_text(*candidate.root.plugin));
	adopt(std::move(candidate));
	try {
		if (!start_current()) {
			state_.finish(ExitCode::ok);
			outcome.message = "stopped by a signal before attaching";
			return outcome;
		}
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_, trigger + ": ");
		apply(policy_.on_error_exit(Clock::now()), true, current_.root.plugin->id());
		outcome.message = fmt::format("starting {} failed: {}", current_.root.plugin->id(), error.what());
		return outcome;
	}
	outcome.ok = true;
	outcome.swapped = true;
	outcome.message = fmt::format("started {}", current_.root.plugin->id());
	return outcome;
}

SwapOutcome ActiveScheduler::start_swap(ResolvedProfile candidate, const std::string &trigger,
					ControlServer *control)
{
	swap_ = std::make_unique<Swap>(std::move(candidate), trigger, settings_.swap_mode, loader_);
	if (!swap_->background())
		return finish_swap(control);
	SwapOutcome outcome;
	outcome.ok = true;
	outcome.in_progress = true;
	outcome.message = swap_->describe(Clock::now());
	return outcome;
}

void ActiveScheduler::finish_swap_if_verified(ControlServer *control)
{
	if (swap_ && swap_->verify_ended())
		finish_swap(control);
}

SwapOutcome ActiveScheduler::finish_swap(ControlServer *control)
{
	const std::unique_ptr<Swap> swap = std::move(swap_);
	// The kernel would eject the old root's children with it; they go first, and the
	// profile's children start again below whichever root is attached afterwards.
	bool children_stopped = false;
	const Swap::Result result = swap->finish(instance_, current_, gap_clock_, err_, [&] {
		stop_children(fmt::format("swapping the root {}", instance_->id()));
		children_stopped = true;
	});
	switch (result.end) {
	case Swap::End::kept: break;
	case Swap::End::swapped:
		status_.swapped();
		adopt(swap->take_candidate());
		attached(Clock::now());
		start_children();
		break;
	case Swap::End::rolled_back:
		attached(Clock::now());
		if (children_stopped)
			start_children();
		break;
	case Swap::End::lost_both: apply(policy_.on_error_exit(Clock::now()), true, current_.root.plugin->id()); break;
	}
	if (!result.outcome.ok)
		status_.swap_failed();
	swap->answer_waiting_clients(control, result.outcome.reply(current_));
	return result.outcome;
}

void ActiveScheduler::answer_later(uint64_t ticket) { swap_->answer_later(ticket); }

ControlReply ActiveScheduler::status(Clock::time_point now) const
{
	ControlReply reply = status_.reply(current_, instance_.get(), settings_.swap_mode, gap_clock_, swap_.get(), now);
	if (!children_.empty()) {
		ControlReply::Object nodes;
		for (const std::unique_ptr<ChildScheduler> &child : children_)
			child->add_status(nodes, SchedExtNode::root());
		reply.set("children", std::move(nodes));
	}
	return reply;
}

bool ActiveScheduler::stop(const std::string &why, ControlServer *control)
{
	stop_children(why);
	if (swap_) {
		if (swap_->abandon(why, instance_, control))
			return true;
		swap_.reset();
	} else if (instance_) {
		spdlog::info("{}: {}, detaching", instance_->id(), why);
		instance_->detach();
	} else {
		spdlog::info("{} while a restart was pending; exiting", why);
	}
	return false;
}

} // namespace scxr
