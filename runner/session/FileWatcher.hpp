// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/FileDescriptor.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace scxr {

// Tells the event loop when a file (the profile, for --watch) has changed on disk.
//
// It watches the file's directory, not the file: editors and config managers save by writing
// a new file and renaming it over the old one, which a watch on the old inode would never
// see. Events for other names in the directory are ignored. Saving is rarely one event
// (truncate, write, write, close; or create, write, rename), so a change is reported only
// once the directory has been quiet for the debounce period: one reload per save, and never
// of a half-written file.
//
// A symlinked profile is watched as the link (replacing the link counts), not its target.
class FileWatcher {
public:
	using Clock = std::chrono::steady_clock;

	static constexpr std::chrono::milliseconds kDefaultDebounce{250};

	// Throws RunnerError (usage) when the directory cannot be watched (it does not exist, or
	// the inotify limits are reached).
	explicit FileWatcher(std::filesystem::path file, std::chrono::milliseconds debounce = kDefaultDebounce);

	// Readable when events are waiting; never blocks when read.
	int fd() const { return inotify_.get(); }

	// Drains waiting events and returns true once, when the file changed and nothing has
	// happened to it for the debounce period up to now. Call it when fd() is readable and
	// when time_until_due() has passed.
	bool changed(Clock::time_point now);

	// How long until a pending change is due; nullopt when nothing is pending.
	std::optional<Clock::duration> time_until_due(Clock::time_point now) const;

	const std::filesystem::path &file() const { return file_; }

private:
	// Reads every waiting event; returns true when one concerned our file.
	bool drain();

	std::filesystem::path file_;
	std::string file_name_;
	std::chrono::milliseconds debounce_;
	FileDescriptor inotify_;
	int watch_ = -1;
	std::optional<Clock::time_point> last_event_; // of a change not yet reported
	bool watch_lost_ = false;
};

} // namespace scxr
