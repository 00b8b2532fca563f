// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "profile/ProfileNode.hpp"
#include "profile/RunnerSettings.hpp"

#include <string>

namespace scxr {

// A parsed profile: the tree of schedulers to run (a root, and children on cgroups), and the
// runner settings.
struct Profile {
	std::string path;
	ProfileNode root;
	RunnerSettings runner;
};

} // namespace scxr
