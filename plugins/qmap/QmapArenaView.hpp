// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// Reads qmap's arena from userspace while the BPF side keeps changing it: a snapshot of the
// counters, and walks of the five FIFOs. Nothing here makes a syscall; the arena is an ordinary
// mapping of this process.
//
// The BPF side stores arena pointers as user addresses of this process, so the plugin follows
// them directly. It never follows one blindly: every task_ctx pointer must land on an entry of
// the slab (inside the arena, at an entry boundary) and every walk is bounded, because a FIFO
// may be relinked between two loads.

#include "scx_runner/sdk/BpfTypes.hpp"

#include "qmap.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace scxr::qmap_plugin {

// One consistent-enough copy of the arena's counters (each field read atomically, the set not).
struct QmapCounters {
	uint64_t enqueued = 0;
	uint64_t dispatched = 0;
	uint64_t reenqueued = 0;
	uint64_t reenqueued_cpu0 = 0;
	uint64_t dequeued = 0;
	uint64_t enqueue_direct_dispatches = 0;
	uint64_t core_sched_execed = 0;
	uint64_t expedited_local = 0;
	uint64_t expedited_remote = 0;
	uint64_t expedited_lost = 0;
	uint64_t expedited_from_timer = 0;
	uint64_t highpri_queued = 0;
	uint64_t task_ctxs_in_use = 0;
	uint32_t task_ctx_capacity = 0;
	uint32_t test_error_countdown = 0;
	uint32_t cpuperf_min = 0;
	uint32_t cpuperf_avg = 0;
	uint32_t cpuperf_max = 0;
	uint32_t cpuperf_target_min = 0;
	uint32_t cpuperf_target_avg = 0;
	uint32_t cpuperf_target_max = 0;
	std::array<uint32_t, QMAP_NR_FIFOS> fifo_queued{};
	// Children (the cid form): how many are attached now, accepted and refused since attach,
	// grants the kernel cut short, and per slot the child's cgroup and its dispatches.
	uint32_t children = 0;
	uint64_t children_attached = 0;
	uint64_t children_refused = 0;
	uint64_t child_grants_short = 0;
	std::array<uint64_t, QMAP_MAX_SUB_SCHEDS> child_cgroup_ids{};
	std::array<uint64_t, QMAP_MAX_SUB_SCHEDS> child_dispatches{};
};

// The pids found on one FIFO, head first.
struct FifoWalk {
	std::vector<int32_t> pids;
	bool truncated = false; // stopped at the bound with more entries left
	bool broken = false;    // met a pointer that is not a slab entry: the list changed meanwhile
};

class QmapArenaView {
public:
	// arena: where struct qmap_arena is mapped; [arena_begin, arena_begin + arena_size) is the
	// whole arena mapping, which every pointer found inside must fall in. Both [instance] of
	// the skeleton that maps them (or a test's buffer).
	QmapArenaView(const qmap_arena *arena, uintptr_t arena_begin, size_t arena_size);

	QmapCounters counters() const;

	// At most max_tasks entries of FIFO fifo_index (0..QMAP_NR_FIFOS-1).
	FifoWalk walk_fifo(unsigned fifo_index, size_t max_tasks) const;

	// The live state as text: one "QMAP FIFO[i]: pid ..." line per FIFO (the format of the
	// BPF-side dump), slab usage, per-CPU dispatch state and attached sub-schedulers.
	std::string describe() const;

private:
	// The slab entry at address, or nullptr if address is not exactly one.
	const task_ctx *slab_entry(uintptr_t address) const;

	const qmap_arena *arena_;
	uintptr_t arena_begin_;
	uintptr_t arena_end_;
};

} // namespace scxr::qmap_plugin
