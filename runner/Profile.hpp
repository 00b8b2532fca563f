// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "ProfileValue.hpp"
#include "RunnerSettings.hpp"
#include "SourcePosition.hpp"

#include <string>
#include <vector>

namespace scxr {

// A parsed profile: which plugin to run, its options as written (checked against the plugin's
// schema later, by OptionValidator, once the plugin is found) and the runner settings.
struct Profile {
	std::string path;
	std::string plugin_id;
	SourcePosition plugin_position;
	std::vector<ProfileOption> options; // in file order
	RunnerSettings runner;
};

} // namespace scxr
