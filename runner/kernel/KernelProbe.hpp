// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <scx_runner/plugin_abi.h>

#include <optional>
#include <string>

namespace scxr {

class PluginLibrary;

// What the runner needs to know about the machine before it loads a scheduler. Built once in
// main() and passed down, so tests can hand in a fake. The check_*() methods turn the answers
// into errors with the right exit code and a message that says what to do.
class KernelProbe {
public:
	virtual ~KernelProbe() = default;

	virtual bool is_root() const = 0;
	virtual bool has_sched_ext() const = 0;
	// The state in /sys/kernel/sched_ext/state: "enabled", "disabled", "enabling", ...
	virtual std::string sched_ext_state() const = 0;
	// The name of the attached scheduler (root/ops), "" if unknown.
	virtual std::string attached_scheduler() const = 0;
	// /sys/kernel/sched_ext/enable_seq: how many times a scheduler was enabled since boot;
	// empty if unknown.
	virtual std::string enable_seq() const = 0;
	// uname's release, e.g. "7.3.4-amd64".
	virtual std::string kernel_release() const = 0;
	// Whether the running kernel's BTF has what requirement names. Throws RunnerError when
	// the kernel's BTF cannot be read.
	virtual bool has(const scxr_requirement &requirement) const = 0;

	// Root (exit code 6), then sched_ext (7).
	void check_can_run() const;
	// No other sched_ext scheduler attached (9).
	void check_not_busy() const;
	// Every requirement the plugin declares (8); the message lists all that are missing.
	// Parsing the kernel's BTF costs ~12 ms on a host and ~30x that under emulation, and libbpf
	// parses it again in the load, so the runner calls this only to explain a failed load or
	// before a swap, never on the way to a first start; what it parsed is dropped on return.
	void check_requirements(const PluginLibrary &plugin) const;

	// "kfunc bpf_res_spin_lock", "member sched_ext_ops.sub_attach"
	static std::string describe(const scxr_requirement &requirement);

protected:
	// Frees what has() parsed to answer (the kernel's BTF holds ~5 MB); the answers may stay.
	virtual void forget_kernel_btf() const {}
};

} // namespace scxr
