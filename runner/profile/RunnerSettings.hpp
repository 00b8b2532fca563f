// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/Duration.hpp"
#include "profile/MetricsAddress.hpp"
#include "profile/StatsFormat.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace scxr {

// The profile's [runner] table, and the same knobs from the command line. Unset fields fall
// back to the next source: command line, then profile, then the defaults below. Restart and
// fallback settings of later versions join this struct.
struct RunnerSettings {
	static constexpr Duration kDefaultStatsInterval = Duration::from_nanoseconds(1'000'000'000);
	// A zero interval turns stats off; other values must be at least this long, so that
	// stats cannot turn into a busy loop.
	static constexpr Duration kMinimumStatsInterval = Duration::from_nanoseconds(10'000'000);

	std::optional<Duration> stats_interval;
	std::optional<StatsFormat> stats_format;
	// Where the scx_stats socket is served: a path, or "" for no socket. Unset: the
	// runner's default (the scx convention's path when it runs as root).
	std::optional<std::string> stats_socket;
	// Where /metrics is served. Set to no address, it says "off" (which overrides a profile's
	// address from the command line); unset, the default: no /metrics.
	struct Metrics {
		std::optional<MetricsAddress> address;
		bool operator==(const Metrics &) const = default;
	};
	std::optional<Metrics> metrics;

	// These settings with every field that overrides sets replacing ours.
	RunnerSettings overridden_by(const RunnerSettings &overrides) const
	{
		RunnerSettings result = *this;
		if (overrides.stats_interval)
			result.stats_interval = overrides.stats_interval;
		if (overrides.stats_format)
			result.stats_format = overrides.stats_format;
		if (overrides.stats_socket)
			result.stats_socket = overrides.stats_socket;
		if (overrides.metrics)
			result.metrics = overrides.metrics;
		return result;
	}

	// A stats_socket setting as given ("off" or "" turns the socket off, else an absolute
	// path): the value to store, or nullopt when it is neither.
	static std::optional<std::string> parse_stats_socket(std::string_view text)
	{
		if (text.empty() || text == "off")
			return std::string();
		if (text.front() != '/')
			return std::nullopt;
		return std::string(text);
	}

	// A metrics setting as given ("off" or "" turns it off): the value to store, or nullopt
	// when it is no address.
	static std::optional<Metrics> parse_metrics(std::string_view text)
	{
		if (text.empty() || text == "off")
			return Metrics{};
		if (std::optional<MetricsAddress> address = MetricsAddress::parse(text))
			return Metrics{std::move(address)};
		return std::nullopt;
	}
	// Where to serve /metrics, if anywhere.
	std::optional<MetricsAddress> effective_metrics() const { return metrics ? metrics->address : std::nullopt; }

	Duration effective_stats_interval() const { return stats_interval.value_or(kDefaultStatsInterval); }
	StatsFormat effective_stats_format() const { return stats_format.value_or(StatsFormat::text); }
};

} // namespace scxr
