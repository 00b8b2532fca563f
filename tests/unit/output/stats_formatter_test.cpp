// SPDX-License-Identifier: GPL-2.0-only
#include "output/StatsFormatter.hpp"

#include "output/CounterRates.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <optional>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;
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

scxr::StatsReading reading(std::string plugin, std::vector<StatSample> samples)
{
	scxr::StatsReading result;
	result.when = kWhen;
	result.plugin_id = std::move(plugin);
	result.samples = std::move(samples);
	return result;
}

} // namespace

TEST_CASE("JSON stats are one object with timestamp, plugin and a stats map", "[stats]")
{
	const std::string line = StatsFormatter(StatsFormat::json).format(reading("qmap", kSamples));
	// The bytes users' scripts read: keys in this order, counters as integers.
	CHECK(line == R"({"timestamp":"2026-11-26T10:00:01.250Z","plugin":"qmap",)"
		      R"("stats":{"nr_enqueued":120,"nr_dispatched":118,"load":0.5}})");
	const auto object = nlohmann::json::parse(line);
	CHECK(object.at("stats").at("nr_enqueued").is_number_integer());
	CHECK(object.at("stats").at("load").get<double>() == 0.5);
	CHECK(object.at("stats").size() == 3);
	CHECK(StatsFormatter::json(reading("qmap", {})) == R"({"timestamp":"2026-11-26T10:00:01.250Z","plugin":"qmap","stats":{}})");
}

TEST_CASE("JSON stats stay one valid line whatever a plugin names its stats", "[stats]")
{
	const std::vector<StatSample> odd{
		{"million", SCXR_STAT_COUNTER, 1e6, "", ""},
		{"not_a_number", SCXR_STAT_GAUGE, std::numeric_limits<double>::quiet_NaN(), "", ""},
		{"new\nline \"quoted\"", SCXR_STAT_GAUGE, 1, "", ""},
		{"bad\xff", SCXR_STAT_GAUGE, 2, "", ""},
	};
	const std::string line = StatsFormatter::json(reading("qmap\x01", odd));
	CHECK(line == "{\"timestamp\":\"2026-11-26T10:00:01.250Z\",\"plugin\":\"qmap\\u0001\","
		      "\"stats\":{\"million\":1000000,\"not_a_number\":null,\"new\\nline \\\"quoted\\\"\":1,"
		      "\"bad\xef\xbf\xbd\":2}}");
	CHECK(nlohmann::json::parse(line).at("stats").size() == 4);
}

TEST_CASE("integers print exactly, in text and in JSON", "[stats]")
{
	CHECK_THAT(StatsFormatter::text(reading("p", kExactSamples)),
		   EndsWith("\n  stats  big=18446744073709551615 below=-9007199254740993 old=120"));
	const std::string line = StatsFormatter::json(reading("p", kExactSamples));
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

TEST_CASE("text stats: a header, then one line per group in schema order", "[stats]")
{
	const std::string text = StatsFormatter::text(reading("qmap", kSamples));
	// The first reading has nothing to compare with: totals, and the header says so.
	CHECK(text.substr(8) == " qmap: totals\n"
				"  queue  nr_enqueued=120 nr_dispatched=118\n"
				"  stats  load=0.5");
	CHECK(text.substr(0, 8) == StatsFormatter::time_of_day(kWhen));
	CHECK(StatsFormatter(StatsFormat::text).format(reading("qmap", kSamples)) == text);
	CHECK(StatsFormatter::text(reading("qmap", {})).substr(8) == " qmap: totals");

	scxr::StatsReading in_tree = reading("qmap", kSamples);
	in_tree.node = "workload.slice";
	CHECK_THAT(StatsFormatter::text(in_tree), ContainsSubstring(" qmap (workload.slice): totals\n"));
}

TEST_CASE("text stats show counters as rates once a reading came before", "[stats]")
{
	scxr::CounterRates rates;
	const auto start = scxr::CounterRates::Clock::time_point(std::chrono::seconds(100));
	scxr::StatsReading first = reading("qmap", kSamples);
	rates.update(start, first);
	CHECK_FALSE(first.has_rates());

	std::vector<StatSample> later = kSamples;
	later[0].value = uint64_t{120 + 2409}; // over two seconds: 1204.5 per second
	later[1].value = uint64_t{118};        // did not grow: 0 per second
	later[2].value = 0.75;                 // a gauge: shown as it is
	scxr::StatsReading second = reading("qmap", later);
	rates.update(start + std::chrono::seconds(2), second);
	REQUIRE(second.has_rates());
	CHECK(second.rate_seconds == 2.0);
	CHECK(second.rates[0] == 1204.5);
	CHECK(second.rates[1] == 0.0);
	CHECK_FALSE(second.rates[2]);
	CHECK(StatsFormatter::text(second).substr(8) == " qmap: rates over 2.0s\n"
						     "  queue  nr_enqueued=1204/s nr_dispatched=0/s\n"
						     "  stats  load=0.75");

	// JSON keeps the totals under "stats" and adds the rates beside them.
	const auto object = nlohmann::json::parse(StatsFormatter::json(second));
	CHECK(object.at("stats").at("nr_enqueued") == 2529);
	CHECK(object.at("rates").at("nr_enqueued") == 1204.5);
	CHECK(object.at("rates").at("nr_dispatched") == 0);
	CHECK_FALSE(object.at("rates").contains("load"));
	CHECK_FALSE(nlohmann::json::parse(StatsFormatter::json(first)).contains("rates"));

	// A counter that went down belongs to a new instance: its total, no rate.
	std::vector<StatSample> restarted = later;
	restarted[0].value = uint64_t{5};
	scxr::StatsReading third = reading("qmap", restarted);
	rates.update(start + std::chrono::seconds(3), third);
	CHECK_FALSE(third.rates[0]);
	CHECK_THAT(StatsFormatter::text(third), ContainsSubstring("nr_enqueued=5 nr_dispatched=0/s"));

	rates.reset();
	scxr::StatsReading after_reset = reading("qmap", later);
	rates.update(start + std::chrono::seconds(4), after_reset);
	CHECK_FALSE(after_reset.has_rates());
}

TEST_CASE("rates of big counters come from their exact difference", "[stats]")
{
	CHECK(scxr::CounterRates::growth(uint64_t{18446744073709551615u}, uint64_t{18446744073709551615u}) == 0.0);
	CHECK(scxr::CounterRates::growth(uint64_t{18446744073709551614u}, uint64_t{18446744073709551615u}) == 1.0);
	CHECK_FALSE(scxr::CounterRates::growth(uint64_t{2}, uint64_t{1}));
	CHECK(scxr::CounterRates::growth(int64_t{-3}, int64_t{4}) == 7.0);
	CHECK(scxr::CounterRates::growth(1.5, 2.0) == 0.5);
	CHECK_FALSE(scxr::CounterRates::growth(uint64_t{1}, 2.0)); // another type: another plugin
}

TEST_CASE("rates read at a glance", "[stats]")
{
	CHECK(StatsFormatter::format_rate(0) == "0");
	CHECK(StatsFormatter::format_rate(0.44) == "0.4");
	CHECK(StatsFormatter::format_rate(9.96) == "10.0");
	CHECK(StatsFormatter::format_rate(12.4) == "12");
	CHECK(StatsFormatter::format_rate(99'999) == "99999");
	CHECK(StatsFormatter::format_rate(123'456) == "123k");
	CHECK(StatsFormatter::format_rate(12'345'678) == "12.3M");
	CHECK(StatsFormatter::format_rate(-2.5) == "-2.5");
	// Rounded in integers, halves to even as printf does.
	CHECK(StatsFormatter::format_rate(0.25) == "0.2");
	CHECK(StatsFormatter::format_rate(-0.75) == "-0.8");
	CHECK(StatsFormatter::format_rate(1204.5) == "1204");
	CHECK(StatsFormatter::format_rate(1205.5) == "1206");
	CHECK(StatsFormatter::format_rate(99'999.6) == "100000");
	CHECK(StatsFormatter::format_rate(2'345'678.9) == "2346k");
	CHECK(StatsFormatter::format_rate(-12'345'678) == "-12.3M");
	CHECK(StatsFormatter::format_rate(9'999'999'999) == "10000.0M");
	CHECK(StatsFormatter::format_rate(2.5e10) == "25.0G");
}

TEST_CASE("a group too long for one line wraps at the width, items never cut", "[stats]")
{
	std::vector<StatSample> many;
	for (int index = 0; index < 30; ++index)
		many.push_back({"counter_number_" + std::to_string(index), SCXR_STAT_COUNTER, uint64_t{1000000}, "", "",
				index < 25 ? "wide" : "x"});
	many.push_back({std::string(120, 'n'), SCXR_STAT_GAUGE, uint64_t{1}, "", "", "wide"});
	const std::string text = StatsFormatter::text(reading("qmap", many));
	std::vector<std::string> lines;
	for (size_t begin = 0, end; begin <= text.size(); begin = end + 1) {
		end = std::min(text.find('\n', begin), text.size());
		lines.push_back(text.substr(begin, end - begin));
	}
	REQUIRE(lines.size() >= 5);
	size_t items = 0;
	for (size_t index = 1; index < lines.size(); ++index) {
		CAPTURE(lines[index]);
		if (lines[index].find(std::string(120, 'n')) == std::string::npos)
			CHECK(lines[index].size() <= StatsFormatter::kLineWidth);
		// The labels share one column; continuation lines start at the items' column.
		if (lines[index].starts_with("  wide  ") || lines[index].starts_with("  x     "))
			CHECK(lines[index][8] != ' ');
		else
			CHECK(lines[index].starts_with(std::string(8, ' ')));
		for (size_t at = lines[index].find('='); at != std::string::npos; at = lines[index].find('=', at + 1))
			++items;
	}
	CHECK(items == many.size());
	CHECK_THAT(text, ContainsSubstring("\n        " + std::string(120, 'n') + "=1"));
	CHECK_THAT(text, ContainsSubstring("\n  x     counter_number_25=1000000 "));
}

TEST_CASE("text stats lay out a reading exactly as block() lays out its groups", "[stats]")
{
	// text() writes its lines directly (it runs on every stats tick); block() is the layout
	// that 'monitor' uses and the one text() must keep. Groups that interleave, rates and
	// totals, every value type, names of all lengths, wrapping at several widths.
	std::vector<StatSample> samples;
	for (int index = 0; index < 40; ++index) {
		const std::string group = index % 7 == 0 ? "" : index % 3 == 0 ? "queue" : index % 3 == 1 ? "dispatch" : "x";
		const std::string name = "stat_" + std::string(static_cast<size_t>(index * 5 % 23), 'n') + std::to_string(index);
		const scxr::StatValue value = index % 4 == 0   ? scxr::StatValue(int64_t{-1} * index * 1234567)
					      : index % 4 == 1 ? scxr::StatValue(0.125 * index)
							       : scxr::StatValue(uint64_t{18446744073709551615u} - index);
		samples.push_back({name, index % 2 ? SCXR_STAT_COUNTER : SCXR_STAT_GAUGE, value, "", "", group});
	}
	scxr::StatsReading with_rates = reading("qmap", samples);
	with_rates.node = "workload.slice";
	with_rates.rate_seconds = 1.5;
	for (size_t index = 0; index < samples.size(); ++index)
		with_rates.rates.push_back(index % 3 ? std::optional<double>(index * 987.654) : std::nullopt);

	for (const scxr::StatsReading &shown : {reading("qmap", samples), with_rates}) {
		for (const size_t width : {size_t{20}, size_t{60}, StatsFormatter::kLineWidth, size_t{1000}}) {
			std::vector<StatsFormatter::Group> groups;
			for (size_t index = 0; index < shown.samples.size(); ++index) {
				const StatSample &sample = shown.samples[index];
				const std::string label = sample.group.empty() ? StatsFormatter::kUngroupedLabel : sample.group;
				auto group = std::ranges::find(groups, label, &StatsFormatter::Group::first);
				if (group == groups.end())
					group = groups.insert(groups.end(), StatsFormatter::Group{label, {}});
				const bool rate = index < shown.rates.size() && shown.rates[index];
				group->second.push_back(sample.name + "=" +
							(rate ? StatsFormatter::format_rate(*shown.rates[index]) + "/s"
							      : StatsFormatter::format_value(sample.value)));
			}
			const std::string whose = shown.node.empty() ? shown.plugin_id : shown.plugin_id + " (" + shown.node + ")";
			const std::string what = shown.has_rates() ? "rates over 1.5s" : "totals";
			CAPTURE(width);
			CHECK(StatsFormatter::text(shown, width) ==
			      StatsFormatter::block(StatsFormatter::time_of_day(shown.when) + " " + whose + ": " + what, groups,
						    width));
		}
	}
}
