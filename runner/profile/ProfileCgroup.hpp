// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "profile/SourcePosition.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scxr {

// The cgroup a node of a profile's tree schedules, as the profile wrote it.
struct ProfileCgroup {
	// Where cgroup v2 is mounted (the systemd convention); profiles name cgroups below it.
	static constexpr std::string_view kMount = "/sys/fs/cgroup";
	// cgroup v2's cpu.weight range.
	static constexpr int64_t kMinCpuWeight = 1;
	static constexpr int64_t kMaxCpuWeight = 10000;
	// The kernel attaches sub-schedulers at most three levels below the root
	// (SCX_SUB_MAX_DEPTH = 4 levels in all).
	static constexpr uint32_t kMaxTreeLevels = 4;

	std::string path;     // as written: relative to the mount ("batch") or absolute below it
	std::string relative; // normalised, relative to the mount: "batch", "web/api"
	SourcePosition position;
	bool create = false;                // mkdir it when missing
	std::optional<uint32_t> cpu_weight; // written to its cpu.weight when given
	SourcePosition cpu_weight_position;

	// written relative to the mount, without '.', '..' or empty components; nullopt with
	// problem set when it is none (outside the mount, the mount itself, ...).
	static std::optional<std::string> relative_path(std::string_view written, std::string &problem);
	// Whether cgroup inner lies strictly below outer (both relative_path() results).
	static bool is_inside(std::string_view inner, std::string_view outer);
};

} // namespace scxr
