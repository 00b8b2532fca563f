// SPDX-License-Identifier: GPL-2.0-only
#include "base/Duration.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <limits>
#include <stdexcept>

namespace scxr {

namespace {

struct Unit {
	std::string_view name;
	uint64_t nanoseconds;
};

// Longest names first is not needed: a unit must match the whole rest of the text.
constexpr std::array kUnits{
	Unit{"ns", 1},
	Unit{"us", 1'000},
	Unit{"\xc2\xb5s", 1'000}, // U+00B5 MICRO SIGN
	Unit{"\xce\xbcs", 1'000}, // U+03BC GREEK SMALL LETTER MU
	Unit{"ms", 1'000'000},
	Unit{"s", 1'000'000'000},
	Unit{"m", 60'000'000'000},
	Unit{"h", 3'600'000'000'000},
};

// The units to_string() picks from, largest first.
constexpr std::array kDisplayUnits{
	Unit{"h", 3'600'000'000'000}, Unit{"m", 60'000'000'000}, Unit{"s", 1'000'000'000},
	Unit{"ms", 1'000'000},        Unit{"us", 1'000},         Unit{"ns", 1},
};

bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

} // namespace

Duration Duration::parse(std::string_view text)
{
	while (!text.empty() && is_space(text.front()))
		text.remove_prefix(1);
	while (!text.empty() && is_space(text.back()))
		text.remove_suffix(1);
	if (text.empty())
		throw std::invalid_argument("it is empty");
	if (text.front() == '-')
		throw std::invalid_argument("a duration cannot be negative");

	size_t position = 0;
	std::string_view whole;
	std::string_view fraction;
	const size_t whole_start = position;
	while (position < text.size() && is_digit(text[position]))
		++position;
	whole = text.substr(whole_start, position - whole_start);
	if (position < text.size() && text[position] == '.') {
		const size_t fraction_start = ++position;
		while (position < text.size() && is_digit(text[position]))
			++position;
		fraction = text.substr(fraction_start, position - fraction_start);
	}
	if (whole.empty() && fraction.empty())
		throw std::invalid_argument("it does not start with a number");

	std::string_view unit_text = text.substr(position);
	while (!unit_text.empty() && is_space(unit_text.front()))
		unit_text.remove_prefix(1);
	if (unit_text.empty())
		throw std::invalid_argument(fmt::format("the number has no unit (use {})", units_help()));

	const Unit *unit = nullptr;
	for (const Unit &candidate : kUnits)
		if (candidate.name == unit_text)
			unit = &candidate;
	if (!unit)
		throw std::invalid_argument(
			fmt::format("unknown unit '{}' (use {})", unit_text, units_help()));

	// Exact decimal arithmetic: "1.5ms" is 1'500'000 ns, never 1'499'999 from a double.
	constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
	unsigned __int128 total = 0;
	for (char digit : whole) {
		total = total * 10 + static_cast<unsigned>(digit - '0');
		if (total * unit->nanoseconds > kMax)
			throw std::invalid_argument("it is too long (more than 584 years)");
	}
	total *= unit->nanoseconds;
	unsigned __int128 fraction_numerator = 0;
	unsigned __int128 fraction_denominator = 1;
	for (char digit : fraction) {
		if (fraction_denominator > 1'000'000'000'000'000'000ULL)
			throw std::invalid_argument("it has too many decimals");
		fraction_numerator = fraction_numerator * 10 + static_cast<unsigned>(digit - '0');
		fraction_denominator *= 10;
	}
	const unsigned __int128 fraction_nanoseconds = fraction_numerator * unit->nanoseconds;
	if (fraction_nanoseconds % fraction_denominator != 0)
		throw std::invalid_argument("it is finer than one nanosecond");
	total += fraction_nanoseconds / fraction_denominator;
	if (total > kMax)
		throw std::invalid_argument("it is too long (more than 584 years)");
	return Duration(static_cast<uint64_t>(total));
}

std::string Duration::to_string() const
{
	if (nanoseconds_ == 0)
		return "0s";
	for (const Unit &unit : kDisplayUnits) {
		if (nanoseconds_ < unit.nanoseconds)
			continue;
		const uint64_t whole = nanoseconds_ / unit.nanoseconds;
		const uint64_t rest = nanoseconds_ % unit.nanoseconds;
		if (rest == 0)
			return fmt::format("{}{}", whole, unit.name);
		// Up to three decimals, and only when they are exact.
		for (uint64_t scale = 10, digits = 1; digits <= 3; scale *= 10, ++digits) {
			if ((static_cast<unsigned __int128>(rest) * scale) % unit.nanoseconds != 0)
				continue;
			const uint64_t decimals =
				static_cast<uint64_t>(static_cast<unsigned __int128>(rest) * scale / unit.nanoseconds);
			return fmt::format("{}.{:0{}}{}", whole, decimals, digits, unit.name);
		}
	}
	return fmt::format("{}ns", nanoseconds_);
}

std::string Duration::uptime_text(int64_t seconds)
{
	std::string text;
	if (seconds >= 3600)
		text += fmt::format("{}h ", seconds / 3600);
	if (seconds >= 60)
		text += fmt::format("{}m ", seconds % 3600 / 60);
	return text + fmt::format("{}s", seconds % 60);
}

} // namespace scxr
