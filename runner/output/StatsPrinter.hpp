// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "output/CounterRates.hpp"
#include "output/StatsReading.hpp"
#include "profile/StatsFormat.hpp"

#include <chrono>
#include <map>
#include <ostream>
#include <string>

namespace scxr {

// Where a running scheduler's stats readings go: one block (text) or line (JSON) per reading
// on out, flushed at once, so a pipe or a journal sees each reading when it is taken and not
// when a buffer fills. Remembers each node's previous reading, for the counters' rates.
class StatsPrinter {
public:
	using Clock = CounterRates::Clock;

	explicit StatsPrinter(std::ostream &out) : out_(out) {}

	// reading's rates are filled here; taken_at is when it was read. By reference, so that a
	// caller that reads every interval can keep one reading and refresh it in place.
	void print(StatsFormat format, StatsReading &reading, Clock::time_point taken_at);
	// Another instance runs now: the next reading of every node shows totals.
	void forget() { rates_.clear(); }

private:
	std::ostream &out_;
	std::map<std::string, CounterRates> rates_; // by node
};

} // namespace scxr
