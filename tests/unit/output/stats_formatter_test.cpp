// SPDX-License-Identifier: GPL-2.0-only
#include "output/StatsFormatter.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include <limits>

using Catch::Matchers::ContainsSubstring;
using scxr::StatSample;
using scxr::StatsFormat;
using scxr::StatsFormatter;

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
	// The bytes users' scripts read: keys in this order, counters as integers.
	CHECK(line == R"({"timestamp":"2026-11-26T10:00:01.250Z","plugin":"qmap",)"
		      R"("stats":{"nr_enqueued":120,"nr_dispatched":118,"load":0.5}})");
	const auto object = nlohmann::json::parse(line);
	CHECK(object.at("stats").at("nr_enqueued").is_number_integer());
	CHECK(object.at("stats").at("load").get<double>() == 0.5);
	CHECK(object.at("stats").size() == 3);
	CHECK(StatsFormatter::json(kWhen, "qmap", {}) == R"({"timestamp":"2026-11-26T10:00:01.250Z","plugin":"qmap","stats":{}})");
}

TEST_CASE("JSON stats stay one valid line whatever a plugin names its stats", "[stats]")
{
	const std::vector<StatSample> odd{
		{"million", SCXR_STAT_COUNTER, 1e6, "", ""},
		{"not_a_number", SCXR_STAT_GAUGE, std::numeric_limits<double>::quiet_NaN(), "", ""},
		{"new\nline \"quoted\"", SCXR_STAT_GAUGE, 1, "", ""},
		{"bad\xff", SCXR_STAT_GAUGE, 2, "", ""},
	};
	const std::string line = StatsFormatter::json(kWhen, "qmap\x01", odd);
	CHECK(line == "{\"timestamp\":\"2026-11-26T10:00:01.250Z\",\"plugin\":\"qmap\\u0001\","
		      "\"stats\":{\"million\":1000000,\"not_a_number\":null,\"new\\nline \\\"quoted\\\"\":1,"
		      "\"bad\xef\xbf\xbd\":2}}");
	CHECK(nlohmann::json::parse(line).at("stats").size() == 4);
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
