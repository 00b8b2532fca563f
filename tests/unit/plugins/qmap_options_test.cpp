// SPDX-License-Identifier: GPL-2.0-only
// The qmap plugin's options land where plugins/qmap/qmap.bpf.c reads them: rodata, the struct_ops table
// and the size of the exit dump buffer. Opens the skeleton (no load: no root, no kernel).
#include "scx_runner/sdk/BpfTypes.hpp"

#include "qmap.h"
#include "scx_runner/exit_info.h"
#include "qmap.skel.h"

#include "QmapOptions.hpp"
#include "QmapScheduler.hpp"
#include "QmapStats.hpp"

#include "scx_runner/sdk/PluginError.hpp"
#include "scx_runner/sdk/StatValues.hpp"

#include "support/FakeKernelBtf.hpp"
#include "support/PluginSettings.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <bpf/libbpf.h>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iterator>
#include <set>
#include <string>
#include <vector>

using scxr::qmap_plugin::QmapScheduler;
using scxr::test::FakeKernelBtf;
using scxr::test::PluginSettings;

namespace {

// BPF_MAP_TYPE_ARENA: the kernel's uapi has it since 6.9, Debian 12's headers (6.1) do not.
constexpr int kMapTypeArena = 33;

const scxr_option_desc &find_option(const char *name)
{
	for (const scxr_option_desc &desc : scxr::qmap_plugin::kOptions)
		if (std::strcmp(desc.name, name) == 0)
			return desc;
	FAIL("qmap has no option " << name);
	return scxr::qmap_plugin::kOptions[0];
}

} // namespace

TEST_CASE("qmap publishes one option per flag of the kernel's qmap loader", "[qmap][options]")
{
	std::set<std::string> names;
	for (const scxr_option_desc &desc : scxr::qmap_plugin::kOptions) {
		CHECK(names.insert(desc.name).second);
		REQUIRE(desc.help != nullptr);
		CHECK(std::strlen(desc.help) > 10);
	}
	// -s -e -t -T -l -b -N -P -M -H -c -d -D -S -p -I -F (-v and -h are the runner's business).
	const std::set<std::string> expected = {
		"slice",          "error_after_enqueues", "stall_user_nth",        "stall_kernel_nth",
		"dispatch_loop_after", "dispatch_batch", "max_tasks",             "print_dsqs_and_events",
		"print_messages", "highpri_boosting",     "disallow_tgid",
		"exit_dump_len",  "suppress_dump",        "switch_partial",        "always_enq_immed",
		"immed_stress_nth",
	};
	CHECK(names == expected);

	const scxr_option_desc &slice = find_option("slice");
	CHECK(slice.type == SCXR_OPT_DURATION);
	CHECK(slice.default_value.u == 20'000'000);

	const scxr_option_desc &max_tasks = find_option("max_tasks");
	CHECK(max_tasks.type == SCXR_OPT_UINT);
	CHECK(max_tasks.default_value.u == 16384);
	CHECK(max_tasks.min.u == 1);
	CHECK(std::strcmp(max_tasks.unit, "tasks") == 0);
	// The largest slab must fit the arena beside struct qmap_arena (4 KiB pages at least).
	CHECK(max_tasks.max.u * sizeof(task_ctx) + sizeof(qmap_arena) <
	      static_cast<uint64_t>(QMAP_ARENA_MAX_PAGES) * 4096);

	const scxr_option_desc &tgid = find_option("disallow_tgid");
	CHECK(tgid.type == SCXR_OPT_INT);
	CHECK(tgid.min.i == -1);
	CHECK(tgid.default_value.i == 0);
}

TEST_CASE("qmap writes every option into the opened skeleton", "[qmap][options]")
{
	QmapScheduler scheduler{PluginSettings::host()};
	REQUIRE(scheduler.skeleton() == nullptr);

	SECTION("defaults: the kernel loader's own defaults")
	{
		PluginSettings settings(scxr::qmap_plugin::kOptions);
		scheduler.configure(settings.values());
		const ::qmap *skeleton = scheduler.skeleton();
		REQUIRE(skeleton != nullptr);
		const auto &rodata = *skeleton->rodata;
		CHECK(rodata.slice_ns == 20'000'000);
		CHECK(rodata.dsp_batch == 1);
		CHECK(rodata.max_tasks == 16384);
		CHECK(rodata.test_error_after == 0);
		CHECK(rodata.stall_user_nth == 0);
		CHECK(rodata.stall_kernel_nth == 0);
		CHECK(rodata.dsp_inf_loop_after == 0);
		CHECK(rodata.immed_stress_nth == 0);
		CHECK(rodata.disallow_tgid == 0);
		CHECK_FALSE(rodata.is_child);
		CHECK_FALSE(rodata.highpri_boosting);
		CHECK_FALSE(rodata.print_dsqs_and_events);
		CHECK_FALSE(rodata.print_msgs);
		CHECK_FALSE(rodata.suppress_dump);
		CHECK_FALSE(rodata.always_enq_immed);
		CHECK(rodata.exit_dump_len == 32768);

		const auto &ops = *skeleton->struct_ops.qmap_ops;
		CHECK(ops.flags == 0);
		CHECK(ops.exit_dump_len == 32768);
		CHECK(ops.timeout_ms == 5000);
		CHECK(bpf_map__value_size(skeleton->maps.data_exit_dump) == 32768);
		// The classic form hosts nothing: since 7.2 the kernel refuses sub_attach there.
		CHECK(ops.sub_attach == nullptr);
		CHECK(ops.sub_detach == nullptr);

		// The cid form gets the same table values, and hosts children.
		const auto &cid_ops = *skeleton->struct_ops.qmap_cid_ops;
		// A child may ask for TID_TO_TASK only below a root that has it (the kernel's qmap does).
		CHECK(cid_ops.flags == QMAP_OPS_TID_TO_TASK);
		CHECK(cid_ops.sub_cgroup_id == 0);
		CHECK(cid_ops.exit_dump_len == 32768);
		CHECK(cid_ops.timeout_ms == 5000);
		CHECK(cid_ops.sub_attach != nullptr);
		CHECK(cid_ops.sub_detach != nullptr);
		CHECK(cid_ops.sub_caps_updated != nullptr);
		CHECK(cid_ops.update_idle != nullptr);
	}

	SECTION("every option set away from its default")
	{
		PluginSettings settings(scxr::qmap_plugin::kOptions);
		settings.set_uint("slice", 3'000'000)
			.set_uint("dispatch_batch", 8)
			.set_uint("max_tasks", 64)
			.set_bool("highpri_boosting", true)
			.set_int("disallow_tgid", 4242)
			.set_bool("switch_partial", true)
			.set_bool("always_enq_immed", true)
			.set_uint("exit_dump_len", 4096)
			.set_bool("suppress_dump", true)
			.set_bool("print_dsqs_and_events", true)
			.set_bool("print_messages", true)
			.set_uint("error_after_enqueues", 500)
			.set_uint("stall_user_nth", 7)
			.set_uint("stall_kernel_nth", 11)
			.set_uint("dispatch_loop_after", 1000)
			.set_uint("immed_stress_nth", 5);
		scheduler.configure(settings.values());
		const ::qmap *skeleton = scheduler.skeleton();
		REQUIRE(skeleton != nullptr);
		const auto &rodata = *skeleton->rodata;
		CHECK(rodata.slice_ns == 3'000'000);
		CHECK(rodata.dsp_batch == 8);
		CHECK(rodata.max_tasks == 64);
		CHECK(rodata.highpri_boosting);
		CHECK(rodata.disallow_tgid == 4242);
		CHECK(rodata.always_enq_immed);
		CHECK(rodata.exit_dump_len == 4096);
		CHECK(rodata.suppress_dump);
		CHECK(rodata.print_dsqs_and_events);
		CHECK(rodata.print_msgs);
		CHECK(rodata.test_error_after == 500);
		CHECK(rodata.stall_user_nth == 7);
		CHECK(rodata.stall_kernel_nth == 11);
		CHECK(rodata.dsp_inf_loop_after == 1000);
		CHECK(rodata.immed_stress_nth == 5);

		const auto &ops = *skeleton->struct_ops.qmap_ops;
		CHECK(ops.flags == (QMAP_OPS_SWITCH_PARTIAL | QMAP_OPS_ALWAYS_ENQ_IMMED));
		CHECK(ops.exit_dump_len == 4096);
		const auto &cid_ops = *skeleton->struct_ops.qmap_cid_ops;
		CHECK(cid_ops.flags == (QMAP_OPS_SWITCH_PARTIAL | QMAP_OPS_ALWAYS_ENQ_IMMED | QMAP_OPS_TID_TO_TASK));
		CHECK(cid_ops.exit_dump_len == 4096);
		CHECK(bpf_map__value_size(skeleton->maps.data_exit_dump) == 4096);
	}

	SECTION("disallow_tgid -1 names the runner's own process")
	{
		PluginSettings settings(scxr::qmap_plugin::kOptions);
		settings.set_int("disallow_tgid", -1);
		scheduler.configure(settings.values());
		CHECK(scheduler.skeleton()->rodata->disallow_tgid == getpid());
	}

	SECTION("exit_dump_len 0 keeps a one-byte buffer, which the kernel would not read as 'default'")
	{
		PluginSettings settings(scxr::qmap_plugin::kOptions);
		settings.set_uint("exit_dump_len", 0);
		scheduler.configure(settings.values());
		const ::qmap *skeleton = scheduler.skeleton();
		CHECK(skeleton->rodata->exit_dump_len == 1);
		CHECK(bpf_map__value_size(skeleton->maps.data_exit_dump) == 1);
		CHECK(skeleton->struct_ops.qmap_ops->exit_dump_len == 1);
		CHECK(skeleton->struct_ops.qmap_cid_ops->exit_dump_len == 1);
	}
}

TEST_CASE("qmap picks the form of the ops by the kernel and its place in a tree", "[qmap][tree]")
{
	QmapScheduler scheduler{PluginSettings::host()};
	PluginSettings settings(scxr::qmap_plugin::kOptions);
	scheduler.configure(settings.values());
	const ::qmap *skeleton = scheduler.skeleton();

	SECTION("Linux 7.3: the cid form, also for an unplaced root, which hosts children")
	{
		scheduler.adapt_to_kernel(*FakeKernelBtf::linux_7_3().load());
		CHECK(scheduler.uses_cid_form());
		CHECK(bpf_map__autocreate(skeleton->maps.qmap_cid_ops));
		CHECK_FALSE(bpf_map__autocreate(skeleton->maps.qmap_ops));
		CHECK(skeleton->struct_ops.qmap_cid_ops->sub_cgroup_id == 0);
		CHECK_FALSE(skeleton->rodata->is_child);
	}

	SECTION("Linux 7.3, placed as a child: its cgroup goes into the cid table")
	{
		scheduler.place({.depth = 1, .cgroup_id = 4242, .cgroup_path = "/sys/fs/cgroup/a", .children = 0});
		scheduler.adapt_to_kernel(*FakeKernelBtf::linux_7_3().load());
		CHECK(scheduler.uses_cid_form());
		CHECK(skeleton->struct_ops.qmap_cid_ops->sub_cgroup_id == 4242);
		CHECK(skeleton->rodata->is_child);
		CHECK(scheduler.dump().find("child of the scheduler above /sys/fs/cgroup/a") != std::string::npos);
	}

	SECTION("Linux 7.2, a single scheduler: the classic form")
	{
		scheduler.adapt_to_kernel(*FakeKernelBtf::linux_7_2().load());
		CHECK_FALSE(scheduler.uses_cid_form());
		CHECK(bpf_map__autocreate(skeleton->maps.qmap_ops));
		CHECK_FALSE(bpf_map__autocreate(skeleton->maps.qmap_cid_ops));
	}

	SECTION("Linux 7.2 refuses a place in a tree, as a child or as a host, naming 7.3")
	{
		const bool as_child = GENERATE(true, false);
		if (as_child)
			scheduler.place({.depth = 2, .cgroup_id = 99, .cgroup_path = "/sys/fs/cgroup/a/b", .children = 0});
		else
			scheduler.place({.depth = 0, .cgroup_id = 0, .cgroup_path = "", .children = 3});
		try {
			scheduler.adapt_to_kernel(*FakeKernelBtf::linux_7_2().load());
			FAIL("a tree was accepted on 7.2");
		} catch (const scxr::sdk::PluginError &error) {
			const std::string message = error.what();
			CHECK(error.status() == SCXR_ERR_KERNEL_UNSUPPORTED);
			CHECK(message.find("needs Linux 7.3") != std::string::npos);
			CHECK(message.find(as_child ? "/sys/fs/cgroup/a/b" : "host of child schedulers") != std::string::npos);
		}
	}
}

TEST_CASE("qmap's children show in its stats, per slot, in the cid form", "[qmap][tree]")
{
	// The stats of the cid form before load: the children group is present (zero), the
	// per-slot groups absent until a child takes the slot.
	QmapScheduler scheduler{PluginSettings::host()};
	PluginSettings settings(scxr::qmap_plugin::kOptions);
	scheduler.configure(settings.values());
	scheduler.adapt_to_kernel(*FakeKernelBtf::linux_7_3().load());
	std::vector<scxr_stat_value> values(std::size(scxr::qmap_plugin::kStats));
	scxr::sdk::StatValues stats(scxr::qmap_plugin::kStats, values.data(), sizeof(scxr_stat_value));
	scheduler.stats(stats);
	CHECK(stats.find("children")->flags == 0u);
	CHECK(stats.find("children_refused")->flags == 0u);
	CHECK(stats.find("child0_dispatches")->flags == SCXR_STAT_ABSENT);
	CHECK(stats.find("child7_cgroup")->flags == SCXR_STAT_ABSENT);
}

TEST_CASE("qmap's BPF object holds its state in one mmapable arena", "[qmap][options]")
{
	QmapScheduler scheduler{PluginSettings::host()};
	PluginSettings settings(scxr::qmap_plugin::kOptions);
	scheduler.configure(settings.values());
	const ::qmap *skeleton = scheduler.skeleton();

	const bpf_map *arena = skeleton->maps.arena;
	CHECK(bpf_map__type(arena) == kMapTypeArena);
	CHECK((bpf_map__map_flags(arena) & BPF_F_MMAPABLE) != 0);
	CHECK(bpf_map__max_entries(arena) == QMAP_ARENA_MAX_PAGES);
	CHECK(bpf_map__map_extra(arena) == (1ull << 44));

	const bpf_map *ops = skeleton->maps.qmap_ops;
	CHECK(bpf_map__type(ops) == BPF_MAP_TYPE_STRUCT_OPS);

	// Before load nothing is mapped: stats read as zeros instead of touching the arena.
	std::vector<scxr_stat_value> values(std::size(scxr::qmap_plugin::kStats));
	scxr::sdk::StatValues stats(scxr::qmap_plugin::kStats, values.data(), sizeof(scxr_stat_value));
	scheduler.stats(stats);
	CHECK(std::string(scxr::qmap_plugin::kStats[0].name) == "enqueued");
	for (const scxr_stat_desc &stat : scxr::qmap_plugin::kStats) {
		CAPTURE(stat.name);
		const std::string name = stat.name;
		// Absent: the test knob is off, and before load the kernel's cpuperf support is unknown.
		// The children's stats exist in the cid form only, which load() chooses.
		const bool absent = name == "error_countdown" || name.starts_with("cpuperf_") ||
				    name.starts_with("child");
		CHECK(stats.find(name)->flags == (absent ? SCXR_STAT_ABSENT : 0u));
		CHECK(stats.find(name)->number.u64 == 0);
	}
	CHECK(scheduler.dump().find("not loaded") != std::string::npos);
}
