// SPDX-License-Identifier: GPL-2.0-only
// The swap gap is measured from before the old scheduler's detach to after the new one's
// attach; times are injected.
#include "session/SwapGapClock.hpp"

#include <catch2/catch_test_macros.hpp>

using scxr::SwapGapClock;
using namespace std::chrono_literals;

namespace {
const SwapGapClock::Clock::time_point kStart = SwapGapClock::Clock::time_point() + 1000h;
}

TEST_CASE("the swap gap runs from detaching to attached", "[swap-gap]")
{
	SwapGapClock clock;
	CHECK_FALSE(clock.in_gap());
	CHECK_FALSE(clock.attached(kStart).has_value()); // an attach without a detach is no swap
	CHECK(clock.gaps_measured() == 0);

	clock.detaching(kStart);
	CHECK(clock.in_gap());
	const auto gap = clock.attached(kStart + 1234us);
	REQUIRE(gap.has_value());
	CHECK(*gap == 1234us);
	CHECK_FALSE(clock.in_gap());
	CHECK(clock.last_gap() == gap);

	clock.detaching(kStart + 1s);
	CHECK(clock.attached(kStart + 1s + 300us) == std::optional<SwapGapClock::Clock::duration>(300us));
	CHECK(clock.longest_gap() == 1234us);
	CHECK(clock.gaps_measured() == 2);

	clock.detaching(kStart + 2s);
	clock.abandoned();
	CHECK_FALSE(clock.in_gap());
	CHECK_FALSE(clock.attached(kStart + 3s).has_value());
	CHECK(clock.gaps_measured() == 2);
}

TEST_CASE("gaps are printed in milliseconds with microseconds", "[swap-gap]")
{
	CHECK(SwapGapClock::format(1234us) == "1.234 ms");
	CHECK(SwapGapClock::format(5us) == "0.005 ms");
	CHECK(SwapGapClock::format(2500ms) == "2500.000 ms");
	CHECK(SwapGapClock::format(999ns) == "0.000 ms");
}
