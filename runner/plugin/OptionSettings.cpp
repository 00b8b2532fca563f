// SPDX-License-Identifier: GPL-2.0-only
#include "plugin/OptionSettings.hpp"

#include "plugin/OptionSchema.hpp"

namespace scxr {

const OptionSettings::Setting *OptionSettings::find(const std::string &name) const
{
	for (const Setting &setting : settings_)
		if (setting.name == name)
			return &setting;
	return nullptr;
}

bool OptionSettings::same_value(const Setting &left, const Setting &right)
{
	if (left.name != right.name || left.type != right.type)
		return false;
	switch (left.type) {
	case SCXR_OPT_BOOL: return left.value.b == right.value.b;
	case SCXR_OPT_INT: return left.value.i == right.value.i;
	case SCXR_OPT_UINT:
	case SCXR_OPT_DURATION: return left.value.u == right.value.u;
	case SCXR_OPT_FLOAT: return left.value.f == right.value.f;
	case SCXR_OPT_STRING:
	case SCXR_OPT_ENUM:
	case SCXR_OPT_PATH: return left.text == right.text;
	}
	return false;
}

std::vector<std::string> OptionSettings::differences(const OptionSettings &other) const
{
	std::vector<std::string> names;
	for (const Setting &setting : settings_) {
		const Setting *theirs = other.find(setting.name);
		if (!theirs || !same_value(setting, *theirs))
			names.push_back(setting.name);
	}
	for (const Setting &setting : other.settings_)
		if (!find(setting.name))
			names.push_back(setting.name);
	return names;
}

std::string OptionSettings::format(const Setting &setting, const OptionSchema &schema)
{
	scxr_option_value value = setting.value;
	if (OptionSchema::is_text_type(setting.type))
		value.s = setting.text ? setting.text->c_str() : nullptr;
	if (const scxr_option_desc *option = schema.find(setting.name))
		return OptionSchema::format_value(*option, value);
	scxr_option_desc bare{};
	bare.name = setting.name.c_str();
	bare.type = setting.type;
	return OptionSchema::format_value(bare, value);
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
