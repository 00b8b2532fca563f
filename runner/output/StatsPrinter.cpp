// SPDX-License-Identifier: GPL-2.0-only
#include "output/StatsPrinter.hpp"

#include "output/StatsFormatter.hpp"

#include <string>

namespace scxr {

void StatsPrinter::print(StatsFormat format, StatsReading &reading, Clock::time_point taken_at)
{
	rates_[reading.node].update(taken_at, reading);
	std::string text = StatsFormatter(format).format(reading);
	text += '\n';
	// One write of the whole block.
	out_.write(text.data(), static_cast<std::streamsize>(text.size()));
	out_.flush();
}

} // namespace scxr
