// SPDX-License-Identifier: GPL-2.0-only
// Opening plugin files through the real dlopen path: a good plugin's entry is read, and every
// kind of broken plugin is refused with a message that says what is wrong and what to do.
#include "plugin/PluginInstance.hpp"
#include "plugin/PluginLibrary.hpp"
#include "base/RunnerError.hpp"

#include "TemporaryDirectory.hpp"
#include "TestPlugins.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <dlfcn.h>

using Catch::Matchers::ContainsSubstring;
using scxr::ExitCode;
using scxr::PluginLibrary;
using scxr::RunnerError;
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
	CHECK(plugin->schema().options().size() == 13);
	CHECK(plugin->schema().find("slice")->type == SCXR_OPT_DURATION);
	REQUIRE(plugin->requirements().size() == 1);
	CHECK(std::string(plugin->requirements()[0].name) == "sched_ext_ops");
}

TEST_CASE("a different major version is refused with a rebuild hint", "[abi]")
{
	const RunnerError error = open_error(TestPlugins::file("test_wrong_major"), "test_wrong_major");
	CHECK(error.code() == ExitCode::plugin_abi);
	CHECK(std::string(error.what()) == "plugin 'test_wrong_major' was built for ABI 2.0, this runner provides 1.0: "
					   "rebuild the plugin against this runner's headers");
	CHECK_THAT(error.details(), ContainsSubstring("the major versions differ"));
}

TEST_CASE("a newer minor version is refused: the runner may lack what it needs", "[abi]")
{
	const RunnerError error = open_error(TestPlugins::file("test_newer_minor"), "test_newer_minor");
	CHECK(error.code() == ExitCode::plugin_abi);
	CHECK(std::string(error.what()) == "plugin 'test_newer_minor' was built for ABI 1.1, this runner provides 1.0: "
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
	CHECK_THAT(error.what(), ContainsSubstring(std::to_string(PluginLibrary::kEntrySizeV1_0)));
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
