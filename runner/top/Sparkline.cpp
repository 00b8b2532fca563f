// SPDX-License-Identifier: GPL-2.0-only
#include "top/Sparkline.hpp"

#include <langinfo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace scxr {

namespace {

constexpr std::array<std::string_view, 8> kUnicodeBars = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
constexpr std::array<std::string_view, 5> kAsciiBars = {"_", ".", "-", "=", "#"};

template <size_t Levels>
std::string bars(const std::deque<double> &series, size_t first, size_t width,
		 const std::array<std::string_view, Levels> &levels)
{
	double lowest = 0;
	double highest = 0;
	for (size_t index = first; index < series.size(); ++index) {
		if (std::isnan(series[index]))
			continue;
		lowest = std::min(lowest, series[index]);
		highest = std::max(highest, series[index]);
	}
	const size_t shown = series.size() - first;
	std::string text(width - shown, ' ');
	for (size_t index = first; index < series.size(); ++index) {
		const double value = series[index];
		if (std::isnan(value)) {
			text += ' ';
			continue;
		}
		size_t level = 0;
		if (highest > lowest && value > lowest) {
			const double share = (value - lowest) / (highest - lowest);
			// Rounded to the nearest level (share is never negative here).
			level = std::clamp<size_t>(static_cast<size_t>(share * (Levels - 1) + 0.5), 1, Levels - 1);
		}
		text += levels[level];
	}
	return text;
}

} // namespace

Sparkline::Charset Sparkline::for_locale()
{
	const std::string_view codeset = nl_langinfo(CODESET);
	return codeset == "UTF-8" || codeset == "utf8" ? Charset::unicode : Charset::ascii;
}

std::string Sparkline::render(const std::deque<double> &series, size_t width, Charset charset)
{
	const size_t first = series.size() > width ? series.size() - width : 0;
	return charset == Charset::unicode ? bars(series, first, width, kUnicodeBars)
					   : bars(series, first, width, kAsciiBars);
}

} // namespace scxr
