// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/StatDescriptor.hpp"
#include "plugin/StatSample.hpp"

#include <scx_runner/plugin_abi.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scxr {

// The stats a plugin reports: published once in a 1.1 entry, or learnt from the rows of a 1.0
// plugin's stats() call. Turns one reading's values into StatSamples.
class StatSchema {
public:
	StatSchema() = default;
	// A 1.1 entry's stat_schema, already copied out by its stride.
	explicit StatSchema(std::span<const scxr_stat_desc> stats);
	// What the rows of one 1.0 stats() call describe; every value type is double.
	static StatSchema from_rows(const scxr_stat *rows, size_t count);

	const std::vector<StatDescriptor> &stats() const { return stats_; }
	bool empty() const { return stats_.empty(); }
	size_t size() const { return stats_.size(); }
	// Whether the rows of a later 1.0 stats() call still name these stats, in this order.
	bool describes(const scxr_stat *rows, size_t count) const;

	// Stat index with one reading's value.
	StatSample sample(size_t index, StatValue value) const;
	// The value of stat index in the member its type names.
	StatValue value(size_t index, const scxr_stat_number &number) const;

	// Mistakes in the schema (a plugin bug): missing, duplicate or non-snake_case names and
	// groups, unknown kinds or types. Empty when the schema is usable.
	std::vector<std::string> problems() const;

	// "counter", "gauge".
	static std::string_view kind_name(scxr_stat_kind kind);
	// "u64", "s64", "f64".
	static std::string_view type_name(scxr_stat_type type);

private:
	std::vector<StatDescriptor> stats_;
};

} // namespace scxr
