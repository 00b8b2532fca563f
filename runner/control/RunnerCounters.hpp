// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstdint>
#include <optional>

namespace scxr {

// The runner's own figures beside its schedulers' stats, as /metrics serves them: the session
// fills them in from what it keeps for `status` (SessionStatus).
struct RunnerCounters {
	double uptime_seconds = 0;
	// True while the root scheduler is attached; false while a restart is pending.
	bool attached = false;
	uint64_t swaps = 0;
	uint64_t failed_swaps = 0;
	uint64_t restarts = 0;
	// The gap of the last swap (no scheduler attached between the old and the new); none
	// before the first swap.
	std::optional<double> last_swap_gap_seconds;
};

} // namespace scxr
