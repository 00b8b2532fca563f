// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstdint>
#include <filesystem>

namespace scxr {

// Where in a tree of schedulers an instance is about to run: what PluginInstance::place()
// hands the plugin (scx_runner/sched_tree.h, scxr_tree_place).
struct NodePlace {
	uint32_t depth = 0;                // 0 for the root
	uint64_t cgroup_id = 0;            // the cgroup directory's inode; 0 for the root
	std::filesystem::path cgroup_path; // absolute; empty for the root
	uint32_t children = 0;             // the children attached below it at first
};

} // namespace scxr
