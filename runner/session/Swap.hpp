// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/RunnerError.hpp"
#include "control/ControlProtocol.hpp"
#include "profile/ResolvedProfile.hpp"
#include "session/BackgroundVerify.hpp"
#include "session/SwapMode.hpp"
#include "session/SwapOutcome.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace scxr {

class ControlServer;
class InstanceLoader;
class PluginInstance;
class SwapGapClock;

// One swap of the running scheduler for a candidate profile's, in either mode, from its start
// to its end. Both modes take the same three steps and share one rollback path:
//
//   verify the new one -> detach the old one -> attach the new one
//
// pre-verified verifies first, on a BackgroundVerify, while the old scheduler runs and the
// loop goes on; stop-start (for comparison) detaches first, drops the old instance as a loader
// process would, and verifies on the caller's thread. A failure before the detach leaves the
// old scheduler attached. A failure after it brings the old one back: re-attached when its
// instance was kept, loaded again when it was dropped. When that fails too, nothing is
// attached and the caller's restart policy decides (End::lost_both).
//
// Everything but the background verify runs on the loop's thread. A pre-verified swap exists
// from its start until the loop calls finish() after the verify ended, or abandon() on a stop.
class Swap {
public:
	using Clock = std::chrono::steady_clock;

	enum class End {
		kept,        // failed before the detach: the old scheduler never stopped
		swapped,     // the new scheduler is attached
		rolled_back, // the new one failed after the detach; the old one is attached again
		lost_both,   // neither the new nor the old one could be attached
	};
	struct Result {
		End end = End::kept;
		SwapOutcome outcome;
	};

	// trigger names the cause for the log ("switch", "SIGHUP", "<profile> changed on disk").
	// A pre-verified swap starts verifying here. loader must outlive the swap.
	Swap(ResolvedProfile candidate, std::string trigger, SwapMode mode, const InstanceLoader &loader);
	~Swap();
	Swap(const Swap &) = delete;
	Swap &operator=(const Swap &) = delete;

	// True for a pre-verified swap whose verify runs on a worker: the loop goes on meanwhile.
	bool background() const { return verify_ != nullptr; }
	// True while nothing runs on a worker any more: finish() may be called. A swap without a
	// background verify (stop-start, or a verify that could not start) is always there.
	bool verify_ended() const;
	// For the loop's poll(): readable once the background verify ended; -1 without one.
	int fd() const;
	const ResolvedProfile &candidate() const { return candidate_; }
	// One line for status, the log and a refused switch:
	// "swapping to qmap (/etc/scx/qmap.toml): verifying since 1234 ms".
	std::string describe(Clock::time_point now) const;

	// A switch request whose answer is this swap's outcome.
	void answer_later(uint64_t ticket) { waiting_clients_.push_back(ticket); }
	// Sends reply to every waiting client (none when server is nullptr), once.
	void answer_waiting_clients(ControlServer *server, const ControlReply &reply);

	// Only once verify_ended(). running is the attached old scheduler, current the profile it
	// came from (to load it again after a failed stop-start). On return running holds what is
	// attached now: the new scheduler, the old one, or nothing (lost_both). Exit reports and
	// error details go to err.
	// before_detach runs just before the old scheduler is detached (never when the swap
	// ends before that): the children below it go first.
	Result finish(std::unique_ptr<PluginInstance> &running, const ResolvedProfile &current, SwapGapClock &gap_clock,
		      std::ostream &err, const std::function<void()> &before_detach);
	// A stop (a signal, --duration) while the new scheduler verifies: the old one is detached
	// and destroyed at once, waiting clients learn why. True when the verify still runs, so
	// that destroying this swap would wait for it.
	bool abandon(const std::string &why, std::unique_ptr<PluginInstance> &running, ControlServer *server);
	// After End::swapped: the profile the session runs from now on.
	ResolvedProfile take_candidate() { return std::move(candidate_); }

private:
	Result kept(const RunnerError &error, const std::string &what, const std::string &old_id, std::ostream &err) const;
	Result roll_back(const RunnerError &error, std::unique_ptr<PluginInstance> &running,
			 const ResolvedProfile &current, const std::string &old_id, SwapGapClock &gap_clock,
			 std::ostream &err) const;
	Result swapped(Clock::duration gap, Clock::duration verify, const ResolvedProfile &current) const;

	ResolvedProfile candidate_;
	std::string trigger_;
	SwapMode mode_;
	const InstanceLoader &loader_;
	std::unique_ptr<BackgroundVerify> verify_; // pre-verified only
	std::optional<RunnerError> verify_not_started_;
	std::vector<uint64_t> waiting_clients_;
};

} // namespace scxr
