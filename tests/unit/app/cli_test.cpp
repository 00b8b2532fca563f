// SPDX-License-Identifier: GPL-2.0-only
#include "app/Cli.hpp"
#include "base/RunnerError.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

using Catch::Matchers::ContainsSubstring;
using scxr::Cli;
using scxr::CliOptions;
using scxr::ExitCode;
using scxr::RunnerError;
using Command = CliOptions::Command;

namespace {

RunnerError usage_error(const std::vector<std::string> &arguments)
{
	try {
		Cli::parse(arguments);
	} catch (const RunnerError &error) {
		CHECK(error.code() == ExitCode::usage);
		return error;
	}
	FAIL("expected a usage error");
	return RunnerError(ExitCode::ok, "");
}

} // namespace

TEST_CASE("a profile alone runs it", "[cli]")
{
	const CliOptions options = Cli::parse({"config/qmap.toml"});
	CHECK(options.command == Command::run);
	CHECK(options.profile_path == "config/qmap.toml");
	CHECK(options.log_level == spdlog::level::info);
	CHECK_FALSE(options.verbose);
	CHECK_FALSE(options.run_for.has_value());
}

TEST_CASE("subcommands check and plugins", "[cli]")
{
	CliOptions options = Cli::parse({"check", "p.toml"});
	CHECK(options.command == Command::check);
	CHECK(options.profile_path == "p.toml");
	options = Cli::parse({"plugins", "--json"});
	CHECK(options.command == Command::plugins);
	CHECK(options.json);
	// A profile literally named "check" is reachable as a path.
	CHECK(Cli::parse({"./check"}).command == Command::run);
}

TEST_CASE("help and version win over everything else", "[cli]")
{
	CHECK(Cli::parse({"--help"}).command == Command::help);
	CHECK(Cli::parse({"p.toml", "-h"}).command == Command::help);
	CHECK(Cli::parse({"-V"}).command == Command::version);
	CHECK(Cli::parse({"--version"}).command == Command::version);
	CHECK_THAT(Cli::version(), ContainsSubstring("plugin ABI 1.1"));
	CHECK_THAT(Cli::usage(), ContainsSubstring("scx-runner [OPTIONS] check PROFILE.toml"));
	CHECK_THAT(Cli::usage(), ContainsSubstring("--plugin-dir DIR"));
}

TEST_CASE("runner flags are parsed into overrides", "[cli]")
{
	const CliOptions options =
		Cli::parse({"-v", "--plugin-dir", "/a", "--plugin-dir=/b", "--stats-interval", "500ms", "--stats-format=json",
			    "--duration", "1.5", "p.toml"});
	CHECK(options.verbose);
	CHECK(options.log_level == spdlog::level::debug);
	CHECK(options.plugin_directories == std::vector<std::string>{"/a", "/b"});
	CHECK(options.runner_overrides.stats_interval->nanoseconds() == 500'000'000);
	CHECK(options.runner_overrides.stats_format == scxr::StatsFormat::json);
	CHECK(options.run_for->nanoseconds() == 1'500'000'000);
	CHECK(Cli::parse({"--duration", "2m", "p.toml"}).run_for->nanoseconds() == 120'000'000'000);
	// Seconds are read exactly, as decimals: no float rounds 0.3 to 299'999'999 ns.
	CHECK(Cli::parse({"--duration", "0.3", "p.toml"}).run_for->nanoseconds() == 300'000'000);
	CHECK(Cli::parse({"--duration", ".5", "p.toml"}).run_for->nanoseconds() == 500'000'000);
	CHECK(Cli::parse({"--stats-interval", "0s", "p.toml"}).runner_overrides.stats_interval->is_zero());
}

TEST_CASE("verbosity and log levels", "[cli]")
{
	CHECK(Cli::parse({"-vv", "p.toml"}).log_level == spdlog::level::trace);
	CHECK(Cli::parse({"-v", "-v", "p.toml"}).log_level == spdlog::level::trace);
	CHECK(Cli::parse({"--log-level", "warn", "p.toml"}).log_level == spdlog::level::warn);
	CHECK(Cli::parse({"-v", "--log-level=error", "p.toml"}).log_level == spdlog::level::err);
	CHECK_FALSE(Cli::parse({"--log-level=error", "p.toml"}).verbose);
	CHECK(Cli::parse({"--log-level=debug", "p.toml"}).verbose);
}

TEST_CASE("mistakes on the command line are usage errors with hints", "[cli]")
{
	CHECK_THAT(usage_error({}).what(), ContainsSubstring("no profile given"));
	RunnerError error = usage_error({"--plugin-dirs", "/x", "p.toml"});
	CHECK(std::string(error.what()) == "unknown option '--plugin-dirs'");
	CHECK_THAT(error.details(), ContainsSubstring("did you mean --plugin-dir?"));
	CHECK_THAT(usage_error({"--plugin-dir"}).what(), ContainsSubstring("--plugin-dir needs a value"));
	CHECK_THAT(usage_error({"--log-level", "loud", "p.toml"}).what(), ContainsSubstring("unknown log level 'loud'"));
	CHECK_THAT(usage_error({"--stats-format", "yaml", "p.toml"}).what(), ContainsSubstring("unknown format"));
	CHECK_THAT(usage_error({"--stats-interval", "1ms", "p.toml"}).what(), ContainsSubstring("too short"));
	CHECK_THAT(usage_error({"--stats-interval", "1", "p.toml"}).what(), ContainsSubstring("invalid duration"));
	CHECK_THAT(usage_error({"--duration", "soon", "p.toml"}).what(), ContainsSubstring("invalid duration"));
	CHECK_THAT(usage_error({"--duration", "0", "p.toml"}).what(), ContainsSubstring("longer than zero"));
	CHECK_THAT(usage_error({"--duration", "-1", "p.toml"}).what(), ContainsSubstring("expected a number of seconds"));
	CHECK_THAT(usage_error({"--duration", "1.2.3", "p.toml"}).what(), ContainsSubstring("expected a number of seconds"));
	CHECK_THAT(usage_error({"--duration", "0.0000000001", "p.toml"}).what(),
		   ContainsSubstring("expected a number of seconds"));
	CHECK_THAT(usage_error({"a.toml", "b.toml"}).what(), ContainsSubstring("unexpected argument 'b.toml'"));
	CHECK_THAT(usage_error({"check"}).what(), ContainsSubstring("check needs a profile"));
	CHECK_THAT(usage_error({"plugins", "extra"}).what(), ContainsSubstring("plugins takes no arguments"));
	CHECK_THAT(usage_error({"--json", "p.toml"}).what(), ContainsSubstring("--json only applies to 'plugins'"));
	CHECK_THAT(usage_error({"--help=yes"}).what(), ContainsSubstring("--help takes no value"));
}

TEST_CASE("-- ends the options", "[cli]")
{
	const CliOptions options = Cli::parse({"--", "-weird.toml"});
	CHECK(options.command == Command::run);
	CHECK(options.profile_path == "-weird.toml");
}

TEST_CASE("status and switch, with the control socket and --json", "[cli]")
{
	CliOptions options = Cli::parse({"status"});
	CHECK(options.command == Command::status);
	CHECK(options.control_socket == "/run/scx-runner/control.sock");
	CHECK_FALSE(options.json);
	options = Cli::parse({"--control-socket", "/tmp/c.sock", "status", "--json"});
	CHECK(options.control_socket == "/tmp/c.sock");
	CHECK(options.json);
	options = Cli::parse({"switch", "simple.toml"});
	CHECK(options.command == Command::switch_profile);
	CHECK(options.profile_path == "simple.toml");
	CHECK_THAT(usage_error({"switch"}).what(), ContainsSubstring("switch needs a profile"));
	CHECK_THAT(usage_error({"switch", "a.toml", "b.toml"}).what(), ContainsSubstring("switch takes one profile"));
	CHECK_THAT(usage_error({"status", "extra"}).what(), ContainsSubstring("status takes no arguments"));
	CHECK_THAT(usage_error({"--control-socket=", "status"}).what(), ContainsSubstring("--control-socket needs a path"));
}

TEST_CASE("--watch and --swap-mode apply to a run", "[cli]")
{
	CliOptions options = Cli::parse({"p.toml"});
	CHECK_FALSE(options.watch);
	CHECK(options.swap_mode == scxr::SwapMode::pre_verified);
	options = Cli::parse({"--watch", "--swap-mode", "stop-start", "p.toml"});
	CHECK(options.watch);
	CHECK(options.swap_mode == scxr::SwapMode::stop_start);
	CHECK(Cli::parse({"--swap-mode=pre-verified", "p.toml"}).swap_mode == scxr::SwapMode::pre_verified);
	const RunnerError mode = usage_error({"--swap-mode", "fast", "p.toml"});
	CHECK_THAT(mode.what(), ContainsSubstring("--swap-mode fast: unknown mode"));
	CHECK_THAT(mode.details(), ContainsSubstring("use pre-verified or stop-start"));
	CHECK_THAT(usage_error({"--watch", "check", "p.toml"}).what(), ContainsSubstring("--watch only applies"));
	CHECK_THAT(usage_error({"--json", "p.toml"}).what(), ContainsSubstring("--json only applies to 'plugins', 'status'"));
	CHECK_THAT(usage_error({"--wath", "p.toml"}).details(), ContainsSubstring("did you mean --watch?"));
}

TEST_CASE("--metrics takes a port or host:port, or off", "[cli][metrics]")
{
	CHECK(Cli::parse({"--metrics", "9100", "p.toml"}).runner_overrides.effective_metrics() ==
	      scxr::MetricsAddress{"127.0.0.1", 9100});
	CHECK(Cli::parse({"--metrics=[::1]:9100", "p.toml"}).runner_overrides.effective_metrics() ==
	      scxr::MetricsAddress{"::1", 9100});
	CHECK(Cli::parse({"--metrics", "off", "p.toml"}).runner_overrides.metrics == scxr::RunnerSettings::Metrics{});
	CHECK_FALSE(Cli::parse({"p.toml"}).runner_overrides.metrics);
	CHECK_THAT(usage_error({"--metrics", "nine", "p.toml"}).what(),
		   ContainsSubstring("--metrics nine: expected PORT or HOST:PORT"));
	CHECK_THAT(usage_error({"--metrics", "9100", "status"}).what(),
		   ContainsSubstring("--metrics only applies when running a profile"));
}

TEST_CASE("monitor and --stats-socket", "[cli]")
{
	CliOptions options = Cli::parse({"monitor"});
	CHECK(options.command == Command::monitor);
	CHECK(options.monitor_socket.empty());
	options = Cli::parse({"--stats-interval", "2s", "--stats-format", "json", "monitor", "/run/scx/lavd/stats"});
	CHECK(options.monitor_socket == "/run/scx/lavd/stats");
	CHECK(options.runner_overrides.stats_interval == scxr::Duration::from_nanoseconds(2'000'000'000));
	CHECK(Cli::parse({"--stats-socket", "/tmp/s", "p.toml"}).runner_overrides.stats_socket == "/tmp/s");
	CHECK(Cli::parse({"--stats-socket", "off", "p.toml"}).runner_overrides.stats_socket == "");
	CHECK(Cli::parse({"--stats-socket=", "p.toml"}).runner_overrides.stats_socket == "");
	CHECK_FALSE(Cli::parse({"p.toml"}).runner_overrides.stats_socket);
	CHECK_THAT(usage_error({"--stats-socket", "relative/stats", "p.toml"}).what(),
		   ContainsSubstring("expected an absolute path or \"off\""));
	CHECK_THAT(usage_error({"--stats-socket", "/tmp/s", "status"}).what(),
		   ContainsSubstring("--stats-socket only applies when running a profile or to 'monitor'"));
	CHECK_THAT(usage_error({"monitor", "a", "b"}).what(), ContainsSubstring("monitor takes at most one socket path"));
	CHECK_THAT(Cli::usage(), ContainsSubstring("scx-runner [OPTIONS] monitor [PATH]"));
}

TEST_CASE("top, --interval and --plain", "[cli][top]")
{
	const CliOptions top = Cli::parse({"top"});
	CHECK(top.command == CliOptions::Command::top);
	CHECK_FALSE(top.top_interval);
	CHECK_FALSE(top.plain);
	CHECK(top.control_socket == "/run/scx-runner/control.sock");
	const CliOptions tuned = Cli::parse({"--control-socket", "/tmp/c.sock", "top", "--interval", "500ms", "--plain"});
	CHECK(tuned.control_socket == "/tmp/c.sock");
	REQUIRE(tuned.top_interval);
	CHECK(tuned.top_interval->to_string() == "500ms");
	CHECK(tuned.plain);
	CHECK(Cli::parse({"top", "--duration", "3"}).run_for.has_value());

	CHECK_THAT(usage_error({"top", "now"}).what(), ContainsSubstring("top takes no arguments, got 'now'"));
	CHECK_THAT(usage_error({"top", "--interval", "10ms"}).what(), ContainsSubstring("--interval 10ms is too short"));
	CHECK_THAT(usage_error({"top", "--interval", "often"}).what(), ContainsSubstring("--interval often: invalid duration"));
	CHECK_THAT(usage_error({"--plain", "status"}).what(), ContainsSubstring("--plain only applies to 'top'"));
	CHECK_THAT(usage_error({"--interval", "1s", "monitor"}).what(), ContainsSubstring("--interval only applies to 'top'"));
	CHECK_THAT(Cli::usage(), ContainsSubstring("scx-runner [OPTIONS] top [--plain]"));
	CHECK_THAT(Cli::usage(), ContainsSubstring("--interval TIME"));
}

TEST_CASE("every flag --help lists is one the parser knows", "[cli]")
{
	// --help and the parser read one table; a flag listed but unparsed would show up here.
	const std::string usage = Cli::usage();
	size_t flags_seen = 0;
	for (size_t start = usage.find("      --"); start != std::string::npos; start = usage.find("      --", start + 1)) {
		const size_t name_start = start + 6;
		const size_t name_end = usage.find_first_of(" \n", name_start);
		const std::string flag = usage.substr(name_start, name_end - name_start);
		const bool takes_value = usage[name_end] == ' ' && usage[name_end + 1] >= 'A' && usage[name_end + 1] <= 'Z';
		std::vector<std::string> arguments{flag};
		if (takes_value)
			arguments.push_back("x");
		try {
			Cli::parse(arguments);
		} catch (const RunnerError &error) {
			INFO(flag);
			CHECK_THAT(std::string(error.what()), !ContainsSubstring("unknown option"));
		}
		++flags_seen;
	}
	CHECK(flags_seen == 13); // the flags without a short form; -h, -v and -V are checked above
}
