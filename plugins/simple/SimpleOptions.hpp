// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// The simple plugin's option and stats schemas, as constant data shared by the entry (which
// publishes them) and the unit test (which builds settings and reads values through them).

#include "scx_runner/sdk/Options.hpp"
#include "scx_runner/sdk/Stats.hpp"

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

inline constexpr scxr_stat_desc kStats[] = {
	sdk::stat::counter("dispatch", "local_dispatches", "tasks", "tasks sent straight to an idle CPU when they woke up"),
	sdk::stat::counter("dispatch", "global_dispatches", "tasks", "tasks queued on the shared dispatch queue"),
};

} // namespace scxr::simple_plugin
