// SPDX-License-Identifier: GPL-2.0-only
#include "scx_runner/sdk/ArenaPlacement.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

namespace scxr::sdk {

namespace {

constexpr uintptr_t kArenaAlignment = uintptr_t{1} << 32;
// BPF_MAP_TYPE_ARENA (uapi since Linux 6.9): older system headers, as Debian 12's, lack the name.
constexpr int kMapTypeArena = 33;

void unmap(uintptr_t begin, uintptr_t end)
{
	if (end > begin)
		::munmap(reinterpret_cast<void *>(begin), end - begin);
}

} // namespace

int ArenaPlacement::reserve(bpf_object *object)
{
	const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
	bpf_map *map = nullptr;
	bpf_object__for_each_map(map, object) {
		if (static_cast<int>(bpf_map__type(map)) != kMapTypeArena || !bpf_map__autocreate(map))
			continue;
		Window window;
		window.arena_size = static_cast<size_t>(bpf_map__max_entries(map)) * page;
		// Twice the alignment: an aligned start with the whole arena after it always fits.
		window.reservation_size = 2 * kArenaAlignment;
		void *reserved = ::mmap(nullptr, window.reservation_size, PROT_NONE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (reserved == MAP_FAILED)
			return -errno;
		window.reservation = reinterpret_cast<uintptr_t>(reserved);
		window.arena = (window.reservation + kArenaAlignment - 1) & ~(kArenaAlignment - 1);
		windows_.push_back(window);
		if (const int error = bpf_map__set_map_extra(map, window.arena); error)
			return error;
	}
	return 0;
}

void ArenaPlacement::release(bool loaded)
{
	for (const Window &window : windows_) {
		const uintptr_t end = window.reservation + window.reservation_size;
		unmap(window.reservation, window.arena);
		unmap(window.arena + window.arena_size, end);
		// After a failed load nothing uses the arena's part either (libbpf's own unmap of
		// it, at close, then finds nothing there).
		if (!loaded)
			unmap(window.arena, window.arena + window.arena_size);
	}
	windows_.clear();
}

} // namespace scxr::sdk
