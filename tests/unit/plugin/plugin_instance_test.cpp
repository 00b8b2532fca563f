// SPDX-License-Identifier: GPL-2.0-only
// Driving plugin instances through the C ABI: the fake scheduler's lifecycle, stats, dump and
// exit report; errors and exceptions from plugins become RunnerErrors with the right codes.
#include "profile/OptionValidator.hpp"
#include "plugin/PluginInstance.hpp"
#include "plugin/PluginLibrary.hpp"
#include "profile/ProfileParser.hpp"
#include "base/RunnerError.hpp"

#include "LogCapture.hpp"
#include "TestPlugins.hpp"

#include <scx_runner/exit_event.h>

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <algorithm>
#include <cstdint>
#include <variant>

using Catch::Matchers::ContainsSubstring;
using scxr::ExitCode;
using scxr::OptionSettings;
using scxr::PluginInstance;
using scxr::PluginLibrary;
using scxr::RunnerError;
using scxr::test::LogCapture;
using scxr::test::TestPlugins;

namespace {

std::shared_ptr<const PluginLibrary> open(const std::string &id) { return PluginLibrary::open(TestPlugins::file(id), id); }

OptionSettings settings_for(const PluginLibrary &plugin, const std::string &options_table)
{
	const auto profile =
		scxr::ProfileParser().parse_string("plugin = \"" + plugin.id() + "\"\n[options]\n" + options_table, "t.toml");
	return scxr::OptionValidator(plugin.id(), plugin.schema()).validate(profile.root.options);
}

// The RunnerError a call throws; fails the test if it does not.
template <typename Call>
RunnerError error_from(Call &&call)
{
	try {
		call();
	} catch (const RunnerError &error) {
		return error;
	}
	FAIL("expected the call to fail");
	return RunnerError(ExitCode::ok, "");
}

// The value of stat name, which must be of type Value (std::get throws otherwise).
template <typename Value>
Value stat(const std::vector<scxr::StatSample> &samples, const std::string &name)
{
	for (const auto &sample : samples)
		if (sample.name == name)
			return std::get<Value>(sample.value);
	FAIL("no stat " << name);
	return Value{};
}

bool has_stat(const std::vector<scxr::StatSample> &samples, const std::string &name)
{
	return std::any_of(samples.begin(), samples.end(), [&](const auto &sample) { return sample.name == name; });
}

} // namespace

TEST_CASE("the fake scheduler goes through its whole lifecycle", "[instance]")
{
	const auto plugin = open("test_good");
	PluginInstance instance(plugin);
	instance.configure(settings_for(*plugin, "batch = 5\nlabel = \"unit\"\nexit_after_polls = 3\nexit_kind = 1024\n"));
	instance.load();
	CHECK_THAT(LogCapture::text(), ContainsSubstring("info: [test_good] loaded: mode=fifo slice_ns=20000000"));
	instance.attach();
	CHECK(instance.attached());

	auto first = instance.stats();
	auto second = instance.stats();
	CHECK(stat<uint64_t>(first, "nr_dispatched") == 5);
	CHECK(stat<uint64_t>(second, "nr_dispatched") == 10); // counters move on every reading
	CHECK(stat<double>(second, "load") == -4.5);          // ratio 0.5 + offset -5, the defaults
	CHECK(stat<int64_t>(second, "offset") == -5);
	CHECK(stat<uint64_t>(second, "polls_until_exit") == 3);
	CHECK(second[0].kind == SCXR_STAT_COUNTER);
	CHECK(second[3].kind == SCXR_STAT_GAUGE);
	CHECK(second[1].unit == "tasks");
	CHECK(second[1].group == "fake");
	CHECK(second[1].help == "batch per stats reading");
	CHECK_THAT(instance.dump(), ContainsSubstring("label=unit mode=fifo"));

	CHECK_FALSE(instance.poll().has_value());
	CHECK_FALSE(instance.poll().has_value());
	const auto exit = instance.poll();
	REQUIRE(exit.has_value());
	CHECK(exit->kind == 1024);
	CHECK(exit->is_error());
	CHECK_FALSE(exit->restart_requested());
	CHECK(exit->reason == "fake exit");
	CHECK(exit->message == "exited after 3 polls");
	CHECK(exit->dump == "fake debug dump\nlabel=unit\n");
	CHECK(exit->kind_name() == "error");

	instance.detach();
	CHECK_FALSE(instance.attached());
	CHECK_NOTHROW(instance.detach()); // detaching twice is harmless
}

TEST_CASE("two instances of one plugin keep separate state", "[instance]")
{
	const auto plugin = open("test_good");
	PluginInstance one(plugin);
	PluginInstance two(plugin);
	for (PluginInstance *instance : {&one, &two}) {
		instance->configure(settings_for(*plugin, ""));
		instance->load();
		instance->attach();
	}
	one.stats();
	one.stats();
	CHECK(stat<uint64_t>(one.stats(), "nr_dispatched") == 24);
	CHECK(stat<uint64_t>(two.stats(), "nr_dispatched") == 8);
}

TEST_CASE("stats come out as exact integers, signed where they can go below zero", "[instance][stats]")
{
	const auto plugin = open("test_good");
	PluginInstance instance(plugin);
	// Above 2^53, where a double holds only even numbers (TOML itself stops at 2^63 - 1).
	instance.configure(settings_for(*plugin, "dispatched_base = 9007199254740993\noffset = -900\n"));
	instance.load();
	const auto samples = instance.stats();
	CHECK(stat<uint64_t>(samples, "nr_dispatched") == 9007199254741001u);
	CHECK(stat<int64_t>(samples, "offset") == -900);
	CHECK(stat<double>(samples, "load") == -899.5);
	// Only present when exit_after_polls gives it a meaning.
	CHECK_FALSE(has_stat(samples, "polls_until_exit"));
	CHECK(samples.size() == 5);
}

TEST_CASE("array elements longer than the runner's are walked by their strides", "[instance][abi]")
{
	const auto plugin = open("test_wide_elements");
	CHECK(plugin->schema().names() == std::vector<std::string>{"first", "second"});
	CHECK(plugin->schema().find("first")->default_value.u == 1);
	CHECK(plugin->schema().find("second")->default_value.b);
	REQUIRE(plugin->requirements().size() == 2);
	CHECK(std::string(plugin->requirements()[1].name) == "scx_bpf_dsq_insert");
	REQUIRE(plugin->stat_schema().size() == 3);
	CHECK(plugin->stat_schema().stats()[1].name == "negative");
	CHECK(plugin->stat_schema().stats()[2].type == SCXR_STAT_F64);

	PluginInstance instance(plugin);
	instance.configure(settings_for(*plugin, ""));
	instance.load();
	const auto samples = instance.stats();
	REQUIRE(samples.size() == 2); // "absent" is marked so
	CHECK(stat<uint64_t>(samples, "big") == UINT64_MAX);
	CHECK(stat<int64_t>(samples, "negative") == -9007199254740993);
	CHECK(samples[0].group == "wide");
}

TEST_CASE("calls in the wrong state are internal errors with the plugin's message", "[instance]")
{
	const auto plugin = open("test_good");
	PluginInstance instance(plugin);
	const RunnerError error = error_from([&] { instance.load(); });
	CHECK(error.code() == ExitCode::internal);
	CHECK(std::string(error.what()) == "plugin 'test_good': load failed: load() is not allowed in state 'created'");
}

TEST_CASE("a plugin's error statuses map to the runner's exit codes", "[instance]")
{
	const auto plugin = open("test_failing");
	const std::pair<const char *, ExitCode> cases[] = {
		{"kernel_unsupported", ExitCode::kernel_feature_missing},
		{"verifier", ExitCode::verifier_rejected},
		{"attach", ExitCode::attach_refused},
		{"busy", ExitCode::scheduler_busy},
		{"permission", ExitCode::permission},
		{"no_memory", ExitCode::internal},
		{"internal", ExitCode::internal},
	};
	for (const auto &[status, code] : cases) {
		CAPTURE(status);
		PluginInstance instance(plugin);
		instance.configure(settings_for(*plugin, std::string("fail_in = \"attach\"\nstatus = \"") + status + "\"\n"));
		instance.load();
		const RunnerError error = error_from([&] { instance.attach(); });
		CHECK(error.code() == code);
		CHECK(std::string(error.what()) == "plugin 'test_failing': attach failed: fake failure in attach");
		CHECK_FALSE(instance.attached());
	}
}

TEST_CASE("a plugin rejecting its options in configure is a bad profile", "[instance]")
{
	const auto plugin = open("test_failing");
	PluginInstance instance(plugin);
	const RunnerError error = error_from([&] {
		instance.configure(settings_for(*plugin, "fail_in = \"configure\"\nstatus = \"invalid_argument\"\n"));
	});
	CHECK(error.code() == ExitCode::bad_profile);
	CHECK(PluginInstance::exit_code_for(SCXR_ERR_INVALID_ARGUMENT, "load") == ExitCode::internal);
}

TEST_CASE("exceptions thrown inside a plugin stop at the ABI and become internal errors", "[instance]")
{
	const auto plugin = open("test_throwing");
	const std::tuple<const char *, const char *, const char *> cases[] = {
		{"load", "runtime_error", "plugin 'test_throwing': load failed: load(): fake exception in load"},
		{"load", "bad_alloc", "plugin 'test_throwing': load failed: load(): out of memory"},
		{"load", "integer", "plugin 'test_throwing': load failed: load(): unknown exception"},
		{"configure", "runtime_error", "plugin 'test_throwing': configure failed: configure(): fake exception in configure"},
	};
	for (const auto &[call, what, message] : cases) {
		CAPTURE(call, what);
		PluginInstance instance(plugin);
		const RunnerError error = error_from([&] {
			instance.configure(settings_for(*plugin, std::string("throw_in = \"") + call + "\"\nthrow_what = \"" + what + "\"\n"));
			instance.load();
		});
		CHECK(error.code() == ExitCode::internal);
		CHECK(std::string(error.what()) == message);
	}
	PluginInstance instance(plugin);
	instance.configure(settings_for(*plugin, "throw_in = \"poll\"\n"));
	instance.load();
	instance.attach();
	CHECK_THAT(error_from([&] { instance.poll(); }).what(), ContainsSubstring("poll(): fake exception in poll"));
}

TEST_CASE("a plugin that cannot create an instance is refused", "[instance]")
{
	const auto plugin = open("test_create_fails");
	const RunnerError error = error_from([&] { PluginInstance instance(plugin); });
	CHECK(error.code() == ExitCode::internal);
	CHECK(std::string(error.what()) ==
	      "plugin 'test_create_fails' could not create a scheduler instance: internal error");
}

TEST_CASE("a 1.1 plugin says why create failed", "[instance]")
{
	// The SDK turns the exception of the scheduler's constructor into a failed instance that
	// carries the message; the runner reads it and destroys that instance.
	const auto plugin = open("test_create_throws");
	const RunnerError error = error_from([&] { PluginInstance instance(plugin); });
	CHECK(error.code() == ExitCode::permission);
	CHECK(std::string(error.what()) == "plugin 'test_create_throws' could not create a scheduler instance: fake "
					   "create failure: this scheduler cannot be created");
}

TEST_CASE("the exit-event extension: every SDK plugin answers it, a 1.0 plugin cannot", "[instance][abi]")
{
	const auto sdk_plugin = open("test_good");
	const auto *extension = static_cast<const scxr_exit_event_extension *>(
		sdk_plugin->extension(SCXR_EXIT_EVENT_EXTENSION, sizeof(scxr_exit_event_extension)));
	REQUIRE(extension != nullptr);
	CHECK(extension->struct_size == sizeof(scxr_exit_event_extension));
	CHECK(extension->exit_fd != nullptr);
	PluginInstance instance(sdk_plugin);
	// Before load the SDK answers -1 whatever the scheduler has; test_good has no descriptor
	// at all (its exits come from polls, which the session's timer drives), so -1 after too.
	CHECK(instance.exit_event_fd() == -1);
	instance.configure(settings_for(*sdk_plugin, ""));
	instance.load();
	instance.attach();
	CHECK(instance.exit_event_fd() == -1);

	const auto old_plugin = open("test_abi_1_0");
	CHECK(old_plugin->extension(SCXR_EXIT_EVENT_EXTENSION, sizeof(scxr_exit_event_extension)) == nullptr);
	PluginInstance old_instance(old_plugin);
	CHECK(old_instance.exit_event_fd() == -1);
}
