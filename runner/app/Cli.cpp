// SPDX-License-Identifier: GPL-2.0-only
#include "app/Cli.hpp"

#include "base/RunnerError.hpp"
#include "base/SpellingSuggestion.hpp"
#include "control/StatsProtocol.hpp"
#include "top/TopCommand.hpp"

#include <scx_runner/plugin_abi.h>

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <string_view>

#ifndef SCXR_RUNNER_VERSION
#error "the build defines SCXR_RUNNER_VERSION"
#endif

namespace scxr {

namespace {

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
	// A bare decimal number is read as Duration's own seconds ("1.5" as "1.5s"): exact, and
	// without floating-point parsing, whose libstdc++ code is all that would link libm in.
	if (seconds_allowed && !text.empty() &&
	    text.find_first_not_of("0123456789.") == std::string::npos) {
		try {
			return Duration::parse(text + "s");
		} catch (const std::invalid_argument &) {
			usage_error(fmt::format("{} {}: expected a number of seconds", flag, text));
		}
	}
	if (seconds_allowed && text.starts_with('-'))
		usage_error(fmt::format("{} {}: expected a number of seconds", flag, text));
	try {
		return Duration::parse(text);
	} catch (const std::invalid_argument &error) {
		usage_error(fmt::format("{} {}: invalid duration: {}", flag, text, error.what()),
			    seconds_allowed ? "give seconds (\"30\") or a duration with a unit (\"500ms\", \"2m\")"
					    : "give a duration with a unit, e.g. \"1s\" or \"500ms\"");
	}
}


// What parsing gathers before it settles the command: the flags write here, and the
// defaults that depend on several flags (the log level) are resolved after the loop.
struct ParseState {
	CliOptions options;
	std::optional<spdlog::level::level_enum> explicit_level;
	int verbosity = 0;
	bool help = false;
	bool version_requested = false;
};

// Every flag is described once here; parsing, --help, "did you mean" and the errors all read
// this table, so a new flag cannot be parsed yet missing from the help or the suggestions.
struct FlagDescriptor {
	std::string_view name{};      // "--log-level"
	char short_name = 0;          // 'h' for -h; 0 when the flag has no short form
	std::string_view value_name{}; // "LEVEL"; empty when the flag takes no value
	std::string help{};           // may span lines; --help indents the continuation lines
	// Empty when every command takes the flag; else the commands it applies to, and how the
	// error says so ("to 'plugins', ..." or "when running a profile").
	std::vector<CliOptions::Command> commands{};
	std::string_view commands_text{};
	// Writes the flag into the state; value is empty for flags that take none.
	std::function<void(ParseState &, const std::string &flag, const std::string &value)> apply{};
	// Only the flag's own state knows whether it was given (for the per-command check).
	std::function<bool(const CliOptions &)> given{};

	bool takes_value() const { return !value_name.empty(); }
};

const std::vector<FlagDescriptor> &flag_table()
{
	using Command = CliOptions::Command;
	static const std::vector<FlagDescriptor> table{
		{.name = "--help",
		 .short_name = 'h',
		 .help = "show this help and exit",
		 .apply = [](ParseState &state, const std::string &, const std::string &) { state.help = true; }},
		{.name = "--version",
		 .short_name = 'V',
		 .help = "show the version and exit",
		 .apply = [](ParseState &state, const std::string &,
			     const std::string &) { state.version_requested = true; }},
		{.name = "--verbose",
		 .short_name = 'v',
		 .help = "more output: -v debug (libbpf, whole verifier logs), -vv trace",
		 .apply = [](ParseState &state, const std::string &, const std::string &) { ++state.verbosity; }},
		{.name = "--log-level",
		 .value_name = "LEVEL",
		 .help = "trace, debug, info (default), warn, error or off",
		 .apply = [](ParseState &state, const std::string &,
			     const std::string &value) { state.explicit_level = parse_log_level(value); }},
		{.name = "--plugin-dir",
		 .value_name = "DIR",
		 .help = "look for plugins in DIR first (repeatable); then come the\n"
			 "directories in SCX_RUNNER_PLUGIN_PATH (colon-separated), then\n"
			 "the directory plugins are installed to",
		 .apply =
			 [](ParseState &state, const std::string &, const std::string &directory) {
				 if (directory.empty())
					 usage_error("--plugin-dir needs a directory");
				 state.options.plugin_directories.push_back(directory);
			 }},
		{.name = "--stats-interval",
		 .value_name = "TIME",
		 .help = "print stats every TIME (\"1s\", \"500ms\"; \"0s\" turns them off;\n"
			 "'monitor' reads once and exits)",
		 .apply =
			 [](ParseState &state, const std::string &flag, const std::string &text) {
				 const Duration interval = parse_duration_flag(flag, text, false);
				 if (!interval.is_zero() && interval < RunnerSettings::kMinimumStatsInterval)
					 usage_error(fmt::format("--stats-interval {} is too short", text),
						     fmt::format("use at least {}, or 0s to turn stats off",
								 RunnerSettings::kMinimumStatsInterval.to_string()));
				 state.options.runner_overrides.stats_interval = interval;
			 }},
		{.name = "--stats-format",
		 .value_name = "FORMAT",
		 .help = "text (grouped lines, counters as rates) or json (one object per\n"
			 "line, totals and rates)",
		 .apply =
			 [](ParseState &state, const std::string &, const std::string &text) {
				 state.options.runner_overrides.stats_format = parse_stats_format(text);
				 if (!state.options.runner_overrides.stats_format)
					 usage_error(fmt::format("--stats-format {}: unknown format", text),
						     "use text or json");
			 }},
		{.name = "--duration",
		 .value_name = "SECONDS",
		 .help = "detach and exit 0 after the scheduler ran this long (\"30\",\n"
			 "\"1.5\", \"2m\"); 'monitor' and 'top' stop after that long",
		 .apply =
			 [](ParseState &state, const std::string &flag, const std::string &text) {
				 state.options.run_for = parse_duration_flag(flag, text, true);
				 if (state.options.run_for->is_zero())
					 usage_error("--duration must be longer than zero");
			 }},
		{.name = "--json",
		 .help = "with 'plugins', 'status' and 'switch': print JSON",
		 .commands = {Command::plugins, Command::status, Command::switch_profile},
		 .commands_text = "to 'plugins', 'status' and 'switch'",
		 .apply = [](ParseState &state, const std::string &, const std::string &) { state.options.json = true; },
		 .given = [](const CliOptions &options) { return options.json; }},
		{.name = "--watch",
		 .help = "reload when the profile file changes on disk (as SIGHUP does)",
		 .commands = {Command::run},
		 .commands_text = "when running a profile",
		 .apply = [](ParseState &state, const std::string &, const std::string &) { state.options.watch = true; },
		 .given = [](const CliOptions &options) { return options.watch; }},
		{.name = "--control-socket",
		 .value_name = "PATH",
		 .help = fmt::format("where the running runner answers 'status', 'switch' and\n"
				     "'top' (default {}; root only, mode 0600)",
				     ControlProtocol::kDefaultSocketPath),
		 .apply =
			 [](ParseState &state, const std::string &, const std::string &path) {
				 state.options.control_socket = path;
				 if (path.empty())
					 usage_error("--control-socket needs a path");
			 }},
		{.name = "--stats-socket",
		 .value_name = "PATH",
		 .help = fmt::format("serve scx_stats (scxtop, 'scx-runner monitor') on PATH;\n"
				     "\"off\" or \"\" turns it off (default {} as root)",
				     StatsProtocol::kDefaultSocketPath),
		 .commands = {Command::run, Command::monitor},
		 .commands_text = "when running a profile or to 'monitor'",
		 .apply =
			 [](ParseState &state, const std::string &flag, const std::string &path) {
				 state.options.runner_overrides.stats_socket = RunnerSettings::parse_stats_socket(path);
				 if (!state.options.runner_overrides.stats_socket)
					 usage_error(fmt::format("{} {}: expected an absolute path or \"off\"", flag, path));
			 },
		 .given = [](const CliOptions &options) { return options.runner_overrides.stats_socket.has_value(); }},
		{.name = "--metrics",
		 .value_name = "ADDRESS",
		 .help = "serve /metrics (Prometheus text format) on ADDRESS:\n"
			 "PORT (loopback) or HOST:PORT; \"off\" turns it off (default off)",
		 .commands = {Command::run},
		 .commands_text = "when running a profile",
		 .apply =
			 [](ParseState &state, const std::string &flag, const std::string &address) {
				 state.options.runner_overrides.metrics = RunnerSettings::parse_metrics(address);
				 if (!state.options.runner_overrides.metrics)
					 usage_error(fmt::format("{} {}: expected {} or \"off\"", flag, address,
								 MetricsAddress::kForms));
			 },
		 .given = [](const CliOptions &options) { return options.runner_overrides.metrics.has_value(); }},
		{.name = "--interval",
		 .value_name = "TIME",
		 .help = "how often 'top' reads the runner (default 1s, at least 100ms)",
		 .commands = {Command::top},
		 .commands_text = "to 'top'",
		 .apply =
			 [](ParseState &state, const std::string &flag, const std::string &text) {
				 state.options.top_interval = parse_duration_flag(flag, text, false);
				 if (*state.options.top_interval < TopCommand::kMinimumInterval)
					 usage_error(fmt::format("--interval {} is too short", text),
						     fmt::format("use at least {}: top must not become a load on the runner",
								 TopCommand::kMinimumInterval.to_string()));
			 },
		 .given = [](const CliOptions &options) { return options.top_interval.has_value(); }},
		{.name = "--plain",
		 .help = "with 'top': print text every interval, not a screen (the\n"
			 "default when stdout is not a terminal)",
		 .commands = {Command::top},
		 .commands_text = "to 'top'",
		 .apply = [](ParseState &state, const std::string &, const std::string &) { state.options.plain = true; },
		 .given = [](const CliOptions &options) { return options.plain; }},
		{.name = "--swap-mode",
		 .value_name = "MODE",
		 .help = "pre-verified (default): verify the new scheduler while the old\n"
			 "one runs, then swap; stop-start: detach the old one first (for\n"
			 "comparison: the whole verification is a gap without sched_ext)",
		 .apply =
			 [](ParseState &state, const std::string &, const std::string &text) {
				 const std::optional<SwapMode> mode = parse_swap_mode(text);
				 if (!mode)
					 usage_error(fmt::format("--swap-mode {}: unknown mode", text),
						     "use pre-verified or stop-start");
				 state.options.swap_mode = *mode;
			 }},
	};
	return table;
}

const FlagDescriptor *find_flag(std::string_view flag)
{
	for (const FlagDescriptor &descriptor : flag_table()) {
		if (flag == descriptor.name)
			return &descriptor;
		if (descriptor.short_name && flag.size() == 2 && flag[0] == '-' && flag[1] == descriptor.short_name)
			return &descriptor;
	}
	return nullptr;
}

std::vector<std::string> long_flag_names()
{
	std::vector<std::string> names;
	for (const FlagDescriptor &descriptor : flag_table())
		names.emplace_back(descriptor.name);
	return names;
}

// The Options section of --help: "  -h, --help" or "      --log-level LEVEL", padded so the
// help texts line up, continuation lines indented to the same column.
std::string flag_help()
{
	constexpr size_t kSpellingWidth = 23;
	const std::string continuation_indent(6 + kSpellingWidth, ' ');
	std::string text;
	for (const FlagDescriptor &descriptor : flag_table()) {
		std::string spelling(descriptor.name);
		if (descriptor.takes_value())
			spelling += fmt::format(" {}", descriptor.value_name);
		const std::string short_part =
			descriptor.short_name ? fmt::format("-{}, ", descriptor.short_name) : std::string(4, ' ');
		text += fmt::format("  {}{:<{}}", short_part, spelling, kSpellingWidth);
		std::string_view help = descriptor.help;
		for (size_t newline; (newline = help.find('\n')) != std::string_view::npos;) {
			text += fmt::format("{}\n{}", help.substr(0, newline), continuation_indent);
			help.remove_prefix(newline + 1);
		}
		text += fmt::format("{}\n", help);
	}
	return text;
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
  scx-runner [OPTIONS] monitor [PATH]        print a running runner's (or scx scheduler's) scx_stats
  scx-runner [OPTIONS] top [--plain]         a live view of the running runner: its tree, each
                                             node's rates and their history (q quits)

Options:
)" + flag_help() + R"(
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
	ParseState state;
	CliOptions &options = state.options;
	std::vector<std::string> positional;
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

		// -v, -vv, -vvv: the short verbose flag counts its repeats.
		if (flag.size() >= 2 && flag[1] == 'v' && flag.find_first_not_of('v', 1) == std::string::npos) {
			state.verbosity += static_cast<int>(flag.size() - 1);
			continue;
		}
		const FlagDescriptor *descriptor = find_flag(flag);
		if (!descriptor) {
			std::string hint;
			if (auto suggestion = SpellingSuggestion(long_flag_names()).closest(flag))
				hint = fmt::format("did you mean {}?", *suggestion);
			usage_error(fmt::format("unknown option '{}'", flag), hint);
		}
		if (!descriptor->takes_value() && inline_value)
			usage_error(fmt::format("{} takes no value", flag));
		descriptor->apply(state, flag, descriptor->takes_value() ? take_value() : std::string());
	}

	options.log_level = state.explicit_level.value_or(state.verbosity >= 2   ? spdlog::level::trace
						    : state.verbosity == 1 ? spdlog::level::debug
								     : spdlog::level::info);
	options.verbose = options.log_level <= spdlog::level::debug;

	if (state.help) {
		options.command = CliOptions::Command::help;
		return options;
	}
	if (state.version_requested) {
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
	} else if (first == "monitor") {
		options.command = CliOptions::Command::monitor;
		if (positional.size() > 2)
			usage_error("monitor takes at most one socket path", "scx-runner monitor [PATH]");
		if (positional.size() == 2)
			options.monitor_socket = positional[1];
	} else if (first == "top") {
		options.command = CliOptions::Command::top;
		if (positional.size() != 1)
			usage_error(fmt::format("top takes no arguments, got '{}'", positional[1]),
				    "scx-runner top [--control-socket PATH] [--interval TIME] [--plain]");
	} else {
		options.command = CliOptions::Command::run;
		if (positional.size() != 1)
			usage_error(fmt::format("unexpected argument '{}': give one profile", positional[1]));
		options.profile_path = first;
	}
	for (const FlagDescriptor &descriptor : flag_table())
		if (descriptor.given && descriptor.given(options) &&
		    std::ranges::find(descriptor.commands, options.command) == descriptor.commands.end())
			usage_error(fmt::format("{} only applies {}", descriptor.name, descriptor.commands_text));
	return options;
}

} // namespace scxr
