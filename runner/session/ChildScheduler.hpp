// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "control/ControlProtocol.hpp"
#include "control/StatsSnapshot.hpp"
#include "output/StatsPrinter.hpp"
#include "plugin/SchedulerExit.hpp"
#include "profile/ResolvedProfile.hpp"
#include "profile/StatsFormat.hpp"
#include "session/RestartPolicy.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace scxr {

class InstanceLoader;
class SchedExtNode;
class PluginInstance;

// One child of a running tree of schedulers: a sub-scheduler attached below its parent, for
// its cgroup, with the children of its own below it. The root's scheduler is ActiveScheduler's;
// every node below it is one of these.
//
// Each child lives by its own [restart] table: its error exit detaches its subtree (the
// kernel ejects the children of an exiting scheduler, SCX_EXIT_PARENT) and restarts it, or
// leaves it down once its budget is spent; its parent and siblings never notice. The order is
// always the kernel's: a node attaches after its parent and before its children, and detaches
// after its children.
//
// Everything here runs on the loop's thread; a child's load is short next to a root's swap
// and the tree's nodes are loaded one by one.
class ChildScheduler {
public:
	using Clock = std::chrono::steady_clock;
	using Children = std::vector<std::unique_ptr<ChildScheduler>>;

	// loader and err must outlive this object.
	ChildScheduler(ResolvedNode node, const InstanceLoader &loader, std::ostream &err);
	~ChildScheduler();
	ChildScheduler(const ChildScheduler &) = delete;
	ChildScheduler &operator=(const ChildScheduler &) = delete;

	// The node's name in the tree and in stats: its cgroup relative to the cgroup2 mount
	// ("batch", "web/api").
	const std::string &name() const { return name_; }
	const ResolvedNode &node() const { return node_; }

	// Loads, places and attaches this node, then its children. A failure is logged and
	// handed to the node's restart policy; it never throws.
	void start(Clock::time_point now);
	// Detaches the subtree, deepest nodes first, and destroys its instances.
	void stop(const std::string &why);
	// Exits in this subtree (each node's own poll), and the restarts that are due.
	void service(Clock::time_point now, bool poll_due);
	// The earliest restart due in this subtree, or wake.
	Clock::time_point next_wake(Clock::time_point wake) const;
	// Whether some attached node has no exit event and needs the poll timer.
	bool needs_poll_timer() const;
	void exit_event_fds(std::vector<int> &fds) const;

	// A node per attached scheduler of the subtree, with its reading and what the kernel shows
	// in its ops file (parent as for add_status()).
	void add_stats(StatsSnapshot &snapshot, const SchedExtNode &parent);
	void print_stats(StatsPrinter &printer, StatsFormat format, Clock::time_point now);
	void print_live_dump(std::ostream &out);
	// One status entry per node of the subtree: name -> what the runner runs there beside
	// what the kernel shows for it below parent (SchedExtNode::root() for the root's children).
	void add_status(ControlReply::Object &nodes, const SchedExtNode &parent) const;
	// Each node of the subtree by name, with its restarts so far (for /metrics).
	void add_restarts(std::vector<std::pair<std::string, uint64_t>> &restarts) const;

	// Moves running children to the candidate tree below the same parent: children whose
	// cgroup left the profile stop, new ones start, changed ones (plugin, options or plugin
	// file; SwapDecision) are loaded anew and swapped, and unchanged ones take the new
	// restart tables and go on with their own children. Nothing else is touched.
	static void reload(Children &children, std::vector<ResolvedNode> candidates, const InstanceLoader &loader,
			   std::ostream &err, Clock::time_point now);
	// Starts every node of a tree's level in profile order (after their parent attached).
	static void start_all(Children &children, Clock::time_point now);
	// Stops every node of a level, in reverse profile order.
	static void stop_all(Children &children, const std::string &why);

private:
	enum class State { stopped, attached, restart_pending, given_up };

	void handle_exit(const SchedulerExit &exit, Clock::time_point now);
	void handle_failure(const RestartPolicy::Decision &decision);
	// Swaps this node's scheduler for candidate's: the new instance loads while the old one
	// runs; a load failure keeps the old one.
	void swap_to(ResolvedNode candidate, Clock::time_point now);
	void attached(std::unique_ptr<PluginInstance> instance, Clock::time_point now);
	const char *state_name() const;
	// Where the kernel shows this node, below parent's.
	SchedExtNode kernel_node(const SchedExtNode &parent) const;

	ResolvedNode node_; // its children are those in children_
	std::string name_;
	const InstanceLoader &loader_;
	std::ostream &err_;
	std::unique_ptr<PluginInstance> instance_;
	RestartPolicy policy_;
	State state_ = State::stopped;
	Clock::time_point restart_at_;
	uint64_t restarts_ = 0;
	uint64_t swaps_ = 0;
	Children children_;
	// This node's stats reading, refreshed on every stats interval (print_stats).
	StatsReading stats_reading_;
};

} // namespace scxr
