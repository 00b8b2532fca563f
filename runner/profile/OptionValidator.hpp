// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/OptionSchema.hpp"
#include "plugin/OptionSettings.hpp"
#include "profile/ProfileDiagnostic.hpp"
#include "profile/ProfileValue.hpp"

#include <string>
#include <vector>

namespace scxr {

// Checks a profile's [options] against a plugin's schema, before the plugin runs anything:
// unknown names (with a "did you mean" for near misses), wrong types, values out of range,
// unknown enum values, malformed durations. Every problem cites file:line:column.
class OptionValidator {
public:
	OptionValidator(std::string plugin_id, OptionSchema schema);

	// Throws ProfileError with every problem found; otherwise one setting per schema option,
	// in schema order, defaults filled in for the options the profile leaves out.
	OptionSettings validate(const std::vector<ProfileOption> &options) const;

private:
	// Converts one value; on a problem adds a diagnostic and returns false.
	bool convert(const scxr_option_desc &option, const ProfileOption &given, OptionSettings::Setting &setting,
		     std::vector<ProfileDiagnostic> &diagnostics) const;
	ProfileDiagnostic unknown_option(const ProfileOption &given) const;
	ProfileDiagnostic wrong_type(const scxr_option_desc &option, const ProfileOption &given) const;
	ProfileDiagnostic out_of_range(const scxr_option_desc &option, const ProfileOption &given,
				       const std::string &shown_value) const;

	std::string plugin_id_;
	OptionSchema schema_;
};

} // namespace scxr
