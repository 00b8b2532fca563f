// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/Duration.hpp"
#include "base/ExitCode.hpp"
#include "top/Sparkline.hpp"
#include "top/TopModel.hpp"

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

namespace scxr {

// `scx-runner top`: a live view of a running runner, read through its control socket (one
// `stats` exchange per interval, each on a connection of its own, so a slow or stopped top
// holds nothing of the runner's). On a terminal it draws with TopScreen and takes keys (q
// quit, p or space pause, Tab/Down and Up pick a node, r refresh now); when stdout or stdin
// is not a terminal, or with --plain, it prints a timestamped block per interval instead.
//
// It runs until q, SIGINT or SIGTERM (exit 0), or until the runner cannot be read (exit 14,
// the message names the socket).
class TopCommand {
public:
	struct Settings {
		std::filesystem::path socket;
		Duration interval = Duration::from_nanoseconds(1'000'000'000);
		bool plain = false;
		std::optional<Duration> run_for; // --duration: stop after that long (exit 0)
	};

	// At least this long between two readings: top must never become a load on the runner.
	static constexpr Duration kMinimumInterval = Duration::from_nanoseconds(100'000'000);
	// Key stats per node in the plain text: three rows of two.
	static constexpr size_t kPlainKeyStats = 6;
	static constexpr size_t kPlainWidth = 80;

	TopCommand(Settings settings, std::ostream &out);

	// Throws RunnerError (control_failed) when no runner answers at the start.
	ExitCode run();

	// One plain block: the lines of a reading, the first one after the time of day.
	static std::string plain_block(const TopModel &model, const std::string &time_of_day,
				       Sparkline::Charset charset);

private:
	// Reads the runner once. started: a reading came before (the error then says the runner
	// went away rather than that none runs).
	TopReading read(bool started) const;
	ExitCode run_plain();
	ExitCode run_screen();

	Settings settings_;
	std::ostream &out_;
	TopModel model_;
};

} // namespace scxr
