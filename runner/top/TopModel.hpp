// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/StatSample.hpp"
#include "top/TopReading.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace scxr {

// What `scx-runner top` shows, without the terminal: the runner's latest reading, each node's
// stats with their rates and short histories, which node is picked and whether the view is
// paused. Pure logic; TopLayout turns it into lines and TopScreen draws them.
//
// A counter's rate is its growth between two successive readings over the time between them:
// the runner's reading time (monotonic_ns) when both readings have one, else the times this
// client received them. A node is followed by its name; when its plugin changes (a swap) or
// a counter goes down (a restart counts from zero), its history starts again, so a rate never
// compares two schedulers.
class TopModel {
public:
	using Clock = std::chrono::steady_clock;

	// Readings a sparkline can show; an 80-column screen shows fewer.
	static constexpr size_t kDefaultHistory = 60;

	// One stat of a node as shown.
	struct Stat {
		std::string name;
		scxr_stat_kind kind = SCXR_STAT_GAUGE;
		std::string unit;
		std::string group;
		StatValue value;            // the latest reading
		std::optional<double> rate; // counters, from their second reading on: per second
		// Oldest first, at most the model's history: a counter's rates, a gauge's values.
		std::deque<double> history;
	};

	struct Node {
		std::string name; // empty for the root of a runner of one scheduler
		std::string cgroup;
		std::string plugin;
		std::string kernel_ops;
		std::vector<Stat> stats; // in the order the runner sent them
		size_t readings = 0;     // since its history last started

		// The counters, highest rate first (ties and counters without a rate yet keep the
		// runner's order), then the gauges in the runner's order.
		std::vector<const Stat *> by_rate() const;
		// "root" for the root, else the node's name.
		std::string label(bool is_root) const;
	};

	explicit TopModel(size_t history = kDefaultHistory);

	// Takes a reading: the runner's facts, and each node's stats with their new rates. Nodes
	// that left the tree go; the picked one stays picked while it is there.
	void add(TopReading reading, Clock::time_point received_at);

	bool has_reading() const { return latest_.has_value(); }
	// The last reading's runner facts (its nodes are in nodes()); only with has_reading().
	const TopReading &latest() const { return *latest_; }
	const std::vector<Node> &nodes() const { return nodes_; }
	size_t history() const { return history_; }

	// The picked node: its index in nodes(), and nullptr while there are none.
	size_t selected_index() const { return selected_; }
	const Node *selected() const;
	// Tab and Down go to the next node, Up to the previous; both wrap around.
	void select_next();
	void select_previous();

	// Paused, the view keeps its last reading: the caller takes no new ones (an 'r' still
	// may, to step).
	bool paused() const { return paused_; }
	void toggle_pause() { paused_ = !paused_; }

private:
	void update_node(Node &node, StatsSnapshot::Node &&reading, std::optional<double> seconds) const;

	size_t history_;
	std::optional<TopReading> latest_;
	std::optional<Clock::time_point> previous_taken_at_;
	std::optional<Clock::time_point> previous_received_at_;
	std::vector<Node> nodes_;
	size_t selected_ = 0;
	std::string selected_name_;
	bool paused_ = false;
};

} // namespace scxr
