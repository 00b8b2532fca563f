// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// The qmap plugin's stats schema, as constant data shared by the entry (which publishes it) and
// the unit tests (which read values through it). QmapScheduler::stats() sets the values, all
// read from the arena. Groups keep to a few stats each, so each fits one short line: what enters
// and leaves the FIFOs, what is dispatched, boosting, the FIFOs one by one, the task context
// slab, the test knobs, the CPU performance levels and the children this node hosts.

#include "scx_runner/sdk/Stats.hpp"

#include <scx_runner/plugin_abi.h>

namespace scxr::qmap_plugin {

inline constexpr scxr_stat_desc kStats[] = {
	sdk::stat::counter("queue", "enqueued", "tasks", "tasks queued on the five FIFOs"),
	sdk::stat::signed_gauge("queue", "enqueued_minus_dispatched", "tasks",
				"FIFO entries not dispatched (yet): dequeued or still waiting"),
	sdk::stat::counter("queue", "reenqueued", "tasks", "enqueues the kernel repeated, e.g. after a higher class took the CPU"),
	sdk::stat::counter("queue", "reenqueued_cpu0", "tasks", "of those, tasks that were on CPU 0"),
	sdk::stat::counter("queue", "dequeued", "tasks", "tasks the kernel took back from the scheduler"),
	sdk::stat::counter("queue", "core_sched_execed", "tasks", "dequeues because core scheduling ran the task on a sibling"),

	sdk::stat::counter("dispatch", "dispatched", "tasks", "tasks moved from the FIFOs to the shared queue"),
	sdk::stat::counter("dispatch", "enqueue_direct_dispatches", "tasks", "tasks sent from enqueue straight to an idle CPU"),

	sdk::stat::gauge("expedite", "highpri_queued", "tasks", "boosted tasks waiting on the FIFOs"),
	sdk::stat::counter("expedite", "expedited_local", "tasks", "boosted tasks moved to the dispatching CPU"),
	sdk::stat::counter("expedite", "expedited_remote", "tasks", "boosted tasks moved to another CPU"),
	sdk::stat::counter("expedite", "expedited_from_timer", "tasks", "boosted tasks moved by the once-a-second timer"),
	sdk::stat::counter("expedite", "expedited_lost", "tasks", "boosted tasks that left the queue before they could be moved"),

	sdk::stat::gauge("fifo", "fifo0_queued", "tasks", "tasks waiting on FIFO 0 (the lightest tasks)"),
	sdk::stat::gauge("fifo", "fifo1_queued", "tasks", "tasks waiting on FIFO 1"),
	sdk::stat::gauge("fifo", "fifo2_queued", "tasks", "tasks waiting on FIFO 2"),
	sdk::stat::gauge("fifo", "fifo3_queued", "tasks", "tasks waiting on FIFO 3"),
	sdk::stat::gauge("fifo", "fifo4_queued", "tasks", "tasks waiting on FIFO 4 (the heaviest tasks, served most)"),

	sdk::stat::gauge("slab", "task_ctxs_in_use", "tasks", "task contexts taken from the slab"),
	sdk::stat::gauge("slab", "task_ctx_capacity", "tasks", "size of the task context slab (max_tasks)"),

	// Present only while error_after_enqueues is set.
	sdk::stat::gauge("test", "error_countdown", "enqueues", "enqueues left before the test error (error_after_enqueues)"),

	// Present only where the kernel has scx_bpf_cpuperf_cur: without it zeros would look real.
	sdk::stat::gauge("cpuperf", "cpuperf_cur_min", "1/1024", "lowest current CPU performance level"),
	sdk::stat::gauge("cpuperf", "cpuperf_cur_avg", "1/1024", "capacity-weighted average current performance level"),
	sdk::stat::gauge("cpuperf", "cpuperf_cur_max", "1/1024", "highest current CPU performance level"),
	sdk::stat::gauge("cpuperf", "cpuperf_target_min", "1/1024", "lowest performance target qmap set"),
	sdk::stat::gauge("cpuperf", "cpuperf_target_avg", "1/1024", "average performance target qmap set"),
	sdk::stat::gauge("cpuperf", "cpuperf_target_max", "1/1024", "highest performance target qmap set"),

	// Present only in the cid form (Linux 7.3), where qmap hosts children: one group for the
	// node, one per occupied slot (QMAP_MAX_SUB_SCHEDS of them).
	sdk::stat::gauge("children", "children", "schedulers", "child schedulers attached below this node now"),
	sdk::stat::counter("children", "children_attached", "schedulers", "children accepted since qmap attached"),
	sdk::stat::counter("children", "children_refused", "schedulers", "children refused because all 8 slots were taken"),
	sdk::stat::counter("children", "child_grants_short", "grants", "grants the kernel cut short: this node lacked caps on some cids"),
	sdk::stat::gauge("child0", "child0_cgroup", "id", "cgroup id of the child in slot 0"),
	sdk::stat::counter("child0", "child0_dispatches", "dispatches", "times the child in slot 0 dispatched when offered a CPU"),
	sdk::stat::gauge("child1", "child1_cgroup", "id", "cgroup id of the child in slot 1"),
	sdk::stat::counter("child1", "child1_dispatches", "dispatches", "times the child in slot 1 dispatched when offered a CPU"),
	sdk::stat::gauge("child2", "child2_cgroup", "id", "cgroup id of the child in slot 2"),
	sdk::stat::counter("child2", "child2_dispatches", "dispatches", "times the child in slot 2 dispatched when offered a CPU"),
	sdk::stat::gauge("child3", "child3_cgroup", "id", "cgroup id of the child in slot 3"),
	sdk::stat::counter("child3", "child3_dispatches", "dispatches", "times the child in slot 3 dispatched when offered a CPU"),
	sdk::stat::gauge("child4", "child4_cgroup", "id", "cgroup id of the child in slot 4"),
	sdk::stat::counter("child4", "child4_dispatches", "dispatches", "times the child in slot 4 dispatched when offered a CPU"),
	sdk::stat::gauge("child5", "child5_cgroup", "id", "cgroup id of the child in slot 5"),
	sdk::stat::counter("child5", "child5_dispatches", "dispatches", "times the child in slot 5 dispatched when offered a CPU"),
	sdk::stat::gauge("child6", "child6_cgroup", "id", "cgroup id of the child in slot 6"),
	sdk::stat::counter("child6", "child6_dispatches", "dispatches", "times the child in slot 6 dispatched when offered a CPU"),
	sdk::stat::gauge("child7", "child7_cgroup", "id", "cgroup id of the child in slot 7"),
	sdk::stat::counter("child7", "child7_dispatches", "dispatches", "times the child in slot 7 dispatched when offered a CPU"),
};

} // namespace scxr::qmap_plugin
