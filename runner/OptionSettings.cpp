// SPDX-License-Identifier: GPL-2.0-only
#include "OptionSettings.hpp"

namespace scxr {

const OptionSettings::Setting *OptionSettings::find(const std::string &name) const
{
	for (const Setting &setting : settings_)
		if (setting.name == name)
			return &setting;
	return nullptr;
}

std::vector<scxr_option_setting> OptionSettings::to_abi() const
{
	std::vector<scxr_option_setting> result;
	result.reserve(settings_.size());
	for (const Setting &setting : settings_) {
		scxr_option_setting abi{};
		abi.name = setting.name.c_str();
		abi.type = setting.type;
		abi.value = setting.value;
		if (setting.type == SCXR_OPT_STRING || setting.type == SCXR_OPT_ENUM || setting.type == SCXR_OPT_PATH)
			abi.value.s = setting.text ? setting.text->c_str() : nullptr;
		abi.from_profile = setting.from_profile;
		result.push_back(abi);
	}
	return result;
}

} // namespace scxr
