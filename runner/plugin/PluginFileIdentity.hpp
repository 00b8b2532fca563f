// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace scxr {

// Which file, in which state, a plugin was loaded from: the runner keeps this beside a loaded
// plugin and compares it with the file on disk at every reload. Different → the file was
// replaced or rewritten since, and the next swap loads it fresh (FreshLibrary) instead of
// reusing the old image.
//
// Device and inode tell a file replaced by rename (install(1), meson install, a Nix profile
// switch) from the old one; size and modification time catch a file rewritten in place; the
// status-change time also catches a rewrite that kept size and mtime (cp -p), since no tool
// can set it back.
struct PluginFileIdentity {
	dev_t device = 0;
	ino_t inode = 0;
	off_t size = 0;
	int64_t modified_ns = 0;
	int64_t status_changed_ns = 0;

	// Follows symlinks: a plugin dir of links into a store changes when a link's target does.
	// Throws RunnerError (plugin_not_found) when the file cannot be examined.
	static PluginFileIdentity of(const std::filesystem::path &path);
	// The same, without throwing: nullopt when the file is gone or unreadable.
	static std::optional<PluginFileIdentity> find(const std::filesystem::path &path);
	static PluginFileIdentity of_descriptor(int fd);
	static PluginFileIdentity from_stat(const struct stat &status);

	// "device 259:1, inode 1234, 84512 bytes, modified 1717171717.123456789"
	std::string to_string() const;

	bool operator==(const PluginFileIdentity &) const = default;
};

} // namespace scxr
