// SPDX-License-Identifier: GPL-2.0-only
#include "scx_runner/sdk/OptionValues.hpp"

#include "scx_runner/sdk/PluginError.hpp"

namespace scxr::sdk {

OptionValues::OptionValues(const scxr_option_setting *settings, size_t count, size_t stride)
{
	if (count > 0 && (!settings || stride < sizeof(scxr_option_setting)))
		throw PluginError(SCXR_ERR_INVALID_ARGUMENT, "option settings without elements of the 1.1 size");
	const auto *bytes = reinterpret_cast<const unsigned char *>(settings);
	for (size_t index = 0; index < count; ++index) {
		// A newer host's settings may be longer; the fields this header knows come first.
		const auto &setting = *reinterpret_cast<const scxr_option_setting *>(bytes + index * stride);
		if (!setting.name)
			throw PluginError(SCXR_ERR_INVALID_ARGUMENT, "option setting without a name");
		Entry entry{setting.type, setting.value, {}, setting.from_profile};
		const bool is_text = setting.type == SCXR_OPT_STRING || setting.type == SCXR_OPT_ENUM ||
				     setting.type == SCXR_OPT_PATH;
		if (is_text && setting.value.s)
			entry.text = setting.value.s;
		entries_[setting.name] = std::move(entry);
	}
}

const OptionValues::Entry &OptionValues::find(const std::string &name, scxr_option_type type) const
{
	auto found = entries_.find(name);
	if (found == entries_.end())
		throw PluginError(SCXR_ERR_INTERNAL, "plugin bug: option '" + name + "' was not configured");
	if (found->second.type != type)
		throw PluginError(SCXR_ERR_INTERNAL, "plugin bug: option '" + name + "' read with the wrong type");
	return found->second;
}

const OptionValues::Entry &OptionValues::find_text(const std::string &name) const
{
	auto found = entries_.find(name);
	if (found == entries_.end())
		throw PluginError(SCXR_ERR_INTERNAL, "plugin bug: option '" + name + "' was not configured");
	const scxr_option_type type = found->second.type;
	if (type != SCXR_OPT_STRING && type != SCXR_OPT_ENUM && type != SCXR_OPT_PATH)
		throw PluginError(SCXR_ERR_INTERNAL, "plugin bug: option '" + name + "' is not text");
	return found->second;
}

bool OptionValues::get_bool(const std::string &name) const { return find(name, SCXR_OPT_BOOL).value.b; }
int64_t OptionValues::get_int(const std::string &name) const { return find(name, SCXR_OPT_INT).value.i; }
uint64_t OptionValues::get_uint(const std::string &name) const { return find(name, SCXR_OPT_UINT).value.u; }
double OptionValues::get_float(const std::string &name) const { return find(name, SCXR_OPT_FLOAT).value.f; }

uint64_t OptionValues::get_duration_ns(const std::string &name) const
{
	return find(name, SCXR_OPT_DURATION).value.u;
}

const std::string &OptionValues::get_string(const std::string &name) const { return find_text(name).text; }

bool OptionValues::from_profile(const std::string &name) const
{
	auto found = entries_.find(name);
	return found != entries_.end() && found->second.from_profile;
}

} // namespace scxr::sdk
