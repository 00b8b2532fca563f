// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace scxr {

// The runner's own figures beside its schedulers' stats, as /metrics serves them: the session
// fills them in from what it keeps for `status` (SessionStatus).
struct RunnerCounters {
	double uptime_seconds = 0;
	// True while the root scheduler is attached; false while a restart is pending.
	bool attached = false;
	uint64_t swaps = 0;
	uint64_t failed_swaps = 0;
	uint64_t restarts = 0; // the root's
	// Each child of a tree by its node name (its cgroup, as the stats name it), with its own
	// restarts: a child restarts by its own policy, the root untouched.
	std::vector<std::pair<std::string, uint64_t>> child_restarts;
	// The gap of the last swap (no scheduler attached between the old and the new); none
	// before the first swap.
	std::optional<double> last_swap_gap_seconds;
};

} // namespace scxr
