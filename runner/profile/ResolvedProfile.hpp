// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/OptionSettings.hpp"
#include "plugin/PluginLibrary.hpp"
#include "profile/Profile.hpp"
#include "profile/RestartSettings.hpp"
#include "profile/RunnerSettings.hpp"

#include <memory>

namespace scxr {

// A profile ready to run: parsed, its plugin found and opened, its options validated against
// that plugin's schema, and the runner settings with the command line's overrides applied.
// What the Session runs now, and what a reload or a switch offers it instead.
struct ResolvedProfile {
	Profile profile;
	std::shared_ptr<const PluginLibrary> plugin;
	OptionSettings options;
	RunnerSettings runner; // the profile's [runner] overridden by the command line

	// The profile's [restart] table, or what applies without one: no restarts after error
	// exits, one restart when the kernel asks for it.
	RestartSettings restart_settings() const;
};

} // namespace scxr
