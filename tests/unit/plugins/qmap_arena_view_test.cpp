// SPDX-License-Identifier: GPL-2.0-only
// The plugin reads qmap's arena while BPF rewrites it, following pointers the BPF side stored.
// These tests build a synthetic arena in ordinary memory (the layout of plugins/qmap/qmap.h, with user
// addresses as the BPF side stores them) and check that counters are read, FIFOs are walked in
// order, and a walk stops at a cycle or at a pointer that is not a slab entry.
#include "QmapArenaView.hpp"

#include <catch2/catch_test_macros.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

using scxr::qmap_plugin::FifoWalk;
using scxr::qmap_plugin::QmapArenaView;

namespace {

constexpr unsigned kSlabEntries = 8;

// What the arena holds: struct qmap_arena, then (as bpf_arena_alloc_pages would place it) the
// task_ctx slab.
struct FakeArena {
	qmap_arena qa;
	task_ctx slab[kSlabEntries];
};

class ArenaFixture {
public:
	ArenaFixture() : arena_(std::make_unique<FakeArena>())
	{
		*arena_ = FakeArena{};
		arena_->qa.task_ctxs = &arena_->slab[0];
		arena_->qa.max_tasks = kSlabEntries;
		for (unsigned index = 0; index < kSlabEntries; ++index)
			arena_->slab[index].pid = static_cast<int32_t>(100 + index);
	}

	// Links the given slab entries into FIFO fifo, head first, as fifo_push_tail() would.
	void queue(unsigned fifo, const std::vector<unsigned> &entries)
	{
		qmap_fifo &list = arena_->qa.fifos[fifo];
		list.idx = static_cast<int32_t>(fifo);
		task_ctx *previous = nullptr;
		for (unsigned index : entries) {
			task_ctx *entry = &arena_->slab[index];
			entry->fifo = &list;
			entry->fifo_prev = previous;
			entry->fifo_next = nullptr;
			if (previous)
				previous->fifo_next = entry;
			else
				list.head = entry;
			previous = entry;
			list.nr_queued++;
		}
		list.tail = previous;
	}

	FakeArena &arena() { return *arena_; }

	QmapArenaView view() const
	{
		return QmapArenaView(&arena_->qa, reinterpret_cast<uintptr_t>(arena_.get()), sizeof(FakeArena));
	}

private:
	std::unique_ptr<FakeArena> arena_;
};

} // namespace

TEST_CASE("the arena view reads the counters the BPF side keeps", "[qmap][arena]")
{
	ArenaFixture fixture;
	qmap_arena &qa = fixture.arena().qa;
	qa.nr_enqueued = 1000;
	qa.nr_dispatched = 990;
	qa.nr_expedited_local = 7;
	qa.nr_expedited_remote = 3;
	qa.nr_expedited_from_timer = 2;
	qa.nr_expedited_lost = 1;
	qa.nr_task_ctxs_in_use = 5;
	qa.test_error_cnt = 12;
	qa.cpuperf_target_max = 1024;
	fixture.queue(3, {1, 2});

	const auto counters = fixture.view().counters();
	CHECK(counters.enqueued == 1000);
	CHECK(counters.dispatched == 990);
	CHECK(counters.expedited_local == 7);
	CHECK(counters.expedited_remote == 3);
	CHECK(counters.expedited_from_timer == 2);
	CHECK(counters.expedited_lost == 1);
	CHECK(counters.task_ctxs_in_use == 5);
	CHECK(counters.task_ctx_capacity == kSlabEntries);
	CHECK(counters.test_error_countdown == 12);
	CHECK(counters.cpuperf_target_max == 1024);
	CHECK(counters.fifo_queued[3] == 2);
	CHECK(counters.fifo_queued[0] == 0);
}

TEST_CASE("the arena view walks a FIFO head first", "[qmap][arena]")
{
	ArenaFixture fixture;
	fixture.queue(2, {3, 5, 1});

	const FifoWalk walk = fixture.view().walk_fifo(2, 100);
	CHECK(walk.pids == std::vector<int32_t>{103, 105, 101});
	CHECK_FALSE(walk.truncated);
	CHECK_FALSE(walk.broken);

	CHECK(fixture.view().walk_fifo(0, 100).pids.empty());
	// An index past the five FIFOs reads nothing rather than memory after them.
	CHECK(fixture.view().walk_fifo(QMAP_NR_FIFOS, 100).pids.empty());
}

TEST_CASE("a FIFO walk is bounded and checks every pointer", "[qmap][arena]")
{
	ArenaFixture fixture;
	fixture.queue(4, {0, 1, 2});
	FakeArena &arena = fixture.arena();

	SECTION("a cycle (the list relinked mid-walk) stops at the bound")
	{
		arena.slab[2].fifo_next = &arena.slab[0];
		const FifoWalk walk = fixture.view().walk_fifo(4, 10);
		CHECK(walk.pids.size() == 10);
		CHECK(walk.truncated);
		CHECK_FALSE(walk.broken);
	}

	SECTION("a pointer outside the arena is not followed")
	{
		task_ctx outside{};
		outside.pid = 999;
		arena.slab[1].fifo_next = &outside;
		const FifoWalk walk = fixture.view().walk_fifo(4, 10);
		CHECK(walk.pids == std::vector<int32_t>{100, 101});
		CHECK(walk.broken);
	}

	SECTION("a pointer into the middle of an entry is not followed")
	{
		auto *misaligned = reinterpret_cast<task_ctx *>(reinterpret_cast<char *>(&arena.slab[2]) + 8);
		arena.slab[0].fifo_next = misaligned;
		const FifoWalk walk = fixture.view().walk_fifo(4, 10);
		CHECK(walk.pids == std::vector<int32_t>{100});
		CHECK(walk.broken);
	}

	SECTION("an entry past max_tasks is not a slab entry")
	{
		arena.qa.max_tasks = 2;
		const FifoWalk walk = fixture.view().walk_fifo(4, 10);
		CHECK(walk.pids == std::vector<int32_t>{100, 101});
		CHECK(walk.broken);
	}
}

TEST_CASE("the live dump uses the BPF dump's FIFO lines and adds CPU and slab state", "[qmap][arena]")
{
	ArenaFixture fixture;
	FakeArena &arena = fixture.arena();
	fixture.queue(1, {6});
	fixture.queue(2, {3, 4});
	arena.qa.nr_cpu_ids = 2;
	arena.qa.nr_task_ctxs_in_use = 3;
	arena.qa.cpu_ctxs[1].dsp_idx = 4;
	arena.qa.cpu_ctxs[1].dsp_cnt = 9;
	arena.qa.cpu_ctxs[1].avg_weight = 100;
	arena.qa.cpu_ctxs[1].cpuperf_target = 512;
	arena.qa.sub_sched_cgroup_ids[0] = 77;
	arena.qa.sub_dispatched[0] = 5;
	arena.qa.sub_weights[0] = 300;

	const std::string text = fixture.view().describe();
	CHECK(text.find("QMAP FIFO[0]:\n") != std::string::npos);
	CHECK(text.find("QMAP FIFO[1]: 106\n") != std::string::npos);
	CHECK(text.find("QMAP FIFO[2]: 103 104\n") != std::string::npos);
	CHECK(text.find("QMAP FIFO[4]:\n") != std::string::npos);
	CHECK(text.find("task contexts: 3 of 8 in use\n") != std::string::npos);
	CHECK(text.find("QMAP CPU[0]: dsp_idx=0 dsp_cnt=0") != std::string::npos);
	CHECK(text.find("QMAP CPU[1]: dsp_idx=4 dsp_cnt=9 avg_weight=100 cpuperf_target=512\n") !=
	      std::string::npos);
	CHECK(text.find("QMAP CPU[2]") == std::string::npos);
	CHECK(text.find("sub-schedulers: [0]=cgroup 77 (weight 300, 5 dispatches)\n") != std::string::npos);
}

TEST_CASE("an arena view without an arena says so", "[qmap][arena]")
{
	const QmapArenaView view(nullptr, 0, 0);
	CHECK(view.counters().enqueued == 0);
	CHECK(view.walk_fifo(0, 10).pids.empty());
	CHECK(view.describe().find("not mapped") != std::string::npos);
}
