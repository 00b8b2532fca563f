// SPDX-License-Identifier: GPL-2.0-only
#include "plugin/PluginLibrary.hpp"

#include "base/RunnerError.hpp"
#include "plugin/StridedArray.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

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
	const size_t needed = entry.abi_minor >= 1 ? PluginLibrary::kEntrySizeV1_1 : PluginLibrary::kEntrySizeV1_0;
	if (entry.struct_size < needed)
		throw RunnerError(ExitCode::plugin_abi,
				  fmt::format("plugin '{}' has a truncated entry: struct_size is {} bytes, ABI {}.{} needs at "
					      "least {}: {}",
					      id, entry.struct_size, entry.abi_major, entry.abi_minor, needed, kRebuildHint));
}

void check_functions(const scxr_plugin_entry &entry, const std::string &id)
{
	std::vector<std::pair<const void *, const char *>> functions = {
		{reinterpret_cast<const void *>(entry.create), "create"},
		{reinterpret_cast<const void *>(entry.destroy), "destroy"},
		{reinterpret_cast<const void *>(entry.last_error), "last_error"},
		{reinterpret_cast<const void *>(entry.configure), "configure"},
		{reinterpret_cast<const void *>(entry.load), "load"},
		{reinterpret_cast<const void *>(entry.attach), "attach"},
		{reinterpret_cast<const void *>(entry.detach), "detach"},
		{reinterpret_cast<const void *>(entry.poll), "poll"},
		{reinterpret_cast<const void *>(entry.dump), "dump"},
	};
	// 1.0 reads stats through stats(); 1.1 through read_stats(), which a plugin without stats
	// may leave out.
	if (entry.abi_minor == 0)
		functions.emplace_back(reinterpret_cast<const void *>(entry.stats), "stats");
	else if (entry.stat_count > 0)
		functions.emplace_back(reinterpret_cast<const void *>(entry.read_stats), "read_stats");
	for (const auto &[function, name] : functions)
		if (!function)
			throw RunnerError(ExitCode::plugin_abi,
					  fmt::format("plugin '{}' is incomplete: its entry has no {}() function", id, name),
					  "every function of the entry is required; fix the plugin");
}

// A stride below the element's first published size would make the runner read one element's
// fields from the next.
void check_stride(const std::string &id, const char *array, size_t stride, size_t smallest)
{
	if (stride < smallest)
		throw RunnerError(ExitCode::plugin_abi,
				  fmt::format("plugin '{}' gives its {} a stride of {} bytes, less than the {} bytes of one "
					      "element: {}",
					      id, array, stride, smallest, kRebuildHint));
}

void check_table_pointers(const scxr_plugin_entry &entry, const std::string &id)
{
	if (entry.option_count > 0 && !entry.options)
		throw RunnerError(ExitCode::plugin_abi,
				  fmt::format("plugin '{}' declares {} options but no option table", id, entry.option_count));
	if (entry.requirement_count > 0 && !entry.requirements)
		throw RunnerError(ExitCode::plugin_abi, fmt::format("plugin '{}' declares {} kernel requirements but no table",
								    id, entry.requirement_count));
	if (entry.abi_minor == 0)
		return;
	if (entry.stat_count > 0 && !entry.stat_schema)
		throw RunnerError(ExitCode::plugin_abi,
				  fmt::format("plugin '{}' declares {} stats but no stats schema", id, entry.stat_count));
	check_stride(id, "options", entry.option_stride, PluginLibrary::kOptionStrideV1_0);
	check_stride(id, "kernel requirements", entry.requirement_stride, PluginLibrary::kRequirementStrideV1_0);
	check_stride(id, "stats schema", entry.stat_stride, PluginLibrary::kStatStrideV1_1);
}

void refuse_problems(const std::string &id, const std::vector<std::string> &problems, const char *schema,
		     const char *table)
{
	if (problems.empty())
		return;
	std::string details;
	for (const std::string &problem : problems)
		details += "  " + problem + "\n";
	throw RunnerError(ExitCode::plugin_abi, fmt::format("plugin '{}' publishes an invalid {}", id, schema),
			  details + fmt::format("this is a bug in the plugin; fix its {}", table));
}

void check_requirements(std::span<const scxr_requirement> requirements, const std::string &id)
{
	for (size_t index = 0; index < requirements.size(); ++index) {
		const scxr_requirement &requirement = requirements[index];
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
	check_table_pointers(*entry, expected_id);

	std::shared_ptr<PluginLibrary> plugin(new PluginLibrary(std::move(library), entry, path));
	const bool v1_0 = entry->abi_minor == 0;
	plugin->options_ = copy_strided<scxr_option_desc>(entry->options, entry->option_count,
							  v1_0 ? kOptionStrideV1_0 : entry->option_stride);
	plugin->requirements_ = copy_strided<scxr_requirement>(entry->requirements, entry->requirement_count,
								v1_0 ? kRequirementStrideV1_0 : entry->requirement_stride);
	if (!v1_0)
		plugin->stat_schema_ = StatSchema(
			copy_strided<scxr_stat_desc>(entry->stat_schema, entry->stat_count, entry->stat_stride));

	refuse_problems(expected_id, plugin->schema().problems(), "option schema", "option table");
	check_requirements(plugin->requirements(), expected_id);
	refuse_problems(expected_id, plugin->stat_schema_.problems(), "stats schema", "stats table");
	return plugin;
}

PluginLibrary::~PluginLibrary() = default;

const void *PluginLibrary::extension(const char *id, uint32_t minimum_size) const
{
	if (entry_->abi_minor == 0 || !entry_->get_extension)
		return nullptr;
	const void *found = nullptr;
	try {
		found = entry_->get_extension(id);
	} catch (...) {
		spdlog::error("[{}] threw a C++ exception out of get_extension() (a plugin bug)", entry_->id);
		return nullptr;
	}
	if (!found)
		return nullptr;
	const uint32_t size = *static_cast<const uint32_t *>(found);
	if (size < minimum_size) {
		spdlog::warn("[{}] extension {} is {} bytes, shorter than its first version's {}: ignored (a plugin bug)",
			     entry_->id, id, size, minimum_size);
		return nullptr;
	}
	return found;
}

const scxr_sched_tree_extension *PluginLibrary::sched_tree() const
{
	return static_cast<const scxr_sched_tree_extension *>(extension(
		SCXR_SCHED_TREE_EXTENSION, offsetof(scxr_sched_tree_extension, place) + sizeof(scxr_sched_tree_extension::place)));
}

} // namespace scxr
