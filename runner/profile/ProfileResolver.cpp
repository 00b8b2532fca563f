// SPDX-License-Identifier: GPL-2.0-only
#include "profile/ProfileResolver.hpp"

#include "kernel/KernelProbe.hpp"
#include "profile/OptionValidator.hpp"
#include "profile/ProfileCgroup.hpp"
#include "profile/ProfileError.hpp"
#include "plugin/PluginFileIdentity.hpp"
#include "profile/ProfileParser.hpp"

#include <fmt/format.h>
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

ResolvedNode ProfileResolver::resolve_node(const ProfileNode &written, const ResolvedNode *current, uint32_t depth,
					   std::vector<ProfileDiagnostic> &problems) const
{
	ResolvedNode node;
	node.written = written;
	node.written.children.clear();
	node.depth = depth;
	if (written.cgroup)
		node.cgroup_dir = std::filesystem::path(ProfileCgroup::kMount) / written.cgroup->relative;
	node.plugin = plugin_for(node.written, current);
	try {
		node.options = OptionValidator(node.plugin->id(), node.plugin->schema()).validate(node.written.options);
	} catch (const ProfileError &error) {
		problems.insert(problems.end(), error.diagnostics().begin(), error.diagnostics().end());
	}
	check_roles(node, written.children.size(), problems);
	for (const ProfileNode &child : written.children) {
		const ResolvedNode *same_cgroup = nullptr;
		if (current)
			for (const ResolvedNode &candidate : current->children)
				if (candidate.cgroup_dir == std::filesystem::path(ProfileCgroup::kMount) / child.cgroup->relative)
					same_cgroup = &candidate;
		node.children.push_back(resolve_node(child, same_cgroup, depth + 1, problems));
	}
	return node;
}

void ProfileResolver::check_roles(const ResolvedNode &node, size_t children, std::vector<ProfileDiagnostic> &problems)
{
	const scxr_sched_tree_extension *tree = node.plugin->sched_tree();
	const uint32_t roles = tree ? tree->roles : 0;
	const std::string &id = node.plugin->id();
	const SourcePosition &where = node.written.plugin_position;
	const std::string what_it_is =
		tree ? fmt::format("'{}' can {}", id,
				   (roles & SCXR_TREE_CAN_HOST) ? "host children but not be one" : "be a child but host none")
		     : fmt::format("'{}' runs only as a single scheduler (it takes no part in trees)", id);
	if (children > 0 && !(roles & SCXR_TREE_CAN_HOST))
		problems.push_back({where, fmt::format("plugin {}: it cannot host the {} child(ren) below it", what_it_is, children),
				    "host them under a plugin that can, such as qmap ('scx-runner plugins' says what each can be)"});
	else if (children > 0 && children > tree->max_children)
		problems.push_back({where,
				    fmt::format("plugin '{}' hosts at most {} children on one node, and this one has {}", id,
						tree->max_children, children),
				    "split them: give some a common parent cgroup with a scheduler of its own"});
	if (node.written.cgroup && !(roles & SCXR_TREE_CAN_BE_CHILD))
		problems.push_back({where, fmt::format("plugin {}: it cannot be a child scheduler", what_it_is),
				    "run a plugin that can be one for this cgroup, such as qmap or simple"});
}

ResolvedProfile ProfileResolver::resolve(const std::string &path, const ResolvedProfile *current,
					 bool check_kernel) const
{
	ResolvedProfile resolved;
	resolved.profile = ProfileParser().parse_file(path);
	std::vector<ProfileDiagnostic> problems;
	const ProfileNode &written = resolved.profile.root;
	resolved.root = resolve_node(written, current ? &current->root : nullptr, written.cgroup ? 1 : 0, problems);
	if (!problems.empty())
		throw ProfileError(std::move(problems));
	resolved.runner = resolved.profile.runner.overridden_by(overrides_);
	if (check_kernel)
		kernel_.check_requirements(*resolved.root.plugin);
	return resolved;
}

} // namespace scxr
