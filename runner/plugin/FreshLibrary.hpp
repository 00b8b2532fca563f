// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/FileDescriptor.hpp"
#include "plugin/PluginFileIdentity.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <string>

namespace scxr {

// A shared object loaded from what its file holds now, even when an older version of the same
// path is still loaded: the swap needs old and new plugin code side by side.
//
// Why not dlopen(path): glibc returns the object it already loaded when a path is opened
// again (it matches the name first, then the file's device and inode), so a plugin rebuilt
// and installed at the same path would silently run the old code until the process restarts.
//
// How: open the file and dlopen("/proc/self/fd/<fd>"). That name is unique while the
// descriptor stays open, which is why this class keeps it open for the library's lifetime and
// closes it only after dlclose. A file replaced by rename has a new inode, so glibc maps it
// fresh. A file rewritten in place keeps its inode, and glibc would hand back the old
// mapping; that case (and a second load of an unchanged file) is detected, and the file is
// copied to a private memfd and loaded from there, so the new code still loads. The old image
// is another matter: truncating a loaded file (cp does) discards even the process's private
// copies of its relocated pages, and the old code crashes at its next call or at dlclose.
// Plugins must be installed by rename (install(1), meson install, Nix do).
class FreshLibrary {
public:
	// dlopens with flags (RTLD_LOCAL keeps versions of one plugin from seeing each other's
	// symbols; RTLD_NOW fails here, not mid-run, on a missing symbol). Throws RunnerError
	// (plugin_abi) naming path and dlerror()'s text.
	static FreshLibrary open(const std::filesystem::path &path, int flags = RTLD_NOW | RTLD_LOCAL);
	// The same for a file the caller has opened and checked already (PluginFileSafety): the
	// library, or its private copy, is loaded from exactly that descriptor, whatever path
	// names now. path only names it in messages and path().
	static FreshLibrary open(FileDescriptor file, const std::filesystem::path &path,
				 int flags = RTLD_NOW | RTLD_LOCAL);

	FreshLibrary() = default;
	~FreshLibrary();
	FreshLibrary(FreshLibrary &&other) noexcept;
	FreshLibrary &operator=(FreshLibrary &&other) noexcept;
	FreshLibrary(const FreshLibrary &) = delete;
	FreshLibrary &operator=(const FreshLibrary &) = delete;

	void *handle() const { return handle_; }
	explicit operator bool() const { return handle_ != nullptr; }
	// dlsym(); nullptr when the library has no such symbol.
	void *symbol(const char *name) const;

	const std::filesystem::path &path() const { return path_; }
	// The file as it was when it was loaded; compare with PluginFileIdentity::of(path()).
	const PluginFileIdentity &identity() const { return identity_; }
	// The name glibc knows it by ("/proc/self/fd/7"), as seen in dl_iterate_phdr and dladdr.
	const std::string &loaded_name() const { return loaded_name_; }
	// True when it was loaded from a private memfd copy (the file was rewritten in place).
	bool is_private_copy() const { return private_copy_; }

	// dlclose, then close the descriptor. Returns dlerror()'s text on failure, else empty.
	std::string close();

private:
	FreshLibrary(void *handle, FileDescriptor descriptor, std::filesystem::path path, PluginFileIdentity identity,
		     std::string loaded_name, bool private_copy);

	void *handle_ = nullptr;
	FileDescriptor descriptor_; // keeps loaded_name_ unique while the library is loaded
	std::filesystem::path path_;
	PluginFileIdentity identity_;
	std::string loaded_name_;
	bool private_copy_ = false;
};

} // namespace scxr
