// SPDX-License-Identifier: GPL-2.0-only
#include "output/StatsFormatter.hpp"

#include "output/Json.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <type_traits>
#include <variant>

namespace scxr {

namespace {

std::string header(const StatsReading &reading)
{
	const std::string whose = reading.node.empty() ? reading.plugin_id
						       : fmt::format("{} ({})", reading.plugin_id, reading.node);
	const std::string what = reading.has_rates() ? fmt::format("rates over {:.1f}s", reading.rate_seconds)
						     : std::string("totals");
	return fmt::format("{} {}: {}", StatsFormatter::time_of_day(reading.when), whose, what);
}

} // namespace

std::string StatsFormatter::format(const StatsReading &reading) const
{
	return format_ == StatsFormat::json ? json(reading) : text(reading);
}

std::string StatsFormatter::format_number(double value)
{
	if (!std::isfinite(value))
		return fmt::format("{}", value);
	if (std::trunc(value) == value && std::fabs(value) < 9.007199254740992e15)
		return fmt::format("{}", static_cast<int64_t>(value));
	return fmt::format("{}", value);
}

std::string StatsFormatter::format_value(const StatValue &value)
{
	// Integers digit for digit, whatever their size; doubles as format_number() writes them.
	if (const double *number = std::get_if<double>(&value))
		return format_number(*number);
	return std::visit([](auto number) { return fmt::format("{}", number); }, value);
}

std::string StatsFormatter::format_rate(double per_second)
{
	// Rates are for reading at a glance: two or three significant digits say it.
	const double size = std::fabs(per_second);
	if (!std::isfinite(per_second))
		return fmt::format("{}", per_second);
	if (size == 0)
		return "0";
	if (size < 10)
		return fmt::format("{:.1f}", per_second);
	if (size < 100'000)
		return fmt::format("{:.0f}", per_second);
	if (size < 10'000'000)
		return fmt::format("{:.0f}k", per_second / 1e3);
	if (size < 1e10)
		return fmt::format("{:.1f}M", per_second / 1e6);
	return fmt::format("{:.1f}G", per_second / 1e9);
}

std::string StatsFormatter::block(const std::string &header, const std::vector<Group> &groups, size_t width)
{
	size_t label_width = 0;
	for (const auto &[label, items] : groups)
		label_width = std::max(label_width, label.size());
	// "  label  items": the items start after the indent, the padded label and two spaces.
	const size_t items_column = 2 + label_width + 2;
	std::string text = header;
	for (const auto &[label, items] : groups) {
		std::string line = fmt::format("  {:<{}}  ", label, label_width);
		bool line_has_item = false;
		for (const std::string &item : items) {
			// An item too long for any line gets one of its own rather than being cut.
			if (line_has_item && line.size() + 1 + item.size() > width) {
				text += '\n' + line;
				line.assign(items_column, ' ');
				line_has_item = false;
			}
			line += (line_has_item ? " " : "") + item;
			line_has_item = true;
		}
		text += '\n' + line;
	}
	return text;
}

std::string StatsFormatter::text(const StatsReading &reading, size_t width)
{
	// Groups in the order the schema first names them, each stat in schema order.
	std::vector<Group> groups;
	for (size_t index = 0; index < reading.samples.size(); ++index) {
		const StatSample &sample = reading.samples[index];
		const std::string label = sample.group.empty() ? kUngroupedLabel : sample.group;
		auto group = std::ranges::find(groups, label, &Group::first);
		if (group == groups.end())
			group = groups.insert(groups.end(), Group{label, {}});
		const std::optional<double> rate =
			index < reading.rates.size() ? reading.rates[index] : std::optional<double>();
		group->second.push_back(rate ? fmt::format("{}={}/s", sample.name, format_rate(*rate))
					     : fmt::format("{}={}", sample.name, format_value(sample.value)));
	}
	return block(header(reading), groups, width);
}

std::string StatsFormatter::json(const StatsReading &reading)
{
	Json stats = Json::object(); // {} for a plugin without stats, not null
	Json rates = Json::object();
	for (size_t index = 0; index < reading.samples.size(); ++index) {
		const StatSample &sample = reading.samples[index];
		stats[sample.name] = stat_json(sample.value);
		if (index < reading.rates.size() && reading.rates[index])
			rates[sample.name] = json_number(*reading.rates[index]);
	}
	Json line;
	line["timestamp"] = iso8601(reading.when);
	line["plugin"] = reading.plugin_id;
	if (!reading.node.empty())
		line["node"] = reading.node;
	line["stats"] = std::move(stats);
	// Added after the keys of 0.1.0, and only once there is a rate, so readers of the old
	// lines see the same object with one more key.
	if (reading.has_rates())
		line["rates"] = std::move(rates);
	return json_text(line);
}

std::string StatsFormatter::iso8601(std::chrono::system_clock::time_point when)
{
	const auto since_epoch = when.time_since_epoch();
	const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
	const auto milliseconds = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
	const std::time_t time = static_cast<std::time_t>(seconds.count());
	std::tm utc{};
	gmtime_r(&time, &utc);
	return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
			   utc.tm_hour, utc.tm_min, utc.tm_sec, milliseconds);
}

std::string StatsFormatter::time_of_day(std::chrono::system_clock::time_point when)
{
	const std::time_t time = std::chrono::system_clock::to_time_t(when);
	std::tm local{};
	localtime_r(&time, &local);
	return fmt::format("{:02}:{:02}:{:02}", local.tm_hour, local.tm_min, local.tm_sec);
}

} // namespace scxr
