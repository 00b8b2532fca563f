// SPDX-License-Identifier: GPL-2.0-only
// Opening plugin files through the real dlopen path: a good plugin's entry is read, and every
// kind of broken plugin is refused with a message that says what is wrong and what to do.
#include "plugin/PluginInstance.hpp"
#include "plugin/PluginLibrary.hpp"
#include "base/RunnerError.hpp"

#include "LogCapture.hpp"
#include "TemporaryDirectory.hpp"
#include "TestPlugins.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <dlfcn.h>

using Catch::Matchers::ContainsSubstring;
using scxr::ExitCode;
using scxr::PluginLibrary;
using scxr::RunnerError;
using scxr::test::LogCapture;
using scxr::test::TestPlugins;

namespace {

// The error opening a plugin gives; fails the test if it opens.
RunnerError open_error(const std::filesystem::path &path, const std::string &id)
{
	try {
		PluginLibrary::open(path, id);
	} catch (const RunnerError &error) {
		return error;
	}
	FAIL("expected " << path << " to be refused");
	return RunnerError(ExitCode::ok, "");
}

bool is_loaded(const std::filesystem::path &path)
{
	void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
	if (!handle)
		return false;
	dlclose(handle);
	return true;
}

} // namespace

TEST_CASE("a good plugin's entry describes it", "[abi]")
{
	const auto plugin = PluginLibrary::open(TestPlugins::file("test_good"), "test_good");
	CHECK(plugin->id() == "test_good");
	CHECK(plugin->version() == "1.2.3");
	CHECK(plugin->description() == "a fake in-memory scheduler for the runner's tests");
	CHECK(plugin->path() == TestPlugins::file("test_good"));
	CHECK(plugin->entry().abi_major == SCXR_ABI_MAJOR);
	CHECK(plugin->abi_minor() == SCXR_ABI_MINOR);
	CHECK(plugin->schema().options().size() == 14);
	CHECK(plugin->schema().find("slice")->type == SCXR_OPT_DURATION);
	REQUIRE(plugin->requirements().size() == 1);
	CHECK(std::string(plugin->requirements()[0].name) == "sched_ext_ops");
	// The stats schema, published once in the entry.
	const auto &stats = plugin->stat_schema().stats();
	REQUIRE(stats.size() == 6);
	CHECK(stats[1].name == "nr_dispatched");
	CHECK(stats[1].kind == SCXR_STAT_COUNTER);
	CHECK(stats[1].type == SCXR_STAT_U64);
	CHECK(stats[1].unit == "tasks");
	CHECK(stats[1].group == "fake");
	CHECK(stats[3].type == SCXR_STAT_F64);
	CHECK(stats[4].type == SCXR_STAT_S64);
}

TEST_CASE("optional capabilities are found through the extension query", "[abi]")
{
	// test_good's private extension: a struct that starts with its size.
	struct Greeting {
		uint32_t struct_size;
		const char *greeting;
	};
	const auto plugin = PluginLibrary::open(TestPlugins::file("test_good"), "test_good");
	const auto *greeting =
		static_cast<const Greeting *>(plugin->extension("scx-runner-test.greeting/1", sizeof(Greeting)));
	REQUIRE(greeting != nullptr);
	CHECK(std::string(greeting->greeting) == "hello from test_good");
	CHECK(plugin->extension("scx-runner-test.greeting/2", sizeof(Greeting)) == nullptr);
	// A struct shorter than the first version the runner knows is not used.
	CHECK(plugin->extension("scx-runner-test.greeting/1", sizeof(Greeting) + 8) == nullptr);
	CHECK_THAT(LogCapture::text(), ContainsSubstring("shorter than its first version's"));
	// Plugins without the query (test_failing) and 1.0 plugins have none.
	CHECK(PluginLibrary::open(TestPlugins::file("test_failing"), "test_failing")
		      ->extension("scx-runner-test.greeting/1", 4) == nullptr);
	CHECK(PluginLibrary::open(TestPlugins::file("test_abi_1_0"), "test_abi_1_0")
		      ->extension("scx-runner-test.greeting/1", 4) == nullptr);
}

TEST_CASE("a stride smaller than its elements is refused", "[abi]")
{
	const RunnerError error = open_error(TestPlugins::file("test_bad_stride"), "test_bad_stride");
	CHECK(error.code() == ExitCode::plugin_abi);
	CHECK_THAT(error.what(), ContainsSubstring("plugin 'test_bad_stride' gives its options a stride of 8 bytes, less "
						   "than the " + std::to_string(sizeof(scxr_option_desc)) +
						   " bytes of one element"));
}

TEST_CASE("an invalid stats schema is refused, every mistake listed", "[abi]")
{
	const RunnerError error = open_error(TestPlugins::file("test_bad_stats"), "test_bad_stats");
	CHECK(error.code() == ExitCode::plugin_abi);
	CHECK(std::string(error.what()) == "plugin 'test_bad_stats' publishes an invalid stats schema");
	CHECK_THAT(error.details(), ContainsSubstring("stat 'nr_ok' is declared twice"));
	CHECK_THAT(error.details(), ContainsSubstring("stat 'Bad-Name': a name must be snake_case"));
	CHECK_THAT(error.details(), ContainsSubstring("stat 'Bad-Name' has unknown type 7"));
	CHECK_THAT(error.details(), ContainsSubstring("stat 'Bad-Name': its group 'Queue Stats' must be snake_case"));
}

TEST_CASE("a different major version is refused with a rebuild hint", "[abi]")
{
	const RunnerError error = open_error(TestPlugins::file("test_wrong_major"), "test_wrong_major");
	CHECK(error.code() == ExitCode::plugin_abi);
	CHECK(std::string(error.what()) == "plugin 'test_wrong_major' was built for ABI 2.0, this runner provides 1.1: "
					   "rebuild the plugin against this runner's headers");
	CHECK_THAT(error.details(), ContainsSubstring("the major versions differ"));
}

TEST_CASE("a newer minor version is refused: the runner may lack what it needs", "[abi]")
{
	const RunnerError error = open_error(TestPlugins::file("test_newer_minor"), "test_newer_minor");
	CHECK(error.code() == ExitCode::plugin_abi);
	CHECK(std::string(error.what()) == "plugin 'test_newer_minor' was built for ABI 1.2, this runner provides 1.1: "
					   "upgrade scx-runner, or rebuild the plugin against this runner's headers");
	CHECK_THAT(error.details(), ContainsSubstring("newer minor version"));
}

TEST_CASE("a file without the entry symbol is not a plugin", "[abi]")
{
	const RunnerError error = open_error(TestPlugins::file("test_no_entry"), "test_no_entry");
	CHECK(error.code() == ExitCode::plugin_abi);
	CHECK_THAT(error.what(), ContainsSubstring("is not an scx-runner plugin: it does not export 'scx_runner_plugin_entry'"));
}

TEST_CASE("a file that is not a shared object is not a plugin", "[abi]")
{
	const scxr::test::TemporaryDirectory directory;
	const auto path = directory.write("text.so", "this is not an ELF file\n");
	const RunnerError error = open_error(path, "text");
	CHECK(error.code() == ExitCode::plugin_abi);
	CHECK_THAT(error.what(), ContainsSubstring("cannot load plugin file " + path.string()));
}

TEST_CASE("the id must match the file name", "[abi]")
{
	const RunnerError error = open_error(TestPlugins::file("test_wrong_id"), "test_wrong_id");
	CHECK(error.code() == ExitCode::plugin_abi);
	CHECK_THAT(error.what(), ContainsSubstring("says its id is 'someone_else', but it was looked up as 'test_wrong_id'"));
	CHECK_THAT(error.details(), ContainsSubstring("rename it to someone_else.so"));
}

TEST_CASE("a truncated entry is refused", "[abi]")
{
	const RunnerError error = open_error(TestPlugins::file("test_truncated"), "test_truncated");
	CHECK(error.code() == ExitCode::plugin_abi);
	CHECK_THAT(error.what(), ContainsSubstring("truncated entry"));
	CHECK_THAT(error.what(), ContainsSubstring("ABI 1.1 needs at least " + std::to_string(PluginLibrary::kEntrySizeV1_1)));
}

TEST_CASE("an invalid option schema is refused with each mistake", "[abi]")
{
	const RunnerError error = open_error(TestPlugins::file("test_bad_schema"), "test_bad_schema");
	CHECK(error.code() == ExitCode::plugin_abi);
	CHECK_THAT(error.what(), ContainsSubstring("invalid option schema"));
	CHECK_THAT(error.details(), ContainsSubstring("enum option 'mode' has default \"c\", which is not one of its values"));
	CHECK_THAT(error.details(), ContainsSubstring("option 'mode' is declared twice"));
	CHECK_THAT(error.details(), ContainsSubstring("option 'Bad-Name': a name must be snake_case"));
	CHECK_THAT(error.details(), ContainsSubstring("option 'Bad-Name' has default 100 outside its range 1..10"));
}

TEST_CASE("the file stays loaded until its last instance is destroyed", "[abi]")
{
	const auto path = TestPlugins::file("test_good");
	REQUIRE_FALSE(is_loaded(path));
	auto plugin = PluginLibrary::open(path, "test_good");
	CHECK(is_loaded(path));
	auto instance = std::make_unique<scxr::PluginInstance>(plugin);
	plugin.reset();
	CHECK(is_loaded(path)); // the instance's code lives in the file
	instance.reset();
	CHECK_FALSE(is_loaded(path));
}
