// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "control/ControlProtocol.hpp"
#include "base/Duration.hpp"
#include "profile/RunnerSettings.hpp"
#include "session/SwapMode.hpp"

#include <spdlog/common.h>

#include <optional>
#include <string>
#include <vector>

namespace scxr {

// What the command line asks for.
struct CliOptions {
	enum class Command { run, check, plugins, status, switch_profile, monitor, top, help, version };

	Command command = Command::help;
	std::string profile_path;           // run, check, switch
	bool json = false;                  // plugins, status, switch --json
	spdlog::level::level_enum log_level = spdlog::level::info;
	bool verbose = false;               // -v or a log level of debug or below
	std::vector<std::string> plugin_directories; // --plugin-dir, in order
	RunnerSettings runner_overrides;    // --stats-interval, --stats-format, --stats-socket
	std::optional<Duration> run_for;    // --duration
	bool watch = false;                 // --watch: reload when the profile file changes
	std::string control_socket = ControlProtocol::kDefaultSocketPath; // --control-socket
	std::string monitor_socket;         // monitor [PATH]: empty for --stats-socket or the default
	SwapMode swap_mode = SwapMode::pre_verified;        // --swap-mode
	std::optional<Duration> top_interval; // top --interval
	bool plain = false;                   // top --plain
};

// Parses the command line:
//   scx-runner [OPTIONS] PROFILE.toml        run a profile
//   scx-runner [OPTIONS] check PROFILE.toml  validate it without root or kernel
//   scx-runner [OPTIONS] plugins [--json]    list plugins and their options
//   scx-runner [OPTIONS] status [--json]     what the kernel and a running runner run
//   scx-runner [OPTIONS] switch PROFILE.toml ask the running runner to swap to a profile
//   scx-runner [OPTIONS] monitor [PATH]      print what an scx_stats socket serves
//   scx-runner [OPTIONS] top                 a live view of the running runner
class Cli {
public:
	// arguments excludes argv[0]. Throws RunnerError (usage) with a hint.
	static CliOptions parse(const std::vector<std::string> &arguments);

	static std::string usage();
	static std::string version();
};

} // namespace scxr
