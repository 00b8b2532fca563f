// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <chrono>
#include <csignal>
#include <initializer_list>
#include <vector>

namespace scxr {

// Receives signals as data through a signalfd instead of handlers, so that all the work a
// signal triggers (detach, dump, reload) runs in the main loop, never in a signal handler.
// Blocks the signals in the calling thread (create it in the main thread before any other
// thread starts, so every thread inherits the mask) and restores the old mask on destruction.
class SignalFd {
public:
	explicit SignalFd(std::initializer_list<int> signals);
	~SignalFd();
	SignalFd(const SignalFd &) = delete;
	SignalFd &operator=(const SignalFd &) = delete;

	// Waits up to timeout for signals; returns the ones that arrived, oldest first (empty
	// after a timeout).
	std::vector<int> wait(std::chrono::milliseconds timeout);

	int fd() const { return fd_; }

private:
	int fd_ = -1;
	sigset_t previous_mask_{};
};

} // namespace scxr
