// SPDX-License-Identifier: GPL-2.0-only
// The simple plugin's options land where plugins/simple/simple.bpf.c reads them: rodata, the struct_ops
// table and the size of the exit dump buffer. Opens the skeleton (no load: no root, no kernel).
#include "scx_runner/sdk/BpfTypes.hpp"

#include "scx_runner/exit_info.h"
#include "simple.h"
#include "simple.skel.h"

#include "SimpleOptions.hpp"
#include "SimpleScheduler.hpp"

#include "scx_runner/sdk/PluginError.hpp"
#include "scx_runner/sdk/StatValues.hpp"

#include "support/FakeKernelBtf.hpp"
#include "support/PluginSettings.hpp"

#include <catch2/catch_test_macros.hpp>

#include <bpf/libbpf.h>

#include <cstring>
#include <iterator>
#include <string>
#include <vector>

using scxr::simple_plugin::SimpleScheduler;
using scxr::test::FakeKernelBtf;
using scxr::test::PluginSettings;

namespace {

// BPF_F_LINK: the kernel's uapi has it since 6.4, Debian 12's headers (6.1) do not.
constexpr uint32_t kMapFlagLink = 1u << 13;

uint32_t dump_buffer_size(const ::simple *skeleton)
{
	return bpf_map__value_size(skeleton->maps.data_exit_dump);
}

} // namespace

TEST_CASE("simple publishes slice, mode and exit_dump_len with their defaults", "[simple][options]")
{
	const auto &options = scxr::simple_plugin::kOptions;
	REQUIRE(std::size(options) == 3);

	CHECK(std::strcmp(options[0].name, "slice") == 0);
	CHECK(options[0].type == SCXR_OPT_DURATION);
	CHECK(options[0].default_value.u == 20'000'000);
	CHECK(options[0].min.u == 100'000);
	CHECK(options[0].max.u == 1'000'000'000);

	CHECK(std::strcmp(options[1].name, "mode") == 0);
	CHECK(options[1].type == SCXR_OPT_ENUM);
	CHECK(std::strcmp(options[1].default_value.s, "vtime") == 0);
	REQUIRE(options[1].enum_values != nullptr);
	CHECK(std::strcmp(options[1].enum_values[0], "vtime") == 0);
	CHECK(std::strcmp(options[1].enum_values[1], "fifo") == 0);
	CHECK(options[1].enum_values[2] == nullptr);

	CHECK(std::strcmp(options[2].name, "exit_dump_len") == 0);
	CHECK(options[2].type == SCXR_OPT_UINT);
	CHECK(options[2].default_value.u == 32768);
	CHECK(std::strcmp(options[2].unit, "bytes") == 0);
}

TEST_CASE("simple writes its options into the opened skeleton", "[simple][options]")
{
	SimpleScheduler scheduler{PluginSettings::host()};
	REQUIRE(scheduler.skeleton() == nullptr);

	SECTION("defaults: 20 ms slices, vtime, a 32 KiB dump")
	{
		PluginSettings settings(scxr::simple_plugin::kOptions);
		scheduler.configure(settings.values());
		const ::simple *skeleton = scheduler.skeleton();
		REQUIRE(skeleton != nullptr);
		CHECK(skeleton->rodata->slice_ns == 20'000'000);
		CHECK_FALSE(skeleton->rodata->fifo_mode);
		CHECK(skeleton->rodata->exit_dump_len == 32768);
		CHECK(dump_buffer_size(skeleton) == 32768);
		CHECK(skeleton->struct_ops.simple_ops->exit_dump_len == 32768);
	}

	SECTION("profile values: 500 us slices, fifo, a 4 KiB dump")
	{
		PluginSettings settings(scxr::simple_plugin::kOptions);
		settings.set_uint("slice", 500'000)
			.set_text("mode", "fifo")
			.set_uint("exit_dump_len", 4096);
		scheduler.configure(settings.values());
		const ::simple *skeleton = scheduler.skeleton();
		REQUIRE(skeleton != nullptr);
		CHECK(skeleton->rodata->slice_ns == 500'000);
		CHECK(skeleton->rodata->fifo_mode);
		CHECK(skeleton->rodata->exit_dump_len == 4096);
		CHECK(dump_buffer_size(skeleton) == 4096);
		CHECK(skeleton->struct_ops.simple_ops->exit_dump_len == 4096);
	}

	SECTION("exit_dump_len 0 keeps a one-byte buffer, which the kernel would not read as 'default'")
	{
		PluginSettings settings(scxr::simple_plugin::kOptions);
		settings.set_uint("exit_dump_len", 0);
		scheduler.configure(settings.values());
		const ::simple *skeleton = scheduler.skeleton();
		REQUIRE(skeleton != nullptr);
		CHECK(skeleton->rodata->exit_dump_len == 1);
		CHECK(dump_buffer_size(skeleton) == 1);
		CHECK(skeleton->struct_ops.simple_ops->exit_dump_len == 1);
	}

	SECTION("the ops table is a link-based struct_ops map, so closing the link detaches")
	{
		PluginSettings settings(scxr::simple_plugin::kOptions);
		scheduler.configure(settings.values());
		const bpf_map *ops = scheduler.skeleton()->maps.simple_ops;
		CHECK(bpf_map__type(ops) == BPF_MAP_TYPE_STRUCT_OPS);
		CHECK((bpf_map__map_flags(ops) & kMapFlagLink) != 0);
	}
}

TEST_CASE("simple rejects a mode outside its enum", "[simple][options]")
{
	SimpleScheduler scheduler{PluginSettings::host()};
	PluginSettings settings(scxr::simple_plugin::kOptions);
	settings.set_text("mode", "round-robin");
	try {
		scheduler.configure(settings.values());
		FAIL("configure accepted mode 'round-robin'");
	} catch (const scxr::sdk::PluginError &error) {
		CHECK(error.status() == SCXR_ERR_INVALID_ARGUMENT);
		CHECK(std::string(error.what()).find("round-robin") != std::string::npos);
	}
	CHECK(scheduler.skeleton() == nullptr);
}

TEST_CASE("simple's stats and dump start from zero before load", "[simple][stats]")
{
	SimpleScheduler scheduler{PluginSettings::host()};
	PluginSettings settings(scxr::simple_plugin::kOptions);
	settings.set_text("mode", "fifo");
	scheduler.configure(settings.values());

	std::vector<scxr_stat_value> values(std::size(scxr::simple_plugin::kStats));
	scxr::sdk::StatValues stats(scxr::simple_plugin::kStats, values.data(), sizeof(scxr_stat_value));
	scheduler.stats(stats);
	for (const char *name : {"local_dispatches", "global_dispatches"}) {
		CAPTURE(name);
		REQUIRE(stats.find(name) != nullptr);
		CHECK(stats.find(name)->flags == 0); // set, not absent
		CHECK(stats.find(name)->number.u64 == 0);
	}
	CHECK(scxr::simple_plugin::kStats[0].kind == SCXR_STAT_COUNTER);
	CHECK(scxr::simple_plugin::kStats[0].type == SCXR_STAT_U64);

	const std::string dump = scheduler.dump();
	CHECK(dump.find("mode: fifo\n") != std::string::npos);
	CHECK(dump.find("slice_ns: 20000000\n") != std::string::npos);
	CHECK(dump.find("local_dispatches: 0\n") != std::string::npos);
	CHECK(dump.find("attached: no\n") != std::string::npos);
}

TEST_CASE("simple's attach finds the skeleton's struct_ops map", "[simple][attach]")
{
	// Only the kernel step can fail here: without load() the map has no fd, so libbpf refuses
	// to attach it, and that surfaces as an attach error naming the scheduler (not a crash, and
	// not "no struct_ops map").
	SimpleScheduler scheduler{PluginSettings::host()};
	PluginSettings settings(scxr::simple_plugin::kOptions);
	scheduler.configure(settings.values());
	try {
		scheduler.attach();
		FAIL("attach() of an unloaded skeleton succeeded");
	} catch (const scxr::sdk::PluginError &error) {
		CHECK(error.status() == SCXR_ERR_ATTACH);
		CHECK(std::string(error.what()).find("the kernel refused to enable simple") != std::string::npos);
	}
}

TEST_CASE("simple loads the cid form only as a child, and only on Linux 7.3", "[simple][tree]")
{
	SimpleScheduler scheduler{PluginSettings::host()};
	PluginSettings settings(scxr::simple_plugin::kOptions);
	scheduler.configure(settings.values());
	const ::simple *skeleton = scheduler.skeleton();

	SECTION("the root keeps the classic form, without the arena")
	{
		scheduler.choose_form(*FakeKernelBtf::linux_7_3().load());
		CHECK(bpf_map__autocreate(skeleton->maps.simple_ops));
		CHECK_FALSE(bpf_map__autocreate(skeleton->maps.simple_cid_ops));
		CHECK_FALSE(bpf_map__autocreate(skeleton->maps.arena));
	}

	SECTION("a child on 7.3: the cid form with its cgroup, and the arena the kernel wants")
	{
		scheduler.place({.depth = 1, .cgroup_id = 77, .cgroup_path = "/sys/fs/cgroup/b", .children = 0});
		scheduler.choose_form(*FakeKernelBtf::linux_7_3().load());
		CHECK_FALSE(bpf_map__autocreate(skeleton->maps.simple_ops));
		CHECK(bpf_map__autocreate(skeleton->maps.simple_cid_ops));
		CHECK(bpf_map__autocreate(skeleton->maps.arena));
		CHECK(skeleton->struct_ops.simple_cid_ops->sub_cgroup_id == 77);
		CHECK(skeleton->struct_ops.simple_cid_ops->exit_dump_len == skeleton->struct_ops.simple_ops->exit_dump_len);
		CHECK(scheduler.dump().find("child scheduler of cgroup /sys/fs/cgroup/b") != std::string::npos);
	}

	SECTION("a child on 7.2 is refused, naming 7.3 and the cgroup")
	{
		scheduler.place({.depth = 1, .cgroup_id = 77, .cgroup_path = "/sys/fs/cgroup/b", .children = 0});
		try {
			scheduler.choose_form(*FakeKernelBtf::linux_7_2().load());
			FAIL("a child was accepted on 7.2");
		} catch (const scxr::sdk::PluginError &error) {
			CHECK(error.status() == SCXR_ERR_KERNEL_UNSUPPORTED);
			CHECK(std::string(error.what()).find("needs Linux 7.3") != std::string::npos);
			CHECK(std::string(error.what()).find("/sys/fs/cgroup/b") != std::string::npos);
		}
	}
}
