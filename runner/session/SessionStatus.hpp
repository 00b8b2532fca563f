// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "control/ControlProtocol.hpp"
#include "control/RunnerCounters.hpp"
#include "session/SwapMode.hpp"

#include <chrono>
#include <cstdint>

namespace scxr {

class PluginInstance;
class Swap;
class SwapGapClock;
struct ResolvedProfile;

// What `scx-runner status` tells of a running session, and the counts kept only for it: since
// when the session runs and its scheduler is attached, its swaps (and failed ones) and restarts.
class SessionStatus {
public:
	using Clock = std::chrono::steady_clock;

	explicit SessionStatus(Clock::time_point started) : started_(started) {}

	void started(Clock::time_point now) { started_ = now; }
	void attached(Clock::time_point now) { attached_at_ = now; }
	Clock::time_point attached_at() const { return attached_at_; }
	void swapped() { ++swaps_; }
	void swap_failed() { ++failed_swaps_; }
	// Counts a restart; returns its number in this run.
	uint64_t restarting() { return ++restarts_; }

	// instance: what is attached (nullptr while a restart is pending); swap: the pre-verified
	// swap in progress, if any.
	ControlReply reply(const ResolvedProfile &current, const PluginInstance *instance, SwapMode mode,
			   const SwapGapClock &gap_clock, const Swap *swap, Clock::time_point now) const;

	// The same counts for /metrics.
	RunnerCounters counters(bool attached, const SwapGapClock &gap_clock, Clock::time_point now) const;

private:
	Clock::time_point started_;
	Clock::time_point attached_at_;
	uint64_t swaps_ = 0;
	uint64_t failed_swaps_ = 0;
	uint64_t restarts_ = 0;
};

} // namespace scxr
