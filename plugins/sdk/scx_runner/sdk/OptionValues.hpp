// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <scx_runner/plugin_abi.h>

#include <cstdint>
#include <map>
#include <string>

namespace scxr::sdk {

// The validated option values handed to configure(), copied out of the call so a plugin can
// keep them. The runner has already checked types and ranges against the schema; a getter
// with a name or type that does not match the schema is a plugin bug and throws
// PluginError(SCXR_ERR_INTERNAL).
class OptionValues {
public:
	// settings: count elements, stride bytes apart (scxr_host.setting_stride); [call].
	OptionValues(const scxr_option_setting *settings, size_t count, size_t stride = sizeof(scxr_option_setting));

	bool get_bool(const std::string &name) const;
	int64_t get_int(const std::string &name) const;
	uint64_t get_uint(const std::string &name) const;
	double get_float(const std::string &name) const;
	uint64_t get_duration_ns(const std::string &name) const;
	// STRING, ENUM and PATH. An unset string option (default NULL) reads as "".
	const std::string &get_string(const std::string &name) const;
	// Whether the profile set this option (false: the schema default was filled in).
	bool from_profile(const std::string &name) const;

private:
	struct Entry {
		scxr_option_type type;
		scxr_option_value value;
		std::string text;
		bool from_profile;
	};
	const Entry &find(const std::string &name, scxr_option_type type) const;
	const Entry &find_text(const std::string &name) const;

	std::map<std::string, Entry> entries_;
};

} // namespace scxr::sdk
