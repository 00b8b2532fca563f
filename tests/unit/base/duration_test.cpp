// SPDX-License-Identifier: GPL-2.0-only
#include "base/Duration.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_exception.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

using scxr::Duration;
using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::MessageMatches;

namespace {

uint64_t nanoseconds(const char *text) { return Duration::parse(text).nanoseconds(); }

} // namespace

TEST_CASE("durations parse with every unit", "[duration]")
{
	CHECK(nanoseconds("20ms") == 20'000'000);
	CHECK(nanoseconds("5s") == 5'000'000'000);
	CHECK(nanoseconds("100us") == 100'000);
	CHECK(nanoseconds("100\xc2\xb5s") == 100'000);
	CHECK(nanoseconds("250ns") == 250);
	CHECK(nanoseconds("2m") == 120'000'000'000);
	CHECK(nanoseconds("1h") == 3'600'000'000'000);
	CHECK(nanoseconds("0s") == 0);
}

TEST_CASE("durations take exact decimals", "[duration]")
{
	CHECK(nanoseconds("1.5ms") == 1'500'000);
	CHECK(nanoseconds("0.001s") == 1'000'000);
	CHECK(nanoseconds(".5s") == 500'000'000);
	// 0.1 is not exact as a double; the parser must not round 1.1ms to 1'099'999 ns.
	CHECK(nanoseconds("1.1ms") == 1'100'000);
	CHECK(nanoseconds(" 20 ms ") == 20'000'000);
}

TEST_CASE("bad durations say what is wrong", "[duration]")
{
	CHECK_THROWS_WITH(Duration::parse("20 parsecs"), ContainsSubstring("unknown unit 'parsecs'"));
	CHECK_THROWS_WITH(Duration::parse("20"), ContainsSubstring("no unit"));
	CHECK_THROWS_WITH(Duration::parse(""), ContainsSubstring("empty"));
	CHECK_THROWS_WITH(Duration::parse("ms"), ContainsSubstring("does not start with a number"));
	CHECK_THROWS_WITH(Duration::parse("-5ms"), ContainsSubstring("negative"));
	CHECK_THROWS_WITH(Duration::parse("1.5ns"), ContainsSubstring("finer than one nanosecond"));
	CHECK_THROWS_WITH(Duration::parse("9999999999999h"), ContainsSubstring("too long"));
	CHECK_THROWS_WITH(Duration::parse("5S"), ContainsSubstring("unknown unit 'S'"));
	CHECK_THROWS_AS(Duration::parse("1.2.3s"), std::invalid_argument);
}

TEST_CASE("durations print in the largest exact unit and parse back", "[duration]")
{
	CHECK(Duration::from_nanoseconds(20'000'000).to_string() == "20ms");
	CHECK(Duration::from_nanoseconds(1'500'000).to_string() == "1.5ms");
	CHECK(Duration::from_nanoseconds(100'000).to_string() == "100us");
	CHECK(Duration::from_nanoseconds(0).to_string() == "0s");
	CHECK(Duration::from_nanoseconds(90'000'000'000).to_string() == "1.5m");
	CHECK(Duration::from_nanoseconds(1'234'567).to_string() == "1234.567us");
	CHECK(Duration::from_nanoseconds(999).to_string() == "999ns");
	for (uint64_t value : {1ULL, 999ULL, 1'000ULL, 1'500'000ULL, 1'234'567ULL, 60'000'000'000ULL, 7'200'000'000'000ULL})
		CHECK(Duration::parse(Duration::from_nanoseconds(value).to_string()).nanoseconds() == value);
}

TEST_CASE("an uptime reads in hours, minutes and seconds", "[duration]")
{
	CHECK(Duration::uptime_text(0) == "0s");
	CHECK(Duration::uptime_text(42) == "42s");
	CHECK(Duration::uptime_text(63) == "1m 3s");
	CHECK(Duration::uptime_text(3600) == "1h 0m 0s");
	CHECK(Duration::uptime_text(7500) == "2h 5m 0s");
}
