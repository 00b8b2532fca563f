// SPDX-License-Identifier: GPL-2.0-only
// The commands end to end in this process, with a fake machine: check, plugins, and a real
// run of the fake scheduler (which needs a "root shell on a sched_ext kernel").
#include "app/Application.hpp"

#include "FakeKernelProbe.hpp"
#include "LogCapture.hpp"
#include "TemporaryDirectory.hpp"
#include "TestPlugins.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using scxr::test::FakeKernelProbe;
using scxr::test::LogCapture;
using scxr::test::TestPlugins;

namespace {

struct Result {
	int code = -1;
	std::string out;
	std::string err;
	std::string log;
};

Result run(const FakeKernelProbe &kernel, std::vector<std::string> arguments, const char *plugin_path_variable = nullptr)
{
	std::ostringstream out;
	std::ostringstream err;
	scxr::Application application(kernel, out, err, "/nonexistent/installed", plugin_path_variable);
	Result result;
	result.code = application.main(arguments);
	result.out = out.str();
	result.err = err.str();
	result.log = LogCapture::text();
	return result;
}

// The test plugins, and a control socket of the test's own: runs here are root on the host,
// and must never take /run/scx-runner/control.sock from a real runner or another test run.
std::vector<std::string> with_plugins(std::vector<std::string> arguments)
{
	static const scxr::test::TemporaryDirectory sockets;
	arguments.insert(arguments.begin(), {"--plugin-dir", TestPlugins::directory().string(), "--control-socket",
					     (sockets.path() / "control.sock").string()});
	return arguments;
}

} // namespace

TEST_CASE("check accepts a good profile and shows the effective settings", "[application]")
{
	const Result result = run(FakeKernelProbe(), with_plugins({"check", TestPlugins::profile("good.toml").string()}));
	CHECK(result.code == 0);
	CHECK_THAT(result.out, StartsWith(TestPlugins::profile("good.toml").string() + ": ok\n"));
	CHECK_THAT(result.out, ContainsSubstring("  plugin: test_good 1.2.3 (" + TestPlugins::file("test_good").string() + ")\n"));
	CHECK_THAT(result.out, ContainsSubstring("  slice = 1.5ms\n"));
	CHECK_THAT(result.out, ContainsSubstring("  mode = \"weighted\"\n"));
	CHECK_THAT(result.out, ContainsSubstring("  exit_kind = 1025 (default)\n"));
	CHECK_THAT(result.out, ContainsSubstring("  stats: every 250ms as json\n"));
}

TEST_CASE("check needs neither root nor sched_ext", "[application]")
{
	FakeKernelProbe kernel;
	kernel.root = false;
	kernel.sched_ext = false;
	const Result result = run(kernel, with_plugins({"check", TestPlugins::profile("minimal.toml").string()}));
	CHECK(result.code == 0);
	CHECK_THAT(result.out, ContainsSubstring("  stats: every 1s as text\n"));
}

TEST_CASE("check prints every problem with its position and hint", "[application]")
{
	const Result result = run(FakeKernelProbe(), with_plugins({"check", TestPlugins::profile("out_of_range.toml").string()}));
	CHECK(result.code == 2);
	const std::string file = TestPlugins::profile("out_of_range.toml").string();
	CHECK_THAT(result.log, ContainsSubstring("error: " + file + ":4:9: option 'batch' = 100 is out of range"));
	CHECK_THAT(result.log, ContainsSubstring("error: " + file + ":7:9: option 'ratio' = 1.5 is out of range"));
	CHECK_THAT(result.err, ContainsSubstring("  hint: pick a value between 1 and 64 (default: 8)\n"));
}

TEST_CASE("each failure class has its exit code", "[application]")
{
	CHECK(run(FakeKernelProbe(), with_plugins({"check", TestPlugins::profile("syntax_error.toml").string()})).code == 2);
	CHECK(run(FakeKernelProbe(), with_plugins({"check", TestPlugins::profile("unknown_plugin.toml").string()})).code == 3);
	CHECK(run(FakeKernelProbe(), with_plugins({"check", TestPlugins::profile("wrong_major.toml").string()})).code == 4);
	CHECK(run(FakeKernelProbe(), {"--bogus"}).code == 1);

	FakeKernelProbe not_root;
	not_root.root = false;
	CHECK(run(not_root, with_plugins({TestPlugins::profile("minimal.toml").string()})).code == 6);
	FakeKernelProbe old_kernel;
	old_kernel.sched_ext = false;
	CHECK(run(old_kernel, with_plugins({TestPlugins::profile("minimal.toml").string()})).code == 7);
	FakeKernelProbe lacking;
	lacking.every_requirement_present = false;
	// The requirements are looked up only when the load fails (fails_in_load.toml).
	const Result missing = run(lacking, with_plugins({TestPlugins::profile("fails_in_load.toml").string()}));
	CHECK(missing.code == 8);
	CHECK_THAT(missing.err, ContainsSubstring("type sched_ext_ops (sched_ext), in Linux 6.12 and newer"));
	CHECK(lacking.requirement_lookups == 1);
	FakeKernelProbe busy;
	busy.state = "enabled";
	busy.attached = "rusty";
	CHECK(run(busy, with_plugins({TestPlugins::profile("minimal.toml").string()})).code == 9);
	CHECK(run(FakeKernelProbe(), with_plugins({TestPlugins::profile("exits_with_error.toml").string()})).code == 12);
}

TEST_CASE("a profile runs the fake scheduler until --duration, with the flags overriding the profile",
	  "[application]")
{
	const Result result = run(FakeKernelProbe(), with_plugins({"-v", "--stats-interval", "20ms", "--stats-format", "text",
								   "--duration", "0.2", TestPlugins::profile("good.toml").string()}));
	CHECK(result.code == 0);
	CHECK_THAT(result.out, ContainsSubstring(" test_good: totals\n  fake  nr_polls="));
	CHECK_THAT(result.log, ContainsSubstring("running plugin test_good 1.2.3"));
	CHECK_THAT(result.log, ContainsSubstring("test_good: attached"));
	CHECK_THAT(result.log, ContainsSubstring("--duration of 200ms elapsed"));
	// verbose = true in the profile: the plugin's debug messages arrive with its id.
	CHECK_THAT(result.log, ContainsSubstring("[test_good] poll 1"));
}

TEST_CASE("plugins lists the plugins with their options", "[application]")
{
	const Result result = run(FakeKernelProbe(), with_plugins({"plugins"}));
	CHECK(result.code == 0);
	CHECK_THAT(result.out, ContainsSubstring("test_good 1.2.3: a fake in-memory scheduler for the runner's tests\n"));
	CHECK_THAT(result.out, ContainsSubstring("    slice (duration, default 20ms, range 100us..1s): time slice\n"));
	CHECK_THAT(result.out, ContainsSubstring("    batch (uint, default 8, range 1..64, unit tasks): tasks 'dispatched' per stats reading\n"));
	CHECK_THAT(result.out, ContainsSubstring("    mode (enum, default \"fifo\", one of fifo|weighted|random): queueing discipline\n"));
	CHECK_THAT(result.out, ContainsSubstring("    trace_file (path, default unset): "));
	CHECK_THAT(result.out, ContainsSubstring("  needs: type sched_ext_ops (sched_ext), Linux 6.12+\n"));
	CHECK_THAT(result.out, ContainsSubstring("  stats:\n    fake:\n      nr_polls (u64 counter, polls): polls since attach\n"));
	CHECK_THAT(result.out, ContainsSubstring("    load:\n      load (f64 gauge): ratio plus offset\n      offset (s64 gauge, tasks): the offset option\n"));
	CHECK_THAT(result.out, ContainsSubstring("  stats: named at run time (the plugin is built for ABI 1.0)\n"));
	CHECK_THAT(result.log, ContainsSubstring("warning: skipping " + TestPlugins::file("test_wrong_major").string()));
}

TEST_CASE("the environment variable adds plugin directories", "[application]")
{
	const std::string variable = "/nonexistent/a:" + TestPlugins::directory().string();
	const Result result = run(FakeKernelProbe(), {"check", TestPlugins::profile("minimal.toml").string()}, variable.c_str());
	CHECK(result.code == 0);
	const Result without = run(FakeKernelProbe(), {"check", TestPlugins::profile("minimal.toml").string()});
	CHECK(without.code == 3);
	CHECK_THAT(without.err, ContainsSubstring("  /nonexistent/installed\n"));
}

TEST_CASE("plugins --json is JSON with every option's schema", "[application]")
{
	const Result result = run(FakeKernelProbe(), with_plugins({"plugins", "--json"}));
	CHECK(result.code == 0);
	CHECK(result.out.find('\n') == result.out.size() - 1);
	const auto document = nlohmann::ordered_json::parse(result.out);
	std::vector<std::string> keys;
	for (const auto &[key, value] : document.items())
		keys.push_back(key);
	CHECK(keys == std::vector<std::string>{"runner_abi", "search_path", "plugins", "problems"});
	CHECK(document.at("runner_abi") == "1.1");
	CHECK(document.at("search_path").at(0) == TestPlugins::directory().string());
	const auto &plugins = document.at("plugins");
	const auto good = std::find_if(plugins.begin(), plugins.end(), [](const auto &plugin) { return plugin.at("id") == "test_good"; });
	REQUIRE(good != plugins.end());
	CHECK(good->at("version") == "1.2.3");
	const auto &options = good->at("options");
	REQUIRE(options.size() == 14);
	CHECK(options.at(0).at("name") == "verbose");
	CHECK(options.at(0).at("type") == "bool");
	CHECK(options.at(0).at("default") == false);
	CHECK(options.at(1).at("default") == -5);
	CHECK(options.at(1).at("min") == -1000);
	CHECK(options.at(2).at("unit") == "tasks");
	CHECK(options.at(5).at("values").size() == 3);
	CHECK(options.at(6).at("type") == "duration");
	CHECK(options.at(6).at("default") == "20ms");
	CHECK(options.at(6).at("max") == "1s");
	CHECK(options.at(7).at("default").is_null());
	CHECK(good->at("requirements").at(0).at("since") == "6.12");
	// The stats schema a 1.1 plugin publishes; none for a 1.0 plugin.
	CHECK(good->at("abi") == "1.1");
	const auto &stats = good->at("stats");
	REQUIRE(stats.size() == 6);
	CHECK(stats.at(1).at("name") == "nr_dispatched");
	CHECK(stats.at(1).at("group") == "fake");
	CHECK(stats.at(1).at("kind") == "counter");
	CHECK(stats.at(1).at("type") == "u64");
	CHECK(stats.at(1).at("unit") == "tasks");
	CHECK(stats.at(4).at("type") == "s64");
	const auto old = std::find_if(plugins.begin(), plugins.end(), [](const auto &plugin) { return plugin.at("id") == "test_abi_1_0"; });
	REQUIRE(old != plugins.end());
	CHECK(old->at("abi") == "1.0");
	CHECK_FALSE(old->contains("stats"));
	CHECK(document.at("problems").size() == 8);
	CHECK(document.at("problems").at(0).at("exit_code") == 4);
}

TEST_CASE("every shipped profile in config/ is valid for the real plugins", "[application]")
{
	const FakeKernelProbe kernel;
	size_t checked = 0;
	for (const auto &entry : std::filesystem::directory_iterator(TestPlugins::config_directory())) {
		if (entry.path().extension() != ".toml")
			continue;
		CAPTURE(entry.path());
		std::ostringstream out;
		std::ostringstream err;
		scxr::Application application(kernel, out, err, TestPlugins::real_directory().string(), nullptr);
		const int code = application.main({"check", entry.path().string()});
		CAPTURE(err.str(), LogCapture::text());
		CHECK(code == 0);
		CHECK_THAT(out.str(), ContainsSubstring(": ok\n"));
		++checked;
	}
	CHECK(checked >= 1);
}

TEST_CASE("check shows the restart policy and checks the fallback profile", "[application][restart]")
{
	const scxr::test::TemporaryDirectory directory;
	directory.write("fallback.toml", "plugin = \"test_good\"\n");
	const auto good = directory.write("p.toml", "plugin = \"test_good\"\n[restart]\ninitial_delay = \"2s\"\n"
						    "max_restarts = 3\nfallback = \"fallback.toml\"\n");
	const Result result = run(FakeKernelProbe(), with_plugins({"check", good.string()}));
	CHECK(result.code == 0);
	CHECK_THAT(result.out, ContainsSubstring("  restart: after 2s doubling up to 30s, at most 3 within 1m\n"));
	CHECK_THAT(result.out, ContainsSubstring("  fallback: " + (directory.path() / "fallback.toml").string() + "\n"));

	const auto plain = directory.write("plain.toml", "plugin = \"test_good\"\n");
	CHECK_THAT(run(FakeKernelProbe(), with_plugins({"check", plain.string()})).out,
		   ContainsSubstring("  restart: only when the kernel asks (no [restart] table)"));

	const auto broken = directory.write("broken.toml", "plugin = \"test_good\"\n[restart]\nfallback = \"gone.toml\"\n");
	const Result missing = run(FakeKernelProbe(), with_plugins({"check", broken.string()}));
	CHECK(missing.code == 2);
	CHECK_THAT(missing.log, ContainsSubstring("the [restart] fallback profile " +
						  (directory.path() / "gone.toml").string() + " is not usable"));
	// A run refuses it as well, before it loads anything.
	CHECK(run(FakeKernelProbe(), with_plugins({broken.string()})).code == 2);
}
