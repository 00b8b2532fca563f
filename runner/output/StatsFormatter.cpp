// SPDX-License-Identifier: GPL-2.0-only
#include "output/StatsFormatter.hpp"

#include "output/Json.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>
#include <type_traits>
#include <variant>

namespace scxr {

std::string StatsFormatter::format(std::chrono::system_clock::time_point when, const std::string &plugin_id,
				   const std::vector<StatSample> &samples) const
{
	return format_ == StatsFormat::json ? json(when, plugin_id, samples) : text(plugin_id, samples);
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

std::string StatsFormatter::text(const std::string &plugin_id, const std::vector<StatSample> &samples)
{
	std::string line = plugin_id + ":";
	for (const StatSample &sample : samples)
		line += fmt::format(" {}={}", sample.name, format_value(sample.value));
	return line;
}

std::string StatsFormatter::json(std::chrono::system_clock::time_point when, const std::string &plugin_id,
				 const std::vector<StatSample> &samples)
{
	Json stats = Json::object(); // {} for a plugin without stats, not null
	for (const StatSample &sample : samples)
		std::visit(
			[&](auto number) {
				// Integers go out exactly; json_number() keeps whole doubles free of ".0".
				if constexpr (std::is_floating_point_v<decltype(number)>)
					stats[sample.name] = json_number(number);
				else
					stats[sample.name] = number;
			},
			sample.value);
	Json line;
	line["timestamp"] = iso8601(when);
	line["plugin"] = plugin_id;
	line["stats"] = std::move(stats);
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

} // namespace scxr
