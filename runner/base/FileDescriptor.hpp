// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <unistd.h>

#include <utility>

namespace scxr {

// Owns one file descriptor and closes it when destroyed, so that every early return and
// exception path gives descriptors back (the runner must not leak any across 100 swaps).
// Move-only; -1 means "none".
class FileDescriptor {
public:
	FileDescriptor() = default;
	explicit FileDescriptor(int fd) : fd_(fd) {}
	~FileDescriptor() { reset(); }

	FileDescriptor(FileDescriptor &&other) noexcept : fd_(other.release()) {}
	FileDescriptor &operator=(FileDescriptor &&other) noexcept
	{
		if (this != &other)
			reset(other.release());
		return *this;
	}
	FileDescriptor(const FileDescriptor &) = delete;
	FileDescriptor &operator=(const FileDescriptor &) = delete;

	int get() const { return fd_; }
	bool valid() const { return fd_ >= 0; }
	explicit operator bool() const { return valid(); }

	int release() { return std::exchange(fd_, -1); }
	void reset(int fd = -1)
	{
		if (fd_ >= 0)
			::close(fd_);
		fd_ = fd;
	}

private:
	int fd_ = -1;
};

} // namespace scxr
