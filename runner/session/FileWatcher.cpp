// SPDX-License-Identifier: GPL-2.0-only
#include "session/FileWatcher.hpp"

#include "base/RunnerError.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/inotify.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace scxr {

namespace {

// Everything that can change what the path names or what it holds: in-place writes
// (MODIFY, CLOSE_WRITE), replacement by rename (MOVED_TO) or delete and re-create (DELETE,
// CREATE), moving it away (MOVED_FROM), and mode changes (ATTRIB: a profile made unreadable).
constexpr uint32_t kFileEvents =
	IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB;
// The directory itself going away ends the watch.
constexpr uint32_t kDirectoryEvents = IN_DELETE_SELF | IN_MOVE_SELF;

} // namespace

FileWatcher::FileWatcher(std::filesystem::path file, std::chrono::milliseconds debounce)
	: file_(std::move(file)), file_name_(file_.filename().string()), debounce_(debounce)
{
	if (file_name_.empty())
		throw RunnerError(ExitCode::usage, fmt::format("cannot watch '{}': it names no file", file_.string()));
	std::filesystem::path directory = file_.parent_path();
	if (directory.empty())
		directory = ".";

	inotify_ = FileDescriptor(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
	if (!inotify_)
		throw RunnerError(ExitCode::usage, fmt::format("cannot watch {}: inotify: {}", file_.string(), std::strerror(errno)),
				  "the inotify instance limit is reached (fs.inotify.max_user_instances)");
	watch_ = ::inotify_add_watch(inotify_.get(), directory.c_str(), kFileEvents | kDirectoryEvents | IN_ONLYDIR);
	if (watch_ < 0)
		throw RunnerError(ExitCode::usage,
				  fmt::format("cannot watch {}: cannot watch its directory {}: {}", file_.string(),
					      directory.string(), std::strerror(errno)));
}

bool FileWatcher::changed(Clock::time_point now)
{
	if (drain())
		last_event_ = now;
	if (!last_event_ || now - *last_event_ < debounce_)
		return false;
	last_event_.reset();
	return true;
}

std::optional<FileWatcher::Clock::duration> FileWatcher::time_until_due(Clock::time_point now) const
{
	if (!last_event_)
		return std::nullopt;
	const Clock::time_point due = *last_event_ + debounce_;
	return due > now ? due - now : Clock::duration::zero();
}

bool FileWatcher::drain()
{
	bool concerned = false;
	alignas(inotify_event) std::array<char, 16 * 1024> buffer{};
	for (;;) {
		const ssize_t length = ::read(inotify_.get(), buffer.data(), buffer.size());
		if (length < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				spdlog::warn("watching {}: reading inotify events failed: {}", file_.string(), std::strerror(errno));
			return concerned;
		}
		if (length == 0)
			return concerned;
		for (size_t offset = 0; offset < static_cast<size_t>(length);) {
			inotify_event event{};
			std::memcpy(&event, buffer.data() + offset, sizeof(event));
			const char *name = buffer.data() + offset + sizeof(inotify_event);
			offset += sizeof(inotify_event) + event.len;

			if (event.mask & IN_Q_OVERFLOW) {
				// Events were lost; one of them may have been ours.
				concerned = true;
				continue;
			}
			if (event.mask & (kDirectoryEvents | IN_IGNORED)) {
				if (!watch_lost_)
					spdlog::warn("watching {}: its directory was removed or moved; changes are no "
						     "longer noticed (send SIGHUP to reload)",
						     file_.string());
				watch_lost_ = true;
				concerned = true;
				continue;
			}
			if (event.len > 0 && file_name_ == name)
				concerned = true;
		}
	}
}

} // namespace scxr
