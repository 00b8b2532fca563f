// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <optional>
#include <string_view>

namespace scxr {

// How the runner prints a scheduler's stats: one human-readable line, or one JSON object per
// line for programs.
enum class StatsFormat { text, json };

inline std::optional<StatsFormat> parse_stats_format(std::string_view name)
{
	if (name == "text")
		return StatsFormat::text;
	if (name == "json")
		return StatsFormat::json;
	return std::nullopt;
}

inline std::string_view stats_format_name(StatsFormat format)
{
	return format == StatsFormat::json ? "json" : "text";
}

} // namespace scxr
