// SPDX-License-Identifier: GPL-2.0-only
#include "output/StatsPrinter.hpp"

#include "output/StatsFormatter.hpp"

namespace scxr {

void StatsPrinter::print(std::ostream &out, StatsFormat format, std::chrono::system_clock::time_point when,
			 const std::string &plugin_id, const std::vector<StatSample> &samples)
{
	out << StatsFormatter(format).format(when, plugin_id, samples) << '\n';
	out.flush();
}

} // namespace scxr
