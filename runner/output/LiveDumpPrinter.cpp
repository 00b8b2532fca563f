// SPDX-License-Identifier: GPL-2.0-only
#include "output/LiveDumpPrinter.hpp"

namespace scxr {

void LiveDumpPrinter::print(std::ostream &out, const std::string &plugin_id, std::string dump)
{
	if (!dump.empty() && dump.back() != '\n')
		dump += '\n';
	out << "--- LIVE DUMP " << plugin_id << " ---\n" << dump << "--- END LIVE DUMP ---\n";
	out.flush();
}

} // namespace scxr
