// SPDX-License-Identifier: GPL-2.0-only
// A profile describes a tree of schedulers: children on cgroups, each with its plugin and
// options (inline or from another file). What needs no plugin (the shape, the cgroups) is
// checked by the parser; what the plugins can be (a host, a child, how many children) by the
// resolver, through each plugin's sched-tree extension. Every problem has file:line:column.
#include "profile/ProfileCgroup.hpp"
#include "profile/ProfileError.hpp"
#include "profile/ProfileParser.hpp"
#include "profile/ProfileResolver.hpp"

#include "FakeKernelProbe.hpp"
#include "TestPlugins.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

using Catch::Matchers::ContainsSubstring;
using scxr::ProfileCgroup;
using scxr::ProfileDiagnostic;
using scxr::ProfileError;
using scxr::ProfileParser;
using scxr::test::TestPlugins;

namespace {

std::string tree_fixture(const std::string &name) { return TestPlugins::profile("tree/" + name).string(); }

// "file:line:column: message" of every problem, one per line.
std::string problems_text(const std::vector<ProfileDiagnostic> &diagnostics)
{
	std::string text;
	for (const ProfileDiagnostic &diagnostic : diagnostics)
		text += diagnostic.headline() + " [" + diagnostic.hint + "]\n";
	return text;
}

std::vector<ProfileDiagnostic> parse_problems(const std::string &fixture)
{
	try {
		ProfileParser().parse_file(tree_fixture(fixture));
	} catch (const ProfileError &error) {
		return error.diagnostics();
	}
	FAIL("expected " << fixture << " to be rejected by the parser");
	return {};
}

scxr::ResolvedProfile resolve(const std::string &fixture)
{
	static const scxr::test::FakeKernelProbe kernel;
	const scxr::ProfileResolver resolver(scxr::PluginLoader({TestPlugins::directory()}), {}, kernel);
	return resolver.resolve(tree_fixture(fixture), nullptr, false);
}

std::vector<ProfileDiagnostic> resolve_problems(const std::string &fixture)
{
	try {
		resolve(fixture);
	} catch (const ProfileError &error) {
		return error.diagnostics();
	}
	FAIL("expected " << fixture << " to be rejected by the resolver");
	return {};
}

} // namespace

TEST_CASE("a tree profile is read with every child, its cgroup and its included profile", "[profile][tree]")
{
	const scxr::Profile profile = ProfileParser().parse_file(tree_fixture("good.toml"));
	CHECK(profile.root.plugin_id == "test_tree_host");
	CHECK_FALSE(profile.root.cgroup);
	REQUIRE(profile.root.children.size() == 2);

	const scxr::ProfileNode &web = profile.root.children[0];
	CHECK(web.position.line == 9);
	CHECK(web.plugin_id == "test_tree_leaf");
	REQUIRE(web.cgroup);
	CHECK(web.cgroup->relative == "web");
	CHECK(web.cgroup->create);
	CHECK(web.cgroup->cpu_weight == 200u);
	REQUIRE(web.options.size() == 1);
	CHECK(web.options[0].name == "label");

	const scxr::ProfileNode &batch = profile.root.children[1];
	CHECK(batch.cgroup->path == "/sys/fs/cgroup/batch");
	CHECK(batch.cgroup->relative == "batch");
	CHECK_FALSE(batch.cgroup->create);
	REQUIRE(batch.restart);
	CHECK(batch.restart->enabled);
	REQUIRE(batch.children.size() == 1);

	const scxr::ProfileNode &nightly = batch.children[0];
	CHECK(nightly.cgroup->relative == "batch/nightly");
	CHECK(nightly.plugin_id == "test_tree_leaf");
	CHECK_THAT(nightly.included_profile, ContainsSubstring("tree/leaf.toml"));
	// Positions of what came from the included file point into that file.
	CHECK_THAT(nightly.plugin_position.file, ContainsSubstring("leaf.toml"));
	CHECK(nightly.plugin_position.line == 3);
	REQUIRE(nightly.options.size() == 1);
	CHECK(std::get<std::string>(nightly.options[0].value.data()) == "nightly");
}

TEST_CASE("the resolver gives each node its plugin, options, cgroup directory and depth", "[profile][tree]")
{
	const scxr::ResolvedProfile resolved = resolve("good.toml");
	CHECK(resolved.root.depth == 0);
	CHECK(resolved.root.cgroup_dir.empty());
	CHECK(resolved.root.plugin->id() == "test_tree_host");
	REQUIRE(resolved.root.children.size() == 2);
	CHECK(resolved.root.written.children.empty());
	const scxr::ResolvedNode &web = resolved.root.children[0];
	CHECK(web.depth == 1);
	CHECK(web.cgroup_dir == "/sys/fs/cgroup/web");
	CHECK(web.plugin->id() == "test_tree_leaf");
	const scxr::ResolvedNode &nightly = resolved.root.children[1].children.at(0);
	CHECK(nightly.depth == 2);
	CHECK(nightly.cgroup_dir == "/sys/fs/cgroup/batch/nightly");
	CHECK(nightly.options.settings().size() > 0);
}

TEST_CASE("a tree deeper than the kernel runs is refused at the child one level too deep", "[profile][tree]")
{
	const std::vector<ProfileDiagnostic> problems = parse_problems("too_deep.toml");
	REQUIRE(problems.size() == 1);
	CHECK(problems[0].position.line == 17);
	CHECK(problems[0].position.column == 1);
	CHECK_THAT(problems[0].message, ContainsSubstring("level 5") && ContainsSubstring("at most 4 levels"));
}

TEST_CASE("every kind of wrong cgroup in a tree is reported at its own line", "[profile][tree]")
{
	const std::string text = problems_text(parse_problems("bad_cgroups.toml"));
	CAPTURE(text);
	CHECK_THAT(text, ContainsSubstring("bad_cgroups.toml:10:10: cgroup \"elsewhere\" is not inside \"web\", its parent's cgroup"));
	CHECK_THAT(text, ContainsSubstring("bad_cgroups.toml:14:10: cgroup \"web/api\" lies inside \"web\", the cgroup of the child at"));
	CHECK_THAT(text, ContainsSubstring("[write this table as that child's [[child.child]]"));
	CHECK_THAT(text, ContainsSubstring("bad_cgroups.toml:18:10: cgroup \"/sys/fs/cgroup/web/\" is already the cgroup of the child at"));
	CHECK_THAT(text, ContainsSubstring("bad_cgroups.toml:22:10: cgroup \"/tmp/x\": an absolute cgroup path must lie below /sys/fs/cgroup"));
	CHECK_THAT(text, ContainsSubstring("bad_cgroups.toml:26:10: cgroup \"../up\": '.' and '..' are not allowed"));
	CHECK_THAT(text, ContainsSubstring("bad_cgroups.toml:29:1: this child has no cgroup"));
	CHECK_THAT(text, ContainsSubstring("bad_cgroups.toml:32:1: this child does not say which scheduler runs there"));
	CHECK_THAT(text, ContainsSubstring("bad_cgroups.toml:34:14: 'cpu_weight' of 0 is out of range"));
}

TEST_CASE("children must be [[child]] tables, and an included profile must not include itself", "[profile][tree]")
{
	const std::vector<ProfileDiagnostic> table = parse_problems("child_not_array.toml");
	REQUIRE(table.size() == 1);
	CHECK(table[0].position.line == 4);
	CHECK_THAT(table[0].message, ContainsSubstring("'child' must be a list of tables, not a table"));
	CHECK_THAT(table[0].hint, ContainsSubstring("[[child]]"));

	const std::vector<ProfileDiagnostic> loop = parse_problems("includes_itself.toml");
	REQUIRE(loop.size() == 1);
	CHECK(loop[0].position.line == 6);
	CHECK_THAT(loop[0].message, ContainsSubstring("includes itself"));
}

TEST_CASE("a plugin that cannot be a child, cannot host, or hosts fewer children is refused", "[profile][tree]")
{
	const std::vector<ProfileDiagnostic> child = resolve_problems("cannot_be_child.toml");
	REQUIRE(child.size() == 1);
	CHECK(child[0].position.line == 7);
	CHECK_THAT(child[0].message, ContainsSubstring("plugin 'test_good' runs only as a single scheduler") &&
					     ContainsSubstring("cannot be a child scheduler"));

	const std::vector<ProfileDiagnostic> host = resolve_problems("cannot_host.toml");
	REQUIRE(host.size() == 1);
	CHECK(host[0].position.line == 3);
	CHECK_THAT(host[0].message, ContainsSubstring("'test_tree_leaf' can be a child but host none") &&
					    ContainsSubstring("cannot host the 1 child(ren) below it"));

	const std::vector<ProfileDiagnostic> many = resolve_problems("too_many_children.toml");
	REQUIRE(many.size() == 1);
	CHECK_THAT(many[0].message, ContainsSubstring("hosts at most 2 children on one node, and this one has 3"));
}

TEST_CASE("an unknown plugin for a child names the child's line", "[profile][tree]")
{
	try {
		resolve("unknown_child_plugin.toml");
		FAIL("expected the unknown plugin to be refused");
	} catch (const scxr::RunnerError &error) {
		CHECK(error.code() == scxr::ExitCode::plugin_not_found);
		CHECK_THAT(std::string(error.what()), ContainsSubstring("unknown_child_plugin.toml:6:10"));
		CHECK_THAT(std::string(error.what()), ContainsSubstring("no_such_plugin"));
	}
}

TEST_CASE("cgroup paths are normalised below the cgroup2 mount", "[profile][tree]")
{
	std::string problem;
	CHECK(ProfileCgroup::relative_path("web", problem) == "web");
	CHECK(ProfileCgroup::relative_path("/sys/fs/cgroup/web//api/", problem) == "web/api");
	CHECK_FALSE(ProfileCgroup::relative_path("/sys/fs/cgroupx/web", problem));
	CHECK_FALSE(ProfileCgroup::relative_path("/sys/fs/cgroup", problem));
	CHECK_THAT(problem, ContainsSubstring("the cgroup root"));
	CHECK_FALSE(ProfileCgroup::relative_path("a/./b", problem));
	CHECK(ProfileCgroup::is_inside("web/api", "web"));
	CHECK_FALSE(ProfileCgroup::is_inside("webapi", "web"));
	CHECK_FALSE(ProfileCgroup::is_inside("web", "web"));
}
