// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "control/RunnerCounters.hpp"
#include "control/StatsSnapshot.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace scxr {

// A page of /metrics in the Prometheus text exposition format (0.0.4), which every scraper
// reads and `promtool check metrics` checks:
//
//   - each stat of each node's plugin is one family, scx_<plugin>_<stat>, with a counter's
//     name ending in _total; units the format names (seconds, bytes) go into the name and are
//     converted to the base unit (ns -> seconds), the others ("tasks", "1/1024") into HELP;
//   - every sample has the labels node (the tree node: "/" for the root, else the child's
//     cgroup) and plugin; nodes running the same plugin share its families;
//   - then the runner's own: scx_runner_info, _uptime_seconds, _attached, _nodes,
//     _swaps_total, _failed_swaps_total, _restarts_total, _last_swap_gap_seconds.
//
// No snapshot (no scheduler attached: a restart is pending) still serves the runner's own.
class MetricsFormatter {
public:
	static std::string format(const std::optional<StatsSnapshot> &snapshot, const RunnerCounters &runner);

	// The family a plugin's stat becomes: characters outside [a-zA-Z0-9_] become '_'.
	static std::string family_name(std::string_view plugin, std::string_view stat, scxr_stat_kind kind,
				       std::string_view unit);
	// The node label's value of a snapshot node's name.
	static std::string node_label(std::string_view node_name) { return node_name.empty() ? "/" : std::string(node_name); }
};

} // namespace scxr
