// SPDX-License-Identifier: GPL-2.0-only
#include "plugin/PluginLibrary.hpp"

#include "base/RunnerError.hpp"

#include <fmt/format.h>


namespace scxr {

namespace {

const char *const kRebuildHint = "rebuild the plugin against this runner's headers";
const char *const kAbiHeader = "plugins/include/scx_runner/plugin_abi.h (installed as scx-runner/scx_runner/plugin_abi.h)";

void check_version(const scxr_plugin_entry &entry, const std::string &id)
{
	if (entry.abi_major != SCXR_ABI_MAJOR)
		throw RunnerError(ExitCode::plugin_abi,
				  fmt::format("plugin '{}' was built for ABI {}.{}, this runner provides {}.{}: {}", id,
					      entry.abi_major, entry.abi_minor, SCXR_ABI_MAJOR, SCXR_ABI_MINOR, kRebuildHint),
				  fmt::format("hint: the major versions differ, so the two cannot work together; the "
					      "headers are {}",
					      kAbiHeader));
	if (entry.abi_minor > SCXR_ABI_MINOR)
		throw RunnerError(ExitCode::plugin_abi,
				  fmt::format("plugin '{}' was built for ABI {}.{}, this runner provides {}.{}: upgrade "
					      "scx-runner, or {}",
					      id, entry.abi_major, entry.abi_minor, SCXR_ABI_MAJOR, SCXR_ABI_MINOR, kRebuildHint),
				  "hint: a plugin built for a newer minor version may use what this runner lacks");
	if (entry.struct_size < PluginLibrary::kEntrySizeV1_0)
		throw RunnerError(ExitCode::plugin_abi,
				  fmt::format("plugin '{}' has a truncated entry: struct_size is {} bytes, ABI {}.{} needs at "
					      "least {}: {}",
					      id, entry.struct_size, entry.abi_major, entry.abi_minor,
					      PluginLibrary::kEntrySizeV1_0, kRebuildHint));
}

void check_functions(const scxr_plugin_entry &entry, const std::string &id)
{
	const std::pair<const void *, const char *> functions[] = {
		{reinterpret_cast<const void *>(entry.create), "create"},
		{reinterpret_cast<const void *>(entry.destroy), "destroy"},
		{reinterpret_cast<const void *>(entry.last_error), "last_error"},
		{reinterpret_cast<const void *>(entry.configure), "configure"},
		{reinterpret_cast<const void *>(entry.load), "load"},
		{reinterpret_cast<const void *>(entry.attach), "attach"},
		{reinterpret_cast<const void *>(entry.detach), "detach"},
		{reinterpret_cast<const void *>(entry.poll), "poll"},
		{reinterpret_cast<const void *>(entry.stats), "stats"},
		{reinterpret_cast<const void *>(entry.dump), "dump"},
	};
	for (const auto &[function, name] : functions)
		if (!function)
			throw RunnerError(ExitCode::plugin_abi,
					  fmt::format("plugin '{}' is incomplete: its entry has no {}() function", id, name),
					  "every function of the entry is required; fix the plugin");
}

void check_tables(const scxr_plugin_entry &entry, const std::string &id)
{
	if (entry.option_count > 0 && !entry.options)
		throw RunnerError(ExitCode::plugin_abi,
				  fmt::format("plugin '{}' declares {} options but no option table", id, entry.option_count));
	if (entry.requirement_count > 0 && !entry.requirements)
		throw RunnerError(ExitCode::plugin_abi, fmt::format("plugin '{}' declares {} kernel requirements but no table",
								    id, entry.requirement_count));
	const auto problems = OptionSchema(entry.options, entry.option_count).problems();
	if (!problems.empty()) {
		std::string details;
		for (const std::string &problem : problems)
			details += "  " + problem + "\n";
		throw RunnerError(ExitCode::plugin_abi, fmt::format("plugin '{}' publishes an invalid option schema", id),
				  details + "this is a bug in the plugin; fix its option table");
	}
	for (size_t index = 0; index < entry.requirement_count; ++index) {
		const scxr_requirement &requirement = entry.requirements[index];
		if (!requirement.name || (requirement.kind == SCXR_REQ_MEMBER && !requirement.member))
			throw RunnerError(ExitCode::plugin_abi,
					  fmt::format("plugin '{}': kernel requirement #{} has no name", id, index));
	}
}

} // namespace

std::shared_ptr<const PluginLibrary> PluginLibrary::open(const std::filesystem::path &path,
							 const std::string &expected_id)
{
	return from_library(FreshLibrary::open(path, kLoadFlags), expected_id);
}

std::shared_ptr<const PluginLibrary> PluginLibrary::open(FileDescriptor file, const std::filesystem::path &path,
							 const std::string &expected_id)
{
	return from_library(FreshLibrary::open(std::move(file), path, kLoadFlags), expected_id);
}

std::shared_ptr<const PluginLibrary> PluginLibrary::from_library(FreshLibrary library, const std::string &expected_id)
{
	// The checks below throw with the file open; the FreshLibrary closes it then.
	const std::filesystem::path path = library.path();
	const auto *entry = static_cast<const scxr_plugin_entry *>(library.symbol(SCXR_ENTRY_SYMBOL));
	if (!entry)
		throw RunnerError(ExitCode::plugin_abi,
				  fmt::format("{} is not an scx-runner plugin: it does not export '{}'", path.string(),
					      SCXR_ENTRY_SYMBOL),
				  "a plugin defines its entry with scxr::sdk::make_entry and links with plugins/sdk/plugin.map");

	check_version(*entry, expected_id);
	if (!entry->id || expected_id != entry->id)
		throw RunnerError(ExitCode::plugin_abi,
				  fmt::format("plugin file {} says its id is '{}', but it was looked up as '{}'", path.string(),
					      entry->id ? entry->id : "(none)", expected_id),
				  fmt::format("a plugin's file must be named <id>.so: rename it to {}.so or fix the id",
					      entry->id ? entry->id : "<id>"));
	check_functions(*entry, expected_id);
	check_tables(*entry, expected_id);

	return std::shared_ptr<const PluginLibrary>(new PluginLibrary(std::move(library), entry, path));
}

PluginLibrary::~PluginLibrary() = default;

std::span<const scxr_requirement> PluginLibrary::requirements() const
{
	if (!entry_->requirements)
		return {};
	return {entry_->requirements, entry_->requirement_count};
}

} // namespace scxr
