// SPDX-License-Identifier: GPL-2.0-only
#include "profile/OptionValidator.hpp"

#include "base/Duration.hpp"
#include "profile/ProfileError.hpp"
#include "base/SpellingSuggestion.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace scxr {

namespace {

// What a value of each type looks like, completing "option 'x' expects ...".
std::string expectation(const scxr_option_desc &option)
{
	switch (option.type) {
	case SCXR_OPT_BOOL: return "true or false";
	case SCXR_OPT_INT: return "an integer";
	case SCXR_OPT_UINT: return "a non-negative integer";
	case SCXR_OPT_FLOAT: return "a number";
	case SCXR_OPT_STRING: return "a string";
	case SCXR_OPT_PATH: return "a path (a string)";
	case SCXR_OPT_DURATION: return "a duration string such as \"20ms\"";
	case SCXR_OPT_ENUM: {
		std::string values;
		for (const std::string &value : OptionSchema::enum_values(option))
			values += (values.empty() ? "" : ", ") + fmt::format("\"{}\"", value);
		return "one of " + values;
	}
	}
	return "a value";
}

// A line the user could paste: the default, or a typical value when there is none.
std::string example_assignment(const scxr_option_desc &option)
{
	std::string value;
	switch (option.type) {
	case SCXR_OPT_STRING:
	case SCXR_OPT_PATH: value = option.default_value.s ? fmt::format("\"{}\"", option.default_value.s) : "\"...\""; break;
	case SCXR_OPT_ENUM: {
		const auto values = OptionSchema::enum_values(option);
		value = fmt::format("\"{}\"", option.default_value.s ? option.default_value.s
								      : (values.empty() ? "" : values.front()));
		break;
	}
	case SCXR_OPT_DURATION: value = fmt::format("\"{}\"", Duration::from_nanoseconds(option.default_value.u).to_string()); break;
	default: value = OptionSchema::format_value(option, option.default_value); break;
	}
	return fmt::format("{} = {}", option.name, value);
}

bool has_nul(const std::string &text) { return text.find('\0') != std::string::npos; }

} // namespace

OptionValidator::OptionValidator(std::string plugin_id, OptionSchema schema)
	: plugin_id_(std::move(plugin_id)), schema_(schema)
{
}

OptionSettings OptionValidator::validate(const std::vector<ProfileOption> &options) const
{
	std::vector<ProfileDiagnostic> diagnostics;
	for (const ProfileOption &given : options)
		if (!schema_.find(given.name))
			diagnostics.push_back(unknown_option(given));

	OptionSettings settings;
	for (const scxr_option_desc &option : schema_.options()) {
		OptionSettings::Setting setting;
		setting.name = option.name;
		setting.type = option.type;
		const auto given = std::find_if(options.begin(), options.end(),
						[&](const ProfileOption &candidate) { return candidate.name == option.name; });
		if (given == options.end()) {
			setting.value = option.default_value;
			if (OptionSchema::is_text_type(option.type) && option.default_value.s)
				setting.text = option.default_value.s;
		} else if (!convert(option, *given, setting, diagnostics)) {
			continue;
		}
		settings.add(std::move(setting));
	}
	if (!diagnostics.empty()) {
		std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const auto &left, const auto &right) {
			return std::tie(left.position.line, left.position.column) <
			       std::tie(right.position.line, right.position.column);
		});
		throw ProfileError(std::move(diagnostics));
	}
	return settings;
}

bool OptionValidator::convert(const scxr_option_desc &option, const ProfileOption &given,
			      OptionSettings::Setting &setting, std::vector<ProfileDiagnostic> &diagnostics) const
{
	const ProfileValue::Data &data = given.value.data();
	setting.from_profile = true;
	switch (option.type) {
	case SCXR_OPT_BOOL:
		if (const bool *value = std::get_if<bool>(&data)) {
			setting.value.b = *value;
			return true;
		}
		diagnostics.push_back(wrong_type(option, given));
		return false;
	case SCXR_OPT_INT:
		if (const int64_t *value = std::get_if<int64_t>(&data)) {
			setting.value.i = *value;
			break;
		}
		diagnostics.push_back(wrong_type(option, given));
		return false;
	case SCXR_OPT_UINT:
		if (const int64_t *value = std::get_if<int64_t>(&data); value && *value >= 0) {
			setting.value.u = static_cast<uint64_t>(*value);
			break;
		}
		diagnostics.push_back(wrong_type(option, given));
		return false;
	case SCXR_OPT_FLOAT:
		// An integer is a fine number: "ratio = 1" means 1.0.
		if (const double *value = std::get_if<double>(&data); value && std::isfinite(*value)) {
			setting.value.f = *value;
			break;
		}
		if (const int64_t *value = std::get_if<int64_t>(&data)) {
			setting.value.f = static_cast<double>(*value);
			break;
		}
		diagnostics.push_back(wrong_type(option, given));
		return false;
	case SCXR_OPT_DURATION: {
		const std::string *text = std::get_if<std::string>(&data);
		if (!text) {
			diagnostics.push_back(wrong_type(option, given));
			return false;
		}
		try {
			setting.value.u = Duration::parse(*text).nanoseconds();
		} catch (const std::invalid_argument &error) {
			diagnostics.push_back(ProfileDiagnostic{
				given.value.position(),
				fmt::format("invalid duration \"{}\" for option '{}': {}", *text, option.name, error.what()),
				fmt::format("write a number followed by a unit ({}), e.g. {}", Duration::units_help(),
					    example_assignment(option))});
			return false;
		}
		break;
	}
	case SCXR_OPT_ENUM: {
		const std::string *text = std::get_if<std::string>(&data);
		if (!text) {
			diagnostics.push_back(wrong_type(option, given));
			return false;
		}
		const std::vector<std::string> values = OptionSchema::enum_values(option);
		if (std::find(values.begin(), values.end(), *text) == values.end()) {
			std::string hint = fmt::format("write one of them, e.g. {}", example_assignment(option));
			if (auto suggestion = SpellingSuggestion(values).closest(*text))
				hint = fmt::format("did you mean \"{}\"?", *suggestion);
			diagnostics.push_back(ProfileDiagnostic{
				given.value.position(),
				fmt::format("option '{}' must be {}, got \"{}\"", option.name, expectation(option), *text), hint});
			return false;
		}
		setting.text = *text;
		return true;
	}
	case SCXR_OPT_STRING:
	case SCXR_OPT_PATH: {
		const std::string *text = std::get_if<std::string>(&data);
		if (!text) {
			diagnostics.push_back(wrong_type(option, given));
			return false;
		}
		if (has_nul(*text) || (option.type == SCXR_OPT_PATH && text->empty())) {
			diagnostics.push_back(ProfileDiagnostic{
				given.value.position(),
				fmt::format("option '{}' must be {}, got {}", option.name,
					    option.type == SCXR_OPT_PATH ? "a non-empty path" : "a string without NUL characters",
					    text->empty() ? "an empty string" : "a string with a NUL character"),
				fmt::format("e.g. {}, or leave the option out", example_assignment(option))});
			return false;
		}
		setting.text = *text;
		return true;
	}
	}
	// Only the numeric types get here.
	if (!OptionSchema::in_range(option, setting.value)) {
		diagnostics.push_back(out_of_range(option, given, OptionSchema::format_value(option, setting.value)));
		return false;
	}
	return true;
}

ProfileDiagnostic OptionValidator::unknown_option(const ProfileOption &given) const
{
	std::string hint;
	if (auto suggestion = SpellingSuggestion(schema_.names()).closest(given.name))
		hint = fmt::format("did you mean '{}'? ('scx-runner plugins' lists every option)", *suggestion);
	else if (schema_.options().empty())
		hint = fmt::format("plugin '{}' has no options; remove the [options] entries", plugin_id_);
	else {
		std::string names;
		for (const std::string &name : schema_.names())
			names += (names.empty() ? "" : ", ") + name;
		hint = fmt::format("the options of '{}' are: {}", plugin_id_, names);
	}
	return ProfileDiagnostic{given.key_position,
				 fmt::format("unknown option '{}': plugin '{}' has no option of that name", given.name, plugin_id_),
				 hint};
}

ProfileDiagnostic OptionValidator::wrong_type(const scxr_option_desc &option, const ProfileOption &given) const
{
	std::string hint = fmt::format("write it as {}", example_assignment(option));
	const ProfileValue::Data &data = given.value.data();
	if (const std::string *text = std::get_if<std::string>(&data)) {
		if (option.type == SCXR_OPT_BOOL && (*text == "true" || *text == "false"))
			hint = fmt::format("write {} = {} without quotes", option.name, *text);
		else if (option.type != SCXR_OPT_DURATION)
			hint = fmt::format("write the value without quotes, e.g. {}", example_assignment(option));
	}
	if (option.type == SCXR_OPT_DURATION && std::holds_alternative<int64_t>(data))
		hint = fmt::format("a bare number has no unit; write it in quotes with a unit ({}), e.g. {}",
				   Duration::units_help(), example_assignment(option));
	return ProfileDiagnostic{given.value.position(),
				 fmt::format("option '{}' expects {}, got {}", option.name, expectation(option),
					     given.value.describe()),
				 hint};
}

ProfileDiagnostic OptionValidator::out_of_range(const scxr_option_desc &option, const ProfileOption &given,
						const std::string &shown_value) const
{
	const std::string low = option.has_min ? OptionSchema::format_value(option, option.min) : "";
	const std::string high = option.has_max ? OptionSchema::format_value(option, option.max) : "";
	std::string allowed;
	if (option.has_min && option.has_max)
		allowed = fmt::format("between {} and {}", low, high);
	else if (option.has_min)
		allowed = fmt::format("at least {}", low);
	else
		allowed = fmt::format("at most {}", high);
	const bool has_unit = option.unit && *option.unit && option.type != SCXR_OPT_DURATION;
	const std::string unit = has_unit ? fmt::format(" {}", option.unit) : "";
	return ProfileDiagnostic{
		given.value.position(),
		fmt::format("option '{}' = {} is out of range: it must be {}{}", option.name, shown_value, allowed, unit),
		fmt::format("pick a value {} (default: {})", allowed, OptionSchema::format_value(option, option.default_value))};
}

} // namespace scxr
