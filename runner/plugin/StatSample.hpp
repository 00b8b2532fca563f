// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <scx_runner/plugin_abi.h>

#include <string>

namespace scxr {

// One stats row of a scheduler, copied out of the plugin (whose rows live only until its
// next stats() call).
struct StatSample {
	std::string name;
	scxr_stat_kind kind = SCXR_STAT_COUNTER;
	double value = 0;
	std::string unit;
	std::string help;
};

} // namespace scxr
