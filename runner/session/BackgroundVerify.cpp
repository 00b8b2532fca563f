// SPDX-License-Identifier: GPL-2.0-only
#include "session/BackgroundVerify.hpp"

#include "plugin/PluginInstance.hpp"
#include "base/RunnerError.hpp"

#include <fmt/format.h>

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <system_error>

namespace scxr {

BackgroundVerify::BackgroundVerify(Work work) : shared_(std::make_shared<Shared>()), started_(Clock::now())
{
	shared_->work = std::move(work);
	shared_->done_event = FileDescriptor(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	if (!shared_->done_event)
		throw RunnerError(ExitCode::internal,
				  fmt::format("cannot create an eventfd for a background verify: {}", std::strerror(errno)));
	try {
		worker_ = std::thread(&BackgroundVerify::run, shared_);
	} catch (const std::system_error &error) {
		throw RunnerError(ExitCode::internal, fmt::format("cannot start a thread to verify on: {}", error.what()));
	}
}

BackgroundVerify::~BackgroundVerify()
{
	// The instance may be inside libbpf on the worker; it must not be destroyed under it.
	if (worker_.joinable())
		worker_.join();
}

void BackgroundVerify::run(const std::shared_ptr<Shared> &shared)
{
	std::unique_ptr<PluginInstance> instance;
	std::exception_ptr error;
	try {
		instance = shared->work();
	} catch (...) {
		error = std::current_exception();
	}
	{
		const std::lock_guard lock(shared->mutex);
		shared->instance = std::move(instance);
		shared->error = error;
		shared->finished = true;
		shared->finished_at = Clock::now();
	}
	const uint64_t one = 1;
	// An eventfd write of 1 cannot fail short of a counter overflow, which one write never causes.
	[[maybe_unused]] const ssize_t written = ::write(shared->done_event.get(), &one, sizeof(one));
}

int BackgroundVerify::fd() const { return shared_->done_event.get(); }

bool BackgroundVerify::finished() const
{
	const std::lock_guard lock(shared_->mutex);
	return shared_->finished;
}

BackgroundVerify::Clock::duration BackgroundVerify::elapsed(Clock::time_point now) const
{
	const std::lock_guard lock(shared_->mutex);
	return (shared_->finished ? shared_->finished_at : now) - started_;
}

std::unique_ptr<PluginInstance> BackgroundVerify::take()
{
	if (worker_.joinable())
		worker_.join(); // returns at once: the work has ended
	const std::lock_guard lock(shared_->mutex);
	if (shared_->error)
		std::rethrow_exception(std::exchange(shared_->error, nullptr));
	return std::move(shared_->instance);
}

} // namespace scxr
