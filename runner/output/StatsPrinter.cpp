// SPDX-License-Identifier: GPL-2.0-only
#include "output/StatsPrinter.hpp"

#include "output/StatsFormatter.hpp"

#include <utility>

namespace scxr {

void StatsPrinter::print(StatsFormat format, StatsReading reading, Clock::time_point taken_at)
{
	rates_[reading.node].update(taken_at, reading);
	out_ << StatsFormatter(format).format(reading) << '\n';
	out_.flush();
}

} // namespace scxr
