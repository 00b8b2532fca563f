// SPDX-License-Identifier: GPL-2.0-only
// A Session of a tree, with the fake schedulers of test_tree_host and test_tree_leaf: a child
// that cannot start (its cgroup does not exist) lives by its own [restart] table while the root
// runs on. What the kernel does with real children is the vm scenario tree-run's.
#include "LogCapture.hpp"
#include "SessionRig.hpp"
#include "TextCount.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <string>

using Catch::Matchers::ContainsSubstring;
using scxr::Duration;
using scxr::ExitCode;
using scxr::test::LogCapture;
using scxr::test::SessionRig;

using scxr::test::count_occurrences;

namespace {


} // namespace

TEST_CASE("a child that cannot start is restarted by its own policy, then left down; the root runs on", "[session][tree]")
{
	SessionRig rig;
	rig.session.run_for = Duration::from_nanoseconds(600'000'000);
	// No machine has this cgroup, and the child may not create it.
	const auto profile = rig.directory.write("tree.toml", R"(plugin = "test_tree_host"
[[child]]
cgroup = "scx-runner-unit-no-such-cgroup"
plugin = "test_tree_leaf"
[child.restart]
initial_delay = "10ms"
max_restarts = 2
)");
	const SessionRig::Outcome outcome = rig.run(profile);
	CHECK(outcome.code == ExitCode::ok); // the run ended by --duration: the root ran on
	const std::string log = LogCapture::text();
	CHECK(count_occurrences(log, "test_tree_leaf (scx-runner-unit-no-such-cgroup): loading a child scheduler") == 3);
	CHECK(count_occurrences(log, "restarting (restart ") == 2);
	CHECK_THAT(log, ContainsSubstring("the child stays detached, the rest of the tree keeps running"));
	// The error names the profile's cgroup line.
	CHECK_THAT(log, ContainsSubstring("tree.toml:3:10: "));
	CHECK_THAT(log, ContainsSubstring("[test_tree_host] placed at depth 0, 1 child(ren) at first"));
	CHECK_THAT(log, ContainsSubstring("--duration of 600ms elapsed"));
}
