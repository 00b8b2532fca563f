// SPDX-License-Identifier: GPL-2.0-only
#include "output/CounterRates.hpp"

#include <variant>

namespace scxr {

std::optional<double> CounterRates::growth(const StatValue &before, const StatValue &now)
{
	if (before.index() != now.index())
		return std::nullopt;
	return std::visit(
		[&](auto current) -> std::optional<double> {
			const auto previous = std::get<decltype(current)>(before);
			if (current < previous)
				return std::nullopt;
			// The difference first, in the counter's own type, so that two large u64 totals
			// give their exact difference and not the rounding of two doubles.
			return static_cast<double>(current - previous);
		},
		now);
}

void CounterRates::update(Clock::time_point when, StatsReading &reading)
{
	reading.rates.assign(reading.samples.size(), std::nullopt);
	reading.rate_seconds = 0;
	const double seconds = std::chrono::duration<double>(when - previous_time_).count();
	if (has_previous_ && seconds > 0) {
		for (size_t index = 0; index < reading.samples.size(); ++index) {
			const StatSample &sample = reading.samples[index];
			if (sample.kind != SCXR_STAT_COUNTER)
				continue;
			const auto found = previous_.find(sample.name);
			if (found == previous_.end())
				continue;
			if (const std::optional<double> grown = growth(found->second, sample.value))
				reading.rates[index] = *grown / seconds;
		}
		reading.rate_seconds = seconds;
	}
	previous_.clear();
	for (const StatSample &sample : reading.samples)
		previous_[sample.name] = sample.value;
	previous_time_ = when;
	has_previous_ = true;
}

void CounterRates::reset()
{
	previous_.clear();
	has_previous_ = false;
}

} // namespace scxr
