// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <vector>

namespace scxr {

// The runner runs as root and executes whatever code a plugin file holds, so a plugin file and
// the directories it is found through must be as trustworthy as the runner itself: owned by
// root or by the user who runs the runner, and writable by nobody else.
class PluginFileSafety {
public:
	// root, the real and the effective user
	static std::vector<uid_t> default_trusted_owners();

	explicit PluginFileSafety(std::vector<uid_t> trusted_owners = default_trusted_owners());

	// Throws RunnerError (unsafe_plugin_file) naming what is unsafe and the command that
	// fixes it. Checks the file (after symlinks), its directory, and the directory it was
	// found in when that differs.
	void check(const std::filesystem::path &file) const;

private:
	void check_entry(const std::filesystem::path &path, bool is_directory) const;
	bool is_trusted(uid_t owner) const;

	std::vector<uid_t> trusted_owners_;
};

} // namespace scxr
