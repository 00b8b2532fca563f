// SPDX-License-Identifier: GPL-2.0-only
#include "FreshLibrary.hpp"

#include "RunnerError.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace scxr {

namespace {

std::string descriptor_name(int fd) { return fmt::format("/proc/self/fd/{}", fd); }

RunnerError load_failure(const std::filesystem::path &path, const std::string &reason)
{
	return RunnerError(ExitCode::plugin_abi, fmt::format("cannot load plugin file {}: {}", path.string(), reason),
			   "the file must be an scx-runner plugin (a shared object) built for this system");
}

std::string last_dl_error()
{
	const char *message = dlerror();
	return message ? message : "unknown dlopen error";
}

// The name glibc recorded for handle: ours when it mapped the file now, another one when it
// handed back an object it had loaded before.
std::string name_of(void *handle)
{
	link_map *map = nullptr;
	if (dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map || !map->l_name)
		return {};
	return map->l_name;
}

FileDescriptor copy_to_memfd(const std::filesystem::path &path, int source, off_t size)
{
	FileDescriptor copy(::memfd_create(path.filename().c_str(), MFD_CLOEXEC));
	if (!copy)
		throw load_failure(path, fmt::format("cannot create a private copy (memfd_create): {}", std::strerror(errno)));
	off_t offset = 0;
	while (offset < size) {
		const ssize_t copied = ::sendfile(copy.get(), source, &offset, static_cast<size_t>(size - offset));
		if (copied < 0 && errno == EINTR)
			continue;
		if (copied <= 0)
			throw load_failure(path, fmt::format("cannot copy it to a private memfd: {}",
							     copied < 0 ? std::strerror(errno) : "the file shrank"));
	}
	return copy;
}

} // namespace

FreshLibrary FreshLibrary::open(const std::filesystem::path &path, int flags)
{
	FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!file)
		throw load_failure(path, std::strerror(errno));
	const PluginFileIdentity identity = PluginFileIdentity::of_descriptor(file.get());

	std::string name = descriptor_name(file.get());
	void *handle = dlopen(name.c_str(), flags);
	if (!handle)
		throw load_failure(path, last_dl_error());
	if (name_of(handle) == name)
		return FreshLibrary(handle, std::move(file), path, identity, std::move(name), false);

	// Same inode as an object already loaded: the file was rewritten in place. Drop the
	// reference we just took on the old object and load a private copy instead.
	dlclose(handle);
	spdlog::warn("plugin file {} was rewritten in place while an older version of it is loaded; loading a "
		     "private copy (install plugin files by rename, e.g. with install(1), so running code is "
		     "never overwritten)",
		     path.string());
	FileDescriptor copy = copy_to_memfd(path, file.get(), identity.size);
	name = descriptor_name(copy.get());
	handle = dlopen(name.c_str(), flags);
	if (!handle)
		throw load_failure(path, last_dl_error());
	return FreshLibrary(handle, std::move(copy), path, identity, std::move(name), true);
}

FreshLibrary::FreshLibrary(void *handle, FileDescriptor descriptor, std::filesystem::path path,
			   PluginFileIdentity identity, std::string loaded_name, bool private_copy)
	: handle_(handle), descriptor_(std::move(descriptor)), path_(std::move(path)), identity_(identity),
	  loaded_name_(std::move(loaded_name)), private_copy_(private_copy)
{
}

FreshLibrary::~FreshLibrary()
{
	const std::string error = close();
	if (!error.empty())
		spdlog::warn("closing plugin file {} failed: {}", path_.string(), error);
}

FreshLibrary::FreshLibrary(FreshLibrary &&other) noexcept
	: handle_(std::exchange(other.handle_, nullptr)), descriptor_(std::move(other.descriptor_)),
	  path_(std::move(other.path_)), identity_(other.identity_), loaded_name_(std::move(other.loaded_name_)),
	  private_copy_(other.private_copy_)
{
}

FreshLibrary &FreshLibrary::operator=(FreshLibrary &&other) noexcept
{
	if (this == &other)
		return *this;
	const std::string error = close();
	if (!error.empty())
		spdlog::warn("closing plugin file {} failed: {}", path_.string(), error);
	handle_ = std::exchange(other.handle_, nullptr);
	descriptor_ = std::move(other.descriptor_);
	path_ = std::move(other.path_);
	identity_ = other.identity_;
	loaded_name_ = std::move(other.loaded_name_);
	private_copy_ = other.private_copy_;
	return *this;
}

void *FreshLibrary::symbol(const char *name) const
{
	if (!handle_)
		return nullptr;
	return dlsym(handle_, name);
}

std::string FreshLibrary::close()
{
	std::string error;
	if (handle_ && dlclose(std::exchange(handle_, nullptr)) != 0)
		error = last_dl_error();
	// Only now: while the library was loaded, its name had to stay unique.
	descriptor_.reset();
	return error;
}

} // namespace scxr
