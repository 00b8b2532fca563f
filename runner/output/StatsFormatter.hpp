// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/StatSample.hpp"
#include "profile/StatsFormat.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace scxr {

// Turns one stats reading into one output line (without the newline):
//   text: "qmap: nr_enqueued=120 nr_dispatched=118 load=0.5"
//   json: {"timestamp":"2026-11-26T10:00:01.000Z","plugin":"qmap","stats":{"nr_enqueued":120,...}}
class StatsFormatter {
public:
	explicit StatsFormatter(StatsFormat format) : format_(format) {}

	std::string format(std::chrono::system_clock::time_point when, const std::string &plugin_id,
			   const std::vector<StatSample> &samples) const;

	static std::string text(const std::string &plugin_id, const std::vector<StatSample> &samples);
	static std::string json(std::chrono::system_clock::time_point when, const std::string &plugin_id,
				const std::vector<StatSample> &samples);
	// Integral values without a fraction ("120"), others in the shortest exact form ("0.5").
	static std::string format_number(double value);
	// A stat's value: integers exactly ("18446744073709551615", "-3"), doubles as above.
	static std::string format_value(const StatValue &value);
	// UTC with milliseconds: "2026-11-26T10:00:01.250Z".
	static std::string iso8601(std::chrono::system_clock::time_point when);

private:
	StatsFormat format_;
};

} // namespace scxr
