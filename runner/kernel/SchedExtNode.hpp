// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace scxr {

// Where the kernel shows one scheduler of the tree: /sys/kernel/sched_ext/root for the root,
// <parent>/sub/sub-<cgroup id> for a sub-scheduler attached on that cgroup (Linux 7.3).
class SchedExtNode {
public:
	static SchedExtNode root() { return SchedExtNode("/sys/kernel/sched_ext/root"); }

	// The node of the sub-scheduler on the cgroup with this id, below this one.
	SchedExtNode child(uint64_t cgroup_id) const;
	// The ops name the kernel shows there ("qmap"); empty when nothing is attached there.
	std::string ops() const;

	const std::filesystem::path &path() const { return path_; }

private:
	explicit SchedExtNode(std::filesystem::path path) : path_(std::move(path)) {}

	std::filesystem::path path_;
};

} // namespace scxr
