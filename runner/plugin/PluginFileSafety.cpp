// SPDX-License-Identifier: GPL-2.0-only
#include "plugin/PluginFileSafety.hpp"

#include "base/RunnerError.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace scxr {

namespace {

std::string user_name(uid_t uid)
{
	if (const struct passwd *entry = getpwuid(uid))
		return fmt::format("uid {} ({})", uid, entry->pw_name);
	return fmt::format("uid {}", uid);
}

RunnerError changed_while_checked(const std::filesystem::path &path, int error)
{
	// ELOOP/ENOTDIR: the component was a real directory (or file) when the path was resolved
	// a moment ago and is a symlink or something else now: someone is swapping it.
	if (error == ELOOP || error == ENOTDIR)
		return RunnerError(ExitCode::unsafe_plugin_file,
				   fmt::format("{} was replaced (it is now a symlink or not a directory) while the "
					       "runner checked it: someone is changing the plugin's path",
					       path.string()),
				   "find out who can write the directories above the plugin, then try again");
	return RunnerError(ExitCode::unsafe_plugin_file,
			   fmt::format("cannot open {} to check it: {}", path.string(), std::strerror(error)),
			   "the runner needs to open every directory above a plugin file to check it");
}

std::string read_small_file(const char *path)
{
	std::ifstream stream(path);
	std::ostringstream text;
	text << stream.rdbuf();
	return text.str();
}

} // namespace

bool PluginFileSafety::is_unmapped_root_owner(uid_t owner, const std::string &uid_map, uid_t overflow_uid)
{
	if (owner != overflow_uid)
		return false;
	// Each line: first uid inside, first uid outside, count. The owner is unmapped unless a
	// line covers overflow_uid itself (then "nobody" is a real, mapped user).
	std::istringstream lines(uid_map);
	unsigned long long inside = 0, outside = 0, count = 0;
	bool any_line = false;
	while (lines >> inside >> outside >> count) {
		any_line = true;
		if (overflow_uid >= inside && overflow_uid - inside < count)
			return false;
	}
	return any_line;
}

bool PluginFileSafety::is_trusted_root_directory_owner(uid_t owner) const
{
	if (is_trusted(owner))
		return true;
	const std::string overflow_text = read_small_file("/proc/sys/kernel/overflowuid");
	const uid_t overflow_uid = overflow_text.empty() ? 65534 : static_cast<uid_t>(std::stoul(overflow_text));
	return is_unmapped_root_owner(owner, read_small_file("/proc/self/uid_map"), overflow_uid);
}

std::vector<uid_t> PluginFileSafety::default_trusted_owners() { return {0, getuid(), geteuid()}; }

PluginFileSafety::PluginFileSafety(std::vector<uid_t> trusted_owners) : trusted_owners_(std::move(trusted_owners)) {}

bool PluginFileSafety::is_trusted(uid_t owner) const
{
	return std::find(trusted_owners_.begin(), trusted_owners_.end(), owner) != trusted_owners_.end();
}

FileDescriptor PluginFileSafety::open_checked(const std::filesystem::path &file) const
{
	std::error_code error;
	const std::filesystem::path real_file = std::filesystem::canonical(file, error);
	if (error)
		throw RunnerError(ExitCode::plugin_not_found,
				  fmt::format("cannot resolve plugin file {}: {}", file.string(), error.message()));
	const std::filesystem::path real_directory = real_file.parent_path();
	const FileDescriptor directory = open_checked_directory(real_directory);

	// The directory the file was looked up in decides which file we get, even through a
	// symlink; the real directory decides what the file contains.
	const std::filesystem::path lookup_directory = std::filesystem::absolute(file).parent_path();
	const std::filesystem::path real_lookup_directory = std::filesystem::canonical(lookup_directory, error);
	if (!error && real_lookup_directory != real_directory)
		open_checked_directory(real_lookup_directory);

	// O_NOFOLLOW: the canonical name has no symlink left, so one here was just swapped in.
	// O_NONBLOCK and O_NOCTTY: a FIFO or a terminal put there must not block or attach us
	// before fstat refuses it; dlopen reopens the file through /proc, so these flags never
	// reach the loader.
	FileDescriptor plugin(::openat(directory.get(), real_file.filename().c_str(),
				       O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
	if (!plugin)
		throw changed_while_checked(real_file, errno);
	check_descriptor(plugin.get(), real_file);
	return plugin;
}

void PluginFileSafety::check(const std::filesystem::path &file) const { open_checked(file); }

void PluginFileSafety::check_descriptor(int file_descriptor, const std::filesystem::path &path) const
{
	struct stat status {};
	if (::fstat(file_descriptor, &status) != 0)
		throw RunnerError(ExitCode::unsafe_plugin_file,
				  fmt::format("cannot check plugin file {}: {}", path.string(), std::strerror(errno)));
	check_status(status, path, Entry::file);
}

FileDescriptor PluginFileSafety::open_checked_directory(const std::filesystem::path &directory) const
{
	const std::filesystem::path below_root = directory.relative_path();
	const std::vector<std::filesystem::path> names(below_root.begin(), below_root.end());
	std::filesystem::path walked = "/";
	// O_PATH: these descriptors only anchor the walk and answer fstat; nothing is read
	// through them, so no read permission on the directories is needed.
	FileDescriptor current(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
	if (!current)
		throw changed_while_checked(walked, errno);
	for (size_t index = 0;; ++index) {
		struct stat status {};
		if (::fstat(current.get(), &status) != 0)
			throw changed_while_checked(walked, errno);
		check_status(status, walked, index == names.size() ? Entry::own_directory : Entry::ancestor_directory);
		if (index == names.size())
			return current;
		const std::filesystem::path &name = names[index];
		walked /= name;
		FileDescriptor next(::openat(current.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
		if (!next)
			throw changed_while_checked(walked, errno);
		current = std::move(next);
	}
}

void PluginFileSafety::check_status(const struct stat &status, const std::filesystem::path &path, Entry entry) const
{
	const char *what = entry == Entry::file		 ? "plugin file"
			   : entry == Entry::own_directory ? "plugin directory"
							   : "directory";
	// An ancestor is named as such so that the user sees why a directory far above the
	// plugin matters: whoever can rename its entries can swap everything below.
	const std::string where = entry == Entry::ancestor_directory ? " (above the plugin directory)" : "";
	if (entry == Entry::file && !S_ISREG(status.st_mode))
		throw RunnerError(ExitCode::unsafe_plugin_file,
				  fmt::format("plugin file {} is not a regular file", path.string()),
				  "point the search path at the built .so file");
	if (entry != Entry::file && !S_ISDIR(status.st_mode))
		throw changed_while_checked(path, ENOTDIR);
	const bool is_root_directory = entry != Entry::file && path == "/";
	if (is_root_directory ? !is_trusted_root_directory_owner(status.st_uid) : !is_trusted(status.st_uid))
		throw RunnerError(
			ExitCode::unsafe_plugin_file,
			fmt::format("{} {}{} is owned by {}, not by root or the user running scx-runner ({}); "
				    "the runner executes the plugin's code with your privileges",
				    what, path.string(), where, user_name(status.st_uid), user_name(geteuid())),
			fmt::format("fix: chown root {} (or install the plugin into a directory you own)", path.string()));
	const mode_t writable = status.st_mode & (S_IWGRP | S_IWOTH);
	if (!writable)
		return;
	// In a sticky directory (/tmp, and /nix/store at 1775) only an entry's owner may rename or
	// remove it, and the next entry down is checked for its owner: safe as an ancestor. As
	// the plugin's own directory it is not: others could still put plugin files there.
	const bool sticky = (status.st_mode & S_ISVTX) != 0;
	if (entry == Entry::ancestor_directory && sticky)
		return;
	const char *by = writable == (S_IWGRP | S_IWOTH) ? "group and others"
			 : (writable & S_IWGRP)            ? "its group"
							   : "others";
	const std::string sticky_note =
		entry == Entry::own_directory && sticky
			? " (the sticky bit is not enough for the plugin's own directory: others could add plugin files)"
			: "";
	const std::string fix = entry == Entry::ancestor_directory
					? fmt::format("fix: chmod go-w {} (or chmod +t {} if others must create files there)",
						      path.string(), path.string())
					: fmt::format("fix: chmod go-w {}", path.string());
	throw RunnerError(ExitCode::unsafe_plugin_file,
			  fmt::format("{} {}{} is writable by {} (mode {:04o}): they could replace the scheduler the "
				      "runner loads{}",
				      what, path.string(), where, by, status.st_mode & 07777, sticky_note),
			  fix);
}

} // namespace scxr
