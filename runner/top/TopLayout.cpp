// SPDX-License-Identifier: GPL-2.0-only
#include "top/TopLayout.hpp"

#include "base/Duration.hpp"

#include "output/StatsFormatter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <variant>

namespace scxr {

namespace {

// Cells start below a title's text: after the "> " marker on a terminal, flush in plain text.
constexpr size_t kMarkerWidth = 2;
constexpr size_t kIndent = 2;
constexpr size_t kCellGap = 2;
// The runner's two lines above the nodes.
constexpr size_t kHeadingLines = 2;

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

std::string_view ellipsis(Sparkline::Charset charset) { return charset == Sparkline::Charset::unicode ? "…" : "~"; }

std::string value_text(const TopModel::Stat &stat)
{
	if (stat.rate)
		return StatsFormatter::format_rate(*stat.rate) + "/s";
	// Totals and gauges as read while they fit ("5", "-4.5", "16384"); beyond, as short as a
	// rate ("123k"): a cell has no room for twenty digits.
	const double value = std::visit([](auto number) { return static_cast<double>(number); }, stat.value);
	const std::string exact = StatsFormatter::format_value(stat.value);
	return exact.size() <= 6 ? exact : StatsFormatter::format_rate(value);
}

std::string cell(const TopModel::Stat &stat, Sparkline::Charset charset)
{
	return fmt::format("{:<{}} {:>{}} {}", TopLayout::fit(stat.name, TopLayout::kNameWidth, charset),
			   TopLayout::kNameWidth, TopLayout::fit(value_text(stat), TopLayout::kValueWidth, charset),
			   TopLayout::kValueWidth, Sparkline::render(stat.history, TopLayout::kSparklineWidth, charset));
}

// fmt pads by code points, which is what display_width() counts, so a padded name with an
// ellipsis keeps the columns aligned.
std::string row(const std::vector<std::string> &cells, size_t indent)
{
	std::string text(indent, ' ');
	for (size_t index = 0; index < cells.size(); ++index)
		text += (index ? std::string(kCellGap, ' ') : std::string()) + cells[index];
	// Trailing blanks of a short last cell help no one reading a pipe.
	text.erase(text.find_last_not_of(' ') + 1);
	return text;
}

std::string node_title(const TopModel::Node &node, bool is_root)
{
	std::string title = node.label(is_root) + ": " + node.plugin;
	if (!node.cgroup.empty())
		title += " on " + node.cgroup;
	return title + " (kernel: " + (node.kernel_ops.empty() ? "none" : node.kernel_ops) + ")";
}

size_t rows_for(size_t cells, size_t columns) { return (cells + columns - 1) / columns; }

// How many of each node's stats fit: every one for the picked node, key_stats for the others,
// then shrunk until the titles and rows fit the height: the others first to one row each,
// then the picked node down to two rows, then the others to their titles alone, and last the
// picked node to what is left (one row at least).
std::vector<size_t> cells_shown(const TopModel &model, const TopLayout::Settings &settings, size_t columns)
{
	const std::vector<TopModel::Node> &nodes = model.nodes();
	std::vector<size_t> shown(nodes.size());
	const auto is_picked = [&](size_t index) { return settings.picking && index == model.selected_index(); };
	for (size_t index = 0; index < nodes.size(); ++index)
		shown[index] = is_picked(index) ? nodes[index].stats.size()
						: std::min(settings.key_stats, nodes[index].stats.size());
	if (settings.height == 0)
		return shown;
	const size_t budget = settings.height > kHeadingLines ? settings.height - kHeadingLines : 0;
	const auto lines_needed = [&] {
		size_t lines = nodes.size();
		for (size_t index = 0; index < nodes.size(); ++index)
			lines += rows_for(shown[index], columns);
		return lines;
	};
	const auto limit_others = [&](size_t rows) {
		for (size_t index = 0; index < nodes.size(); ++index)
			if (!is_picked(index))
				shown[index] = std::min(shown[index], rows * columns);
	};
	const auto limit_picked = [&](size_t minimum_rows) {
		for (size_t index = 0; index < nodes.size(); ++index) {
			if (!is_picked(index) || lines_needed() <= budget)
				continue;
			const size_t others = lines_needed() - rows_for(shown[index], columns);
			const size_t rows = std::max(budget > others ? budget - others : 0, minimum_rows);
			shown[index] = std::min(shown[index], rows * columns);
		}
	};
	if (lines_needed() > budget)
		limit_others(1);
	if (lines_needed() > budget)
		limit_picked(2);
	if (lines_needed() > budget)
		limit_others(0);
	if (lines_needed() > budget)
		limit_picked(1);
	return shown;
}

} // namespace

size_t TopLayout::display_width(std::string_view text)
{
	return static_cast<size_t>(std::ranges::count_if(text, [](char c) { return !is_continuation_byte(c); }));
}

std::string TopLayout::fit(std::string_view text, size_t width, Sparkline::Charset charset)
{
	if (display_width(text) <= width)
		return std::string(text);
	if (width == 0)
		return {};
	// Keep width - 1 characters, then the ellipsis.
	size_t kept = 0;
	size_t end = 0;
	while (end < text.size()) {
		size_t next = end + 1;
		while (next < text.size() && is_continuation_byte(text[next]))
			++next;
		if (kept == width - 1)
			break;
		++kept;
		end = next;
	}
	return std::string(text.substr(0, end)) + std::string(ellipsis(charset));
}

std::vector<TopLine> TopLayout::lines(const TopModel &model, const Settings &settings)
{
	std::vector<TopLine> lines;
	const auto add = [&](std::string text, TopLine::Style style) {
		lines.push_back(TopLine{fit(text, settings.width, settings.charset), style});
	};
	if (!model.has_reading())
		return lines;
	const TopReading &runner = model.latest();
	add(fmt::format("{}scx-runner pid {}: {}", settings.prefix, runner.pid, runner.profile), TopLine::Style::heading);
	add(fmt::format("{}, sched_ext {}, up {}, swaps {} ({} failed), restarts {}{}", runner.state,
			runner.kernel_state.empty() ? "?" : runner.kernel_state, Duration::uptime_text(runner.uptime_seconds),
			runner.swaps, runner.failed_swaps, runner.restarts, model.paused() ? "  [paused]" : ""),
	    TopLine::Style::heading);

	const std::vector<TopModel::Node> &nodes = model.nodes();
	if (nodes.empty()) {
		add(fmt::format("no scheduler is attached ({}): nothing to show until one is", runner.state),
		    TopLine::Style::note);
		return lines;
	}
	const size_t indent = kIndent + (settings.picking ? kMarkerWidth : 0);
	const size_t columns = std::max<size_t>(1, (settings.width + kCellGap - indent) / (kCellWidth + kCellGap));
	const std::vector<size_t> shown = cells_shown(model, settings, columns);
	for (size_t index = 0; index < nodes.size(); ++index) {
		const TopModel::Node &node = nodes[index];
		const bool picked = settings.picking && index == model.selected_index();
		const std::string marker = settings.picking ? (picked ? "> " : "  ") : "";
		add(marker + node_title(node, index == 0), picked ? TopLine::Style::picked_node : TopLine::Style::node);
		const std::vector<const TopModel::Stat *> stats = node.by_rate();
		const size_t count = std::min(shown[index], stats.size());
		// Cut stats of the picked node are counted in its last cell; the others show key rates
		// and need no excuse.
		const bool cut = picked && count < stats.size();
		std::vector<std::string> cells;
		for (size_t stat = 0; stat < count; ++stat) {
			if (cut && stat + 1 == count) {
				cells.push_back(fmt::format("(+{} more)", stats.size() - stat));
				break;
			}
			cells.push_back(cell(*stats[stat], settings.charset));
			if (cells.size() == columns) {
				add(row(cells, indent), TopLine::Style::normal);
				cells.clear();
			}
		}
		if (!cells.empty())
			add(row(cells, indent), TopLine::Style::normal);
	}
	// A child that is not attached (waiting to restart, given up) has no reading, but the user
	// is looking for it: it gets a line with what status says.
	for (const auto &[name, text] : runner.children) {
		const bool shown_above = std::any_of(nodes.begin(), nodes.end(),
						     [&name](const TopModel::Node &node) { return node.name == name; });
		if (!shown_above)
			add(fmt::format("{}{}: {}", settings.picking ? "  " : "", name, text), TopLine::Style::note);
	}
	if (settings.height != 0 && lines.size() > settings.height) {
		const size_t hidden = lines.size() - settings.height + 1;
		lines.resize(settings.height - 1);
		add(fmt::format("({} more lines: a taller terminal shows them)", hidden), TopLine::Style::note);
	}
	return lines;
}

} // namespace scxr
