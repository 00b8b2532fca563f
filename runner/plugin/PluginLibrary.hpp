// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "plugin/FreshLibrary.hpp"
#include "plugin/OptionSchema.hpp"
#include "plugin/PluginFileIdentity.hpp"

#include <scx_runner/plugin_abi.h>

#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace scxr {

// One dlopen'ed plugin file whose entry passed the ABI checks. Shared: every PluginInstance
// holds a reference, so the file is dlclose'd only after the last instance is destroyed (an
// instance's code and [static] strings live in the file).
//
// Every open() maps the file as it is now (FreshLibrary), never an image glibc loaded
// earlier from the same path: a plugin rebuilt and installed over the old file runs its new
// code at the next swap, while the old image stays until its last instance is gone.
class PluginLibrary {
public:
	// dlopens path (RTLD_NOW | RTLD_LOCAL) and checks the entry: ABI version, struct size, id
	// (must equal expected_id, the name it was looked up by), function pointers, option
	// schema. Throws RunnerError (plugin_abi) saying what is wrong and how to fix it.
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
	OptionSchema schema() const { return OptionSchema(entry_->options, entry_->option_count); }
	std::span<const scxr_requirement> requirements() const;

	// The size of a version 1.0 entry: every field up to and including dump().
	static constexpr size_t kEntrySizeV1_0 = offsetof(scxr_plugin_entry, dump) + sizeof(scxr_plugin_entry::dump);

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
};

} // namespace scxr
