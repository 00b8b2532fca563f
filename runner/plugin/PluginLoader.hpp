// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/ExitCode.hpp"
#include "plugin/PluginFileSafety.hpp"
#include "plugin/PluginLibrary.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace scxr {

// Finds plugins by id along the search path (<dir>/<id>.so, first directory wins), opens the
// file once while checking it and every directory above it (PluginFileSafety), and loads what
// that descriptor reads.
class PluginLoader {
public:
	// The environment variable users set to add plugin directories (colon-separated).
	static constexpr const char *kPluginPathVariable = "SCX_RUNNER_PLUGIN_PATH";

	// A plugin file the listing could not load, and why.
	struct Problem {
		std::filesystem::path path;
		ExitCode code;
		std::string message;
		std::string details;
	};
	struct Listing {
		std::vector<std::shared_ptr<const PluginLibrary>> plugins; // sorted by id
		std::vector<Problem> problems;
	};

	// The search path in order: the --plugin-dir directories, then the entries of
	// SCX_RUNNER_PLUGIN_PATH (colon-separated; pass its value or nullptr), then the
	// directory plugins are installed to.
	static std::vector<std::filesystem::path> search_path(const std::vector<std::string> &cli_directories,
							      const char *environment_value,
							      const std::string &installed_directory);

	explicit PluginLoader(std::vector<std::filesystem::path> directories, PluginFileSafety safety = PluginFileSafety());

	const std::vector<std::filesystem::path> &directories() const { return directories_; }

	// Throws RunnerError: plugin_not_found (with the searched directories and a "did you
	// mean"), unsafe_plugin_file, plugin_abi. requested_at ("profile.toml:1:10") prefixes the
	// not-found message when given.
	std::shared_ptr<const PluginLibrary> load(const std::string &id, const std::string &requested_at = {}) const;
	std::filesystem::path find(const std::string &id, const std::string &requested_at = {}) const;

	// Every plugin in the search path (an id shadowed by an earlier directory is skipped),
	// with the files that failed to load.
	Listing list() const;

private:
	std::vector<std::filesystem::path> plugin_files() const;

	std::vector<std::filesystem::path> directories_;
	PluginFileSafety safety_;
};

} // namespace scxr
