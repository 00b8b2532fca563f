// SPDX-License-Identifier: GPL-2.0-only
#include "plugin/SchedulerExit.hpp"

namespace scxr {

std::string SchedulerExit::kind_name() const
{
	switch (kind) {
	case 0: return "none";
	case 1: return "done";
	case 64: return "unregistered";
	case 65: return "unregistered (BPF)";
	case 66: return "unregistered (kernel)";
	case 67: return "SysRq";
	case 68: return "parent exited";
	case 69: return "killed by parent";
	case 1024: return "error";
	case 1025: return "error (BPF)";
	case 1026: return "error (stall)";
	case 1027: return "error (re-enqueue)";
	case 1028: return "error (rescue)";
	default: return (is_error() ? "error " : "kind ") + std::to_string(kind);
	}
}

} // namespace scxr
