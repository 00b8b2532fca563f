// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace scxr {

// A cgroup v2 directory a child scheduler attaches to, made ready for it: created when the
// profile says so, with the cpu controller enabled down to it and its cpu.weight written
// when the profile gives one. Its id is what the kernel calls the cgroup (sub_cgroup_id):
// the directory's inode number, also the "sub-<id>" name under /sys/kernel/sched_ext/root/sub.
class CgroupDirectory {
public:
	// Throws RunnerError: bad_profile when the directory is missing and create is false, or
	// lies outside the cgroup2 mount; permission when the kernel refuses a write.
	static uint64_t prepare(const std::filesystem::path &directory, bool create, std::optional<uint32_t> cpu_weight);
	// The directory's cgroup id; nullopt when it does not exist.
	static std::optional<uint64_t> id_of(const std::filesystem::path &directory);
};

} // namespace scxr
