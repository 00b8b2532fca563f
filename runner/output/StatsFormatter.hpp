// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "output/StatsReading.hpp"
#include "plugin/StatSample.hpp"
#include "profile/StatsFormat.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace scxr {

// Turns one stats reading into text (without a final newline).
//
// text, for people: a header with the local time, the plugin (and the node, in a tree) and
// what the numbers are, then one line per stats group of the plugin's schema, wrapped so no
// line is wider than kLineWidth. Counters show their rate per second ("/s") once there is a
// reading to compare with; the first reading, gauges and counters without a rate show totals:
//   18:20:01 qmap: rates over 1.0s
//     queue     enqueued=1204/s enqueued_minus_dispatched=3 reenqueued=0/s dequeued=12/s
//     dispatch  dispatched=1198/s enqueue_direct_dispatches=40/s
//
// json, for programs: one object per line, the totals under "stats" and (from the second
// reading on) the counters' rates under "rates":
//   {"timestamp":"2026-11-26T10:00:01.000Z","plugin":"qmap","stats":{"enqueued":120,...},
//    "rates":{"enqueued":1204.5,...}}
class StatsFormatter {
public:
	// Wide enough for a terminal's default 100 columns or more, and for journalctl.
	static constexpr size_t kLineWidth = 100;
	// What text calls a group for stats the plugin put in none (every 1.0 plugin's).
	static constexpr const char *kUngroupedLabel = "stats";

	// A group's label and its items ("name=value"), in the order they are shown.
	using Group = std::pair<std::string, std::vector<std::string>>;

	explicit StatsFormatter(StatsFormat format) : format_(format) {}

	std::string format(const StatsReading &reading) const;

	static std::string text(const StatsReading &reading, size_t width = kLineWidth);
	static std::string json(const StatsReading &reading);
	// The header line, then each group's items after its label, the labels padded to one
	// column, wrapped onto continuation lines that start at the items' column.
	static std::string block(const std::string &header, const std::vector<Group> &groups,
				 size_t width = kLineWidth);
	// Integral values without a fraction ("120"), others in the shortest exact form ("0.5").
	static std::string format_number(double value);
	// A stat's value: integers exactly ("18446744073709551615", "-3"), doubles as above.
	static std::string format_value(const StatValue &value);
	// A rate per second, short: "0", "0.4", "12", "1204", "123k", "1.2M".
	static std::string format_rate(double per_second);
	// UTC with milliseconds: "2026-11-26T10:00:01.250Z".
	static std::string iso8601(std::chrono::system_clock::time_point when);
	// Local time of day: "18:20:01".
	static std::string time_of_day(std::chrono::system_clock::time_point when);

private:
	StatsFormat format_;
};

} // namespace scxr
