// SPDX-License-Identifier: GPL-2.0-only
#include "QmapArenaView.hpp"

#include <algorithm>
#include <cstdio>

namespace scxr::qmap_plugin {

namespace {

// BPF updates these fields concurrently; a relaxed atomic load returns a whole value.
template <typename T>
T load(const T &field)
{
	return __atomic_load_n(&field, __ATOMIC_RELAXED);
}

template <typename T>
uintptr_t load_address(T *const &field)
{
	return reinterpret_cast<uintptr_t>(__atomic_load_n(&field, __ATOMIC_RELAXED));
}

} // namespace

QmapArenaView::QmapArenaView(const qmap_arena *arena, uintptr_t arena_begin, size_t arena_size)
	: arena_(arena), arena_begin_(arena_begin), arena_end_(arena_begin + arena_size)
{
}

QmapCounters QmapArenaView::counters() const
{
	QmapCounters counters;
	if (!arena_)
		return counters;
	const qmap_arena &qa = *arena_;
	counters.enqueued = load(qa.nr_enqueued);
	counters.dispatched = load(qa.nr_dispatched);
	counters.reenqueued = load(qa.nr_reenqueued);
	counters.reenqueued_cpu0 = load(qa.nr_reenqueued_cpu0);
	counters.dequeued = load(qa.nr_dequeued);
	counters.enqueue_direct_dispatches = load(qa.nr_ddsp_from_enq);
	counters.core_sched_execed = load(qa.nr_core_sched_execed);
	counters.expedited_local = load(qa.nr_expedited_local);
	counters.expedited_remote = load(qa.nr_expedited_remote);
	counters.expedited_lost = load(qa.nr_expedited_lost);
	counters.expedited_from_timer = load(qa.nr_expedited_from_timer);
	counters.highpri_queued = load(qa.nr_highpri_queued);
	counters.task_ctxs_in_use = load(qa.nr_task_ctxs_in_use);
	counters.task_ctx_capacity = load(qa.max_tasks);
	counters.test_error_countdown = load(qa.test_error_cnt);
	counters.cpuperf_min = load(qa.cpuperf_min);
	counters.cpuperf_avg = load(qa.cpuperf_avg);
	counters.cpuperf_max = load(qa.cpuperf_max);
	counters.cpuperf_target_min = load(qa.cpuperf_target_min);
	counters.cpuperf_target_avg = load(qa.cpuperf_target_avg);
	counters.cpuperf_target_max = load(qa.cpuperf_target_max);
	for (unsigned fifo = 0; fifo < QMAP_NR_FIFOS; ++fifo)
		counters.fifo_queued[fifo] = load(qa.fifos[fifo].nr_queued);
	counters.children = load(qa.nr_sub_scheds);
	counters.children_attached = load(qa.nr_sub_attached);
	counters.children_refused = load(qa.nr_sub_refused);
	counters.child_grants_short = load(qa.nr_sub_grant_failed);
	for (unsigned slot = 0; slot < QMAP_MAX_SUB_SCHEDS; ++slot) {
		counters.child_cgroup_ids[slot] = load(qa.sub_sched_cgroup_ids[slot]);
		counters.child_dispatches[slot] = load(qa.sub_dispatched[slot]);
	}
	return counters;
}

const task_ctx *QmapArenaView::slab_entry(uintptr_t address) const
{
	const uintptr_t slab = load_address(arena_->task_ctxs);
	const uint64_t capacity = load(arena_->max_tasks);
	if (slab < arena_begin_ || slab >= arena_end_ || capacity == 0)
		return nullptr;
	// Compare in sizes, not end addresses, so that a corrupt capacity cannot overflow.
	const uint64_t slab_room = (arena_end_ - slab) / sizeof(task_ctx);
	const uint64_t entries = std::min<uint64_t>(capacity, slab_room);
	if (address < slab || (address - slab) % sizeof(task_ctx) != 0)
		return nullptr;
	if ((address - slab) / sizeof(task_ctx) >= entries)
		return nullptr;
	return reinterpret_cast<const task_ctx *>(address);
}

FifoWalk QmapArenaView::walk_fifo(unsigned fifo_index, size_t max_tasks) const
{
	FifoWalk walk;
	if (!arena_ || fifo_index >= QMAP_NR_FIFOS)
		return walk;

	uintptr_t next = load_address(arena_->fifos[fifo_index].head);
	while (next != 0) {
		if (walk.pids.size() >= max_tasks) {
			walk.truncated = true;
			break;
		}
		const task_ctx *entry = slab_entry(next);
		if (!entry) {
			walk.broken = true;
			break;
		}
		walk.pids.push_back(load(entry->pid));
		next = load_address(entry->fifo_next);
	}
	return walk;
}

std::string QmapArenaView::describe() const
{
	if (!arena_)
		return "qmap: the arena is not mapped (the scheduler is not loaded)\n";

	const QmapCounters counters = this->counters();
	std::string text;
	char line[160];

	for (unsigned fifo = 0; fifo < QMAP_NR_FIFOS; ++fifo) {
		const FifoWalk walk = walk_fifo(fifo, QMAP_DUMP_MAX_PER_FIFO);
		std::snprintf(line, sizeof(line), "QMAP FIFO[%u]:", fifo);
		text += line;
		for (int32_t pid : walk.pids)
			text += " " + std::to_string(pid);
		if (walk.truncated)
			text += " ...";
		if (walk.broken)
			text += " (list changed during the walk)";
		text += "\n";
	}

	std::snprintf(line, sizeof(line), "task contexts: %llu of %u in use\n",
		      static_cast<unsigned long long>(counters.task_ctxs_in_use), counters.task_ctx_capacity);
	text += line;

	const uint32_t nr_cpus = std::min<uint32_t>(load(arena_->nr_cpu_ids), QMAP_MAX_CPUS);
	for (uint32_t cpu = 0; cpu < nr_cpus; ++cpu) {
		const cpu_ctx &cpuc = arena_->cpu_ctxs[cpu];
		std::snprintf(line, sizeof(line),
			      "QMAP CPU[%u]: dsp_idx=%llu dsp_cnt=%llu avg_weight=%u cpuperf_target=%u\n", cpu,
			      static_cast<unsigned long long>(load(cpuc.dsp_idx)),
			      static_cast<unsigned long long>(load(cpuc.dsp_cnt)), load(cpuc.avg_weight),
			      load(cpuc.cpuperf_target));
		text += line;
	}

	std::string children;
	for (unsigned slot = 0; slot < QMAP_MAX_SUB_SCHEDS; ++slot) {
		const uint64_t cgroup_id = load(arena_->sub_sched_cgroup_ids[slot]);
		if (cgroup_id)
			children += " [" + std::to_string(slot) + "]=cgroup " + std::to_string(cgroup_id) +
				    " (weight " + std::to_string(load(arena_->sub_weights[slot])) + ", " +
				    std::to_string(load(arena_->sub_dispatched[slot])) + " dispatches)";
	}
	text += "sub-schedulers:" + (children.empty() ? std::string(" none") : children) + "\n";
	return text;
}

} // namespace scxr::qmap_plugin
