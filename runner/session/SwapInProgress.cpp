// SPDX-License-Identifier: GPL-2.0-only
#include "session/SwapInProgress.hpp"

#include "control/ControlServer.hpp"

#include <fmt/format.h>

namespace scxr {

std::string SwapInProgress::describe(BackgroundVerify::Clock::time_point now) const
{
	const auto verifying = std::chrono::duration_cast<std::chrono::milliseconds>(verify->elapsed(now)).count();
	return fmt::format("swapping to {} ({}): {} {} ms", candidate.plugin->id(), candidate.profile.path,
			   verify->finished() ? "verified in" : "verifying since", verifying);
}

void SwapInProgress::answer_waiting_clients(ControlServer *server, const ControlReply &reply)
{
	if (server)
		for (const uint64_t ticket : waiting_clients)
			server->reply_later(ticket, reply, BackgroundVerify::Clock::now());
	waiting_clients.clear();
}

} // namespace scxr
