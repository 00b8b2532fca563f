// SPDX-License-Identifier: GPL-2.0-only
#include "PluginFileSafety.hpp"

#include "RunnerError.hpp"

#include <fmt/format.h>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace scxr {

namespace {

std::string user_name(uid_t uid)
{
	if (const struct passwd *entry = getpwuid(uid))
		return fmt::format("uid {} ({})", uid, entry->pw_name);
	return fmt::format("uid {}", uid);
}

} // namespace

std::vector<uid_t> PluginFileSafety::default_trusted_owners() { return {0, getuid(), geteuid()}; }

PluginFileSafety::PluginFileSafety(std::vector<uid_t> trusted_owners) : trusted_owners_(std::move(trusted_owners)) {}

bool PluginFileSafety::is_trusted(uid_t owner) const
{
	return std::find(trusted_owners_.begin(), trusted_owners_.end(), owner) != trusted_owners_.end();
}

void PluginFileSafety::check(const std::filesystem::path &file) const
{
	std::error_code error;
	const std::filesystem::path real_file = std::filesystem::canonical(file, error);
	if (error)
		throw RunnerError(ExitCode::plugin_not_found,
				  fmt::format("cannot resolve plugin file {}: {}", file.string(), error.message()));
	// The directory the file was looked up in decides which file we get, even through a
	// symlink; the real directory decides what the file contains.
	const std::filesystem::path lookup_directory = std::filesystem::absolute(file).parent_path();
	const std::filesystem::path real_directory = real_file.parent_path();

	check_entry(real_file, false);
	check_entry(real_directory, true);
	const std::filesystem::path real_lookup_directory = std::filesystem::canonical(lookup_directory, error);
	if (!error && real_lookup_directory != real_directory)
		check_entry(real_lookup_directory, true);
}

void PluginFileSafety::check_entry(const std::filesystem::path &path, bool is_directory) const
{
	const char *what = is_directory ? "plugin directory" : "plugin file";
	struct stat status {};
	if (stat(path.c_str(), &status) != 0)
		throw RunnerError(ExitCode::unsafe_plugin_file,
				  fmt::format("cannot check {} {}: {}", what, path.string(), std::strerror(errno)));
	if (!is_directory && !S_ISREG(status.st_mode))
		throw RunnerError(ExitCode::unsafe_plugin_file,
				  fmt::format("plugin file {} is not a regular file", path.string()),
				  "point the search path at the built .so file");
	if (!is_trusted(status.st_uid))
		throw RunnerError(
			ExitCode::unsafe_plugin_file,
			fmt::format("{} {} is owned by {}, not by root or the user running scx-runner ({}); "
				    "the runner executes its code with your privileges",
				    what, path.string(), user_name(status.st_uid), user_name(geteuid())),
			fmt::format("fix: chown root {} (or install the plugin into a directory you own)", path.string()));
	const mode_t writable = status.st_mode & (S_IWGRP | S_IWOTH);
	if (writable) {
		const char *by = writable == (S_IWGRP | S_IWOTH) ? "group and others"
				 : (writable & S_IWGRP)            ? "its group"
								   : "others";
		throw RunnerError(
			ExitCode::unsafe_plugin_file,
			fmt::format("{} {} is writable by {} (mode {:04o}): they could replace the scheduler the runner loads",
				    what, path.string(), by, status.st_mode & 07777),
			fmt::format("fix: chmod go-w {}", path.string()));
	}
}

} // namespace scxr
