// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/Duration.hpp"
#include "base/ExitCode.hpp"
#include "output/CounterRates.hpp"
#include "output/Json.hpp"
#include "profile/StatsFormat.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

namespace scxr {

// `scx-runner monitor [PATH]`: reads an scx_stats socket (a runner's, or any scx scheduler's)
// every interval and prints what it serves, like the scx schedulers' --monitor. The schema
// (stats_meta) is read once: it names the top struct, which fields are counters (shown as
// rates from the second reading on, as the runner's own stats lines) and their groups. A
// server without our user attributes is shown as it is: nested dicts and arrays as groups of
// their own ("layers.batch"), strings quoted.
class Monitor {
public:
	struct Settings {
		std::filesystem::path socket;
		Duration interval = Duration::from_nanoseconds(1'000'000'000); // zero: one reading
		StatsFormat format = StatsFormat::text;
		std::optional<Duration> run_for;
	};

	Monitor(Settings settings, std::ostream &out);

	// Throws RunnerError (control_failed) when the socket cannot be read at the start; a
	// connection lost later is retried each interval.
	ExitCode run();

	// One reading as text or JSON (without a newline), its counters' rates from rates.
	std::string format(std::chrono::system_clock::time_point when, std::chrono::steady_clock::time_point taken_at,
			   const Json &stats, const Json &meta);

private:
	Settings settings_;
	std::ostream &out_;
	CounterRates rates_;
};

} // namespace scxr
