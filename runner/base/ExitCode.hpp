// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// The runner's exit status. Each failure class has its own code so that scripts and service
// managers can tell "fix your profile" from "this kernel cannot run it" without parsing text.
// The README lists them; keep the numbers stable.

namespace scxr {

enum class ExitCode : int {
	// Success, including a clean stop by SIGINT/SIGTERM or --duration, and a scheduler that
	// unregistered itself without an error.
	ok = 0,
	// The command line is wrong (unknown flag, missing argument, bad flag value).
	usage = 1,
	// The profile cannot be read (or is not a regular file of at most 1 MiB), is not valid
	// TOML, or does not match the plugin's schema.
	bad_profile = 2,
	// No plugin with the profile's id in any directory of the search path.
	plugin_not_found = 3,
	// The plugin file is not an scx-runner plugin, or was built for an incompatible ABI.
	plugin_abi = 4,
	// The plugin file or a directory above it is writable by others or owned by an untrusted
	// user.
	unsafe_plugin_file = 5,
	// Not running as root, or the kernel denied a privileged operation.
	permission = 6,
	// The running kernel has no sched_ext (no /sys/kernel/sched_ext).
	no_sched_ext = 7,
	// The kernel lacks a feature the plugin needs, or its kfuncs do not match (too old/new).
	kernel_feature_missing = 8,
	// Another sched_ext scheduler is attached.
	scheduler_busy = 9,
	// The kernel's BPF verifier rejected the scheduler.
	verifier_rejected = 10,
	// The kernel refused to enable (attach) the scheduler.
	attach_refused = 11,
	// The scheduler exited with an error (SCX_EXIT_ERROR*, kinds 1024 and up).
	scheduler_error_exit = 12,
	// A bug or an unexpected failure in the runner or a plugin.
	internal = 13,
	// status/switch: no running runner to talk to, or the control request failed.
	control_failed = 14,
	// --metrics (or [runner] metrics): the endpoint could not be served, because the address
	// cannot be bound or the metrics module is missing or unsafe. Nothing was attached.
	metrics_failed = 15,
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

} // namespace scxr
