// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <scx_runner/plugin_abi.h>

#include <cstdint>
#include <string>

namespace scxr {

// How an attached scheduler ended, copied out of the plugin's poll() report.
struct SchedulerExit {
	// The kernel's enum scx_exit_kind: kinds from this one on are errors.
	static constexpr int32_t kFirstErrorKind = 1024;

	int32_t kind = 0;
	int64_t exit_code = 0;
	std::string reason;
	std::string message;
	std::string dump;

	bool is_error() const { return kind >= kFirstErrorKind; }
	// The scheduler (or the kernel) asks its loader to load and attach it again.
	bool restart_requested() const { return (static_cast<uint64_t>(exit_code) & SCXR_EXIT_CODE_RESTART) != 0; }
	// "error (BPF)", "unregistered (kernel)": the kernel's kind names, spelt out.
	std::string kind_name() const;
};

} // namespace scxr
