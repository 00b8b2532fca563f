// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace scxr::http {

// The connections' task queue: a few worker threads and at most max_waiting connections
// waiting for one. httplib's own pool queues without a bound, so a flood of connections would
// cost memory without end; here a connection beyond the bound is served on the accepting
// thread, which stops accepting meanwhile: the flood waits in the kernel's listen backlog and
// then is refused by the kernel, costing the runner nothing.
class BoundedTaskQueue : public httplib::TaskQueue {
public:
	BoundedTaskQueue(size_t workers, size_t max_waiting);
	~BoundedTaskQueue() override;

	void enqueue(std::function<void()> task) override;
	void shutdown() override;

private:
	void work();

	const size_t max_waiting_;
	std::mutex mutex_;
	std::condition_variable wake_;
	std::deque<std::function<void()>> waiting_;
	bool shutting_down_ = false;
	std::vector<std::thread> workers_;
};

} // namespace scxr::http
