// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/StatSample.hpp"
#include "profile/StatsFormat.hpp"

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

namespace scxr {

// Where a running scheduler's stats readings go: one line per reading on out, flushed at
// once, so a pipe or a journal sees each reading when it is taken and not when a buffer fills.
class StatsPrinter {
public:
	static void print(std::ostream &out, StatsFormat format, std::chrono::system_clock::time_point when,
			  const std::string &plugin_id, const std::vector<StatSample> &samples);
};

} // namespace scxr
