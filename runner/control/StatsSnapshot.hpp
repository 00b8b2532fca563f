// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/StatDescriptor.hpp"
#include "plugin/StatSample.hpp"

#include <string>
#include <vector>

namespace scxr {

// What the scx_stats socket serves, as the session hands it over on request: for each
// scheduler of the running tree (root first), its plugin's stats schema and one reading.
struct StatsSnapshot {
	struct Node {
		// The node's name in the tree; empty for the root of a runner of one scheduler.
		std::string name;
		std::string plugin_id;
		std::string plugin_description;
		std::vector<StatDescriptor> schema;
		// In schema order, without the stats the plugin left out of this reading.
		std::vector<StatSample> samples;
	};
	std::vector<Node> nodes;
};

} // namespace scxr
