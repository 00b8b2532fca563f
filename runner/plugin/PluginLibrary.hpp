// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/FreshLibrary.hpp"
#include "plugin/OptionSchema.hpp"
#include "plugin/PluginFileIdentity.hpp"
#include "plugin/StatSchema.hpp"

#include <scx_runner/plugin_abi.h>
#include <scx_runner/sched_tree.h>

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace scxr {

// One dlopen'ed plugin file whose entry passed the ABI checks. Shared: every PluginInstance
// holds a reference, so the file is dlclose'd only after the last instance is destroyed (an
// instance's code and [static] strings live in the file).
//
// Every open() maps the file as it is now (FreshLibrary), never an image glibc loaded
// earlier from the same path: a plugin rebuilt and installed over the old file runs its new
// code at the next swap, while the old image stays until its last instance is gone.
//
// It reads ABI 1.0 and 1.1 entries. The arrays an entry publishes are copied once, walked by
// their strides (1.0: one 1.0 element apart), so the rest of the runner sees elements of its own
// header whatever the plugin was built against.
class PluginLibrary {
public:
	// dlopens path (RTLD_NOW | RTLD_LOCAL) and checks the entry: ABI version, struct size, id
	// (must equal expected_id, the name it was looked up by), function pointers, strides,
	// option and stats schemas. Throws RunnerError (plugin_abi) saying what is wrong and how to
	// fix it.
	static std::shared_ptr<const PluginLibrary> open(const std::filesystem::path &path,
							 const std::string &expected_id);
	// The same for a file already opened (and checked by PluginFileSafety): the code loaded
	// is what that descriptor reads. path names it in messages and path().
	static std::shared_ptr<const PluginLibrary> open(FileDescriptor file, const std::filesystem::path &path,
							 const std::string &expected_id);

	~PluginLibrary();
	PluginLibrary(const PluginLibrary &) = delete;
	PluginLibrary &operator=(const PluginLibrary &) = delete;

	const scxr_plugin_entry &entry() const { return *entry_; }
	const std::filesystem::path &path() const { return path_; }
	// The file as it was when it was loaded: a reload compares it with the file on disk.
	const PluginFileIdentity &identity() const { return library_.identity(); }
	std::string id() const { return entry_->id; }
	std::string version() const { return entry_->version ? entry_->version : ""; }
	std::string description() const { return entry_->description ? entry_->description : ""; }
	// The minor version the plugin was built against: 0 or 1.
	uint32_t abi_minor() const { return entry_->abi_minor; }
	OptionSchema schema() const { return OptionSchema(options_.data(), options_.size()); }
	std::span<const scxr_requirement> requirements() const { return requirements_; }
	// The stats schema a 1.1 plugin publishes; empty for a 1.0 plugin, whose instances name
	// their stats at run time.
	const StatSchema &stat_schema() const { return stat_schema_; }

	// The plugin's extension struct with this id (plugin_abi.h, "Extensions"), or nullptr
	// when it has none, or one shorter than minimum_size (the first version of that struct):
	// then the plugin is too broken to use it, and a warning says so. [static] plugin data.
	const void *extension(const char *id, uint32_t minimum_size) const;
	// What the plugin can be in a tree of schedulers (scx_runner/sched_tree.h), or nullptr:
	// then it runs only as a single scheduler, a root without children. [static]
	const scxr_sched_tree_extension *sched_tree() const;

	// The size of a version 1.0 entry: every field up to and including dump().
	static constexpr size_t kEntrySizeV1_0 = offsetof(scxr_plugin_entry, dump) + sizeof(scxr_plugin_entry::dump);
	// ... and of a version 1.1 entry: up to and including get_extension().
	static constexpr size_t kEntrySizeV1_1 =
		offsetof(scxr_plugin_entry, get_extension) + sizeof(scxr_plugin_entry::get_extension);
	// A 1.0 entry has no strides: its arrays hold 1.0 elements. 1.1 did not change
	// scxr_option_desc or scxr_requirement, so their 1.0 size is this header's sizeof; a
	// minor that grows one writes its 1.0 size here as a number. These are also the smallest
	// strides a 1.1 entry may give.
	static constexpr size_t kOptionStrideV1_0 = sizeof(scxr_option_desc);
	static constexpr size_t kRequirementStrideV1_0 = sizeof(scxr_requirement);
	// scxr_stat_desc is new in 1.1.
	static constexpr size_t kStatStrideV1_1 = sizeof(scxr_stat_desc);

private:
	// RTLD_LOCAL: two plugins (or two versions of one during a swap) never see each other's
	// symbols. RTLD_NOW: a missing symbol fails at load, not in the middle of a run.
	static constexpr int kLoadFlags = RTLD_NOW | RTLD_LOCAL;

	// Checks the entry of a loaded file and wraps it.
	static std::shared_ptr<const PluginLibrary> from_library(FreshLibrary library, const std::string &expected_id);

	PluginLibrary(FreshLibrary library, const scxr_plugin_entry *entry, std::filesystem::path path)
		: library_(std::move(library)), entry_(entry), path_(std::move(path))
	{
	}

	FreshLibrary library_;
	const scxr_plugin_entry *entry_;
	std::filesystem::path path_;
	// The entry's arrays, copied by their strides; their strings stay [static] plugin data.
	std::vector<scxr_option_desc> options_;
	std::vector<scxr_requirement> requirements_;
	StatSchema stat_schema_;
};

} // namespace scxr
