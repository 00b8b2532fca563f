// SPDX-License-Identifier: GPL-2.0-only
#include "output/StatsFormatter.hpp"

#include "output/Json.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>

namespace scxr {

namespace {

// value (its magnitude below 1e11) with one decimal or none, then suffix. In integers: the
// floating-point formatter was a fifth of an idle tick's instructions and, run cold on the first
// reading with rates, a few milliseconds under emulation. Halves round to even, as printf's do.
std::string fixed_decimal(double value, bool one_decimal, const char *suffix)
{
	const double scaled = std::fabs(value) * (one_decimal ? 10 : 1);
	auto units = static_cast<uint64_t>(scaled);
	const double rest = scaled - static_cast<double>(units);
	if (rest > 0.5 || (rest == 0.5 && units % 2 == 1))
		++units;
	std::string text = value < 0 ? "-" : "";
	text += fmt::format_int(one_decimal ? units / 10 : units).c_str();
	if (one_decimal) {
		text += '.';
		text += static_cast<char>('0' + units % 10);
	}
	text += suffix;
	return text;
}

std::string header(const StatsReading &reading)
{
	std::string text = StatsFormatter::time_of_day(reading.when);
	text += ' ';
	text += reading.plugin_id;
	if (!reading.node.empty()) {
		text += " (";
		text += reading.node;
		text += ')';
	}
	if (reading.has_rates()) {
		text += ": rates over ";
		text += fixed_decimal(reading.rate_seconds, true, "s");
	} else
		text += ": totals";
	return text;
}

// One item as text() shows it, "name=value" or "name=rate/s", written into item (cleared first).
void write_item(std::string &item, const StatSample &sample, const std::optional<double> &rate)
{
	item.assign(sample.name);
	item += '=';
	if (rate) {
		item += StatsFormatter::format_rate(*rate);
		item += "/s";
		return;
	}
	// Integers (every stat of the bundled plugins) without a temporary string.
	if (const uint64_t *number = std::get_if<uint64_t>(&sample.value)) {
		const fmt::format_int digits(*number);
		item.append(digits.data(), digits.size());
	} else if (const int64_t *number = std::get_if<int64_t>(&sample.value)) {
		const fmt::format_int digits(*number);
		item.append(digits.data(), digits.size());
	} else {
		item += StatsFormatter::format_value(sample.value);
	}
}

} // namespace

std::string StatsFormatter::format(const StatsReading &reading) const
{
	return format_ == StatsFormat::json ? json(reading) : text(reading);
}

std::string StatsFormatter::format_number(double value)
{
	if (!std::isfinite(value))
		return fmt::format(FMT_COMPILE("{}"), value);
	if (std::trunc(value) == value && std::fabs(value) < 9.007199254740992e15)
		return fmt::format_int(static_cast<int64_t>(value)).str();
	return fmt::format(FMT_COMPILE("{}"), value);
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
	// Rates are for reading at a glance: two or three significant digits say it. This runs for
	// every counter of every reading.
	const double size = std::fabs(per_second);
	if (!std::isfinite(per_second))
		return fmt::format(FMT_COMPILE("{}"), per_second);
	if (size == 0)
		return "0";
	if (size < 10)
		return fixed_decimal(per_second, true, "");
	if (size < 100'000)
		return fixed_decimal(per_second, false, "");
	if (size < 10'000'000)
		return fixed_decimal(per_second / 1e3, false, "k");
	if (size < 1e10)
		return fixed_decimal(per_second / 1e6, true, "M");
	return fmt::format(FMT_COMPILE("{:.1f}G"), per_second / 1e9);
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
	// The layout of block(), written straight into one string: this runs on every stats tick
	// while the scheduler idles, and a string and a vector per item (and a format string parsed
	// per item) were most of that tick's CPU time.
	const std::vector<StatSample> &samples = reading.samples;
	// Groups in the order the schema first names them, each stat in schema order.
	std::vector<std::string_view> labels;
	std::vector<uint32_t> group_of(samples.size());
	size_t label_width = 0;
	for (size_t index = 0; index < samples.size(); ++index) {
		const std::string_view label =
			samples[index].group.empty() ? std::string_view(kUngroupedLabel) : std::string_view(samples[index].group);
		auto group = std::ranges::find(labels, label);
		if (group == labels.end())
			group = labels.insert(labels.end(), label);
		group_of[index] = static_cast<uint32_t>(group - labels.begin());
		label_width = std::max(label_width, label.size());
	}
	// "  label  items": the items start after the indent, the padded label and two spaces.
	const size_t items_column = 2 + label_width + 2;
	std::string text = header(reading);
	text.reserve(text.size() + samples.size() * 32 + labels.size() * (items_column + 1));
	std::string item;
	for (uint32_t group = 0; group < labels.size(); ++group) {
		text += "\n  ";
		text += labels[group];
		text.append(label_width - labels[group].size() + 2, ' ');
		size_t line_start = text.size() - items_column;
		bool line_has_item = false;
		for (size_t index = 0; index < samples.size(); ++index) {
			if (group_of[index] != group)
				continue;
			write_item(item, samples[index], index < reading.rates.size() ? reading.rates[index]
										 : std::optional<double>());
			// An item too long for any line gets one of its own rather than being cut.
			if (line_has_item && text.size() - line_start + 1 + item.size() > width) {
				text += '\n';
				line_start = text.size();
				text.append(items_column, ' ');
				line_has_item = false;
			}
			if (line_has_item)
				text += ' ';
			text += item;
			line_has_item = true;
		}
	}
	return text;
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
	return fmt::format(FMT_COMPILE("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z"), utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
			   utc.tm_hour, utc.tm_min, utc.tm_sec, milliseconds);
}

std::string StatsFormatter::time_of_day(std::chrono::system_clock::time_point when)
{
	const std::time_t time = std::chrono::system_clock::to_time_t(when);
	std::tm local{};
	localtime_r(&time, &local);
	// Digit by digit: every text reading starts with this.
	const auto two_digits = [](int value) { return std::array<char, 2>{char('0' + value / 10), char('0' + value % 10)}; };
	const auto hour = two_digits(local.tm_hour), minute = two_digits(local.tm_min), second = two_digits(local.tm_sec);
	return std::string{hour[0], hour[1], ':', minute[0], minute[1], ':', second[0], second[1]};
}

} // namespace scxr
