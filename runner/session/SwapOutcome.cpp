// SPDX-License-Identifier: GPL-2.0-only
#include "session/SwapOutcome.hpp"

#include "profile/ResolvedProfile.hpp"
#include "session/SwapGapClock.hpp"

namespace scxr {

ControlReply SwapOutcome::reply(const ResolvedProfile &current) const
{
	if (!ok)
		return ControlReply::failure(message);
	ControlReply reply = ControlReply::success();
	reply.set("message", message);
	reply.set("swapped", swapped);
	reply.set("profile", current.profile.path);
	reply.set("plugin", current.root.plugin->id());
	reply.set("version", current.root.plugin->version());
	if (gap)
		reply.set("gap", SwapGapClock::format(*gap));
	return reply;
}

} // namespace scxr
