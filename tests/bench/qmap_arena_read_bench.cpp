// SPDX-License-Identifier: GPL-2.0-only
// What one read of qmap's arena costs the runner's process. The plugin reads stats and the live
// dump with plain loads from the arena mapping (QmapArenaView), so the cost is CPU time and heap
// allocations in userspace, not syscalls. A fake arena in ordinary memory stands in for the
// mapping: struct qmap_arena from plugins/qmap/qmap.h followed by a task_ctx slab, with tasks queued on
// the FIFOs and per-CPU contexts filled in as the BPF side would. Prints figures; asserts
// nothing about time.
#include "AllocationCounter.hpp"
#include "BenchTable.hpp"
#include "Timing.hpp"

#include "QmapArenaView.hpp"

#include <cstdio>
#include <memory>
#include <string>

namespace {

using scxr::bench::BenchTable;
using scxr::qmap_plugin::QmapArenaView;

constexpr unsigned kSlabEntries = 16384; // max_tasks' default

// The arena as bpf_arena_alloc_pages would lay it out: the global first, then the slab.
struct FakeArena {
	qmap_arena qa;
	task_ctx slab[kSlabEntries];
};

struct Scenario {
	const char *name;
	unsigned cpus;
	unsigned tasks_per_fifo;
};

// An arena with cpus per-CPU contexts and tasks_per_fifo tasks on each of the five FIFOs,
// linked the way fifo_push_tail() in qmap.bpf.c links them.
std::unique_ptr<FakeArena> make_arena(const Scenario &scenario)
{
	auto arena = std::make_unique<FakeArena>();
	qmap_arena &qa = arena->qa;
	qa.task_ctxs = &arena->slab[0];
	qa.max_tasks = kSlabEntries;
	qa.nr_cpu_ids = scenario.cpus;
	qa.nr_enqueued = 123'456'789;
	qa.nr_dispatched = 123'456'000;
	for (unsigned cpu = 0; cpu < scenario.cpus; ++cpu)
		qa.cpu_ctxs[cpu] = cpu_ctx{.dsp_idx = cpu % QMAP_NR_FIFOS, .dsp_cnt = 3, .avg_weight = 100 + cpu,
					   .cpuperf_target = 1024, .serving_since = 0, .serving = 0, .pad = 0};
	unsigned next_entry = 0;
	for (unsigned fifo = 0; fifo < QMAP_NR_FIFOS; ++fifo) {
		qmap_fifo &list = qa.fifos[fifo];
		list.idx = static_cast<int32_t>(fifo);
		task_ctx *previous = nullptr;
		for (unsigned task = 0; task < scenario.tasks_per_fifo; ++task) {
			task_ctx *entry = &arena->slab[next_entry++];
			entry->pid = static_cast<int32_t>(1000 + next_entry);
			entry->fifo = &list;
			entry->fifo_prev = previous;
			if (previous)
				previous->fifo_next = entry;
			else
				list.head = entry;
			previous = entry;
			list.nr_queued++;
		}
		list.tail = previous;
	}
	qa.nr_task_ctxs_in_use = next_entry;
	return arena;
}

} // namespace

int main()
{
	const Scenario scenarios[] = {
		{"idle, 2 CPUs", 2, 0},
		{"2 CPUs, 20 tasks queued", 2, 4},
		{"64 CPUs, 500 tasks queued", 64, 100},
		{"1024 CPUs, 5000 tasks queued", 1024, 1000},
	};

	BenchTable table({"arena", "read", "ns/read", "reads/s", "allocs/read", "bytes/read", "text bytes"});
	for (const Scenario &scenario : scenarios) {
		const auto arena = make_arena(scenario);
		const QmapArenaView view(&arena->qa, reinterpret_cast<uintptr_t>(arena.get()), sizeof(FakeArena));

		const scxr::bench::Timing stats = scxr::bench::time_calls([&] { scxr::bench::keep(view.counters()); });
		scxr::bench::AllocationCounter stats_counter;
		scxr::bench::keep(view.counters());
		const auto stats_allocated = stats_counter.since_start();
		table.add_row({scenario.name, "stats (counters)", BenchTable::decimal(stats.nanoseconds_per_call, 1),
			       BenchTable::count(static_cast<unsigned long long>(stats.calls_per_second())),
			       BenchTable::count(stats_allocated.allocations), BenchTable::count(stats_allocated.bytes), "-"});

		const scxr::bench::Timing dump = scxr::bench::time_calls([&] { scxr::bench::keep(view.describe()); });
		scxr::bench::AllocationCounter dump_counter;
		const std::string text = view.describe();
		const auto dump_allocated = dump_counter.since_start();
		table.add_row({scenario.name, "dump (describe)", BenchTable::count(static_cast<unsigned long long>(dump.nanoseconds_per_call)),
			       BenchTable::count(static_cast<unsigned long long>(dump.calls_per_second())),
			       BenchTable::count(dump_allocated.allocations), BenchTable::count(dump_allocated.bytes),
			       BenchTable::count(text.size())});
	}
	table.print("qmap arena reads from userspace (QmapArenaView over a fake arena in memory)");
	return 0;
}
