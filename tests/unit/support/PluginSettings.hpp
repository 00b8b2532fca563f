// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// What the runner hands a scheduler's configure(), built by hand for the plugins' own tests,
// which construct their scheduler class directly instead of going through dlopen. Header-only:
// each plugin's test binary includes it as "support/PluginSettings.hpp".

#include "scx_runner/sdk/Host.hpp"
#include "scx_runner/sdk/OptionValues.hpp"

#include <scx_runner/plugin_abi.h>

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace scxr::test {

// Every option of a schema, the value set here where a test gave one (as from the profile) and
// the schema's default elsewhere, in schema order.
class PluginSettings {
public:
	explicit PluginSettings(std::span<const scxr_option_desc> schema) : schema_(schema) {}

	PluginSettings &set_uint(const std::string &name, uint64_t value)
	{
		scxr_option_value option{};
		option.u = value;
		numbers_[name] = option;
		return *this;
	}
	PluginSettings &set_int(const std::string &name, int64_t value)
	{
		scxr_option_value option{};
		option.i = value;
		numbers_[name] = option;
		return *this;
	}
	PluginSettings &set_bool(const std::string &name, bool value)
	{
		scxr_option_value option{};
		option.b = value;
		numbers_[name] = option;
		return *this;
	}
	// STRING, ENUM and PATH options.
	PluginSettings &set_text(const std::string &name, const std::string &text)
	{
		texts_[name] = text;
		return *this;
	}

	sdk::OptionValues values()
	{
		settings_.clear();
		for (const scxr_option_desc &desc : schema_) {
			scxr_option_setting setting{desc.name, desc.type, desc.default_value, false};
			if (auto found = numbers_.find(desc.name); found != numbers_.end()) {
				setting.value = found->second;
				setting.from_profile = true;
			}
			if (auto found = texts_.find(desc.name); found != texts_.end()) {
				setting.value.s = found->second.c_str();
				setting.from_profile = true;
			}
			settings_.push_back(setting);
		}
		return sdk::OptionValues(settings_.data(), settings_.size());
	}

	// The services the runner passes to create(): no log callback, the current ABI version.
	static sdk::Host host()
	{
		scxr_host host{};
		host.struct_size = sizeof(host);
		host.abi_major = SCXR_ABI_MAJOR;
		host.abi_minor = SCXR_ABI_MINOR;
		return sdk::Host(host);
	}

private:
	std::span<const scxr_option_desc> schema_;
	std::map<std::string, scxr_option_value> numbers_;
	std::map<std::string, std::string> texts_;
	std::vector<scxr_option_setting> settings_;
};

} // namespace scxr::test
