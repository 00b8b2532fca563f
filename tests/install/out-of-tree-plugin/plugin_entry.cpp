// SPDX-License-Identifier: GPL-2.0-only
// The one symbol out_of_tree.so exports.
#include "OutOfTreeScheduler.hpp"

#include <scx_runner/sdk/Entry.hpp>
#include <scx_runner/sdk/Options.hpp>
#include <scx_runner/sdk/Stats.hpp>

namespace {

using namespace scxr::sdk;

constexpr scxr_option_desc kOptions[] = {
	option::duration("slice", "time slice (validated by the runner, unused)", 5 * kMillisecond,
			 100 * kMicrosecond, kSecond),
	option::string("greeting", "any text, shown by dump", "hello"),
};

constexpr scxr_stat_desc kStats[] = {
	stat::gauge("config", "slice_ns", "ns", "configured slice"),
};

constexpr PluginInfo kInfo{"out_of_tree", "1.0.0", "built out of tree against an installed scx-runner", kOptions, {},
			   kStats};

} // namespace

extern "C" SCXR_PLUGIN_EXPORT const scxr_plugin_entry scx_runner_plugin_entry =
	make_entry<out_of_tree::OutOfTreeScheduler, kInfo>();
