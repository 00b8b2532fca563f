// SPDX-License-Identifier: GPL-2.0-only
#include "session/SignalFd.hpp"

#include "base/RunnerError.hpp"

#include <fmt/format.h>

#include <poll.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace scxr {

SignalFd::SignalFd(std::initializer_list<int> signals)
{
	sigset_t mask;
	sigemptyset(&mask);
	for (int signal : signals)
		sigaddset(&mask, signal);
	if (int error = pthread_sigmask(SIG_BLOCK, &mask, &previous_mask_); error != 0)
		throw RunnerError(ExitCode::internal, fmt::format("cannot block signals: {}", std::strerror(error)));
	fd_ = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd_ < 0) {
		const int error = errno;
		pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
		throw RunnerError(ExitCode::internal, fmt::format("cannot create a signalfd: {}", std::strerror(error)));
	}
}

SignalFd::~SignalFd()
{
	// Signals that arrived but were never read would be delivered with their default action
	// (terminate) as soon as the mask is restored: consume them first.
	signalfd_siginfo info{};
	while (read(fd_, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info)))
		;
	close(fd_);
	pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

std::vector<int> SignalFd::wait(std::chrono::milliseconds timeout)
{
	std::vector<int> received;
	pollfd descriptor{fd_, POLLIN, 0};
	const int ready = ::poll(&descriptor, 1, static_cast<int>(std::max<int64_t>(0, timeout.count())));
	if (ready <= 0)
		return received;
	signalfd_siginfo info{};
	while (read(fd_, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info)))
		received.push_back(static_cast<int>(info.ssi_signo));
	return received;
}

} // namespace scxr
