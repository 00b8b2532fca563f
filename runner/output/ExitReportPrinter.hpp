// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/SchedulerExit.hpp"

#include <ostream>

namespace scxr {

// How a scheduler's own end reaches the user, on err:
//
//   EXIT: <reason, or the kind's name> (<the scheduler's message>)
//   --- DEBUG DUMP ---
//   <the kernel's debug dump, when it sent one>
//   --- END DEBUG DUMP ---
//
// The markers are fixed: scripts (the vm scenarios among them) find the report by them.
class ExitReportPrinter {
public:
	static void print(std::ostream &err, const SchedulerExit &exit);
};

} // namespace scxr
