// SPDX-License-Identifier: GPL-2.0-only
#include "Cli.hpp"

#include "RunnerError.hpp"
#include "SpellingSuggestion.hpp"

#include <scx_runner/plugin_abi.h>

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#ifndef SCXR_RUNNER_VERSION
#error "the build defines SCXR_RUNNER_VERSION"
#endif

namespace scxr {

namespace {

const std::vector<std::string> kFlags{"--help",           "--version",      "--verbose",  "--log-level",
				      "--plugin-dir",     "--stats-interval", "--stats-format", "--duration",
				      "--json",           "--watch",        "--control-socket", "--swap-mode"};

[[noreturn]] void usage_error(const std::string &message, const std::string &hint = {})
{
	throw RunnerError(ExitCode::usage, message,
			  (hint.empty() ? "" : "hint: " + hint + "\n") + "run 'scx-runner --help' for usage");
}

spdlog::level::level_enum parse_log_level(const std::string &name)
{
	const std::pair<const char *, spdlog::level::level_enum> levels[] = {
		{"trace", spdlog::level::trace}, {"debug", spdlog::level::debug}, {"info", spdlog::level::info},
		{"warn", spdlog::level::warn},   {"error", spdlog::level::err},   {"off", spdlog::level::off},
	};
	for (const auto &[level_name, level] : levels)
		if (name == level_name)
			return level;
	usage_error(fmt::format("unknown log level '{}'", name), "use trace, debug, info, warn, error or off");
}

Duration parse_duration_flag(const std::string &flag, const std::string &text, bool seconds_allowed)
{
	// --duration 30 means thirty seconds; every duration flag also takes "500ms".
	if (seconds_allowed) {
		double seconds = 0;
		auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
		if (error == std::errc() && end == text.data() + text.size()) {
			if (!(seconds >= 0) || !std::isfinite(seconds) || seconds > 1e9)
				usage_error(fmt::format("{} {}: expected a number of seconds", flag, text));
			return Duration::from_nanoseconds(static_cast<uint64_t>(std::llround(seconds * 1e9)));
		}
	}
	try {
		return Duration::parse(text);
	} catch (const std::invalid_argument &error) {
		usage_error(fmt::format("{} {}: invalid duration: {}", flag, text, error.what()),
			    seconds_allowed ? "give seconds (\"30\") or a duration with a unit (\"500ms\", \"2m\")"
					    : "give a duration with a unit, e.g. \"1s\" or \"500ms\"");
	}
}

} // namespace

std::string Cli::version()
{
	return fmt::format("scx-runner {} (plugin ABI {}.{})\n", SCXR_RUNNER_VERSION, SCXR_ABI_MAJOR, SCXR_ABI_MINOR);
}

std::string Cli::usage()
{
	return R"(Usage:
  scx-runner [OPTIONS] PROFILE.toml          run the sched_ext scheduler a profile describes
  scx-runner [OPTIONS] check PROFILE.toml    validate a profile against its plugin (no root, no kernel)
  scx-runner [OPTIONS] plugins [--json]      list plugins and their options
  scx-runner [OPTIONS] status [--json]       what the kernel runs, and what a running runner runs
  scx-runner [OPTIONS] switch PROFILE.toml   ask the running runner to swap to another profile

Options:
  -h, --help                 show this help and exit
  -V, --version              show the version and exit
  -v, --verbose              more output: -v debug (libbpf, whole verifier logs), -vv trace
      --log-level LEVEL      trace, debug, info (default), warn, error or off
      --plugin-dir DIR       look for plugins in DIR first (repeatable); then come the
                             directories in SCX_RUNNER_PLUGIN_PATH (colon-separated), then
                             the directory plugins are installed to
      --stats-interval TIME  print stats every TIME ("1s", "500ms"; "0s" turns them off)
      --stats-format FORMAT  text (one line per reading) or json (one object per line)
      --duration SECONDS     detach and exit 0 after the scheduler ran this long ("30", "1.5", "2m")
      --json                 with 'plugins', 'status' and 'switch': print JSON
      --watch                reload when the profile file changes on disk (as SIGHUP does)
      --control-socket PATH  where the running runner answers 'status' and 'switch'
                             (default /run/scx-runner/control.sock; root only, mode 0600)
      --swap-mode MODE       pre-verified (default): verify the new scheduler while the old
                             one runs, then swap; stop-start: detach the old one first (for
                             comparison: the whole verification is a gap without sched_ext)

Flags override the profile's [runner] table. While running: SIGINT/SIGTERM detach and exit 0,
SIGUSR1 prints the scheduler's live state, SIGHUP re-reads the profile and swaps schedulers
when the plugin, its options or the plugin file changed; an unusable profile or a scheduler
that fails to load or attach leaves the running one in place. After an error exit the
profile's [restart] table decides: restart with backoff, fall back to another profile, or
exit 12.

Exit codes: 0 ok, 1 usage, 2 bad profile, 3 plugin not found, 4 plugin ABI mismatch or not a
plugin, 5 unsafe plugin file, 6 not root, 7 no sched_ext, 8 kernel lacks a feature, 9 another
scheduler is attached, 10 verifier rejected, 11 attach refused, 12 scheduler error exit,
13 internal error, 14 no runner is running or a control request failed.
)";
}

CliOptions Cli::parse(const std::vector<std::string> &arguments)
{
	CliOptions options;
	std::vector<std::string> positional;
	std::optional<spdlog::level::level_enum> explicit_level;
	int verbosity = 0;
	bool help = false;
	bool version_requested = false;
	bool options_ended = false;

	for (size_t index = 0; index < arguments.size(); ++index) {
		const std::string &argument = arguments[index];
		if (options_ended || argument.empty() || argument[0] != '-' || argument == "-") {
			positional.push_back(argument);
			continue;
		}
		if (argument == "--") {
			options_ended = true;
			continue;
		}
		std::string flag = argument;
		std::optional<std::string> inline_value;
		if (argument.starts_with("--")) {
			if (const size_t equals = argument.find('='); equals != std::string::npos) {
				flag = argument.substr(0, equals);
				inline_value = argument.substr(equals + 1);
			}
		}
		auto take_value = [&]() -> std::string {
			if (inline_value)
				return *inline_value;
			if (index + 1 >= arguments.size())
				usage_error(fmt::format("{} needs a value", flag));
			return arguments[++index];
		};

		if (flag == "-h" || flag == "--help") {
			help = true;
		} else if (flag == "-V" || flag == "--version") {
			version_requested = true;
		} else if (flag == "--verbose") {
			++verbosity;
		} else if (flag.size() >= 2 && flag[1] == 'v' && flag.find_first_not_of('v', 1) == std::string::npos) {
			verbosity += static_cast<int>(flag.size() - 1); // -v, -vv
		} else if (flag == "--log-level") {
			explicit_level = parse_log_level(take_value());
		} else if (flag == "--plugin-dir") {
			const std::string directory = take_value();
			if (directory.empty())
				usage_error("--plugin-dir needs a directory");
			options.plugin_directories.push_back(directory);
		} else if (flag == "--stats-interval") {
			const std::string text = take_value();
			const Duration interval = parse_duration_flag(flag, text, false);
			if (!interval.is_zero() && interval < RunnerSettings::kMinimumStatsInterval)
				usage_error(fmt::format("--stats-interval {} is too short", text),
					    fmt::format("use at least {}, or 0s to turn stats off",
							RunnerSettings::kMinimumStatsInterval.to_string()));
			options.runner_overrides.stats_interval = interval;
		} else if (flag == "--stats-format") {
			const std::string text = take_value();
			options.runner_overrides.stats_format = parse_stats_format(text);
			if (!options.runner_overrides.stats_format)
				usage_error(fmt::format("--stats-format {}: unknown format", text), "use text or json");
		} else if (flag == "--duration") {
			const std::string text = take_value();
			options.run_for = parse_duration_flag(flag, text, true);
			if (options.run_for->is_zero())
				usage_error("--duration must be longer than zero");
		} else if (flag == "--json") {
			options.json = true;
		} else if (flag == "--watch") {
			options.watch = true;
		} else if (flag == "--control-socket") {
			options.control_socket = take_value();
			if (options.control_socket.empty())
				usage_error("--control-socket needs a path");
		} else if (flag == "--swap-mode") {
			const std::string text = take_value();
			const std::optional<SwapMode> mode = parse_swap_mode(text);
			if (!mode)
				usage_error(fmt::format("--swap-mode {}: unknown mode", text), "use pre-verified or stop-start");
			options.swap_mode = *mode;
		} else {
			std::string hint;
			if (auto suggestion = SpellingSuggestion(kFlags).closest(flag))
				hint = fmt::format("did you mean {}?", *suggestion);
			usage_error(fmt::format("unknown option '{}'", flag), hint);
		}
		if (inline_value && (flag == "--help" || flag == "--version" || flag == "--verbose" || flag == "--json" ||
				     flag == "--watch"))
			usage_error(fmt::format("{} takes no value", flag));
	}

	options.log_level = explicit_level.value_or(verbosity >= 2   ? spdlog::level::trace
						    : verbosity == 1 ? spdlog::level::debug
								     : spdlog::level::info);
	options.verbose = options.log_level <= spdlog::level::debug;

	if (help) {
		options.command = CliOptions::Command::help;
		return options;
	}
	if (version_requested) {
		options.command = CliOptions::Command::version;
		return options;
	}
	if (positional.empty())
		usage_error("no profile given", "run 'scx-runner PROFILE.toml', or 'scx-runner plugins' to see the plugins");

	const std::string &first = positional.front();
	if (first == "check") {
		options.command = CliOptions::Command::check;
		if (positional.size() != 2)
			usage_error(positional.size() < 2 ? "check needs a profile" : "check takes one profile",
				    "scx-runner check PROFILE.toml");
		options.profile_path = positional[1];
	} else if (first == "plugins") {
		options.command = CliOptions::Command::plugins;
		if (positional.size() != 1)
			usage_error(fmt::format("plugins takes no arguments, got '{}'", positional[1]));
	} else if (first == "status") {
		options.command = CliOptions::Command::status;
		if (positional.size() != 1)
			usage_error(fmt::format("status takes no arguments, got '{}'", positional[1]));
	} else if (first == "switch") {
		options.command = CliOptions::Command::switch_profile;
		if (positional.size() != 2)
			usage_error(positional.size() < 2 ? "switch needs a profile" : "switch takes one profile",
				    "scx-runner switch PROFILE.toml");
		options.profile_path = positional[1];
	} else {
		options.command = CliOptions::Command::run;
		if (positional.size() != 1)
			usage_error(fmt::format("unexpected argument '{}': give one profile", positional[1]));
		options.profile_path = first;
	}
	if (options.json && options.command != CliOptions::Command::plugins &&
	    options.command != CliOptions::Command::status && options.command != CliOptions::Command::switch_profile)
		usage_error("--json only applies to 'plugins', 'status' and 'switch'");
	if (options.watch && options.command != CliOptions::Command::run)
		usage_error("--watch only applies when running a profile");
	return options;
}

} // namespace scxr
