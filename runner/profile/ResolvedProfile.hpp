// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/OptionSettings.hpp"
#include "plugin/PluginLibrary.hpp"
#include "profile/Profile.hpp"
#include "profile/RestartSettings.hpp"
#include "profile/RunnerSettings.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

namespace scxr {

// One node of a tree ready to run: its plugin found and opened, its options validated against
// that plugin's schema, and for a child the cgroup directory it schedules.
struct ResolvedNode {
	// The node as written. Its children are left empty: the resolved ones are below.
	ProfileNode written;
	std::shared_ptr<const PluginLibrary> plugin;
	OptionSettings options;
	std::filesystem::path cgroup_dir; // absolute, under the cgroup2 mount; empty for the root
	uint32_t depth = 0;               // 0 for the root
	std::vector<ResolvedNode> children;

	// The node's [restart] table, or what applies without one: no restarts after error
	// exits, one restart when the kernel asks for it.
	RestartSettings restart_settings() const;
};

// A profile ready to run: parsed, every node resolved, and the runner settings with the
// command line's overrides applied. What the Session runs now, and what a reload or a switch
// offers it instead.
struct ResolvedProfile {
	Profile profile; // as parsed
	ResolvedNode root;
	RunnerSettings runner; // the profile's [runner] overridden by the command line
};

} // namespace scxr
