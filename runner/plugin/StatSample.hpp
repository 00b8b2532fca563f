// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <scx_runner/plugin_abi.h>

#include <cstdint>
#include <string>
#include <variant>

namespace scxr {

// One reading of a stat, exact in the type the plugin gave it (scxr_stat_type): u64, s64 or
// double. A 1.0 plugin's values are all doubles.
using StatValue = std::variant<uint64_t, int64_t, double>;

// One stats row of a scheduler: its schema entry and the value of one reading, copied out of
// the plugin.
struct StatSample {
	std::string name;
	scxr_stat_kind kind = SCXR_STAT_COUNTER;
	StatValue value;
	std::string unit;
	std::string help;
	std::string group;
};

} // namespace scxr
