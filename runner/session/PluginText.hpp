// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/PluginLibrary.hpp"

#include <fmt/format.h>

#include <string>

namespace scxr {

// A plugin's version, and where it came from, for the log: "simple 1.0.0 (/usr/lib/...)".
inline std::string plugin_text(const PluginLibrary &plugin)
{
	return fmt::format("{} {} ({})", plugin.id(), plugin.version(), plugin.path().string());
}

} // namespace scxr
