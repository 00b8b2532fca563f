// SPDX-License-Identifier: GPL-2.0-only
// What `scx-runner top` shows, without a terminal: sparklines in both character sets, lines cut
// to the width (never wrapped), the picked node's every stat on an 80x24 screen, and the plain
// text printed when stdout is not a terminal.
#include "top/Sparkline.hpp"
#include "top/TopCommand.hpp"
#include "top/TopLayout.hpp"
#include "top/TopModel.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using scxr::Sparkline;
using scxr::StatSample;
using scxr::StatsSnapshot;
using scxr::TopLayout;
using scxr::TopLine;
using scxr::TopModel;
using scxr::TopReading;
using namespace std::chrono_literals;

namespace {

constexpr Sparkline::Charset kUnicode = Sparkline::Charset::unicode;
constexpr Sparkline::Charset kAscii = Sparkline::Charset::ascii;

// A tree like tree-run's (a qmap root with three children), each node with stats as many as
// qmap has, counters growing at different speeds; `readings` readings one second apart.
TopModel tree_model(size_t readings, size_t stats_per_node = 36, size_t children = 3)
{
	TopModel model;
	const auto start = TopModel::Clock::time_point(50s);
	for (size_t reading = 0; reading < readings; ++reading) {
		TopReading top;
		top.pid = 812;
		top.profile = "/tmp/tree.toml";
		top.plugin = "qmap";
		top.state = "attached";
		top.kernel_state = "enabled";
		top.uptime_seconds = 63 + static_cast<int64_t>(reading);
		top.taken_at = start + std::chrono::seconds(reading);
		for (size_t node = 0; node <= children; ++node) {
			StatsSnapshot::Node entry;
			entry.name = node == 0 ? "" : std::string(1, static_cast<char>('a' + node - 1));
			entry.cgroup = node == 0 ? "" : "/sys/fs/cgroup/" + entry.name;
			entry.plugin_id = node == 3 ? "simple" : "qmap";
			entry.kernel_ops = entry.plugin_id;
			for (size_t stat = 0; stat < stats_per_node; ++stat) {
				StatSample sample;
				sample.kind = stat % 4 == 3 ? SCXR_STAT_GAUGE : SCXR_STAT_COUNTER;
				sample.name = stat == 0 ? "enqueue_direct_dispatches_beyond_any_width" : "stat" + std::to_string(stat);
				// Counter k's rate grows with each reading: k * (node + 1) * 100 * (2r - 1) in
				// the second before reading r.
				sample.value = uint64_t{stat * (node + 1) * 100 * reading * reading};
				entry.samples.push_back(std::move(sample));
			}
			top.snapshot.nodes.push_back(std::move(entry));
		}
		model.add(std::move(top), start);
	}
	return model;
}

std::string joined(const std::vector<TopLine> &lines)
{
	std::string text;
	for (const TopLine &line : lines)
		text += line.text + '\n';
	return text;
}

} // namespace

TEST_CASE("sparklines: eight blocks in UTF-8, five ASCII steps otherwise", "[top]")
{
	CHECK(Sparkline::render({0, 1, 2, 3, 4, 5, 6, 7}, 8, kUnicode) == "▁▂▃▄▅▆▇█");
	CHECK(Sparkline::render({0, 1, 2, 3, 4}, 5, kAscii) == "_.-=#");
	// Newest on the right; a short series is padded on the left.
	CHECK(Sparkline::render({0, 4}, 5, kAscii) == "   _#");
	// Only the last width values are drawn, and scaled among themselves.
	CHECK(Sparkline::render({1000, 0, 1, 2}, 3, kAscii) == "_-#");
	// A little next to a lot is still above the bottom.
	CHECK(Sparkline::render({0, 1, 10000}, 3, kAscii) == "_.#");
	// All zero is flat at the bottom; a steady non-zero series is flat at the top.
	CHECK(Sparkline::render({0, 0, 0}, 3, kUnicode) == "▁▁▁");
	CHECK(Sparkline::render({71, 71}, 2, kAscii) == "##");
	CHECK(Sparkline::render({1, std::nan(""), 1}, 3, kAscii) == "# #");
	CHECK(Sparkline::render({}, 4, kAscii) == "    ");
	CHECK(TopLayout::display_width(Sparkline::render({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 8, kUnicode)) == 8);
}

TEST_CASE("lines are cut to their width with an ellipsis, between characters", "[top]")
{
	CHECK(TopLayout::fit("enqueued", 8, kAscii) == "enqueued");
	CHECK(TopLayout::fit("enqueued", 5, kAscii) == "enqu~");
	CHECK(TopLayout::fit("enqueued", 5, kUnicode) == "enqu…");
	CHECK(TopLayout::fit("web-\xc3\xa9t\xc3\xa9-\xc3\xa9t\xc3\xa9", 7, kAscii) == "web-\xc3\xa9t~");
	CHECK(TopLayout::display_width("▁▂▃x") == 4);
	CHECK(TopLayout::fit("abc", 0, kAscii).empty());
}

TEST_CASE("an 80x24 screen shows every node and the picked node's every stat that fits", "[top]")
{
	TopModel model = tree_model(5);
	TopLayout::Settings settings;
	settings.width = 80;
	settings.height = 23; // 24 rows, the last one the footer's
	settings.charset = kUnicode;

	const std::vector<TopLine> lines = TopLayout::lines(model, settings);
	CAPTURE(joined(lines));
	CHECK(lines.size() <= 23);
	for (const TopLine &line : lines)
		CHECK(TopLayout::display_width(line.text) <= 80);
	CHECK_THAT(lines.at(0).text, StartsWith("scx-runner pid 812: /tmp/tree.toml"));
	CHECK(lines.at(1).text == "attached, sched_ext enabled, up 1m 7s, swaps 0 (0 failed), restarts 0");
	CHECK(lines.at(2).text == "> root: qmap (kernel: qmap)");
	CHECK(lines.at(2).style == TopLine::Style::picked_node);
	const std::string text = joined(lines);
	CHECK_THAT(text, ContainsSubstring("  a: qmap on /sys/fs/cgroup/a (kernel: qmap)"));
	CHECK_THAT(text, ContainsSubstring("  b: qmap on /sys/fs/cgroup/b (kernel: qmap)"));
	CHECK_THAT(text, ContainsSubstring("  c: simple on /sys/fs/cgroup/c (kernel: simple)"));
	// The root's fastest counter first, as a rate with its sparkline; names cut to the cell.
	CHECK_THAT(lines.at(3).text, StartsWith("    stat34              23800/s     ▂▄▆█  stat33              23100/s     ▂▄▆█"));
	CHECK_THAT(text, ContainsSubstring("    enqueue_direct_di…      0/s     ▁▁▁▁"));
	// More stats than rows: the last cell counts the rest.
	CHECK_THAT(text, ContainsSubstring("more)"));

	SECTION("the picked node moves; the others show their key rates")
	{
		model.select_next();
		const std::vector<TopLine> picked = TopLayout::lines(model, settings);
		CAPTURE(joined(picked));
		CHECK(picked.size() <= 23);
		CHECK(picked.at(2).text == "  root: qmap (kernel: qmap)");
		CHECK(picked.at(2).style == TopLine::Style::node);
		size_t a_title = 0;
		for (size_t index = 0; index < picked.size(); ++index)
			if (picked[index].text.starts_with("> a: qmap"))
				a_title = index;
		REQUIRE(a_title > 2);
		CHECK(picked.at(a_title).style == TopLine::Style::picked_node);
		// a's fastest counter, doubled against the root's.
		CHECK_THAT(picked.at(a_title + 1).text, StartsWith("    stat34              47600/s"));
	}
	SECTION("a screen with room shows all of the picked node's stats")
	{
		settings.height = 60;
		const std::string tall = joined(TopLayout::lines(model, settings));
		CHECK_THAT(tall, ContainsSubstring("stat1 "));
		CHECK_THAT(tall, ContainsSubstring("stat35 "));
		CHECK_FALSE(tall.find("more)") != std::string::npos);
	}
	SECTION("a wide terminal puts more cells on a row; a narrow one cuts every line")
	{
		settings.width = 120;
		const std::vector<TopLine> wide = TopLayout::lines(model, settings);
		CHECK_THAT(wide.at(3).text, ContainsSubstring("stat32"));
		settings.width = 30;
		for (const TopLine &line : TopLayout::lines(model, settings))
			CHECK(TopLayout::display_width(line.text) <= 30);
	}
	SECTION("pause shows in the heading")
	{
		model.toggle_pause();
		CHECK_THAT(TopLayout::lines(model, settings).at(1).text, ContainsSubstring("[paused]"));
	}
}

TEST_CASE("a tree taller than the screen still fits it", "[top]")
{
	const TopModel model = tree_model(3, 40, 30);
	TopLayout::Settings settings;
	settings.height = 23;
	const std::vector<TopLine> lines = TopLayout::lines(model, settings);
	CAPTURE(joined(lines));
	CHECK(lines.size() == 23);
	CHECK(lines.at(2).text == "> root: qmap (kernel: qmap)");
	CHECK_THAT(lines.back().text, ContainsSubstring("more lines: a taller terminal shows them"));
	CHECK(lines.back().style == TopLine::Style::note);
}

TEST_CASE("the plain text: a timestamped block with every node's key rates, 80 columns at most", "[top]")
{
	const TopModel model = tree_model(3);
	const std::string block = scxr::TopCommand::plain_block(model, "19:10:38", kAscii);
	CAPTURE(block);
	std::istringstream lines(block);
	std::vector<std::string> all;
	for (std::string line; std::getline(lines, line);) {
		CHECK(TopLayout::display_width(line) <= 80);
		CHECK(line.find('\x1b') == std::string::npos);
		all.push_back(line);
	}
	REQUIRE(all.size() == 2 + 4 * (1 + 3));
	CHECK(all[0] == "19:10:38 scx-runner pid 812: /tmp/tree.toml");
	CHECK(all[2] == "root: qmap (kernel: qmap)");
	CHECK(all[3] == "  stat34              10200/s       .#  stat33               9900/s       .#");
	CHECK(all[6] == "a: qmap on /sys/fs/cgroup/a (kernel: qmap)");
	CHECK(all[14] == "c: simple on /sys/fs/cgroup/c (kernel: simple)");
	// No runner attached: one note instead of the nodes.
	TopModel empty;
	TopReading pending;
	pending.state = "restart pending";
	empty.add(pending, TopModel::Clock::now());
	CHECK_THAT(scxr::TopCommand::plain_block(empty, "19:10:39", kAscii),
		   ContainsSubstring("no scheduler is attached (restart pending)"));
}

TEST_CASE("a child without a reading (waiting to restart) still gets a line, from status", "[top]")
{
	TopReading top;
	top.pid = 812;
	top.state = "attached";
	top.kernel_state = "enabled";
	top.taken_at = TopModel::Clock::time_point(50s);
	for (const std::string name : {"", "a"}) {
		StatsSnapshot::Node entry;
		entry.name = name;
		entry.plugin_id = "qmap";
		entry.kernel_ops = "qmap";
		top.snapshot.nodes.push_back(entry);
	}
	top.children = {{"a", "qmap attached (kernel: qmap), cgroup /sys/fs/cgroup/a, 0 restart(s), 0 swap(s)"},
			{"b", "qmap restart pending (kernel: none), cgroup /sys/fs/cgroup/b, 1 restart(s), 0 swap(s)"}};
	TopModel model;
	model.add(std::move(top), TopModel::Clock::time_point(50s));
	const std::vector<TopLine> lines = TopLayout::lines(model, TopLayout::Settings{});
	const std::string text = joined(lines);
	CAPTURE(text);
	CHECK_THAT(text, ContainsSubstring("\n  b: qmap restart pending (kernel: none), cgroup /sys/fs/cgroup/b, 1 restart"));
	// a has its reading above, so no second line from status.
	CHECK(text.find("a: qmap attached") == std::string::npos);
	CHECK(lines.back().style == TopLine::Style::note);
}
