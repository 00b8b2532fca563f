// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "profile/Profile.hpp"

#include <string>
#include <string_view>

namespace scxr {

// Reads a profile (TOML) into a Profile. Checks everything that does not need the plugin:
// TOML syntax, the top-level keys, the plugin id, the [runner] table. Options are collected as
// written; OptionValidator checks them against the plugin's schema.
//
// Every problem becomes a ProfileDiagnostic with file:line:column; parse_*() throws one
// ProfileError with all of them.
class ProfileParser {
public:
	Profile parse_file(const std::string &path) const;
	// display_name stands in for the file name in positions and messages.
	Profile parse_string(std::string_view text, const std::string &display_name) const;

	// What a plugin id may look like: it becomes a file name, so no '/' and no '.'.
	static bool is_valid_plugin_id(std::string_view id);
};

} // namespace scxr
