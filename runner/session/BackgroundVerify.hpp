// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/FileDescriptor.hpp"

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace scxr {

class PluginInstance;

// Creates, configures and loads (verifies) one plugin instance on a worker thread, so that the
// event loop keeps answering signals and the control socket while the kernel's verifier works
// (seconds for a large scheduler under emulation).
//
// The plugin ABI lets one thread at a time use an instance. Here the instance is made and used
// only by the worker until the work returns; take() then hands it to the loop's thread, which
// owns it from there on. fd() becomes readable at that moment, so the loop waits on it with
// its other descriptors instead of polling.
//
// A load cannot be interrupted inside libbpf. Destroying a BackgroundVerify therefore waits for
// the work to end; a process that must not wait ends itself without destroying it (the kernel
// ends the load with the process, and nothing loaded by it was ever attached).
class BackgroundVerify {
public:
	using Clock = std::chrono::steady_clock;
	// Runs on the worker thread; returns the loaded instance or throws (RunnerError for
	// failures to explain to the user).
	using Work = std::function<std::unique_ptr<PluginInstance>()>;

	// Starts the worker. Throws RunnerError when no eventfd or thread can be had.
	explicit BackgroundVerify(Work work);
	~BackgroundVerify();
	BackgroundVerify(const BackgroundVerify &) = delete;
	BackgroundVerify &operator=(const BackgroundVerify &) = delete;

	// For the loop's poll(): readable once the work has ended.
	int fd() const;
	bool finished() const;
	Clock::time_point started() const { return started_; }
	// How long the work took (finished) or has taken so far.
	Clock::duration elapsed(Clock::time_point now) const;

	// Only once finished(): the loaded instance, or the work's exception rethrown.
	std::unique_ptr<PluginInstance> take();

private:
	// What the worker reads and writes; the loop's thread reads it only under the mutex, or
	// after the work ended.
	struct Shared {
		Work work;
		FileDescriptor done_event;
		mutable std::mutex mutex;
		bool finished = false;
		std::unique_ptr<PluginInstance> instance;
		std::exception_ptr error;
		Clock::time_point finished_at;
	};

	static void run(const std::shared_ptr<Shared> &shared);

	std::shared_ptr<Shared> shared_;
	Clock::time_point started_;
	std::thread worker_;
};

} // namespace scxr
