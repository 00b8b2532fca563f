// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstddef>
#include <deque>
#include <string>

namespace scxr {

// A series of numbers as a row of bars, one character per value, for `scx-runner top`: the
// shape of a rate over the last readings (is it steady, did it just jump) where the number
// alone says only what it is now.
//
// Bars are scaled from zero (or the series' lowest value, when that is negative) to its
// highest, so each sparkline shows its own series' shape, not a comparison between stats. A
// value above the bottom never draws as the lowest bar: a little activity stays visible
// next to a lot. A series that does not fill the width is right-aligned (newest on the right).
class Sparkline {
public:
	// unicode: the eight block characters U+2581..U+2588 (▁▂▃▄▅▆▇█), for a UTF-8 locale; ascii:
	// _.-=# for any other (a serial console, LANG=C over ssh).
	enum class Charset { unicode, ascii };

	// The charset the current locale (LC_CTYPE, as setlocale() set it) can show.
	static Charset for_locale();

	// The last width values of series; NaN draws as a space.
	static std::string render(const std::deque<double> &series, size_t width, Charset charset);
};

} // namespace scxr
