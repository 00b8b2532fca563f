// SPDX-License-Identifier: GPL-2.0-only
// When a reloaded profile needs a swap, with the real test plugins resolved the way the
// runner resolves them: another plugin, other options, a plugin file replaced on disk (opened
// afresh, with its new version), and nothing at all (the running image is reused).
#include "plugin/PluginLoader.hpp"
#include "profile/ProfileResolver.hpp"
#include "session/SwapDecision.hpp"

#include "FakeKernelProbe.hpp"
#include "TemporaryDirectory.hpp"
#include "TestPlugins.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <sys/stat.h>

using Catch::Matchers::ContainsSubstring;
using scxr::ProfileResolver;
using scxr::ResolvedProfile;
using scxr::SwapDecision;
using scxr::test::FakeKernelProbe;
using scxr::test::TemporaryDirectory;
using scxr::test::TestPlugins;

namespace {

struct Fixture {
	TemporaryDirectory directory;
	FakeKernelProbe kernel;
	std::filesystem::path plugins = directory.path() / "plugins";

	Fixture()
	{
		std::filesystem::create_directories(plugins);
		chmod(plugins.c_str(), 0755);
		for (const char *id : {"test_good", "test_failing"})
			install(TestPlugins::file(id), std::string(id) + ".so");
	}

	// Installs a plugin file the way install(1) does: a new file renamed over the old.
	void install(const std::filesystem::path &from, const std::string &name) const
	{
		const std::filesystem::path staged = plugins / ("." + name + ".new");
		std::filesystem::copy_file(from, staged, std::filesystem::copy_options::overwrite_existing);
		chmod(staged.c_str(), 0755);
		std::filesystem::rename(staged, plugins / name);
	}

	ProfileResolver resolver() const { return ProfileResolver(scxr::PluginLoader({plugins}), {}, kernel); }

	std::string profile(const std::string &id, const std::string &options, const std::string &runner = {}) const
	{
		return directory.write("p.toml", "plugin = \"" + id + "\"\n[options]\n" + options + "\n" + runner).string();
	}
};

} // namespace

TEST_CASE("an unchanged profile needs no swap and reuses the loaded plugin image", "[swap]")
{
	Fixture fixture;
	const ProfileResolver resolver = fixture.resolver();
	const ResolvedProfile current = resolver.resolve(fixture.profile("test_good", "label = \"a\""), nullptr, true);
	// Runner settings apply without a swap.
	const ResolvedProfile again = resolver.resolve(
		fixture.profile("test_good", "label = \"a\"", "[runner]\nstats_interval = \"2s\"\n"), &current, true);
	CHECK(again.root.plugin == current.root.plugin);
	const SwapDecision decision = SwapDecision::between(current, again);
	CHECK_FALSE(decision.swap);
	CHECK(decision.explanation() == "nothing changed that needs a swap");
}

TEST_CASE("a default written out is no change; another value is", "[swap]")
{
	Fixture fixture;
	const ProfileResolver resolver = fixture.resolver();
	const ResolvedProfile current = resolver.resolve(fixture.profile("test_good", ""), nullptr, true);
	const ResolvedProfile explicit_default =
		resolver.resolve(fixture.profile("test_good", "batch = 8\nslice = \"20ms\""), &current, true);
	CHECK_FALSE(SwapDecision::between(current, explicit_default).swap);

	const ResolvedProfile changed =
		resolver.resolve(fixture.profile("test_good", "batch = 9\nslice = \"5ms\"\nmode = \"random\""), &current, true);
	const SwapDecision decision = SwapDecision::between(current, changed);
	CHECK(decision.swap);
	CHECK(decision.explanation() == "options: batch 8 -> 9, mode \"fifo\" -> \"random\", slice 20ms -> 5ms");
}

TEST_CASE("another plugin is a swap", "[swap]")
{
	Fixture fixture;
	const ProfileResolver resolver = fixture.resolver();
	const ResolvedProfile current = resolver.resolve(fixture.profile("test_good", ""), nullptr, true);
	const ResolvedProfile other = resolver.resolve(fixture.profile("test_failing", ""), &current, true);
	const SwapDecision decision = SwapDecision::between(current, other);
	CHECK(decision.swap);
	CHECK(decision.explanation() == "plugin test_good -> test_failing");
}

TEST_CASE("a plugin file replaced on disk is opened afresh, its new version with it", "[swap]")
{
	Fixture fixture;
	const ProfileResolver resolver = fixture.resolver();
	const ResolvedProfile current = resolver.resolve(fixture.profile("test_good", ""), nullptr, true);
	CHECK(current.root.plugin->version() == "1.2.3");

	fixture.install(SCXR_TEST_REBUILT_GOOD_PLUGIN, "test_good.so");
	const ResolvedProfile rebuilt = resolver.resolve(fixture.profile("test_good", ""), &current, true);
	CHECK(rebuilt.root.plugin != current.root.plugin);
	CHECK(rebuilt.root.plugin->version() == "1.2.4-rebuilt");
	// The old image is still loaded and still answers with its own data.
	CHECK(current.root.plugin->version() == "1.2.3");
	const SwapDecision decision = SwapDecision::between(current, rebuilt);
	CHECK(decision.swap);
	CHECK_THAT(decision.explanation(), ContainsSubstring("test_good.so changed on disk (version 1.2.3 -> 1.2.4-rebuilt)"));

	// The same bytes installed again are still a new file: a rebuild may keep its version.
	fixture.install(SCXR_TEST_REBUILT_GOOD_PLUGIN, "test_good.so");
	const ResolvedProfile reinstalled = resolver.resolve(fixture.profile("test_good", ""), &rebuilt, true);
	CHECK(reinstalled.root.plugin != rebuilt.root.plugin);
	CHECK_THAT(SwapDecision::between(rebuilt, reinstalled).explanation(),
		   ContainsSubstring("changed on disk (version 1.2.4-rebuilt unchanged)"));
}
