// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/Duration.hpp"
#include "profile/MetricsAddress.hpp"
#include "session/SwapMode.hpp"

#include <filesystem>
#include <optional>
#include <vector>

namespace scxr {

// How a Session runs, from the command line.
struct SessionSettings {
	std::optional<Duration> run_for; // --duration
	// How often the loop asks the plugin whether the scheduler exited, when the plugin offers
	// no exit event to wait on (scx_runner/exit_event.h; 1.0 plugins, BPF without exit_events).
	Duration poll_interval = Duration::from_nanoseconds(100'000'000);
	// Print the whole verifier log on a rejection, not only its tail.
	bool full_verifier_log = false;
	SwapMode swap_mode = SwapMode::pre_verified;
	// Reload when the profile file changes on disk (--watch).
	bool watch = false;
	// Serve status and switch on this Unix socket; nullopt: no control socket.
	std::optional<std::filesystem::path> control_socket;
	// Serve the scx_stats protocol on this Unix socket; nullopt: no stats socket.
	std::optional<std::filesystem::path> stats_socket;
	// Serve /metrics over HTTP there; nullopt: no metrics.
	std::optional<MetricsAddress> metrics;
	// Where the metrics module may be, first found wins (MetricsEndpoint).
	std::vector<std::filesystem::path> metrics_module_paths;
};

} // namespace scxr
