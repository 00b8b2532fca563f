// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "session/BackgroundVerify.hpp"
#include "control/ControlProtocol.hpp"
#include "profile/ResolvedProfile.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace scxr {

class ControlServer;

// A pre-verified swap between its start and its end: the incoming scheduler verifies on a
// BackgroundVerify while the old one stays attached and the loop goes on. Exists only while
// the verify runs or its result waits for the loop; the loop then commits the swap (detach
// the old, attach the new) or reports why it did not.
struct SwapInProgress {
	ResolvedProfile candidate;
	std::string trigger; // "switch", "SIGHUP", "<profile> changed on disk"
	std::unique_ptr<BackgroundVerify> verify;
	// Control clients (switch requests) waiting for this swap's outcome.
	std::vector<uint64_t> waiting_clients;

	// One line for status, the log and a refused switch:
	// "swapping to qmap (/etc/scx/qmap.toml): verifying since 1234 ms".
	std::string describe(BackgroundVerify::Clock::time_point now) const;
	// Sends reply to every waiting client (none when server is nullptr), once.
	void answer_waiting_clients(ControlServer *server, const ControlReply &reply);
};

} // namespace scxr
