// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// The simple plugin's option schema, as constant data shared by the entry (which publishes it)
// and the unit test (which builds settings from it).

#include "scx_runner/sdk/Options.hpp"

#include <scx_runner/plugin_abi.h>

#include <cstdint>

namespace scxr::simple_plugin {

inline constexpr const char *kModeValues[] = {"vtime", "fifo", nullptr};

inline constexpr scxr_option_desc kOptions[] = {
	sdk::option::duration("slice", "time slice a task runs before others get the CPU",
			      20 * sdk::kMillisecond, 100 * sdk::kMicrosecond, sdk::kSecond),
	sdk::option::enumeration("mode",
				 "vtime: weighted fair queueing by virtual time; fifo: first come, first served",
				 kModeValues, "vtime"),
	sdk::option::exit_dump_length(),
};

} // namespace scxr::simple_plugin
