// SPDX-License-Identifier: GPL-2.0-only
#include "profile/ProfileResolver.hpp"

#include "kernel/KernelProbe.hpp"
#include "profile/OptionValidator.hpp"
#include "plugin/PluginFileIdentity.hpp"
#include "profile/ProfileParser.hpp"

#include <spdlog/spdlog.h>

namespace scxr {

ProfileResolver::ProfileResolver(PluginLoader loader, RunnerSettings overrides, const KernelProbe &kernel)
	: loader_(std::move(loader)), overrides_(overrides), kernel_(kernel)
{
}

std::shared_ptr<const PluginLibrary> ProfileResolver::plugin_for(const ProfileNode &node,
								 const ResolvedNode *current) const
{
	if (current && current->plugin && current->plugin->id() == node.plugin_id) {
		const std::filesystem::path path = loader_.find(node.plugin_id, node.plugin_position.to_string());
		const std::optional<PluginFileIdentity> on_disk = PluginFileIdentity::find(path);
		if (path == current->plugin->path() && on_disk && *on_disk == current->plugin->identity()) {
			spdlog::debug("plugin '{}': {} is unchanged since it was loaded; reusing it", node.plugin_id,
				      path.string());
			return current->plugin;
		}
		spdlog::debug("plugin '{}': {} changed on disk since it was loaded; loading it afresh", node.plugin_id,
			      path.string());
	}
	return loader_.load(node.plugin_id, node.plugin_position.to_string());
}

ResolvedProfile ProfileResolver::resolve(const std::string &path, const ResolvedProfile *current,
					 bool check_kernel) const
{
	ResolvedProfile resolved;
	resolved.profile = ProfileParser().parse_file(path);
	ResolvedNode &root = resolved.root;
	root.written = resolved.profile.root;
	root.written.children.clear();
	root.plugin = plugin_for(root.written, current ? &current->root : nullptr);
	root.options = OptionValidator(root.plugin->id(), root.plugin->schema()).validate(root.written.options);
	resolved.runner = resolved.profile.runner.overridden_by(overrides_);
	if (check_kernel)
		kernel_.check_requirements(*root.plugin);
	return resolved;
}

} // namespace scxr
