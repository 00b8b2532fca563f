// SPDX-License-Identifier: GPL-2.0-only
#include "plugin/PluginFileIdentity.hpp"

#include "base/RunnerError.hpp"

#include <fmt/format.h>

#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>

namespace scxr {

namespace {

int64_t nanoseconds_of(const timespec &time) { return int64_t{time.tv_sec} * 1'000'000'000 + time.tv_nsec; }

} // namespace

PluginFileIdentity PluginFileIdentity::from_stat(const struct stat &status)
{
	PluginFileIdentity identity;
	identity.device = status.st_dev;
	identity.inode = status.st_ino;
	identity.size = status.st_size;
	identity.modified_ns = nanoseconds_of(status.st_mtim);
	identity.status_changed_ns = nanoseconds_of(status.st_ctim);
	return identity;
}

PluginFileIdentity PluginFileIdentity::of(const std::filesystem::path &path)
{
	struct stat status{};
	if (::stat(path.c_str(), &status) != 0)
		throw RunnerError(ExitCode::plugin_not_found,
				  fmt::format("cannot examine plugin file {}: {}", path.string(), std::strerror(errno)));
	return from_stat(status);
}

std::optional<PluginFileIdentity> PluginFileIdentity::find(const std::filesystem::path &path)
{
	struct stat status{};
	if (::stat(path.c_str(), &status) != 0)
		return std::nullopt;
	return from_stat(status);
}

PluginFileIdentity PluginFileIdentity::of_descriptor(int fd)
{
	struct stat status{};
	if (::fstat(fd, &status) != 0)
		throw RunnerError(ExitCode::internal, fmt::format("fstat of descriptor {} failed: {}", fd, std::strerror(errno)));
	return from_stat(status);
}

std::string PluginFileIdentity::to_string() const
{
	return fmt::format("device {}:{}, inode {}, {} bytes, modified {}.{:09}", major(device), minor(device), inode, size,
			   modified_ns / 1'000'000'000, modified_ns % 1'000'000'000);
}

} // namespace scxr
