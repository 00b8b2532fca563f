// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <bpf/libbpf.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace scxr::sdk {

// Gives every BPF arena of one object a user address of its own before the load.
//
// A BPF arena is mapped into the loading process at its map_extra address, and an object
// compiled with a fixed one (SCXR_ARENA_MAP_EXTRA) would put every instance's arena at the
// same place. A runner that runs a tree holds several instances at once (the root and its
// children, a swap's new and old scheduler), in one process: libbpf's MAP_FIXED mapping of
// the second arena would replace the first one's, and the first instance would read the
// second's memory, then fault once it goes. So each arena gets a 4 GiB-aligned window (the
// kernel wants an arena inside one 4 GiB range) that the kernel chose free: reserved here,
// PROT_NONE, before the load, replaced by libbpf's mapping during it, and trimmed after it.
// No state is shared between plugins: the address space itself says what is taken.
class ArenaPlacement {
public:
	// Reserves a window for every arena map that will be created and sets its map_extra.
	// Returns 0 or a negative errno.
	int reserve(bpf_object *object);
	// After the load, whether it worked or not: gives back what the arenas do not use.
	void release(bool loaded);

private:
	struct Window {
		uintptr_t reservation = 0;
		size_t reservation_size = 0;
		uintptr_t arena = 0;
		size_t arena_size = 0;
	};
	std::vector<Window> windows_;
};

} // namespace scxr::sdk
