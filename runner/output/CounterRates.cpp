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

const StatValue *CounterRates::previous_value(size_t index, const std::string &name) const
{
	// A plugin reports the same stats in the same order reading after reading: look at the
	// same place first, and search only when the set changed. The last of equal names wins,
	// as when they were kept by name.
	if (index < previous_.size() && previous_[index].first == name)
		return &previous_[index].second;
	for (auto entry = previous_.rbegin(); entry != previous_.rend(); ++entry)
		if (entry->first == name)
			return &entry->second;
	return nullptr;
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
			const StatValue *before = previous_value(index, sample.name);
			if (!before)
				continue;
			if (const std::optional<double> grown = growth(*before, sample.value))
				reading.rates[index] = *grown / seconds;
		}
		reading.rate_seconds = seconds;
	}
	// Overwritten in place: the names stay where they were, so a tick copies no strings.
	previous_.resize(reading.samples.size());
	for (size_t index = 0; index < reading.samples.size(); ++index) {
		if (previous_[index].first != reading.samples[index].name)
			previous_[index].first = reading.samples[index].name;
		previous_[index].second = reading.samples[index].value;
	}
	previous_time_ = when;
	has_previous_ = true;
}

void CounterRates::reset()
{
	previous_.clear();
	has_previous_ = false;
}

} // namespace scxr
