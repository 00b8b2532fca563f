// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/PluginLoader.hpp"
#include "profile/ProfileDiagnostic.hpp"
#include "profile/ResolvedProfile.hpp"
#include "profile/RunnerSettings.hpp"

#include <string>
#include <vector>

namespace scxr {

class KernelProbe;

// Turns a profile path into a ResolvedProfile: at start, and again at every reload, switch
// and fallback, so that all of them check a profile the same way.
class ProfileResolver {
public:
	// overrides: the command line's runner settings, which win over every profile's.
	ProfileResolver(PluginLoader loader, RunnerSettings overrides, const KernelProbe &kernel);

	// Parses path, finds its plugin and validates the options. When current is given and
	// names the same plugin file, unchanged on disk since it was loaded, its image is reused;
	// otherwise the plugin is opened afresh (a file replaced on disk gets a new dlopen).
	// check_kernel: also check the plugin's kernel requirements. Throws ProfileError or
	// RunnerError saying what is wrong.
	ResolvedProfile resolve(const std::string &path, const ResolvedProfile *current, bool check_kernel) const;

	const PluginLoader &loader() const { return loader_; }

private:
	std::shared_ptr<const PluginLibrary> plugin_for(const ProfileNode &node, const ResolvedNode *current) const;
	// written with its plugin and options, and its children below it; what is wrong with
	// any of them is added to problems (the plugin files that cannot be found still throw).
	ResolvedNode resolve_node(const ProfileNode &written, const ResolvedNode *current, uint32_t depth,
				  std::vector<ProfileDiagnostic> &problems) const;
	// Whether node's plugin can be what the tree asks of it: a host for its children, a child.
	static void check_roles(const ResolvedNode &node, size_t children, std::vector<ProfileDiagnostic> &problems);

	PluginLoader loader_;
	RunnerSettings overrides_;
	const KernelProbe &kernel_;
};

} // namespace scxr
