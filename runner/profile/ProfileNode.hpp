// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "profile/ProfileValue.hpp"
#include "profile/RestartSettings.hpp"
#include "profile/SourcePosition.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace scxr {

// The cgroup a child node schedules, as the profile wrote it.
struct ProfileCgroup {
	std::string path; // as written: relative to the cgroup2 mount ("batch") or absolute
	SourcePosition position;
	bool create = false;                // mkdir it when missing
	std::optional<uint32_t> cpu_weight; // written to its cpu.weight (1 .. 10000) when given
	SourcePosition cpu_weight_position;
};

// One scheduler of a profile's tree: which plugin runs there, its options as written (checked
// against the plugin's schema later, by OptionValidator), its restart policy, and for a child
// its cgroup. A profile without children is a tree of one node, the root.
struct ProfileNode {
	SourcePosition position; // where the node starts: its [[child]] header; the file for the root
	std::optional<ProfileCgroup> cgroup; // nullopt for the root
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
