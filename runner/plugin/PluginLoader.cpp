// SPDX-License-Identifier: GPL-2.0-only
#include "plugin/PluginLoader.hpp"

#include "base/RunnerError.hpp"
#include "base/SpellingSuggestion.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace scxr {

namespace {

constexpr std::string_view kPluginSuffix = ".so";

} // namespace

std::vector<std::filesystem::path> PluginLoader::search_path(const std::vector<std::string> &cli_directories,
							     const char *environment_value,
							     const std::string &installed_directory)
{
	std::vector<std::filesystem::path> directories;
	for (const std::string &directory : cli_directories)
		directories.emplace_back(directory);
	if (environment_value) {
		std::string_view rest(environment_value);
		while (!rest.empty()) {
			const size_t colon = rest.find(':');
			const std::string_view entry = rest.substr(0, colon);
			if (!entry.empty())
				directories.emplace_back(std::string(entry));
			if (colon == std::string_view::npos)
				break;
			rest.remove_prefix(colon + 1);
		}
	}
	if (!installed_directory.empty())
		directories.emplace_back(installed_directory);
	return directories;
}

PluginLoader::PluginLoader(std::vector<std::filesystem::path> directories, PluginFileSafety safety)
	: directories_(std::move(directories)), safety_(std::move(safety))
{
}

std::vector<std::filesystem::path> PluginLoader::plugin_files() const
{
	std::vector<std::filesystem::path> files;
	for (const std::filesystem::path &directory : directories_) {
		std::error_code error;
		std::vector<std::filesystem::path> in_directory;
		for (const auto &item : std::filesystem::directory_iterator(directory, error)) {
			const std::string name = item.path().filename().string();
			if (name.size() > kPluginSuffix.size() && name.ends_with(kPluginSuffix))
				in_directory.push_back(item.path());
		}
		if (error && error != std::errc::no_such_file_or_directory)
			spdlog::debug("cannot read plugin directory {}: {}", directory.string(), error.message());
		std::sort(in_directory.begin(), in_directory.end());
		files.insert(files.end(), in_directory.begin(), in_directory.end());
	}
	return files;
}

std::filesystem::path PluginLoader::find(const std::string &id, const std::string &requested_at) const
{
	for (const std::filesystem::path &directory : directories_) {
		const std::filesystem::path candidate = directory / (id + std::string(kPluginSuffix));
		std::error_code error;
		if (std::filesystem::exists(candidate, error)) {
			spdlog::debug("plugin '{}' found at {}", id, candidate.string());
			return candidate;
		}
	}

	std::vector<std::string> known_ids;
	for (const std::filesystem::path &file : plugin_files())
		known_ids.push_back(file.stem().string());
	std::string searched;
	for (const std::filesystem::path &directory : directories_)
		searched += "  " + directory.string() + "\n";
	std::string hint;
	if (auto suggestion = SpellingSuggestion(known_ids).closest(id))
		hint = fmt::format("did you mean '{}'? ", *suggestion);
	hint += fmt::format("'scx-runner plugins' lists the plugins it finds; add directories with --plugin-dir DIR or "
			    "{}",
			    kPluginPathVariable);
	const std::string prefix = requested_at.empty() ? "" : requested_at + ": ";
	throw RunnerError(ExitCode::plugin_not_found,
			  fmt::format("{}plugin '{}' not found: no {}{} in the plugin search path", prefix, id, id, kPluginSuffix),
			  "searched:\n" + searched + "hint: " + hint);
}

std::shared_ptr<const PluginLibrary> PluginLoader::load(const std::string &id, const std::string &requested_at) const
{
	const std::filesystem::path path = find(id, requested_at);
	auto library = PluginLibrary::open(safety_.open_checked(path), path, id);
	spdlog::debug("plugin '{}' {} loaded from {}", id, library->version(), path.string());
	return library;
}

PluginLoader::Listing PluginLoader::list() const
{
	Listing listing;
	std::set<std::string> seen;
	for (const std::filesystem::path &file : plugin_files()) {
		const std::string id = file.stem().string();
		if (!seen.insert(id).second) {
			spdlog::debug("{} is shadowed by an earlier '{}' in the search path", file.string(), id);
			continue;
		}
		try {
			listing.plugins.push_back(PluginLibrary::open(safety_.open_checked(file), file, id));
		} catch (const RunnerError &error) {
			listing.problems.push_back(Problem{file, error.code(), error.what(), error.details()});
		}
	}
	std::sort(listing.plugins.begin(), listing.plugins.end(),
		  [](const auto &left, const auto &right) { return left->id() < right->id(); });
	return listing;
}

} // namespace scxr
