// SPDX-License-Identifier: GPL-2.0-only
#include "session/ChildScheduler.hpp"

#include "base/RunnerError.hpp"
#include "kernel/CgroupDirectory.hpp"
#include "kernel/SchedExtNode.hpp"
#include "output/ErrorPrinter.hpp"
#include "output/ExitReportPrinter.hpp"
#include "output/LiveDumpPrinter.hpp"
#include "plugin/PluginInstance.hpp"
#include "session/InstanceLoader.hpp"
#include "session/SwapDecision.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <utility>

namespace scxr {

namespace {

std::string node_name(const ResolvedNode &node)
{
	return node.written.cgroup ? node.written.cgroup->relative : node.cgroup_dir.string();
}

} // namespace

ChildScheduler::ChildScheduler(ResolvedNode node, const InstanceLoader &loader, std::ostream &err)
	: node_(std::move(node)), name_(node_name(node_)), loader_(loader), err_(err),
	  policy_(node_.restart_settings())
{
	for (ResolvedNode &child : node_.children)
		children_.push_back(std::make_unique<ChildScheduler>(std::move(child), loader_, err_));
	node_.children.clear();
}

ChildScheduler::~ChildScheduler() { stop("the runner lets it go"); }

void ChildScheduler::start(Clock::time_point now)
{
	// A node loads knowing how many children it hosts at first (place()).
	node_.children.resize(children_.size());
	const std::string id = node_.plugin->id();
	try {
		spdlog::info("{} ({}): loading a child scheduler for cgroup {}", id, name_, node_.cgroup_dir.string());
		std::unique_ptr<PluginInstance> instance = loader_.load(node_);
		node_.children.clear();
		instance->attach();
		attached(std::move(instance), now);
	} catch (const RunnerError &error) {
		node_.children.clear();
		ErrorPrinter::print(error, err_, fmt::format("{} ({}): ", id, name_));
		handle_failure(policy_.on_error_exit(now));
	}
}

void ChildScheduler::attached(std::unique_ptr<PluginInstance> instance, Clock::time_point now)
{
	instance_ = std::move(instance);
	state_ = State::attached;
	policy_.on_attached(now);
	spdlog::info("{} ({}): attached below its parent", instance_->id(), name_);
	start_all(children_, now);
}

void ChildScheduler::stop(const std::string &why)
{
	stop_all(children_, why);
	if (instance_) {
		spdlog::info("{} ({}): {}, detaching", instance_->id(), name_, why);
		instance_->detach();
		instance_.reset();
	}
	if (state_ == State::attached || state_ == State::restart_pending)
		state_ = State::stopped;
}

void ChildScheduler::start_all(Children &children, Clock::time_point now)
{
	for (const std::unique_ptr<ChildScheduler> &child : children)
		child->start(now);
}

void ChildScheduler::stop_all(Children &children, const std::string &why)
{
	for (auto child = children.rbegin(); child != children.rend(); ++child)
		(*child)->stop(why);
}

void ChildScheduler::service(Clock::time_point now, bool poll_due)
{
	if (state_ == State::restart_pending && now >= restart_at_) {
		++restarts_;
		spdlog::info("{} ({}): restarting (restart {} of this child)", node_.plugin->id(), name_, restarts_);
		start(now);
		return;
	}
	if (state_ != State::attached)
		return;
	const bool has_event = instance_->exit_event_fd() >= 0;
	if (has_event || poll_due) {
		if (std::optional<SchedulerExit> exit = instance_->poll()) {
			handle_exit(*exit, now);
			return;
		}
	}
	if (policy_.on_running(now))
		spdlog::info("{} ({}): healthy for {}; the restart delay is back to {}", instance_->id(), name_,
			     policy_.healthy_after().to_string(), policy_.settings().initial_delay.to_string());
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		child->service(now, poll_due);
}

void ChildScheduler::handle_exit(const SchedulerExit &exit, Clock::time_point now)
{
	const std::string id = instance_->id();
	// The kernel ejected its children with it; their instances go before its own.
	stop_all(children_, fmt::format("its parent {} ({}) exited", id, name_));
	instance_->detach();
	spdlog::log(exit.is_error() ? spdlog::level::err : spdlog::level::info,
		    "{} ({}): the child scheduler exited: {} (kind {}, exit code {:#x}); its parent keeps running", id,
		    name_, exit.kind_name(), exit.kind, static_cast<uint64_t>(exit.exit_code));
	ExitReportPrinter::print(err_, exit);
	instance_.reset();
	state_ = State::stopped;
	if (exit.restart_requested()) {
		handle_failure(policy_.on_restart_request(now));
		return;
	}
	if (exit.is_error())
		handle_failure(policy_.on_error_exit(now));
	else
		spdlog::info("{} ({}): stays detached (it ended without an error)", id, name_);
}

void ChildScheduler::handle_failure(const RestartPolicy::Decision &decision)
{
	const std::string id = node_.plugin->id();
	if (decision.action == RestartPolicy::Decision::Action::restart) {
		spdlog::warn("{} ({}): {}", id, name_, decision.explanation);
		state_ = State::restart_pending;
		restart_at_ = decision.restart_at;
		return;
	}
	// A fallback profile replaces the whole run; for one child it is not an answer (the
	// profile check refuses it), so a spent budget leaves the child down.
	spdlog::error("{} ({}): {}; the child stays detached, the rest of the tree keeps running", id, name_,
		      decision.explanation);
	state_ = State::given_up;
}

ChildScheduler::Clock::time_point ChildScheduler::next_wake(Clock::time_point wake) const
{
	if (state_ == State::restart_pending)
		wake = std::min(wake, restart_at_);
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		wake = child->next_wake(wake);
	return wake;
}

bool ChildScheduler::needs_poll_timer() const
{
	if (state_ == State::attached && instance_->exit_event_fd() < 0)
		return true;
	return std::any_of(children_.begin(), children_.end(),
			   [](const std::unique_ptr<ChildScheduler> &child) { return child->needs_poll_timer(); });
}

void ChildScheduler::exit_event_fds(std::vector<int> &fds) const
{
	if (state_ == State::attached && instance_->exit_event_fd() >= 0)
		fds.push_back(instance_->exit_event_fd());
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		child->exit_event_fds(fds);
}

void ChildScheduler::add_stats(StatsSnapshot &snapshot, const SchedExtNode &parent)
{
	const SchedExtNode kernel_node = this->kernel_node(parent);
	if (instance_) {
		StatsSnapshot::Node node;
		node.name = name_;
		node.cgroup = node_.cgroup_dir.string();
		node.kernel_ops = kernel_node.ops();
		node.plugin_id = instance_->id();
		node.plugin_description = instance_->library().description();
		node.samples = instance_->stats();
		node.schema = instance_->stat_schema().stats();
		snapshot.nodes.push_back(std::move(node));
	}
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		child->add_stats(snapshot, kernel_node);
}

void ChildScheduler::print_stats(StatsPrinter &printer, StatsFormat format, Clock::time_point now)
{
	if (instance_) {
		// Kept and refreshed in place, as the root's (ActiveScheduler::print_stats_if_due).
		stats_reading_.when = std::chrono::system_clock::now();
		stats_reading_.node = name_;
		stats_reading_.plugin_id = instance_->id();
		instance_->refresh_stats(stats_reading_.samples);
		printer.print(format, stats_reading_, now);
	}
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		child->print_stats(printer, format, now);
}

void ChildScheduler::print_live_dump(std::ostream &out)
{
	if (instance_)
		LiveDumpPrinter::print(out, fmt::format("{} ({})", instance_->id(), name_), instance_->dump());
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		child->print_live_dump(out);
}

const char *ChildScheduler::state_name() const
{
	switch (state_) {
	case State::stopped: return "stopped";
	case State::attached: return "attached";
	case State::restart_pending: return "restart pending";
	case State::given_up: return "given up (restart budget spent)";
	}
	return "unknown";
}

void ChildScheduler::add_status(ControlReply::Object &nodes, const SchedExtNode &parent) const
{
	const SchedExtNode kernel_node = this->kernel_node(parent);
	const std::string ops = kernel_node.ops();
	nodes.emplace_back(name_, fmt::format("{} {} (kernel: {}), cgroup {}, {} restart(s), {} swap(s)", node_.plugin->id(),
					      state_name(), ops.empty() ? "none" : ops,
					      node_.cgroup_dir.string(), restarts_, swaps_));
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		child->add_status(nodes, kernel_node);
}

void ChildScheduler::add_restarts(std::vector<std::pair<std::string, uint64_t>> &restarts) const
{
	restarts.emplace_back(name_, restarts_);
	for (const std::unique_ptr<ChildScheduler> &child : children_)
		child->add_restarts(restarts);
}

SchedExtNode ChildScheduler::kernel_node(const SchedExtNode &parent) const
{
	const std::optional<uint64_t> id = CgroupDirectory::id_of(node_.cgroup_dir);
	return parent.child(id.value_or(0));
}

void ChildScheduler::swap_to(ResolvedNode candidate, Clock::time_point now)
{
	const std::string old_id = node_.plugin->id();
	const std::string new_id = candidate.plugin->id();
	std::vector<ResolvedNode> grandchildren = std::move(candidate.children);
	candidate.children.clear();
	candidate.children.resize(grandchildren.size());
	std::unique_ptr<PluginInstance> fresh;
	try {
		// Verified while the old one runs: a child that does not load changes nothing.
		fresh = loader_.load(candidate);
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_, fmt::format("reload: {} ({}): ", new_id, name_));
		spdlog::warn("{} ({}): the new {} did not load; {} keeps running", old_id, name_, new_id, old_id);
		return;
	}
	candidate.children.clear();
	// The kernel takes one scheduler per cgroup: the old subtree goes, then the new node.
	stop(fmt::format("swapping to {}", new_id));
	node_ = std::move(candidate);
	policy_ = RestartPolicy(node_.restart_settings());
	children_.clear();
	for (ResolvedNode &child : grandchildren)
		children_.push_back(std::make_unique<ChildScheduler>(std::move(child), loader_, err_));
	try {
		fresh->attach();
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_, fmt::format("reload: {} ({}): ", new_id, name_));
		handle_failure(policy_.on_error_exit(now));
		return;
	}
	++swaps_;
	spdlog::info("{} ({}): swapped {} -> {}", new_id, name_, old_id, new_id);
	attached(std::move(fresh), now);
}

void ChildScheduler::reload(Children &children, std::vector<ResolvedNode> candidates, const InstanceLoader &loader,
			    std::ostream &err, Clock::time_point now)
{
	// Gone from the profile: stopped before anything new attaches (a cgroup may change hands).
	for (auto child = children.begin(); child != children.end();) {
		const bool kept = std::any_of(candidates.begin(), candidates.end(), [&](const ResolvedNode &candidate) {
			return candidate.cgroup_dir == (*child)->node_.cgroup_dir;
		});
		if (kept) {
			++child;
			continue;
		}
		spdlog::info("reload: {} ({}) left the profile", (*child)->node_.plugin->id(), (*child)->name_);
		(*child)->stop("it left the profile");
		child = children.erase(child);
	}
	Children next;
	for (ResolvedNode &candidate : candidates) {
		auto running = std::find_if(children.begin(), children.end(), [&](const std::unique_ptr<ChildScheduler> &child) {
			return child->node_.cgroup_dir == candidate.cgroup_dir;
		});
		if (running == children.end()) {
			auto child = std::make_unique<ChildScheduler>(std::move(candidate), loader, err);
			spdlog::info("reload: {} ({}) is new", child->node_.plugin->id(), child->name_);
			child->start(now);
			next.push_back(std::move(child));
			continue;
		}
		std::unique_ptr<ChildScheduler> child = std::move(*running);
		children.erase(running);
		// What the running node hosts is in children_; the decision compares counts.
		child->node_.children.resize(child->children_.size());
		const SwapDecision decision = SwapDecision::between(child->node_, candidate);
		child->node_.children.clear();
		if (decision.swap || child->state_ != State::attached) {
			spdlog::info("reload: {} ({}): {}", child->node_.plugin->id(), child->name_,
				     decision.swap ? decision.explanation() : std::string("not running; starting it again"));
			if (child->state_ == State::attached)
				child->swap_to(std::move(candidate), now);
			else
				child = std::make_unique<ChildScheduler>(std::move(candidate), loader, err);
			if (child->state_ == State::stopped)
				child->start(now);
			next.push_back(std::move(child));
			continue;
		}
		// The same scheduler goes on; the new restart table applies from now on.
		std::vector<ResolvedNode> grandchildren = std::move(candidate.children);
		candidate.children.clear();
		child->node_ = std::move(candidate);
		child->policy_ = RestartPolicy(child->node_.restart_settings());
		child->policy_.on_attached(now);
		reload(child->children_, std::move(grandchildren), loader, err, now);
		next.push_back(std::move(child));
	}
	children = std::move(next);
}

} // namespace scxr
