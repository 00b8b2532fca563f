// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "profile/ProfileValue.hpp"
#include "profile/RestartSettings.hpp"
#include "profile/RunnerSettings.hpp"
#include "profile/SourcePosition.hpp"

#include <optional>
#include <string>
#include <vector>

namespace scxr {

// A parsed profile: which plugin to run, its options as written (checked against the plugin's
// schema later, by OptionValidator, once the plugin is found), the runner settings and the
// restart policy.
struct Profile {
	std::string path;
	std::string plugin_id;
	SourcePosition plugin_position;
	std::vector<ProfileOption> options; // in file order
	RunnerSettings runner;
	// The [restart] table; nullopt when the profile has none (then error exits end the run
	// and only the kernel's restart requests are honoured, once).
	std::optional<RestartSettings> restart;
};

} // namespace scxr
