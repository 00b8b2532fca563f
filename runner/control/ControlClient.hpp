// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "control/ControlProtocol.hpp"

#include <chrono>
#include <filesystem>

namespace scxr {

// The `scx-runner status` / `scx-runner switch` end of the control socket: one connection,
// one request, one reply, all within a time limit.
class ControlClient {
public:
	// A swap verifies a whole BPF scheduler before it answers; under emulation that takes
	// many seconds, so switch waits longer than status.
	static constexpr std::chrono::milliseconds kDefaultTimeout{5000};
	static constexpr std::chrono::milliseconds kSwitchTimeout{120000};

	explicit ControlClient(std::filesystem::path socket_path, std::chrono::milliseconds timeout = kDefaultTimeout);

	// Sends request and returns the runner's reply, failed replies included (check ok()).
	// Throws RunnerError (control_failed) when there is no reply to return:
	//   "no runner is running (no socket at /run/scx-runner/control.sock)"
	//   "no runner is running (the socket /run/... is stale: nobody accepts on it)"
	//   "permission denied on the control socket ...: run as root"
	//   "the runner did not answer within 5000 ms"
	//   "the runner sent an unreadable reply: ..."
	ControlReply request(const ControlRequest &request) const;

	// True when a runner answers ping; never throws for a missing or stale socket.
	bool runner_is_running() const;

	const std::filesystem::path &socket_path() const { return socket_path_; }

private:
	std::filesystem::path socket_path_;
	std::chrono::milliseconds timeout_;
};

} // namespace scxr
