// SPDX-License-Identifier: GPL-2.0-only
#include "output/StatsFormatter.hpp"

#include "JsonValue.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

using Catch::Matchers::ContainsSubstring;
using scxr::StatSample;
using scxr::StatsFormat;
using scxr::StatsFormatter;
using scxr::test::JsonValue;

namespace {

const std::vector<StatSample> kSamples{
	{"nr_enqueued", SCXR_STAT_COUNTER, uint64_t{120}, "tasks", "tasks enqueued", "queue"},
	{"nr_dispatched", SCXR_STAT_COUNTER, uint64_t{118}, "tasks", "", "queue"},
	{"load", SCXR_STAT_GAUGE, 0.5, "", "", ""},
};

// Integers that a double cannot hold, as a 1.1 plugin reports them.
const std::vector<StatSample> kExactSamples{
	{"big", SCXR_STAT_COUNTER, uint64_t{18446744073709551615u}, "", "", ""},
	{"below", SCXR_STAT_GAUGE, int64_t{-9007199254740993}, "", "", ""},
	{"old", SCXR_STAT_COUNTER, 120.0, "", "", ""}, // a 1.0 plugin's double
};

// 2026-11-26T10:00:01.250Z
const auto kWhen = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795687201250));

} // namespace

TEST_CASE("text stats are one line: plugin, then name=value pairs", "[stats]")
{
	CHECK(StatsFormatter::text("qmap", kSamples) == "qmap: nr_enqueued=120 nr_dispatched=118 load=0.5");
	CHECK(StatsFormatter::text("qmap", {}) == "qmap:");
	CHECK(StatsFormatter(StatsFormat::text).format(kWhen, "qmap", kSamples) == StatsFormatter::text("qmap", kSamples));
}

TEST_CASE("JSON stats are one object with timestamp, plugin and a stats map", "[stats]")
{
	const std::string line = StatsFormatter(StatsFormat::json).format(kWhen, "qmap", kSamples);
	CHECK(line.find('\n') == std::string::npos);
	const JsonValue object = JsonValue::parse(line);
	CHECK(object["timestamp"].string() == "2026-11-26T10:00:01.250Z");
	CHECK(object["plugin"].string() == "qmap");
	CHECK(object["stats"]["nr_enqueued"].number() == 120);
	CHECK(object["stats"]["nr_dispatched"].number() == 118);
	CHECK(object["stats"]["load"].number() == 0.5);
	CHECK(object["stats"].object().size() == 3);
}

TEST_CASE("integers print exactly, in text and in JSON", "[stats]")
{
	CHECK(StatsFormatter::text("p", kExactSamples) == "p: big=18446744073709551615 below=-9007199254740993 old=120");
	const std::string line = StatsFormatter::json(kWhen, "p", kExactSamples);
	CHECK_THAT(line, ContainsSubstring("\"big\":18446744073709551615,\"below\":-9007199254740993,\"old\":120}"));
}

TEST_CASE("numbers print without a needless fraction", "[stats]")
{
	CHECK(StatsFormatter::format_number(42) == "42");
	CHECK(StatsFormatter::format_number(-7) == "-7");
	CHECK(StatsFormatter::format_number(0.125) == "0.125");
	CHECK(StatsFormatter::format_number(1e300) == "1e+300");
	CHECK(StatsFormatter::iso8601(std::chrono::system_clock::time_point()) == "1970-01-01T00:00:00.000Z");
}
