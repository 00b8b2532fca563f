// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <spdlog/common.h>

namespace scxr {

// The runner's logging policy. Everything goes through spdlog's default logger, to stderr
// (stdout carries only data: stats lines, live dumps, listings), in the pattern
// "LEVEL: message", with a timestamp in front at debug and trace.
//
//   error  user-facing failures: why the runner stops, what the user must fix
//   warn   something is off but the runner carries on (a restart budget spent, a signal ignored)
//   info   the lifecycle: loaded, attached, detached, the scheduler exited, restarts (default)
//   debug  internals and libbpf's info/warnings, kernel probe answers, plugin lookups (-v)
//   trace  libbpf's own debug output (-vv)
//
// A plugin's log messages arrive through its host callback and carry its id: "[qmap] ...".
// libbpf's output is routed by LibbpfLog. The error that ends the runner is logged at error
// level; its detail lines (a verifier log tail, searched directories) follow it unprefixed.
class Logging {
public:
	// Installs the stderr logger as spdlog's default (colours only on a terminal).
	static void install();
	// Whether stderr is a terminal a person looks at: a tty that is not a serial console,
	// with a TERM other than "dumb" and no NO_COLOR in the environment.
	static bool colours_wanted();
	// Sets the level and the pattern that goes with it.
	static void set_level(spdlog::level::level_enum level);
};

} // namespace scxr
