// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <scx_runner/plugin_abi.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scxr {

// A read-only view of the option table a plugin publishes, with the lookups and the text forms
// the validator, `check` and `plugins` need. The table is [static] plugin data: the schema is
// valid as long as the plugin file stays loaded.
class OptionSchema {
public:
	OptionSchema() = default;
	OptionSchema(const scxr_option_desc *options, size_t count);

	std::span<const scxr_option_desc> options() const { return options_; }
	const scxr_option_desc *find(std::string_view name) const;
	std::vector<std::string> names() const;

	// Mistakes in the table itself (a plugin bug): missing or duplicate names, an enum without
	// values, a default outside its own range. Empty when the schema is usable.
	std::vector<std::string> problems() const;

	// "bool", "int", "uint", "float", "string", "enum", "duration", "path".
	static std::string_view type_name(scxr_option_type type);
	// A value of the option's type as a profile would write it: 20ms as "20ms", strings
	// quoted; an unset string as "unset".
	static std::string format_value(const scxr_option_desc &option, const scxr_option_value &value);
	// "1..64", "100us..1s"; nothing when the option has no range.
	static std::optional<std::string> format_range(const scxr_option_desc &option);
	static std::vector<std::string> enum_values(const scxr_option_desc &option);
	static bool is_text_type(scxr_option_type type);
	// Whether value lies within the option's min/max (always true without a range).
	static bool in_range(const scxr_option_desc &option, const scxr_option_value &value);

private:
	std::span<const scxr_option_desc> options_;
};

} // namespace scxr
