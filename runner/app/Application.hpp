// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "app/Cli.hpp"
#include "base/ExitCode.hpp"

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace scxr {

class KernelProbe;
class PluginLoader;
class ProfileResolver;
class RunnerError;
struct ResolvedNode;
struct ResolvedProfile;
struct RunnerSettings;

// The commands behind the command line: run a profile, check it, list plugins, ask a running
// runner for its status or to switch profiles, watch it (monitor, top). main() builds
// one with the real kernel probe and the process's streams; tests build one with a fake probe
// and string streams.
class Application {
public:
	// installed_plugin_directory: the last entry of the search path. plugin_path_variable:
	// the value of SCX_RUNNER_PLUGIN_PATH, or nullptr.
	Application(const KernelProbe &kernel, std::ostream &out, std::ostream &err, std::string installed_plugin_directory,
		    const char *plugin_path_variable);

	// Never throws: failures are printed and become the exit code.
	int main(const std::vector<std::string> &arguments);

private:
	ExitCode dispatch(const CliOptions &options);
	ExitCode run(const CliOptions &options);
	ExitCode check(const CliOptions &options);
	ExitCode list_plugins(const CliOptions &options);
	ExitCode status(const CliOptions &options);
	ExitCode switch_profile(const CliOptions &options);
	ExitCode monitor(const CliOptions &options);
	ExitCode top(const CliOptions &options);
	// Where a run serves scx_stats: [runner] stats_socket or --stats-socket, else the scx
	// path when root; nullopt for none.
	static std::optional<std::filesystem::path> stats_socket_path(const RunnerSettings &runner);
	// Resolves the profile's [restart] fallback, if any: throws what is wrong with it.
	void check_fallback(const ProfileResolver &resolver, const ResolvedProfile &resolved) const;
	// check's description of a node: its plugin and options, its restart policy, its children.
	void print_node_settings(const ResolvedNode &node, const std::string &indent) const;
	void print_restart(const ResolvedNode &node, const std::string &indent) const;
	void print_children(const ResolvedNode &node, const std::string &indent) const;
	// The search path: --plugin-dir, SCX_RUNNER_PLUGIN_PATH, the installed directory.
	PluginLoader plugin_loader(const CliOptions &options) const;

	const KernelProbe &kernel_;
	std::ostream &out_;
	std::ostream &err_;
	std::string installed_plugin_directory_;
	std::string plugin_path_variable_;
	bool has_plugin_path_variable_;
};

} // namespace scxr
