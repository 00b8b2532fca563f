// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/StatDescriptor.hpp"
#include "plugin/StatSample.hpp"

#include <string>
#include <vector>

namespace scxr {

// What the scx_stats socket and the control socket's `stats` serve, as the session hands it over
// on request: for each attached scheduler of the running tree (root first), its plugin's stats
// schema, one reading and where it runs.
struct StatsSnapshot {
	struct Node {
		// The node's name in the tree; empty for the root of a runner of one scheduler.
		std::string name;
		std::string plugin_id;
		std::string plugin_description;
		// The cgroup directory the node schedules; empty for the root of the machine.
		std::string cgroup;
		// What the kernel shows in the node's ops file under /sys/kernel/sched_ext (root/ops,
		// root/sub/sub-<cgroup id>/ops): the scheduler it runs there; empty when it shows none.
		std::string kernel_ops;
		std::vector<StatDescriptor> schema;
		// In schema order, without the stats the plugin left out of this reading.
		std::vector<StatSample> samples;
	};
	std::vector<Node> nodes;
};

} // namespace scxr
