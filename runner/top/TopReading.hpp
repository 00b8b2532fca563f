// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "control/ControlProtocol.hpp"
#include "control/StatsSnapshot.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace scxr {

// One answer of the control socket's `stats`, as `scx-runner top` uses it: the runner's own
// facts (what `status` shows) and each node's reading.
struct TopReading {
	using Clock = std::chrono::steady_clock;

	int64_t pid = 0;
	std::string profile;
	std::string plugin;
	std::string state;        // the runner's: "attached", "restart pending"
	std::string kernel_state; // /sys/kernel/sched_ext/state: "enabled", "disabled"
	int64_t uptime_seconds = 0;
	int64_t swaps = 0;
	int64_t failed_swaps = 0;
	int64_t restarts = 0;
	// When the runner read the nodes (CLOCK_MONOTONIC, this machine's); nullopt when it does
	// not say, and then the client's clock times the rates.
	std::optional<Clock::time_point> taken_at;
	// Root first; none while no scheduler is attached (a restart is pending).
	StatsSnapshot snapshot;
	// Every child of a tree as `status` describes it (name -> "qmap restart pending (kernel:
	// none), cgroup ..."), attached or not: a child without a reading is only here.
	ControlReply::Object children;

	// Reads a successful `stats` reply. Throws std::invalid_argument when a field has the
	// wrong type or the nodes are unreadable; fields a runner left out keep their defaults.
	static TopReading from_reply(const ControlReply &reply);
};

} // namespace scxr
