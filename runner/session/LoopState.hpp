// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/ExitCode.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <variant>

namespace scxr {

// Where the Session's loop stands between two events:
//
//   running          a scheduler is attached (also while a swap verifies its successor)
//   restart_pending  nothing is attached; the restart policy's delay ends at `at`
//   stopping         a stop was asked for (a signal, --duration); the loop detaches and ends
//   finished         the run is over with `code` (a clean exit, a spent restart budget)
//
// The first stop asked for is the one reported, and a finished run keeps its code: a stop
// that comes later changes neither.
class LoopState {
public:
	using Clock = std::chrono::steady_clock;

	struct Running {};
	struct RestartPending {
		Clock::time_point at;
	};
	struct Stopping {
		std::string why; // "received SIGTERM", "--duration of 10s elapsed"
	};
	struct Finished {
		ExitCode code;
	};

	bool running() const { return std::holds_alternative<Running>(state_); }
	const RestartPending *restart_pending() const { return std::get_if<RestartPending>(&state_); }
	const Stopping *stopping() const { return std::get_if<Stopping>(&state_); }
	const Finished *finished() const { return std::get_if<Finished>(&state_); }

	void run() { state_ = Running{}; }
	void restart_at(Clock::time_point at) { state_ = RestartPending{at}; }
	void stop(std::string why)
	{
		if (running() || restart_pending())
			state_ = Stopping{std::move(why)};
	}
	void finish(ExitCode code) { state_ = Finished{code}; }

private:
	std::variant<Running, RestartPending, Stopping, Finished> state_;
};

} // namespace scxr
