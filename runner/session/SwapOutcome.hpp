// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "control/ControlProtocol.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace scxr {

struct ResolvedProfile;

// What became of a reload or a switch, for the log and the control reply.
struct SwapOutcome {
	bool ok = false;      // false: the profile or the new scheduler failed; the old one runs on
	bool swapped = false; // another scheduler instance is attached now
	bool in_progress = false; // the new scheduler verifies in the background; the loop ends the swap
	std::string message;  // one line: what happened, or what failed and what runs now
	std::optional<std::chrono::steady_clock::duration> gap;

	// The answer to the switch that asked for it; current is the profile that runs now.
	ControlReply reply(const ResolvedProfile &current) const;
};

} // namespace scxr
