// SPDX-License-Identifier: GPL-2.0-only
#include "profile/ProfileFileReader.hpp"

#include "base/FileDescriptor.hpp"
#include "profile/ProfileError.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace scxr {

namespace {

ProfileError profile_file_error(const std::string &path, const std::string &message, const std::string &hint)
{
	return ProfileError({ProfileDiagnostic{SourcePosition{path, 0, 0}, message, hint}});
}

// What a non-regular file is, in the words `ls -l` and `stat` use.
std::string kind_of(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO (named pipe)";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

std::string limit_text() { return fmt::format("{} bytes (1 MiB)", ProfileFileReader::kMaxBytes); }

ProfileError too_large(const std::string &path, const std::string &size)
{
	return profile_file_error(path, fmt::format("the profile is too large ({}); profiles are limited to {}", size,
						    limit_text()),
				  "check the path: a profile is a small TOML file such as config/qmap.toml");
}

} // namespace

std::string ProfileFileReader::read(const std::string &path)
{
	// O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOCTTY: a terminal device must
	// not become our controlling terminal. Neither changes how a regular file reads.
	FileDescriptor file(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
	if (!file) {
		const int error = errno;
		throw profile_file_error(path, fmt::format("cannot read the profile: {}", std::strerror(error)),
					 "check the path; profiles usually live in config/*.toml");
	}
	struct stat status {};
	if (::fstat(file.get(), &status) != 0) {
		const int error = errno;
		throw profile_file_error(path, fmt::format("cannot examine the profile: {}", std::strerror(error)),
					 "check the path; profiles usually live in config/*.toml");
	}
	if (!S_ISREG(status.st_mode))
		throw profile_file_error(path,
					 fmt::format("the profile is {}, not a regular file; profiles are read only from "
						     "regular files (or symlinks to one) of at most {}",
						     kind_of(status.st_mode), limit_text()),
					 "name a TOML profile file, e.g. config/qmap.toml");
	if (status.st_size > static_cast<off_t>(kMaxBytes))
		throw too_large(path, fmt::format("{} bytes", status.st_size));

	// The size fstat gave may be stale (the file can grow while it is read): read at most one
	// byte more than the limit, and refuse if that byte arrives. The buffer grows with what
	// arrives, from the size fstat gave, so a small profile costs a small buffer, not 1 MiB.
	std::string text;
	size_t filled = 0;
	size_t capacity = std::min(static_cast<size_t>(status.st_size), kMaxBytes) + 1;
	for (;;) {
		if (filled == capacity)
			capacity = std::min(capacity * 2, kMaxBytes + 1);
		if (filled == capacity)
			break; // the byte past the limit arrived
		text.resize(capacity);
		const ssize_t count = ::read(file.get(), text.data() + filled, capacity - filled);
		if (count < 0 && errno == EINTR)
			continue;
		if (count < 0) {
			const int error = errno;
			throw profile_file_error(path, fmt::format("cannot read the profile: {}", std::strerror(error)),
						 "check that the file is readable");
		}
		if (count == 0)
			break;
		filled += static_cast<size_t>(count);
	}
	if (filled > kMaxBytes)
		throw too_large(path, "it grew past the limit while being read");
	text.resize(filled);
	return text;
}

} // namespace scxr
