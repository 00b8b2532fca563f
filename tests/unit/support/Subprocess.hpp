// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace scxr::test {

struct ProcessResult {
	int exit_code = -1; // -1 when killed by a signal
	int signal = 0;
	std::string out;
	std::string err;
	// user + system CPU time the process used: a bound on work that load on the machine
	// cannot stretch, unlike wall-clock time
	std::chrono::microseconds cpu_time{0};
};

// Runs a program to completion and collects what it printed: the CLI tests run the real
// scx-runner binary this way. SCX_RUNNER_PLUGIN_PATH is removed from the environment unless
// environment sets it.
class Subprocess {
public:
	static ProcessResult run(const std::filesystem::path &program, const std::vector<std::string> &arguments,
				 const std::map<std::string, std::string> &environment = {},
				 std::chrono::seconds timeout = std::chrono::seconds(60));
};

} // namespace scxr::test
