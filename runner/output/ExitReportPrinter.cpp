// SPDX-License-Identifier: GPL-2.0-only
#include "output/ExitReportPrinter.hpp"

namespace scxr {

void ExitReportPrinter::print(std::ostream &err, const SchedulerExit &exit)
{
	err << "EXIT: " << (exit.reason.empty() ? exit.kind_name() : exit.reason);
	if (!exit.message.empty())
		err << " (" << exit.message << ")";
	err << '\n';
	if (!exit.dump.empty()) {
		err << "--- DEBUG DUMP ---\n" << exit.dump;
		if (exit.dump.back() != '\n')
			err << '\n';
		err << "--- END DEBUG DUMP ---\n";
	}
	err.flush();
}

} // namespace scxr
