// SPDX-License-Identifier: GPL-2.0-only
#include "plugin/FreshLibrary.hpp"

#include "base/RunnerError.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <tuple>

namespace scxr {

namespace {

constexpr int kMaxLoadAttempts = 16;

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

// The files (as they were when loaded) of every live FreshLibrary, so that a second load of
// an unchanged file is not reported as a file rewritten in place.
class LiveLoads {
public:
	static LiveLoads &instance()
	{
		static LiveLoads loads;
		return loads;
	}
	void add(const PluginFileIdentity &identity)
	{
		std::lock_guard lock(mutex_);
		identities_.insert(key(identity));
	}
	void remove(const PluginFileIdentity &identity)
	{
		std::lock_guard lock(mutex_);
		const auto found = identities_.find(key(identity));
		if (found != identities_.end())
			identities_.erase(found);
	}
	bool holds(const PluginFileIdentity &identity)
	{
		std::lock_guard lock(mutex_);
		return identities_.contains(key(identity));
	}

private:
	using Key = std::tuple<dev_t, ino_t, off_t, int64_t, int64_t>;
	static Key key(const PluginFileIdentity &identity)
	{
		return {identity.device, identity.inode, identity.size, identity.modified_ns, identity.status_changed_ns};
	}

	std::mutex mutex_;
	std::multiset<Key> identities_;
};

} // namespace

FreshLibrary FreshLibrary::open(const std::filesystem::path &path, int flags)
{
	FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!file)
		throw load_failure(path, std::strerror(errno));
	return open(std::move(file), path, flags);
}

FreshLibrary FreshLibrary::open(FileDescriptor file, const std::filesystem::path &path, int flags)
{
	const PluginFileIdentity identity = PluginFileIdentity::of_descriptor(file.get());

	// glibc answers "already loaded" for a name it knows (an object's name, or an alias it
	// added when the object was opened under another name) or for an inode it has mapped.
	// RTLD_NOLOAD asks that question without loading. A taken name is left behind by an
	// object that is still loaded under a descriptor number since reused: try another
	// number. A second hit under a new number means the inode itself is loaded (the file was
	// rewritten in place): load a private copy, which has an inode of its own.
	FileDescriptor current = std::move(file);
	bool private_copy = false;
	int hits_in_a_row = 0;
	for (int attempt = 0; attempt < kMaxLoadAttempts; ++attempt) {
		const std::string name = descriptor_name(current.get());
		if (void *loaded = dlopen(name.c_str(), RTLD_LAZY | RTLD_NOLOAD)) {
			dlclose(loaded);
			if (++hits_in_a_row >= 2 && !private_copy) {
				if (LiveLoads::instance().holds(identity))
					spdlog::debug("plugin file {} is loaded already and unchanged; loading a "
						      "private copy so this instance gets its own image",
						      path.string());
				else
					spdlog::warn("plugin file {} was rewritten in place while an older version "
						     "of it is loaded; loading a private copy (install plugin files "
						     "by rename, e.g. with install(1): rewriting a loaded file in "
						     "place corrupts the running code)",
						     path.string());
				current = copy_to_memfd(path, current.get(), identity.size);
				private_copy = true;
				hits_in_a_row = 0;
				continue;
			}
			FileDescriptor renumbered(::fcntl(current.get(), F_DUPFD_CLOEXEC, current.get() + 1));
			if (!renumbered)
				throw load_failure(path, fmt::format("cannot duplicate its descriptor: {}", std::strerror(errno)));
			current = std::move(renumbered);
			continue;
		}
		void *handle = dlopen(name.c_str(), flags);
		if (!handle)
			throw load_failure(path, last_dl_error());
		if (name_of(handle) != name) {
			// Not expected after the probe missed; never return an old object as fresh.
			dlclose(handle);
			continue;
		}
		return FreshLibrary(handle, std::move(current), path, identity, name, private_copy);
	}
	throw load_failure(path, "glibc keeps returning an already loaded object for it");
}

FreshLibrary::FreshLibrary(void *handle, FileDescriptor descriptor, std::filesystem::path path,
			   PluginFileIdentity identity, std::string loaded_name, bool private_copy)
	: handle_(handle), descriptor_(std::move(descriptor)), path_(std::move(path)), identity_(identity),
	  loaded_name_(std::move(loaded_name)), private_copy_(private_copy)
{
	LiveLoads::instance().add(identity_);
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
	if (!handle_)
		return error;
	LiveLoads::instance().remove(identity_);
	if (dlclose(std::exchange(handle_, nullptr)) != 0)
		error = last_dl_error();
	// Only now: while the library was loaded, its name had to stay unique.
	descriptor_.reset();
	return error;
}

} // namespace scxr
