// SPDX-License-Identifier: GPL-2.0-only
// A profile's [restart] table: every key read, defaults where a key is left out, the fallback
// resolved relative to the profile, and each mistake reported with file:line:column like the
// rest of the profile (unknown keys too).
#include "profile/ProfileError.hpp"
#include "profile/ProfileParser.hpp"
#include "profile/ResolvedProfile.hpp"

#include "TestPlugins.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

using Catch::Matchers::ContainsSubstring;
using scxr::Duration;
using scxr::Profile;
using scxr::ProfileDiagnostic;
using scxr::ProfileError;
using scxr::ProfileParser;
using scxr::test::TestPlugins;

namespace {

Duration milliseconds(uint64_t count) { return Duration::from_nanoseconds(count * 1'000'000); }

std::vector<ProfileDiagnostic> diagnostics_of(const std::string &text)
{
	try {
		ProfileParser().parse_string(text, "/etc/scx/p.toml");
	} catch (const ProfileError &error) {
		return error.diagnostics();
	}
	FAIL("expected the profile to be rejected:\n" << text);
	return {};
}

} // namespace

TEST_CASE("a [restart] table is read with every key, its fallback relative to the profile", "[profile][restart]")
{
	const std::string path = TestPlugins::profile("restart.toml").string();
	const Profile profile = ProfileParser().parse_file(path);
	REQUIRE(profile.root.restart.has_value());
	CHECK(profile.root.restart->enabled);
	CHECK(profile.root.restart->initial_delay == milliseconds(500));
	CHECK(profile.root.restart->max_delay == milliseconds(8000));
	CHECK(profile.root.restart->max_restarts == 3);
	CHECK(profile.root.restart->window == milliseconds(120'000));
	REQUIRE(profile.root.restart->fallback.has_value());
	CHECK(*profile.root.restart->fallback ==
	      (std::filesystem::path(path).parent_path() / "fallback" / "simple.toml").lexically_normal());
}

TEST_CASE("keys left out of [restart] keep their defaults; an absolute fallback stays as written", "[profile][restart]")
{
	const Profile profile = ProfileParser().parse_string(
		"plugin = \"test_good\"\n[restart]\nmax_restarts = 2\nfallback = \"/etc/scx/simple.toml\"\n", "/p/q.toml");
	REQUIRE(profile.root.restart.has_value());
	const scxr::RestartSettings defaults;
	CHECK(profile.root.restart->enabled);
	CHECK(profile.root.restart->initial_delay == defaults.initial_delay);
	CHECK(profile.root.restart->max_delay == defaults.max_delay);
	CHECK(profile.root.restart->window == defaults.window);
	CHECK(profile.root.restart->max_restarts == 2);
	CHECK(profile.root.restart->fallback == std::filesystem::path("/etc/scx/simple.toml"));
}

TEST_CASE("without a [restart] table error exits are not restarted; restart requests are, once", "[profile][restart]")
{
	scxr::ResolvedProfile resolved;
	resolved.profile = ProfileParser().parse_string("plugin = \"test_good\"\n", "p.toml");
	CHECK_FALSE(resolved.profile.root.restart.has_value());
	const scxr::RestartSettings settings = resolved.root.restart_settings();
	CHECK_FALSE(settings.enabled);
	CHECK(settings.max_restarts == 1);
	CHECK_FALSE(settings.fallback.has_value());
}

TEST_CASE("every mistake in [restart] is reported at its position, unknown keys too", "[profile][restart]")
{
	std::vector<ProfileDiagnostic> diagnostics;
	try {
		ProfileParser().parse_file(TestPlugins::profile("bad_restart.toml").string());
		FAIL("bad_restart.toml was accepted");
	} catch (const ProfileError &error) {
		diagnostics = error.diagnostics();
	}
	REQUIRE(diagnostics.size() == 6);
	CHECK(diagnostics[0].position.line == 6);
	CHECK_THAT(diagnostics[0].message, ContainsSubstring("'enabled' must be true or false, got a string"));
	CHECK(diagnostics[1].position.line == 7);
	CHECK_THAT(diagnostics[1].message, ContainsSubstring("'initial_delay' expects a duration string"));
	CHECK(diagnostics[2].position.line == 8);
	CHECK_THAT(diagnostics[2].message, ContainsSubstring("invalid duration \"8 parsecs\" for 'max_delay'"));
	CHECK(diagnostics[3].position.line == 9);
	CHECK_THAT(diagnostics[3].message, ContainsSubstring("'max_restarts' of -1 is out of range"));
	CHECK(diagnostics[4].position.line == 10);
	CHECK(diagnostics[4].position.column == 1);
	CHECK_THAT(diagnostics[4].message, ContainsSubstring("unknown key 'windw' in [restart]"));
	CHECK(diagnostics[4].hint == "did you mean 'window'?");
	CHECK(diagnostics[5].position.line == 11);
	CHECK_THAT(diagnostics[5].message, ContainsSubstring("'fallback' is empty"));
}

TEST_CASE("keys that do not fit together are reported at the [restart] header", "[profile][restart]")
{
	std::vector<ProfileDiagnostic> diagnostics;
	try {
		ProfileParser().parse_file(TestPlugins::profile("inconsistent_restart.toml").string());
		FAIL("inconsistent_restart.toml was accepted");
	} catch (const ProfileError &error) {
		diagnostics = error.diagnostics();
	}
	REQUIRE(diagnostics.size() == 1);
	CHECK(diagnostics[0].position.line == 5);
	CHECK_THAT(diagnostics[0].headline(), ContainsSubstring("inconsistent_restart.toml:5:"));
	CHECK_THAT(diagnostics[0].message, ContainsSubstring("'max_delay' (1s) is shorter than 'initial_delay' (5s)"));
}

TEST_CASE("[restart] must be a table, and its delays have a floor", "[profile][restart]")
{
	auto not_table = diagnostics_of("plugin = \"test_good\"\nrestart = 5\n");
	REQUIRE(not_table.size() == 1);
	CHECK_THAT(not_table[0].message, ContainsSubstring("'restart' must be a table, not an integer"));

	auto too_short = diagnostics_of("plugin = \"test_good\"\n[restart]\ninitial_delay = \"1ms\"\n");
	REQUIRE(too_short.size() == 1);
	CHECK_THAT(too_short[0].message, ContainsSubstring("'initial_delay' of 1ms is too short"));

	auto misspelt = diagnostics_of("plugin = \"test_good\"\n[restrat]\nenabled = true\n");
	REQUIRE(misspelt.size() == 1);
	CHECK(misspelt[0].hint == "did you mean 'restart'?");
}

TEST_CASE("an unknown [restart] key far from any known one is told every key [restart] knows", "[profile][restart]")
{
	const auto diagnostics = diagnostics_of("plugin = \"p\"\n[restart]\nzzzzzzzzzzzz = 1\n");
	REQUIRE(diagnostics.size() == 1);
	CHECK(diagnostics[0].hint == "[restart] knows enabled, initial_delay, max_delay, max_restarts, window and fallback");
}

TEST_CASE("a misspelled [restart] key is matched against every key, the last one too", "[profile][restart]")
{
	const auto diagnostics = diagnostics_of("plugin = \"p\"\n[restart]\nfallbak = \"/etc/scx/q.toml\"\n");
	REQUIRE(diagnostics.size() == 1);
	CHECK(diagnostics[0].hint == "did you mean 'fallback'?");
}
