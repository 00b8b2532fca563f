// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/FileDescriptor.hpp"

#include <sys/stat.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace scxr {

// The runner runs as root and executes whatever code a plugin file holds, so a plugin file and
// every directory above it must be as trustworthy as the runner itself: owned by root or by
// the user who runs the runner, and writable by nobody else (OpenSSH's StrictModes rule).
//
// What is checked is what is loaded: open_checked() walks from / down to the file with one
// descriptor per directory (never resolving a path twice), checks each by fstat on that
// descriptor, and returns the file's own descriptor for dlopen to read (FreshLibrary). Whoever
// can rename an ancestor directory cannot slip another file in between check and load.
class PluginFileSafety {
public:
	// root, the real and the effective user
	static std::vector<uid_t> default_trusted_owners();

	explicit PluginFileSafety(std::vector<uid_t> trusted_owners = default_trusted_owners());

	// Opens file (O_RDONLY | O_CLOEXEC) after checking every directory from / to it, and the
	// opened file itself. A symlinked file is judged by its target, and the directory it was
	// found in is checked too (whoever can write it can point the link elsewhere). Throws
	// RunnerError (unsafe_plugin_file, or plugin_not_found when it cannot be resolved) naming
	// what is unsafe and the command that fixes it.
	FileDescriptor open_checked(const std::filesystem::path &file) const;
	// open_checked(), for callers that only want the verdict.
	void check(const std::filesystem::path &file) const;
	// Checks an already opened plugin file: a regular file, trusted owner, not writable by
	// group or others. path only names it in messages.
	void check_descriptor(int file_descriptor, const std::filesystem::path &path) const;

	// True when the owner of / is a user this process's user namespace does not map (the
	// kernel shows such an owner as overflow_uid): in a build sandbox such as Nix's, / belongs
	// to the host's root. The root directory of a namespace is set up by whoever created the
	// namespace, who controls this process anyway, so such a / is trusted. uid_map is the
	// text of /proc/self/uid_map; the initial namespace maps every uid, and there a / owned by
	// "nobody" is as untrusted as anywhere.
	static bool is_unmapped_root_owner(uid_t owner, const std::string &uid_map, uid_t overflow_uid);

private:
	enum class Entry { file, own_directory, ancestor_directory };

	// Opens directory (absolute, without symlinks) one component at a time from /, checking
	// each: the last one as the plugin's own directory, the others as ancestors.
	FileDescriptor open_checked_directory(const std::filesystem::path &directory) const;
	void check_status(const struct stat &status, const std::filesystem::path &path, Entry entry) const;
	bool is_trusted_root_directory_owner(uid_t owner) const;
	bool is_trusted(uid_t owner) const;

	std::vector<uid_t> trusted_owners_;
};

} // namespace scxr
