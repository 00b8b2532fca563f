// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/StatSample.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace scxr {

// One stats reading of one scheduler, as the printers take it: when it was taken, whose it is
// and its values, with the rates CounterRates worked out from the reading before.
struct StatsReading {
	std::chrono::system_clock::time_point when;
	// The scheduler's node in the tree; empty while the runner runs one scheduler.
	std::string node;
	std::string plugin_id;
	std::vector<StatSample> samples;
	// Empty, or one entry per sample: its change per second since the previous reading, for a
	// counter that has one.
	std::vector<std::optional<double>> rates;
	// The seconds the rates span; zero when there are none (the first reading).
	double rate_seconds = 0;

	bool has_rates() const { return rate_seconds > 0 && !rates.empty(); }
};

} // namespace scxr
