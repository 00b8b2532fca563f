// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace scxr {

// A non-negative span of time with nanosecond resolution, as profiles and flags write it:
// a decimal number followed by a unit, "20ms", "1.5ms", "100us", "5s", "2m", "1h".
class Duration {
public:
	constexpr Duration() = default;
	static constexpr Duration from_nanoseconds(uint64_t nanoseconds) { return Duration(nanoseconds); }

	// Throws std::invalid_argument with a message that says what is wrong with text
	// ("unknown unit 'parsecs'"), phrased to follow "invalid duration "...": ".
	static Duration parse(std::string_view text);

	// The units parse() accepts, for messages.
	static constexpr std::string_view units_help() { return "ns, us, ms, s, m or h"; }

	constexpr uint64_t nanoseconds() const { return nanoseconds_; }
	std::chrono::nanoseconds to_chrono() const { return std::chrono::nanoseconds(nanoseconds_); }
	constexpr bool is_zero() const { return nanoseconds_ == 0; }

	// The exact value in the largest unit that needs at most three decimals: "20ms", "1.5ms",
	// "0s". parse(to_string()) gives the same duration back.
	std::string to_string() const;

	// Whole seconds as people read an uptime: "42s", "1m 3s", "2h 5m 0s" (status and top).
	static std::string uptime_text(int64_t seconds);

	constexpr auto operator<=>(const Duration &) const = default;

private:
	constexpr explicit Duration(uint64_t nanoseconds) : nanoseconds_(nanoseconds) {}

	uint64_t nanoseconds_ = 0;
};

} // namespace scxr
