// SPDX-License-Identifier: GPL-2.0-only
#include "kernel/CgroupDirectory.hpp"

#include "base/RunnerError.hpp"

#include <fmt/format.h>

#include <sys/stat.h>
#include <sys/vfs.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include <linux/magic.h>

namespace scxr {

namespace {

RunnerError write_error(const std::filesystem::path &file, const std::string &text, int error)
{
	return RunnerError(error == EACCES || error == EPERM ? ExitCode::permission : ExitCode::bad_profile,
			   fmt::format("cannot write '{}' to {}: {}", text, file.string(), std::strerror(error)),
			   "run as root on a cgroup v2 hierarchy; a controller can only be enabled in a cgroup "
			   "without processes of its own (cgroup v2's no-internal-process rule)");
}

void write_file(const std::filesystem::path &file, const std::string &text)
{
	// One write(2): cgroup files take a value per write and answer errors on it.
	std::FILE *stream = std::fopen(file.c_str(), "we");
	if (!stream)
		throw write_error(file, text, errno);
	const bool written = std::fwrite(text.data(), 1, text.size(), stream) == text.size();
	int error = errno;
	if (std::fclose(stream) != 0 && written)
		error = errno;
	else if (written)
		return;
	throw write_error(file, text, error);
}

bool controller_listed(const std::filesystem::path &file, const std::string &controller)
{
	std::ifstream in(file);
	std::string name;
	while (in >> name)
		if (name == controller)
			return true;
	return false;
}

// The cpu controller in every cgroup from the mount down to directory's parent, so that
// directory has a cpu.weight.
void enable_cpu_controller(const std::filesystem::path &mount, const std::filesystem::path &directory)
{
	std::filesystem::path level = mount;
	for (const std::filesystem::path &part : directory.lexically_relative(mount)) {
		const std::filesystem::path control = level / "cgroup.subtree_control";
		if (!controller_listed(control, "cpu"))
			write_file(control, "+cpu");
		level /= part;
	}
}

std::filesystem::path cgroup2_mount_of(const std::filesystem::path &directory)
{
	// The profile layer only accepts cgroups below the mount; a directory that is not on a
	// cgroup2 file system means the machine mounts it elsewhere (or cgroup v1).
	std::filesystem::path mount = "/sys/fs/cgroup";
	struct statfs fs {};
	if (::statfs(mount.c_str(), &fs) != 0 || fs.f_type != CGROUP2_SUPER_MAGIC)
		throw RunnerError(ExitCode::kernel_feature_missing,
				  fmt::format("{} is not a cgroup v2 file system; child schedulers attach to cgroup v2 "
					      "cgroups",
					      mount.string()),
				  "mount cgroup2 there: mount -t cgroup2 none /sys/fs/cgroup");
	if (directory.lexically_relative(mount).empty() || *directory.lexically_relative(mount).begin() == "..")
		throw RunnerError(ExitCode::bad_profile, fmt::format("{} is not below {}", directory.string(), mount.string()));
	return mount;
}

} // namespace

std::optional<uint64_t> CgroupDirectory::id_of(const std::filesystem::path &directory)
{
	struct stat info {};
	if (::stat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
		return std::nullopt;
	return static_cast<uint64_t>(info.st_ino);
}

uint64_t CgroupDirectory::prepare(const std::filesystem::path &directory, bool create, std::optional<uint32_t> cpu_weight)
{
	const std::filesystem::path mount = cgroup2_mount_of(directory);
	if (!id_of(directory)) {
		if (!create)
			throw RunnerError(ExitCode::bad_profile, fmt::format("cgroup {} does not exist", directory.string()),
					  "create it (mkdir), or set create_cgroup = true on the node");
		std::error_code error;
		std::filesystem::create_directories(directory, error);
		if (error)
			throw RunnerError(error == std::errc::permission_denied ? ExitCode::permission : ExitCode::bad_profile,
					  fmt::format("cannot create cgroup {}: {}", directory.string(), error.message()));
	}
	if (cpu_weight) {
		enable_cpu_controller(mount, directory);
		write_file(directory / "cpu.weight", std::to_string(*cpu_weight));
	}
	const std::optional<uint64_t> id = id_of(directory);
	if (!id)
		throw RunnerError(ExitCode::bad_profile, fmt::format("cgroup {} disappeared", directory.string()));
	return *id;
}

} // namespace scxr
