// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "profile/ProfileCgroup.hpp"
#include "profile/ProfileValue.hpp"
#include "profile/RestartSettings.hpp"
#include "profile/SourcePosition.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace scxr {

// One scheduler of a profile's tree: which plugin runs there, its options as written (checked
// against the plugin's schema later, by OptionValidator), its restart policy, and for a child
// its cgroup. A profile without children is a tree of one node, the root.
struct ProfileNode {
	SourcePosition position; // where the node starts: its [[child]] header; the file for the root
	// The cgroup the node schedules: every child has one. The root has one only in a profile
	// whose scheduler attaches below a scheduler that runs already (scx_qmap -c).
	std::optional<ProfileCgroup> cgroup;
	std::string plugin_id;
	SourcePosition plugin_position;
	std::vector<ProfileOption> options; // in file order
	// The node's [restart] table; nullopt when it has none (then error exits end the node's
	// run and only the kernel's restart requests are honoured, once).
	std::optional<RestartSettings> restart;
	// A child whose plugin, options and restart policy come from another profile file
	// (profile = "web.toml"): that file's path; empty when written inline.
	std::string included_profile;
	std::vector<ProfileNode> children; // in file order
};

} // namespace scxr
