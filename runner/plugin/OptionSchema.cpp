// SPDX-License-Identifier: GPL-2.0-only
#include "plugin/OptionSchema.hpp"

#include "base/Duration.hpp"
#include "plugin/SnakeCase.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace scxr {

namespace {

bool is_known_type(scxr_option_type type) { return type >= SCXR_OPT_BOOL && type <= SCXR_OPT_PATH; }

} // namespace

OptionSchema::OptionSchema(const scxr_option_desc *options, size_t count)
	: options_(options ? std::span<const scxr_option_desc>(options, count) : std::span<const scxr_option_desc>())
{
}

const scxr_option_desc *OptionSchema::find(std::string_view name) const
{
	for (const scxr_option_desc &option : options_)
		if (option.name && name == option.name)
			return &option;
	return nullptr;
}

std::vector<std::string> OptionSchema::names() const
{
	std::vector<std::string> result;
	for (const scxr_option_desc &option : options_)
		if (option.name)
			result.emplace_back(option.name);
	return result;
}

bool OptionSchema::is_text_type(scxr_option_type type)
{
	return type == SCXR_OPT_STRING || type == SCXR_OPT_ENUM || type == SCXR_OPT_PATH;
}

std::vector<std::string> OptionSchema::enum_values(const scxr_option_desc &option)
{
	std::vector<std::string> values;
	if (option.type != SCXR_OPT_ENUM || !option.enum_values)
		return values;
	for (const char *const *value = option.enum_values; *value; ++value)
		values.emplace_back(*value);
	return values;
}

bool OptionSchema::in_range(const scxr_option_desc &option, const scxr_option_value &value)
{
	switch (option.type) {
	case SCXR_OPT_INT:
		return !(option.has_min && value.i < option.min.i) && !(option.has_max && value.i > option.max.i);
	case SCXR_OPT_UINT:
	case SCXR_OPT_DURATION:
		return !(option.has_min && value.u < option.min.u) && !(option.has_max && value.u > option.max.u);
	case SCXR_OPT_FLOAT:
		return !(option.has_min && value.f < option.min.f) && !(option.has_max && value.f > option.max.f);
	default:
		return true;
	}
}

std::vector<std::string> OptionSchema::problems() const
{
	std::vector<std::string> found;
	std::set<std::string> seen;
	for (size_t index = 0; index < options_.size(); ++index) {
		const scxr_option_desc &option = options_[index];
		if (!option.name) {
			found.push_back(fmt::format("option #{} has no name", index));
			continue;
		}
		const std::string name = option.name;
		if (!is_snake_case(name))
			found.push_back(fmt::format("option '{}': a name must be snake_case", name));
		if (!seen.insert(name).second)
			found.push_back(fmt::format("option '{}' is declared twice", name));
		if (!is_known_type(option.type)) {
			found.push_back(fmt::format("option '{}' has unknown type {}", name, static_cast<int>(option.type)));
			continue;
		}
		if (option.type == SCXR_OPT_ENUM) {
			const std::vector<std::string> values = enum_values(option);
			if (values.empty())
				found.push_back(fmt::format("enum option '{}' has no values", name));
			else if (option.default_value.s &&
				 std::find(values.begin(), values.end(), option.default_value.s) == values.end())
				found.push_back(fmt::format("enum option '{}' has default \"{}\", which is not one of its values",
							    name, option.default_value.s));
		}
		const bool ranged = option.type == SCXR_OPT_INT || option.type == SCXR_OPT_UINT ||
				    option.type == SCXR_OPT_FLOAT || option.type == SCXR_OPT_DURATION;
		if (ranged && !in_range(option, option.default_value))
			found.push_back(fmt::format("option '{}' has default {} outside its range {}", name,
						    format_value(option, option.default_value),
						    format_range(option).value_or("")));
	}
	return found;
}

std::string_view OptionSchema::type_name(scxr_option_type type)
{
	switch (type) {
	case SCXR_OPT_BOOL: return "bool";
	case SCXR_OPT_INT: return "int";
	case SCXR_OPT_UINT: return "uint";
	case SCXR_OPT_FLOAT: return "float";
	case SCXR_OPT_STRING: return "string";
	case SCXR_OPT_ENUM: return "enum";
	case SCXR_OPT_DURATION: return "duration";
	case SCXR_OPT_PATH: return "path";
	}
	return "unknown";
}

std::string OptionSchema::format_value(const scxr_option_desc &option, const scxr_option_value &value)
{
	switch (option.type) {
	case SCXR_OPT_BOOL: return value.b ? "true" : "false";
	case SCXR_OPT_INT: return fmt::format("{}", value.i);
	case SCXR_OPT_UINT: return fmt::format("{}", value.u);
	case SCXR_OPT_FLOAT: return fmt::format("{}", value.f);
	case SCXR_OPT_DURATION: return Duration::from_nanoseconds(value.u).to_string();
	case SCXR_OPT_STRING:
	case SCXR_OPT_ENUM:
	case SCXR_OPT_PATH: return value.s ? fmt::format("\"{}\"", value.s) : "unset";
	}
	return "?";
}

std::optional<std::string> OptionSchema::format_range(const scxr_option_desc &option)
{
	const bool ranged = option.type == SCXR_OPT_INT || option.type == SCXR_OPT_UINT ||
			    option.type == SCXR_OPT_FLOAT || option.type == SCXR_OPT_DURATION;
	if (!ranged || (!option.has_min && !option.has_max))
		return std::nullopt;
	const std::string low = option.has_min ? format_value(option, option.min) : "";
	const std::string high = option.has_max ? format_value(option, option.max) : "";
	return low + ".." + high;
}

} // namespace scxr
