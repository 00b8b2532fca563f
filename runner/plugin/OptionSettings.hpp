// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <scx_runner/plugin_abi.h>

#include <optional>
#include <string>
#include <vector>

namespace scxr {

class OptionSchema;

// The validated value of every option of a plugin, in schema order with defaults filled in:
// what configure() receives. Owns its strings, so the ABI view stays valid while this lives.
class OptionSettings {
public:
	struct Setting {
		std::string name;
		scxr_option_type type = SCXR_OPT_BOOL;
		scxr_option_value value{};        // numbers and bools; strings live in text
		std::optional<std::string> text;  // STRING, ENUM, PATH; nullopt: unset
		bool from_profile = false;
	};

	void add(Setting setting) { settings_.push_back(std::move(setting)); }
	const std::vector<Setting> &settings() const { return settings_; }
	const Setting *find(const std::string &name) const;

	// Whether a setting holds the same value as this one (name, type and value; where the
	// value came from does not matter: a default written out is still the default).
	static bool same_value(const Setting &left, const Setting &right);
	// The names of the options whose values differ between the two, in this object's order
	// (an option only one side has counts as different).
	std::vector<std::string> differences(const OptionSettings &other) const;

	// A setting's value as a profile writes it ("20ms", "\"fifo\""), from the option's
	// description in schema; its raw number when schema does not know the name.
	static std::string format(const Setting &setting, const OptionSchema &schema);

	// The settings as configure() takes them. Strings point into this object: keep it alive
	// (and unchanged) until configure() returns.
	std::vector<scxr_option_setting> to_abi() const;

private:
	std::vector<Setting> settings_;
};

} // namespace scxr
