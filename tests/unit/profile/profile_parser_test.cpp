// SPDX-License-Identifier: GPL-2.0-only
// Profiles are read and their plugin-independent parts checked; each class of mistake gives a
// message with file:line:column, what was expected and how to fix it. The fixtures are real
// files under tests/fixtures/profiles (line 1 of each is its SPDX comment).
#include "profile/ProfileError.hpp"
#include "profile/ProfileParser.hpp"

#include "TestPlugins.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using scxr::Profile;
using scxr::ProfileDiagnostic;
using scxr::ProfileError;
using scxr::ProfileParser;
using scxr::test::TestPlugins;

namespace {

// The diagnostics parsing a fixture produces; fails the test if it parses.
std::vector<ProfileDiagnostic> diagnostics_of(const std::string &fixture)
{
	try {
		ProfileParser().parse_file(TestPlugins::profile(fixture).string());
	} catch (const ProfileError &error) {
		CHECK(error.code() == scxr::ExitCode::bad_profile);
		return error.diagnostics();
	}
	FAIL("expected " << fixture << " to be rejected");
	return {};
}

const std::string kFixtures = TestPlugins::profile("").string();

} // namespace

TEST_CASE("a full profile is read with its plugin, options and runner settings", "[profile]")
{
	const std::string path = TestPlugins::profile("good.toml").string();
	const Profile profile = ProfileParser().parse_file(path);
	CHECK(profile.path == path);
	CHECK(profile.root.plugin_id == "test_good");
	CHECK(profile.root.plugin_position.line == 3);
	CHECK(profile.root.plugin_position.column == 10);
	REQUIRE(profile.root.options.size() == 8);
	CHECK(profile.root.options[0].name == "verbose");
	CHECK(std::get<bool>(profile.root.options[0].value.data()) == true);
	CHECK(profile.root.options[1].name == "offset");
	CHECK(std::get<int64_t>(profile.root.options[1].value.data()) == -3);
	CHECK(std::get<double>(profile.root.options[3].value.data()) == 0.25);
	CHECK(profile.root.options[6].name == "slice");
	CHECK(std::get<std::string>(profile.root.options[6].value.data()) == "1.5ms");
	CHECK(profile.root.options[6].key_position.line == 12);
	CHECK(profile.root.options[6].value.position().column == 9);
	REQUIRE(profile.runner.stats_interval.has_value());
	CHECK(profile.runner.stats_interval->nanoseconds() == 250'000'000);
	CHECK(profile.runner.stats_format == scxr::StatsFormat::json);
}

TEST_CASE("a profile may name only its plugin", "[profile]")
{
	const Profile profile = ProfileParser().parse_file(TestPlugins::profile("minimal.toml").string());
	CHECK(profile.root.plugin_id == "test_good");
	CHECK(profile.root.options.empty());
	CHECK_FALSE(profile.runner.stats_interval.has_value());
	CHECK(profile.runner.effective_stats_interval().nanoseconds() == 1'000'000'000);
	CHECK(profile.runner.effective_stats_format() == scxr::StatsFormat::text);
}

TEST_CASE("TOML syntax errors cite the position", "[profile]")
{
	const auto found = diagnostics_of("syntax_error.toml");
	REQUIRE(found.size() == 1);
	CHECK(found[0].position.line == 3);
	CHECK_THAT(found[0].headline(), StartsWith(kFixtures + "syntax_error.toml:3:"));
	CHECK_THAT(found[0].message, StartsWith("TOML syntax error: "));
	CHECK_THAT(found[0].hint, ContainsSubstring("toml.io"));
}

TEST_CASE("unknown top-level keys are errors with a suggestion, and the plugin is required", "[profile]")
{
	const auto found = diagnostics_of("unknown_top_level.toml");
	REQUIRE(found.size() == 2);
	CHECK(found[0].headline() == kFixtures + "unknown_top_level.toml:2:1: unknown key 'plugn' in the top level of a profile");
	CHECK(found[0].hint == "did you mean 'plugin'?");
	CHECK_THAT(found[1].message, ContainsSubstring("does not say which plugin to run"));
	CHECK_THAT(found[1].hint, ContainsSubstring("plugin = \""));
}

TEST_CASE("a missing plugin key is reported", "[profile]")
{
	const auto found = diagnostics_of("missing_plugin.toml");
	REQUIRE(found.size() == 1);
	CHECK_THAT(found[0].message, ContainsSubstring("does not say which plugin"));
}

TEST_CASE("the plugin must be a string and an id, not a path", "[profile]")
{
	auto found = diagnostics_of("plugin_not_string.toml");
	REQUIRE(found.size() == 1);
	CHECK(found[0].headline() == kFixtures + "plugin_not_string.toml:2:10: 'plugin' must be a string (a plugin id), not an integer");
	found = diagnostics_of("plugin_path.toml");
	REQUIRE(found.size() == 1);
	CHECK_THAT(found[0].message, ContainsSubstring("'../../tmp/evil' is not a valid plugin id"));
	CHECK_THAT(found[0].hint, ContainsSubstring("--plugin-dir"));
	CHECK(ProfileParser::is_valid_plugin_id("qmap"));
	CHECK(ProfileParser::is_valid_plugin_id("my-sched_2"));
	CHECK_FALSE(ProfileParser::is_valid_plugin_id("a/b"));
	CHECK_FALSE(ProfileParser::is_valid_plugin_id("qmap.so"));
	CHECK_FALSE(ProfileParser::is_valid_plugin_id("-x"));
	CHECK_FALSE(ProfileParser::is_valid_plugin_id(""));
}

TEST_CASE("options must be a table", "[profile]")
{
	const auto found = diagnostics_of("options_not_table.toml");
	REQUIRE(found.size() == 1);
	CHECK(found[0].headline() == kFixtures + "options_not_table.toml:3:1: 'options' must be a table, not a string");
}

TEST_CASE("runner settings: unknown keys, bad formats and too short intervals", "[profile]")
{
	auto found = diagnostics_of("unknown_runner_key.toml");
	REQUIRE(found.size() == 2);
	CHECK(found[0].headline() == kFixtures + "unknown_runner_key.toml:4:1: unknown key 'stats_intervall' in [runner]");
	CHECK(found[0].hint == "did you mean 'stats_interval'?");
	CHECK(found[1].headline() ==
	      kFixtures + "unknown_runner_key.toml:5:16: 'stats_format' must be \"text\" or \"json\", got \"yaml\"");
	found = diagnostics_of("bad_stats_interval.toml");
	REQUIRE(found.size() == 1);
	CHECK_THAT(found[0].message, ContainsSubstring("too short: the minimum is 10ms"));
}

TEST_CASE("profiles from strings report under their display name", "[profile]")
{
	try {
		ProfileParser().parse_string("plugin = \"x\"\n[runner]\nstats_interval = \"fast\"\n", "inline.toml");
		FAIL("a bad stats_interval must be rejected");
	} catch (const ProfileError &error) {
		REQUIRE(error.diagnostics().size() == 1);
		CHECK(error.diagnostics()[0].headline() ==
		      "inline.toml:3:18: invalid duration \"fast\" for 'stats_interval': it does not start with a number");
		CHECK(std::string(error.what()) == error.diagnostics()[0].headline());
	}
}

TEST_CASE("an unreadable profile is a bad profile", "[profile]")
{
	try {
		ProfileParser().parse_file("/nonexistent/profile.toml");
		FAIL("a missing file must be rejected");
	} catch (const ProfileError &error) {
		CHECK(error.code() == scxr::ExitCode::bad_profile);
		CHECK_THAT(error.what(), ContainsSubstring("/nonexistent/profile.toml: cannot read the profile: No such file"));
	}
}

TEST_CASE("runner settings: stats_socket is an absolute path or off", "[profile]")
{
	const auto parse = [](const std::string &value) {
		return ProfileParser().parse_string("plugin = \"test_good\"\n[runner]\nstats_socket = " + value + "\n", "p.toml");
	};
	CHECK(parse("\"/run/scx/mine/stats\"").runner.stats_socket == "/run/scx/mine/stats");
	CHECK(parse("\"off\"").runner.stats_socket == "");
	CHECK(parse("\"\"").runner.stats_socket == "");
	CHECK_FALSE(ProfileParser().parse_string("plugin = \"test_good\"\n", "p.toml").runner.stats_socket);
	for (const std::string bad : {"\"stats.sock\"", "true"}) {
		CAPTURE(bad);
		try {
			parse(bad);
			FAIL("accepted");
		} catch (const ProfileError &error) {
			REQUIRE(error.diagnostics().size() == 1);
			CHECK_THAT(error.diagnostics()[0].headline(),
				   StartsWith("p.toml:3:16: 'stats_socket' must be an absolute path or \"off\", got "));
			CHECK_THAT(error.diagnostics()[0].hint, ContainsSubstring("stats_socket = \"off\""));
		}
	}
}
