// SPDX-License-Identifier: GPL-2.0-only
// A plugin built against the ABI 1.0 header (tests/plugins/test_abi_1_0.c with the frozen
// tests/plugins/abi-1.0/ header) still works with this 1.1 runner: it loads, its options and
// requirements read right although its arrays carry no strides, and it creates, configures and
// reports stats, whose rows (names each call, double values) come out as they always did.
#include "output/StatsFormatter.hpp"
#include "plugin/PluginInstance.hpp"
#include "plugin/PluginLibrary.hpp"
#include "profile/OptionValidator.hpp"
#include "profile/ProfileParser.hpp"

#include "LogCapture.hpp"
#include "TestPlugins.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <variant>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::EndsWith;
using scxr::OptionSchema;
using scxr::PluginInstance;
using scxr::PluginLibrary;
using scxr::StatsFormatter;
using scxr::test::LogCapture;
using scxr::test::TestPlugins;

namespace {

std::shared_ptr<const PluginLibrary> open_v1_0() { return PluginLibrary::open(TestPlugins::file("test_abi_1_0"), "test_abi_1_0"); }

} // namespace

TEST_CASE("a 1.0 plugin loads and lists its options and requirements", "[abi][abi-1.0]")
{
	const auto plugin = open_v1_0();
	CHECK(plugin->entry().abi_major == 1);
	CHECK(plugin->abi_minor() == 0);
	CHECK(plugin->entry().struct_size == PluginLibrary::kEntrySizeV1_0);
	CHECK(plugin->version() == "1.0.7");
	CHECK(plugin->schema().names() == std::vector<std::string>{"batch", "verbose", "label", "mode"});
	const scxr_option_desc &batch = *plugin->schema().find("batch");
	CHECK(batch.type == SCXR_OPT_UINT);
	CHECK(OptionSchema::format_value(batch, batch.default_value) == "4");
	CHECK(OptionSchema::format_range(batch) == "1..1000");
	CHECK(std::string(batch.unit) == "tasks");
	CHECK(OptionSchema::enum_values(*plugin->schema().find("mode")) == std::vector<std::string>{"fifo", "weighted"});
	CHECK(OptionSchema::format_value(*plugin->schema().find("label"), plugin->schema().find("label")->default_value) ==
	      "\"old\"");
	REQUIRE(plugin->requirements().size() == 1);
	CHECK(std::string(plugin->requirements()[0].name) == "sched_ext_ops");
	CHECK(std::string(plugin->requirements()[0].since) == "6.12");
	// It publishes no stats schema: its stats are named at run time.
	CHECK(plugin->stat_schema().empty());
}

TEST_CASE("a 1.0 plugin creates, configures and reports its stats", "[abi][abi-1.0]")
{
	const auto plugin = open_v1_0();
	PluginInstance instance(plugin);
	const auto profile = scxr::ProfileParser().parse_string(
		"plugin = \"test_abi_1_0\"\n[options]\nbatch = 7\nverbose = true\nlabel = \"unit\"\n", "t.toml");
	instance.configure(scxr::OptionValidator(plugin->id(), plugin->schema()).validate(profile.root.options));
	// It logs through the 1.0 part of the host struct it copied.
	CHECK_THAT(LogCapture::text(), ContainsSubstring("info: [test_abi_1_0] test_abi_1_0 configured"));
	instance.load();
	instance.attach();
	CHECK_FALSE(instance.poll().has_value());

	const auto first = instance.stats();
	const auto second = instance.stats();
	REQUIRE(second.size() == 3);
	CHECK(std::get<double>(first[0].value) == 7);
	CHECK(std::get<double>(second[0].value) == 14); // the rows' values, converted as doubles
	CHECK(second[0].name == "nr_dispatched");
	CHECK(second[0].kind == SCXR_STAT_COUNTER);
	CHECK(second[0].unit == "tasks");
	CHECK(second[0].help == "batch per stats reading");
	CHECK(second[0].group.empty());
	CHECK(second[1].name == "nr_polls");
	CHECK(second[1].unit.empty()); // NULL in the row
	CHECK(std::get<double>(second[1].value) == 1);
	CHECK(second[2].kind == SCXR_STAT_GAUGE);

	// Its stats show in the one "stats" group a stats line has for stats without a group.
	scxr::StatsReading reading;
	reading.plugin_id = "test_abi_1_0";
	reading.samples = second;
	CHECK_THAT(StatsFormatter::text(reading),
		   EndsWith(" test_abi_1_0: totals\n  stats  nr_dispatched=14 nr_polls=1 share=0.25"));
	// Its schema is the one its rows describe.
	REQUIRE(instance.stat_schema().size() == 3);
	CHECK(instance.stat_schema().stats()[0].name == "nr_dispatched");
	CHECK(instance.dump() == "label=unit dispatched=14\n");
	instance.detach();
}
