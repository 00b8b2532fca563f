// SPDX-License-Identifier: GPL-2.0-only
// Finding plugins by id along the search path and listing all of them.
#include "plugin/PluginLoader.hpp"
#include "base/RunnerError.hpp"

#include "TemporaryDirectory.hpp"
#include "TestPlugins.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <sys/stat.h>

#include <algorithm>

using Catch::Matchers::ContainsSubstring;
using scxr::ExitCode;
using scxr::PluginLoader;
using scxr::RunnerError;
using scxr::test::TemporaryDirectory;
using scxr::test::TestPlugins;

TEST_CASE("the search path is flags, then the environment variable, then the installed directory", "[loader]")
{
	using Paths = std::vector<std::filesystem::path>;
	CHECK(PluginLoader::search_path({"/a", "/b"}, "/c::/d:", "/installed") == Paths{"/a", "/b", "/c", "/d", "/installed"});
	CHECK(PluginLoader::search_path({}, nullptr, "/installed") == Paths{"/installed"});
	CHECK(PluginLoader::search_path({}, "", "") == Paths{});
}

TEST_CASE("a plugin is found in the first directory that has it", "[loader]")
{
	const TemporaryDirectory first;
	const TemporaryDirectory empty;
	std::filesystem::copy_file(TestPlugins::file("test_good"), first.path() / "test_good.so");
	chmod((first.path() / "test_good.so").c_str(), 0755);
	const PluginLoader loader({empty.path(), "/nonexistent", first.path(), TestPlugins::directory()});
	CHECK(loader.find("test_good") == first.path() / "test_good.so");
	const auto plugin = loader.load("test_good");
	CHECK(plugin->path() == first.path() / "test_good.so");
}

TEST_CASE("a missing plugin names the directories searched and a near miss", "[loader]")
{
	const TemporaryDirectory empty;
	const PluginLoader loader({empty.path(), TestPlugins::directory()});
	try {
		loader.load("test_goood", "profile.toml:2:10");
		FAIL("test_goood does not exist");
	} catch (const RunnerError &error) {
		CHECK(error.code() == ExitCode::plugin_not_found);
		CHECK(std::string(error.what()) ==
		      "profile.toml:2:10: plugin 'test_goood' not found: no test_goood.so in the plugin search path");
		CHECK_THAT(error.details(), ContainsSubstring("  " + empty.path().string() + "\n"));
		CHECK_THAT(error.details(), ContainsSubstring("  " + TestPlugins::directory().string() + "\n"));
		CHECK_THAT(error.details(), ContainsSubstring("did you mean 'test_good'?"));
	}
}

TEST_CASE("an unsafe plugin file is refused before it is opened", "[loader]")
{
	const TemporaryDirectory directory;
	std::filesystem::copy_file(TestPlugins::file("test_good"), directory.path() / "test_good.so");
	chmod((directory.path() / "test_good.so").c_str(), 0777);
	try {
		PluginLoader({directory.path()}).load("test_good");
		FAIL("a world-writable plugin must be refused");
	} catch (const RunnerError &error) {
		CHECK(error.code() == ExitCode::unsafe_plugin_file);
	}
}

TEST_CASE("the listing has every loadable plugin and says why the others are not", "[loader]")
{
	const PluginLoader::Listing listing = PluginLoader({TestPlugins::directory()}).list();
	std::vector<std::string> ids;
	for (const auto &plugin : listing.plugins)
		ids.push_back(plugin->id());
	CHECK(ids == std::vector<std::string>{"test_abi_1_0", "test_create_fails", "test_create_throws", "test_failing",
						      "test_good", "test_rejected", "test_sched", "test_throwing",
						      "test_tree_host", "test_tree_leaf", "test_wide_elements"});
	REQUIRE(listing.problems.size() == 8);
	for (const auto &problem : listing.problems)
		CHECK(problem.code == ExitCode::plugin_abi);
	auto problem_for = [&](const std::string &file) {
		return std::find_if(listing.problems.begin(), listing.problems.end(),
				    [&](const auto &problem) { return problem.path.filename() == file; });
	};
	REQUIRE(problem_for("test_wrong_major.so") != listing.problems.end());
	CHECK_THAT(problem_for("test_wrong_major.so")->message, ContainsSubstring("ABI 2.0"));
	REQUIRE(problem_for("test_no_entry.so") != listing.problems.end());
}

TEST_CASE("an id in an earlier directory shadows the same id later", "[loader]")
{
	const TemporaryDirectory first;
	std::filesystem::copy_file(TestPlugins::file("test_good"), first.path() / "test_good.so");
	chmod((first.path() / "test_good.so").c_str(), 0755);
	const PluginLoader::Listing listing = PluginLoader({first.path(), TestPlugins::directory()}).list();
	const auto good = std::find_if(listing.plugins.begin(), listing.plugins.end(),
				       [](const auto &plugin) { return plugin->id() == "test_good"; });
	REQUIRE(good != listing.plugins.end());
	CHECK((*good)->path() == first.path() / "test_good.so");
	CHECK(std::count_if(listing.plugins.begin(), listing.plugins.end(),
			    [](const auto &plugin) { return plugin->id() == "test_good"; }) == 1);
}
