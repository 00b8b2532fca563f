// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/ExitCode.hpp"
#include "profile/RunnerSettings.hpp"
#include "session/Session.hpp"

#include "FakeKernelProbe.hpp"
#include "TemporaryDirectory.hpp"

#include <filesystem>
#include <functional>
#include <string>

namespace scxr::test {

// A whole Session of the test plugins in this process: its profiles live in a temporary
// directory (so a test can rewrite them and reload), the plugins come from TestPlugins, the
// machine is a FakeKernelProbe. Defaults are fast: polls and stats every 5 ms, and a
// --duration of 20 s only as a safety net.
class SessionRig {
public:
	struct Outcome {
		ExitCode code = ExitCode::internal;
		std::string out; // stats lines, live dumps
		std::string err; // exit reports, error details
	};

	SessionRig();

	TemporaryDirectory directory;
	FakeKernelProbe kernel;
	SessionSettings session;
	RunnerSettings overrides; // as from the command line: win over the profile's [runner]
	// The plugin directory; TestPlugins::directory() unless a test needs its own.
	std::filesystem::path plugin_directory;

	// Writes <directory>/name: plugin = id, the [options] lines, then extra (more tables).
	std::filesystem::path profile(const std::string &name, const std::string &id, const std::string &options,
				      const std::string &extra = {}) const;
	// <directory>/control.sock, and makes the session serve it.
	std::filesystem::path serve_control_socket();

	// Runs a session of the profile at path to its end. meanwhile runs on a thread started
	// once the signals are blocked (signals it sends reach the session); pending_signal is
	// sent before the session starts. Throws what the session throws.
	Outcome run(const std::filesystem::path &profile, const std::function<void()> &meanwhile = {},
		    int pending_signal = 0);
};

// Waits (up to 10 s) until a runner answers ping on the control socket, as a rig's session
// starts serving once its scheduler is attached.
void wait_for_runner(const std::string &control_socket);

} // namespace scxr::test
