// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "output/StatsReading.hpp"
#include "plugin/StatSample.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace scxr {

// Turns the totals of one scheduler's successive readings into rates: for each counter, its
// growth since the previous reading divided by the seconds between the two. Gauges have no
// rate, and neither has a counter on the first reading, nor one that went down (a new instance
// counting from zero): those show their totals.
class CounterRates {
public:
	using Clock = std::chrono::steady_clock;

	// Fills reading.rates and reading.rate_seconds from the reading remembered before, then
	// remembers this one (taken at when).
	void update(Clock::time_point when, StatsReading &reading);
	// The next reading is a first one again (another instance took over).
	void reset();

	// The growth of a counter from before to now, exactly for integers; nullopt when it shrank
	// or the two readings hold different types.
	static std::optional<double> growth(const StatValue &before, const StatValue &now);

private:
	// The value the previous reading gave the stat named name, at index there if it still is.
	const StatValue *previous_value(size_t index, const std::string &name) const;

	// The previous reading's values, in its order.
	std::vector<std::pair<std::string, StatValue>> previous_;
	Clock::time_point previous_time_{};
	bool has_previous_ = false;
};

} // namespace scxr
