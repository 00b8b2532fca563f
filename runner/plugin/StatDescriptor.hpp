// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <scx_runner/plugin_abi.h>

#include <string>

namespace scxr {

// One stat of a plugin's stats schema (scxr_stat_desc), its strings copied: a 1.0 plugin's
// names live only until its next stats() call, and NULL becomes "".
struct StatDescriptor {
	std::string name;
	scxr_stat_kind kind = SCXR_STAT_COUNTER;
	scxr_stat_type type = SCXR_STAT_U64;
	std::string unit;
	std::string help;
	std::string group;
};

} // namespace scxr
