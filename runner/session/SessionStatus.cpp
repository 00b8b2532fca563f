// SPDX-License-Identifier: GPL-2.0-only
#include "session/SessionStatus.hpp"

#include "profile/ResolvedProfile.hpp"
#include "session/Swap.hpp"
#include "session/SwapGapClock.hpp"

#include <unistd.h>

namespace scxr {

namespace {

int64_t whole_seconds(SessionStatus::Clock::duration duration)
{
	return std::chrono::duration_cast<std::chrono::seconds>(duration).count();
}

} // namespace

ControlReply SessionStatus::reply(const ResolvedProfile &current, const PluginInstance *instance, SwapMode mode,
				  const SwapGapClock &gap_clock, const Swap *swap, Clock::time_point now) const
{
	ControlReply reply = ControlReply::success();
	reply.set("pid", ::getpid());
	reply.set("profile", current.profile.path);
	reply.set("plugin", current.root.plugin->id());
	reply.set("version", current.root.plugin->version());
	reply.set("plugin_file", current.root.plugin->path().string());
	reply.set("state", instance ? "attached" : "restart pending");
	ControlReply::Object options;
	const OptionSchema schema = current.root.plugin->schema();
	for (const OptionSettings::Setting &setting : current.root.options.settings())
		options.emplace_back(setting.name, OptionSettings::format(setting, schema));
	reply.set("options", std::move(options));
	reply.set("uptime_seconds", whole_seconds(now - started_));
	if (instance)
		reply.set("attached_seconds", whole_seconds(now - attached_at_));
	reply.set("swaps", swaps_);
	reply.set("failed_swaps", failed_swaps_);
	reply.set("restarts", restarts_);
	reply.set("swap_mode", std::string(swap_mode_name(mode)));
	if (const auto gap = gap_clock.last_gap())
		reply.set("last_gap", SwapGapClock::format(*gap));
	if (swap) {
		reply.set("verifying", swap->candidate().root.plugin->id());
		reply.set("swap", swap->describe(now));
	}
	return reply;
}

RunnerCounters SessionStatus::counters(bool attached, const SwapGapClock &gap_clock, Clock::time_point now) const
{
	RunnerCounters counters;
	counters.uptime_seconds = std::chrono::duration<double>(now - started_).count();
	counters.attached = attached;
	counters.swaps = swaps_;
	counters.failed_swaps = failed_swaps_;
	counters.restarts = restarts_;
	if (const auto gap = gap_clock.last_gap())
		counters.last_swap_gap_seconds = std::chrono::duration<double>(*gap).count();
	return counters;
}

} // namespace scxr
