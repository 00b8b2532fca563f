// SPDX-License-Identifier: GPL-2.0-only
#include "control/MetricsFormatter.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <utility>
#include <vector>

namespace scxr {

namespace {

// A unit the exposition format has a base unit for: the name's suffix and the factor to it.
struct BaseUnit {
	std::string_view suffix;
	double factor;
};

std::optional<BaseUnit> base_unit(std::string_view unit)
{
	if (unit == "s" || unit == "seconds")
		return BaseUnit{"seconds", 1};
	if (unit == "ms")
		return BaseUnit{"seconds", 1e-3};
	if (unit == "us")
		return BaseUnit{"seconds", 1e-6};
	if (unit == "ns")
		return BaseUnit{"seconds", 1e-9};
	if (unit == "bytes")
		return BaseUnit{"bytes", 1};
	return std::nullopt;
}

void append_sanitized(std::string &out, std::string_view text)
{
	for (const char c : text) {
		const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
		out += word ? c : '_';
	}
}

// HELP text escapes backslash and newline; label values also the double quote.
std::string escaped(std::string_view text, bool label_value)
{
	std::string out;
	out.reserve(text.size());
	for (const char c : text) {
		if (c == '\\')
			out += "\\\\";
		else if (c == '\n')
			out += "\\n";
		else if (c == '"' && label_value)
			out += "\\\"";
		else
			out += c;
	}
	return out;
}

std::string number(double value)
{
	if (std::isnan(value))
		return "NaN";
	if (std::isinf(value))
		return value > 0 ? "+Inf" : "-Inf";
	return fmt::format("{}", value);
}

std::string number(const StatValue &value, double factor)
{
	if (factor == 1) {
		if (const uint64_t *u = std::get_if<uint64_t>(&value))
			return fmt::format("{}", *u);
		if (const int64_t *s = std::get_if<int64_t>(&value))
			return fmt::format("{}", *s);
	}
	return std::visit([factor](auto v) { return number(static_cast<double>(v) * factor); }, value);
}

// The page's families in the order first seen, each with its samples: the format wants all
// samples of a family together, after its HELP and TYPE.
class Families {
public:
	void add(const std::string &name, std::string_view type, const std::string &help, std::string sample_line)
	{
		auto [at, inserted] = index_.try_emplace(name, families_.size());
		if (inserted)
			families_.push_back({name, std::string(type), help, {}});
		families_[at->second].samples.push_back(std::move(sample_line));
	}

	std::string text() const
	{
		std::string out;
		for (const Family &family : families_) {
			out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name, escaped(family.help, false),
					   family.name, family.type);
			for (const std::string &sample : family.samples)
				out += sample;
		}
		return out;
	}

private:
	struct Family {
		std::string name;
		std::string type;
		std::string help;
		std::vector<std::string> samples;
	};
	std::vector<Family> families_;
	std::map<std::string, size_t, std::less<>> index_;
};

void add_runner(Families &families, const std::string &name, std::string_view type, const std::string &help,
		const std::string &value)
{
	families.add(name, type, help, fmt::format("{} {}\n", name, value));
}

} // namespace

std::string MetricsFormatter::family_name(std::string_view plugin, std::string_view stat, scxr_stat_kind kind,
					  std::string_view unit)
{
	std::string name = "scx_";
	append_sanitized(name, plugin);
	name += '_';
	append_sanitized(name, stat);
	if (const std::optional<BaseUnit> base = base_unit(unit); base && !name.ends_with(fmt::format("_{}", base->suffix)))
		name += fmt::format("_{}", base->suffix);
	if (kind == SCXR_STAT_COUNTER && !name.ends_with("_total"))
		name += "_total";
	return name;
}

std::string MetricsFormatter::format(const std::optional<StatsSnapshot> &snapshot, const RunnerCounters &runner)
{
	Families families;
	size_t nodes = 0;
	if (snapshot) {
		nodes = snapshot->nodes.size();
		for (const StatsSnapshot::Node &node : snapshot->nodes) {
			const std::string labels = fmt::format("{{node=\"{}\",plugin=\"{}\"}}",
							       escaped(node_label(node.name), true),
							       escaped(node.plugin_id, true));
			for (const StatSample &sample : node.samples) {
				const std::optional<BaseUnit> base = base_unit(sample.unit);
				std::string help = sample.help.empty() ? sample.name : sample.help;
				if (!base && !sample.unit.empty())
					help += fmt::format(" ({})", sample.unit);
				const std::string name = family_name(node.plugin_id, sample.name, sample.kind, sample.unit);
				families.add(name, sample.kind == SCXR_STAT_COUNTER ? "counter" : "gauge", help,
					     fmt::format("{}{} {}\n", name, labels,
							 number(sample.value, base ? base->factor : 1)));
			}
		}
	}
	families.add("scx_runner_info", "gauge", "the runner's version, as a label",
		     fmt::format("scx_runner_info{{version=\"{}\"}} 1\n", escaped(SCXR_RUNNER_VERSION, true)));
	add_runner(families, "scx_runner_uptime_seconds", "gauge", "seconds since the runner started",
		   number(runner.uptime_seconds));
	add_runner(families, "scx_runner_attached", "gauge",
		   "1 while the root scheduler is attached, 0 while a restart is pending", runner.attached ? "1" : "0");
	add_runner(families, "scx_runner_nodes", "gauge", "schedulers of the tree with a reading on this page",
		   fmt::format("{}", nodes));
	add_runner(families, "scx_runner_swaps_total", "counter", "swaps to another scheduler or options that succeeded",
		   fmt::format("{}", runner.swaps));
	add_runner(families, "scx_runner_failed_swaps_total", "counter",
		   "swaps that failed (the old scheduler kept running or came back)", fmt::format("{}", runner.failed_swaps));
	add_runner(families, "scx_runner_restarts_total", "counter", "restarts of the root scheduler after an error exit",
		   fmt::format("{}", runner.restarts));
	for (const auto &[node, restarts] : runner.child_restarts)
		families.add("scx_runner_child_restarts_total", "counter",
			     "restarts of a child scheduler of the tree by its own policy, by node",
			     fmt::format("scx_runner_child_restarts_total{{node=\"{}\"}} {}\n", escaped(node, true), restarts));
	if (runner.last_swap_gap_seconds)
		add_runner(families, "scx_runner_last_swap_gap_seconds", "gauge",
			   "how long the last swap left no scheduler attached", number(*runner.last_swap_gap_seconds));
	return families.text();
}

} // namespace scxr
