// SPDX-License-Identifier: GPL-2.0-only
#include "session/SwapGapClock.hpp"

#include <fmt/format.h>

namespace scxr {

void SwapGapClock::detaching(Clock::time_point now) { detached_at_ = now; }

std::optional<SwapGapClock::Clock::duration> SwapGapClock::attached(Clock::time_point now)
{
	if (!detached_at_)
		return std::nullopt;
	const Clock::duration gap = now >= *detached_at_ ? now - *detached_at_ : Clock::duration::zero();
	detached_at_.reset();
	last_gap_ = gap;
	if (gap > longest_gap_)
		longest_gap_ = gap;
	++gaps_measured_;
	return gap;
}

std::string SwapGapClock::format(Clock::duration gap)
{
	const auto microseconds = std::chrono::duration_cast<std::chrono::microseconds>(gap).count();
	return fmt::format("{}.{:03} ms", microseconds / 1000, microseconds % 1000);
}

} // namespace scxr
