// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace scxr {

// Measures how long the kernel ran without a sched_ext scheduler during a swap: from the
// moment the runner asks the old scheduler to detach to the moment the new one's attach has
// returned. Both ends are taken on the runner's side of the calls, so the figure is an upper
// bound on the kernel's own gap (which starts inside detach and ends inside attach), measured
// the same way for a pre-verified swap and for a stop-then-start switch, so the two compare.
class SwapGapClock {
public:
	using Clock = std::chrono::steady_clock;

	// Right before the old scheduler's detach.
	void detaching(Clock::time_point now);
	// Right after a scheduler (the new one, or the old one restored after the new one failed)
	// is attached again. Returns the gap; nullopt when detaching() was not called first.
	std::optional<Clock::duration> attached(Clock::time_point now);
	// The swap ended without any scheduler attached (both attaches failed): no gap to report.
	void abandoned() { detached_at_.reset(); }

	bool in_gap() const { return detached_at_.has_value(); }
	std::optional<Clock::duration> last_gap() const { return last_gap_; }
	Clock::duration longest_gap() const { return longest_gap_; }
	uint64_t gaps_measured() const { return gaps_measured_; }

	// "12.345 ms": microsecond precision, in milliseconds, for logs and test output.
	static std::string format(Clock::duration gap);

private:
	std::optional<Clock::time_point> detached_at_;
	std::optional<Clock::duration> last_gap_;
	Clock::duration longest_gap_{};
	uint64_t gaps_measured_ = 0;
};

} // namespace scxr
