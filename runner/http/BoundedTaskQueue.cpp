// SPDX-License-Identifier: GPL-2.0-only
#include "http/BoundedTaskQueue.hpp"

#include <utility>

namespace scxr::http {

BoundedTaskQueue::BoundedTaskQueue(size_t workers, size_t max_waiting) : max_waiting_(max_waiting)
{
	workers_.reserve(workers);
	for (size_t i = 0; i < workers; ++i)
		workers_.emplace_back([this] { work(); });
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

void BoundedTaskQueue::enqueue(std::function<void()> task)
{
	{
		std::lock_guard lock(mutex_);
		if (waiting_.size() < max_waiting_ && !shutting_down_) {
			waiting_.push_back(std::move(task));
			wake_.notify_one();
			return;
		}
	}
	task(); // on the accepting thread: see the class comment
}

void BoundedTaskQueue::shutdown()
{
	{
		std::lock_guard lock(mutex_);
		if (shutting_down_ && workers_.empty())
			return;
		shutting_down_ = true;
	}
	wake_.notify_all();
	for (std::thread &worker : workers_)
		worker.join();
	workers_.clear();
}

void BoundedTaskQueue::work()
{
	for (;;) {
		std::function<void()> task;
		{
			std::unique_lock lock(mutex_);
			wake_.wait(lock, [this] { return shutting_down_ || !waiting_.empty(); });
			// Connections already accepted are served before the workers end: each closes its
			// socket when done.
			if (waiting_.empty())
				return;
			task = std::move(waiting_.front());
			waiting_.pop_front();
		}
		task();
	}
}

} // namespace scxr::http
