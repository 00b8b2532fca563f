// SPDX-License-Identifier: GPL-2.0-only
#include "plugin/StatSchema.hpp"

#include "plugin/SnakeCase.hpp"

#include <fmt/format.h>

#include <set>

namespace scxr {

namespace {

std::string text(const char *value) { return value ? value : ""; }

} // namespace

StatSchema::StatSchema(std::span<const scxr_stat_desc> stats)
{
	stats_.reserve(stats.size());
	for (const scxr_stat_desc &stat : stats)
		stats_.push_back(StatDescriptor{text(stat.name), stat.kind, stat.type, text(stat.unit), text(stat.help),
						text(stat.group)});
}

StatSchema StatSchema::from_rows(const scxr_stat *rows, size_t count)
{
	StatSchema schema;
	schema.stats_.reserve(count);
	for (size_t index = 0; index < count; ++index) {
		const scxr_stat &row = rows[index];
		schema.stats_.push_back(
			StatDescriptor{text(row.name), row.kind, SCXR_STAT_F64, text(row.unit), text(row.help), ""});
	}
	return schema;
}

bool StatSchema::describes(const scxr_stat *rows, size_t count) const
{
	if (count != stats_.size())
		return false;
	for (size_t index = 0; index < count; ++index)
		if (stats_[index].name != text(rows[index].name))
			return false;
	return true;
}

StatSample StatSchema::sample(size_t index, StatValue value) const
{
	const StatDescriptor &stat = stats_[index];
	return StatSample{stat.name, stat.kind, value, stat.unit, stat.help, stat.group};
}

StatValue StatSchema::value(size_t index, const scxr_stat_number &number) const
{
	switch (stats_[index].type) {
	case SCXR_STAT_U64: return number.u64;
	case SCXR_STAT_S64: return number.s64;
	case SCXR_STAT_F64: return number.f64;
	}
	return number.f64; // problems() refuses a schema with unknown types
}

std::vector<std::string> StatSchema::problems() const
{
	std::vector<std::string> found;
	std::set<std::string> seen;
	for (size_t index = 0; index < stats_.size(); ++index) {
		const StatDescriptor &stat = stats_[index];
		if (stat.name.empty()) {
			found.push_back(fmt::format("stat #{} has no name", index));
			continue;
		}
		if (!is_snake_case(stat.name))
			found.push_back(fmt::format("stat '{}': a name must be snake_case", stat.name));
		if (!seen.insert(stat.name).second)
			found.push_back(fmt::format("stat '{}' is declared twice", stat.name));
		if (stat.kind != SCXR_STAT_COUNTER && stat.kind != SCXR_STAT_GAUGE)
			found.push_back(fmt::format("stat '{}' has unknown kind {}", stat.name, static_cast<int>(stat.kind)));
		if (stat.type != SCXR_STAT_U64 && stat.type != SCXR_STAT_S64 && stat.type != SCXR_STAT_F64)
			found.push_back(fmt::format("stat '{}' has unknown type {}", stat.name, static_cast<int>(stat.type)));
		if (!stat.group.empty() && !is_snake_case(stat.group))
			found.push_back(fmt::format("stat '{}': its group '{}' must be snake_case", stat.name, stat.group));
	}
	return found;
}

std::string_view StatSchema::kind_name(scxr_stat_kind kind)
{
	switch (kind) {
	case SCXR_STAT_COUNTER: return "counter";
	case SCXR_STAT_GAUGE: return "gauge";
	}
	return "unknown";
}

std::string_view StatSchema::type_name(scxr_stat_type type)
{
	switch (type) {
	case SCXR_STAT_U64: return "u64";
	case SCXR_STAT_S64: return "s64";
	case SCXR_STAT_F64: return "f64";
	}
	return "unknown";
}

} // namespace scxr
