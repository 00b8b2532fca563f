// SPDX-License-Identifier: GPL-2.0-only
// /metrics pages: families per plugin stat with node and plugin labels, counters with _total,
// base units converted, HELP escaped, the runner's own families, and a page without a reading.
#include "control/MetricsFormatter.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <sstream>
#include <string>
#include <vector>

using Catch::Matchers::ContainsSubstring;
using scxr::MetricsFormatter;
using scxr::RunnerCounters;
using scxr::StatsSnapshot;

namespace {

StatsSnapshot::Node node(std::string name, std::string plugin, uint64_t enqueued)
{
	StatsSnapshot::Node node;
	node.name = std::move(name);
	node.plugin_id = std::move(plugin);
	node.samples = {
		{"enqueued", SCXR_STAT_COUNTER, enqueued, "tasks", "tasks queued", "queue"},
		{"balance", SCXR_STAT_GAUGE, int64_t{-2}, "tasks", "queued minus \\ dispatched\nnow", "queue"},
		{"slice", SCXR_STAT_GAUGE, uint64_t{20'000'000}, "ns", "time slice", "knobs"},
		{"load", SCXR_STAT_GAUGE, 0.5, "", "", ""},
	};
	return node;
}

std::vector<std::string> lines_of(const std::string &text)
{
	std::vector<std::string> lines;
	std::istringstream in(text);
	for (std::string line; std::getline(in, line);)
		lines.push_back(line);
	return lines;
}

size_t count_lines_starting(const std::string &text, const std::string &prefix)
{
	size_t count = 0;
	for (const std::string &line : lines_of(text))
		count += line.starts_with(prefix);
	return count;
}

} // namespace

TEST_CASE("a family per stat, shared by the nodes running that plugin", "[metrics]")
{
	StatsSnapshot snapshot;
	snapshot.nodes = {node("", "qmap", 10), node("b", "qmap", 7), node("c", "simple", 3)};
	const std::string page = MetricsFormatter::format(snapshot, RunnerCounters{});

	CHECK_THAT(page, ContainsSubstring("# HELP scx_qmap_enqueued_total tasks queued (tasks)\n"
					   "# TYPE scx_qmap_enqueued_total counter\n"
					   "scx_qmap_enqueued_total{node=\"/\",plugin=\"qmap\"} 10\n"
					   "scx_qmap_enqueued_total{node=\"b\",plugin=\"qmap\"} 7\n"));
	CHECK_THAT(page, ContainsSubstring("scx_simple_enqueued_total{node=\"c\",plugin=\"simple\"} 3\n"));
	// Each family's HELP and TYPE once, however many nodes share it.
	CHECK(count_lines_starting(page, "# TYPE scx_qmap_enqueued_total ") == 1);
	CHECK(count_lines_starting(page, "# TYPE scx_simple_enqueued_total ") == 1);
	CHECK_THAT(page, ContainsSubstring("# TYPE scx_qmap_balance gauge\n"));
	CHECK_THAT(page, ContainsSubstring("scx_qmap_balance{node=\"b\",plugin=\"qmap\"} -2\n"));
	CHECK_THAT(page, ContainsSubstring("scx_qmap_load{node=\"/\",plugin=\"qmap\"} 0.5\n"));
	// A stat without help is described by its name.
	CHECK_THAT(page, ContainsSubstring("# HELP scx_qmap_load load\n"));
}

TEST_CASE("nanoseconds become seconds in the name and the value", "[metrics]")
{
	StatsSnapshot snapshot;
	snapshot.nodes = {node("", "qmap", 1)};
	const std::string page = MetricsFormatter::format(snapshot, RunnerCounters{});
	CHECK_THAT(page, ContainsSubstring("# HELP scx_qmap_slice_seconds time slice\n"
					   "# TYPE scx_qmap_slice_seconds gauge\n"
					   "scx_qmap_slice_seconds{node=\"/\",plugin=\"qmap\"} 0.02\n"));
	CHECK(MetricsFormatter::family_name("qmap", "busy_seconds", SCXR_STAT_COUNTER, "s") == "scx_qmap_busy_seconds_total");
	CHECK(MetricsFormatter::family_name("my-plugin", "a.b", SCXR_STAT_GAUGE, "bytes") == "scx_my_plugin_a_b_bytes");
	CHECK(MetricsFormatter::family_name("qmap", "sent_total", SCXR_STAT_COUNTER, "") == "scx_qmap_sent_total");
}

TEST_CASE("HELP and label values are escaped as the format says", "[metrics]")
{
	StatsSnapshot snapshot;
	snapshot.nodes = {node("we\"ird\\", "qmap", 1)};
	const std::string page = MetricsFormatter::format(snapshot, RunnerCounters{});
	CHECK_THAT(page, ContainsSubstring("# HELP scx_qmap_balance queued minus \\\\ dispatched\\nnow (tasks)\n"));
	CHECK_THAT(page, ContainsSubstring("{node=\"we\\\"ird\\\\\",plugin=\"qmap\"}"));
}

TEST_CASE("the runner's own families, also without a reading", "[metrics]")
{
	RunnerCounters runner;
	runner.uptime_seconds = 12.5;
	runner.attached = false;
	runner.swaps = 3;
	runner.failed_swaps = 1;
	runner.restarts = 2;
	const std::string without_gap = MetricsFormatter::format(std::nullopt, runner);
	CHECK_THAT(without_gap, ContainsSubstring("# TYPE scx_runner_uptime_seconds gauge\nscx_runner_uptime_seconds 12.5\n"));
	CHECK_THAT(without_gap, ContainsSubstring("scx_runner_attached 0\n"));
	CHECK_THAT(without_gap, ContainsSubstring("scx_runner_nodes 0\n"));
	CHECK_THAT(without_gap, ContainsSubstring("# TYPE scx_runner_swaps_total counter\nscx_runner_swaps_total 3\n"));
	CHECK_THAT(without_gap, ContainsSubstring("scx_runner_failed_swaps_total 1\n"));
	CHECK_THAT(without_gap, ContainsSubstring("scx_runner_restarts_total 2\n"));
	CHECK_THAT(without_gap, ContainsSubstring("scx_runner_info{version=\""));
	CHECK(without_gap.find("scx_runner_last_swap_gap_seconds") == std::string::npos);
	CHECK(without_gap.find("scx_qmap") == std::string::npos);

	CHECK(without_gap.find("scx_runner_child_restarts_total") == std::string::npos);

	runner.last_swap_gap_seconds = 0.105;
	runner.attached = true;
	runner.child_restarts = {{"b", 1}, {"b/inner", 0}};
	const std::string with_gap = MetricsFormatter::format(std::nullopt, runner);
	CHECK_THAT(with_gap, ContainsSubstring("scx_runner_last_swap_gap_seconds 0.105\n"));
	CHECK_THAT(with_gap, ContainsSubstring("scx_runner_attached 1\n"));
	// One family for every child, a sample per node.
	CHECK_THAT(with_gap, ContainsSubstring("# TYPE scx_runner_child_restarts_total counter\n"
					       "scx_runner_child_restarts_total{node=\"b\"} 1\n"
					       "scx_runner_child_restarts_total{node=\"b/inner\"} 0\n"));
}

TEST_CASE("every line is a comment or a sample, and the page ends with a newline", "[metrics]")
{
	StatsSnapshot snapshot;
	snapshot.nodes = {node("", "qmap", 10), node("b", "simple", 7)};
	const std::string page = MetricsFormatter::format(snapshot, RunnerCounters{});
	REQUIRE(page.ends_with('\n'));
	for (const std::string &line : lines_of(page)) {
		CAPTURE(line);
		const bool comment = line.starts_with("# HELP scx_") || line.starts_with("# TYPE scx_");
		const bool sample = line.starts_with("scx_") && line.find(' ') != std::string::npos;
		CHECK((comment || sample));
	}
}
