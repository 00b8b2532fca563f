// SPDX-License-Identifier: GPL-2.0-only
// The installed binary, run as a subprocess: exit codes, help, check, plugins --json, and what
// a run does on this machine (which has no root or no sched_ext in a normal test setup).
#include "Subprocess.hpp"
#include "TemporaryDirectory.hpp"
#include "TestPlugins.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using scxr::test::ProcessResult;
using scxr::test::Subprocess;
using scxr::test::TestPlugins;

namespace {

ProcessResult runner(std::vector<std::string> arguments, const std::map<std::string, std::string> &environment = {})
{
	return Subprocess::run(TestPlugins::runner(), arguments, environment);
}

ProcessResult runner_with_plugins(std::vector<std::string> arguments)
{
	arguments.insert(arguments.begin(), {"--plugin-dir", TestPlugins::directory().string()});
	return runner(arguments);
}

std::string first_line(const std::string &path)
{
	std::ifstream stream(path);
	std::string line;
	std::getline(stream, line);
	return line;
}

} // namespace

TEST_CASE("--help prints usage to stdout and exits 0", "[cli-process]")
{
	const ProcessResult result = runner({"--help"});
	CHECK(result.exit_code == 0);
	CHECK_THAT(result.out, StartsWith("Usage:\n"));
	CHECK_THAT(result.out, ContainsSubstring("Exit codes: 0 ok, 1 usage, 2 bad profile"));
	CHECK(result.err.empty());
}

TEST_CASE("--version names the runner and its plugin ABI", "[cli-process]")
{
	const ProcessResult result = runner({"--version"});
	CHECK(result.exit_code == 0);
	CHECK_THAT(result.out, StartsWith("scx-runner "));
	CHECK_THAT(result.out, ContainsSubstring("(plugin ABI 1.1)"));
}

TEST_CASE("usage errors exit 1 and say what to do", "[cli-process]")
{
	ProcessResult result = runner({});
	CHECK(result.exit_code == 1);
	CHECK_THAT(result.err, ContainsSubstring("error: no profile given"));
	result = runner({"--stats-format", "xml", "p.toml"});
	CHECK(result.exit_code == 1);
	CHECK_THAT(result.err, ContainsSubstring("run 'scx-runner --help' for usage"));
}

TEST_CASE("check: a good profile exits 0 without root or kernel", "[cli-process]")
{
	const ProcessResult result = runner_with_plugins({"check", TestPlugins::profile("good.toml").string()});
	CHECK(result.exit_code == 0);
	CHECK_THAT(result.out, ContainsSubstring(": ok\n"));
	CHECK_THAT(result.out, ContainsSubstring("  batch = 16\n"));
}

TEST_CASE("check: a bad profile exits 2 with file:line:column and hints on stderr", "[cli-process]")
{
	const std::string path = TestPlugins::profile("wrong_types.toml").string();
	const ProcessResult result = runner_with_plugins({"check", path});
	CHECK(result.exit_code == 2);
	CHECK_THAT(result.err, ContainsSubstring("error: " + path + ":4:11: option 'verbose' expects true or false"));
	CHECK_THAT(result.err, ContainsSubstring("error: " + path + ":7:9: option 'slice' expects a duration string"));
	CHECK_THAT(result.err, ContainsSubstring("  hint: write verbose = true without quotes\n"));
	CHECK(result.out.empty());

	const ProcessResult syntax = runner_with_plugins({"check", TestPlugins::profile("syntax_error.toml").string()});
	CHECK(syntax.exit_code == 2);
	CHECK_THAT(syntax.err, ContainsSubstring("syntax_error.toml:3:"));
	CHECK_THAT(syntax.err, ContainsSubstring("TOML syntax error"));
}

TEST_CASE("check: plugin not found 3, not a plugin 4, unsafe 5", "[cli-process]")
{
	const ProcessResult missing = runner_with_plugins({"check", TestPlugins::profile("unknown_plugin.toml").string()});
	CHECK(missing.exit_code == 3);
	CHECK_THAT(missing.err, ContainsSubstring("unknown_plugin.toml:2:10: plugin 'test_goood' not found"));
	CHECK_THAT(missing.err, ContainsSubstring("did you mean 'test_good'?"));

	const ProcessResult abi = runner_with_plugins({"check", TestPlugins::profile("wrong_major.toml").string()});
	CHECK(abi.exit_code == 4);
	CHECK_THAT(abi.err, ContainsSubstring("was built for ABI 2.0, this runner provides 1.1"));

	const scxr::test::TemporaryDirectory unsafe;
	std::filesystem::copy_file(TestPlugins::file("test_good"), unsafe.path() / "test_good.so");
	chmod((unsafe.path() / "test_good.so").c_str(), 0666);
	const ProcessResult result =
		runner({"--plugin-dir", unsafe.path().string(), "check", TestPlugins::profile("minimal.toml").string()});
	CHECK(result.exit_code == 5);
	CHECK_THAT(result.err, ContainsSubstring("fix: chmod go-w " + (unsafe.path() / "test_good.so").string()));

	// A safe file in a safe directory, under a directory its group can write: also 5.
	const scxr::test::TemporaryDirectory parent;
	const std::filesystem::path plugins = parent.path() / "plugins";
	std::filesystem::create_directory(plugins);
	chmod(plugins.c_str(), 0755);
	std::filesystem::copy_file(TestPlugins::file("test_good"), plugins / "test_good.so");
	chmod((plugins / "test_good.so").c_str(), 0755);
	chmod(parent.path().c_str(), 0775);
	const ProcessResult ancestor =
		runner({"--plugin-dir", plugins.string(), "check", TestPlugins::profile("minimal.toml").string()});
	CHECK(ancestor.exit_code == 5);
	CHECK_THAT(ancestor.err, ContainsSubstring("directory " + parent.path().string() +
						   " (above the plugin directory) is writable by its group (mode 0775)"));
}

// What a profile path must not do to a runner that runs as root: a FIFO waited forever for a
// writer, and a link to /dev/zero grew past 1.6 GB in 5 s. Each is refused at once (the runner
// never reads a byte of them), the message names the file, and the exit code is 2.
TEST_CASE("check: a FIFO, a device, a directory and a 20 MB file are refused at once with exit 2", "[cli-process]")
{
	const scxr::test::TemporaryDirectory directory;
	std::filesystem::path path;
	std::string what;
	SECTION("a FIFO")
	{
		path = directory.path() / "fifo.toml";
		REQUIRE(mkfifo(path.c_str(), 0644) == 0);
		what = "is a FIFO (named pipe), not a regular file";
	}
	SECTION("a symlink to /dev/zero")
	{
		path = directory.path() / "zero.toml";
		std::filesystem::create_symlink("/dev/zero", path);
		what = "is a character device, not a regular file";
	}
	SECTION("a directory")
	{
		path = directory.path() / "directory.toml";
		std::filesystem::create_directory(path);
		what = "is a directory, not a regular file";
	}
	SECTION("a 20 MB file")
	{
		path = directory.path() / "huge.toml";
		std::filesystem::copy_file(TestPlugins::profile("minimal.toml"), path);
		std::filesystem::resize_file(path, 20 * 1024 * 1024);
		what = "is too large (20971520 bytes); profiles are limited to 1048576 bytes (1 MiB)";
	}
	// Before the fix the FIFO blocked with no CPU use, and /dev/zero read for as long as it
	// was let. The timeout catches the first (a killed runner has signal != 0); the CPU time
	// bound catches the second. CPU time, not wall time, so a loaded machine cannot fail it.
	const auto started = std::chrono::steady_clock::now();
	const ProcessResult result =
		Subprocess::run(TestPlugins::runner(), {"--plugin-dir", TestPlugins::directory().string(), "check", path.string()},
				{}, std::chrono::seconds(10));
	const auto elapsed = std::chrono::steady_clock::now() - started;
	INFO("wall " << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms, cpu "
		     << std::chrono::duration_cast<std::chrono::milliseconds>(result.cpu_time).count() << " ms");
	CHECK(result.signal == 0);
	CHECK(result.exit_code == 2);
	CHECK_THAT(result.err, ContainsSubstring("error: " + path.string() + ": the profile " + what));
	CHECK(result.cpu_time < std::chrono::seconds(1));
}

TEST_CASE("SCX_RUNNER_PLUGIN_PATH is searched", "[cli-process]")
{
	const ProcessResult result = runner({"check", TestPlugins::profile("minimal.toml").string()},
					    {{"SCX_RUNNER_PLUGIN_PATH", "/nonexistent:" + TestPlugins::directory().string()}});
	CHECK(result.exit_code == 0);
}

TEST_CASE("plugins --json prints one parseable document", "[cli-process]")
{
	const ProcessResult result = runner_with_plugins({"plugins", "--json"});
	CHECK(result.exit_code == 0);
	const auto document = nlohmann::json::parse(result.out);
	std::vector<std::string> ids;
	for (const auto &plugin : document.at("plugins"))
		ids.push_back(plugin.at("id").get<std::string>());
	CHECK(ids == std::vector<std::string>{"test_abi_1_0", "test_create_fails", "test_create_throws", "test_failing",
						      "test_good", "test_rejected", "test_sched", "test_throwing",
						      "test_tree_host", "test_tree_leaf", "test_wide_elements"});
	// The checks of each option below must have options to look at: every listed plugin but
	// test_create_fails declares some, and test_good one of every type.
	std::map<std::string, size_t> option_count;
	std::set<std::string> test_good_types;
	for (const auto &plugin : document.at("plugins")) {
		const std::string id = plugin.at("id").get<std::string>();
		option_count[id] = plugin.at("options").size();
		for (const auto &option : plugin.at("options")) {
			CHECK(option.contains("type"));
			CHECK(option.contains("default"));
			CHECK(option.contains("help"));
			if (id == "test_good" && option.contains("type"))
				test_good_types.insert(option.at("type").get<std::string>());
		}
	}
	for (const std::string id : {"test_abi_1_0", "test_create_throws", "test_failing", "test_good", "test_rejected",
				     "test_sched", "test_throwing", "test_tree_host", "test_tree_leaf", "test_wide_elements"}) {
		CAPTURE(id);
		CHECK(option_count[id] > 0);
	}
	CHECK(option_count["test_create_fails"] == 0);
	CHECK(test_good_types ==
	      std::set<std::string>{"bool", "duration", "enum", "float", "int", "path", "string", "uint"});
}

TEST_CASE("running a profile here ends with the exit code this machine calls for", "[cli-process]")
{
	// The unit suite runs without root or sched_ext: the runner must say which is missing.
	// Where both exist (a root shell on a sched_ext kernel) the fake scheduler runs and
	// --duration ends it cleanly, or another scheduler is attached.
	int expected = 0;
	if (geteuid() != 0)
		expected = 6;
	else if (!std::filesystem::is_directory("/sys/kernel/sched_ext"))
		expected = 7;
	else if (first_line("/sys/kernel/sched_ext/state") != "disabled")
		expected = 9;
	const scxr::test::TemporaryDirectory sockets;
	const ProcessResult result =
		runner_with_plugins({"--duration", "0.3", "--stats-interval", "50ms", "--control-socket",
				     (sockets.path() / "control.sock").string(), TestPlugins::profile("minimal.toml").string()});
	CAPTURE(result.err);
	CHECK(result.exit_code == expected);
	if (expected == 6)
		CHECK_THAT(result.err, ContainsSubstring("must run as root"));
	if (expected == 7)
		CHECK_THAT(result.err, ContainsSubstring("has no sched_ext"));
	if (expected == 0)
		CHECK_THAT(result.out, StartsWith("test_good: "));
}

TEST_CASE("logs on a pipe carry no colour codes, whatever TERM says", "[cli-process]")
{
	const ProcessResult result = runner({"--plugin-dir", TestPlugins::directory().string(), "check",
					     TestPlugins::profile("wrong_types.toml").string()},
					    {{"TERM", "xterm-256color"}, {"COLORTERM", "truecolor"}});
	CHECK(result.exit_code == 2);
	CHECK_THAT(result.err, StartsWith("error: "));
	CHECK(result.err.find('\x1b') == std::string::npos);
}

TEST_CASE("status and switch without a running runner", "[cli-process]")
{
	const scxr::test::TemporaryDirectory sockets;
	const std::string socket = (sockets.path() / "control.sock").string();
	const ProcessResult status = runner({"--control-socket", socket, "status"});
	CHECK(status.exit_code == 0);
	CHECK_THAT(status.out, ContainsSubstring("runner: no runner is running (no socket at " + socket + ")"));
	const ProcessResult switched = runner({"--control-socket", socket, "switch", "p.toml"});
	CHECK(switched.exit_code == 14);
	CHECK_THAT(switched.err, ContainsSubstring("no runner is running"));
}
