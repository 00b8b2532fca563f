// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <scx_runner/plugin_abi.h>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace scxr::sdk {

// The values a Scheduler's stats() writes: the host's array of scxr_stat_value, seen through the
// plugin's stats schema, so a stat is set by its name and stored in the member its type names.
// Every stat starts out SCXR_STAT_ABSENT; one that stats() does not set stays out of that
// reading (a kernel that cannot measure it, an option that is off). Setting a name that is not
// in the schema, or a value its type cannot hold exactly (a negative count as u64, a fraction
// as an integer), is a plugin bug and throws PluginError(SCXR_ERR_INTERNAL).
class StatValues {
public:
	// schema [static]; values: schema.size() elements, stride bytes apart, [call] of
	// read_stats(). Marks every value absent.
	StatValues(std::span<const scxr_stat_desc> schema, scxr_stat_value *values, size_t stride);

	template <std::integral Integer>
	void set(std::string_view name, Integer value)
	{
		if constexpr (std::signed_integral<Integer>)
			set_signed(name, static_cast<int64_t>(value));
		else
			set_unsigned(name, static_cast<uint64_t>(value));
	}
	void set(std::string_view name, double value);

	// What the value of name holds now; nullptr if it is not in the schema. For tests and for
	// stats derived from others.
	const scxr_stat_value *find(std::string_view name) const;

private:
	void set_signed(std::string_view name, int64_t value);
	void set_unsigned(std::string_view name, uint64_t value);
	// The schema entry and the value of name; throws if the schema has none.
	scxr_stat_value &slot(std::string_view name, const scxr_stat_desc **desc) const;

	std::span<const scxr_stat_desc> schema_;
	unsigned char *values_;
	size_t stride_;
	// Where slot() starts looking: just after the stat it found last, as stats() usually sets
	// them in schema order.
	mutable size_t next_slot_ = 0;
};

} // namespace scxr::sdk
