// SPDX-License-Identifier: GPL-2.0-only
#include "app/Application.hpp"

#include "app/Monitor.hpp"
#include "control/MetricsEndpoint.hpp"
#include "control/StatsProtocol.hpp"

#include "control/ControlClient.hpp"
#include "output/ErrorPrinter.hpp"
#include "output/Json.hpp"
#include "kernel/KernelProbe.hpp"
#include "kernel/LibbpfLog.hpp"
#include "base/Duration.hpp"
#include "base/Logging.hpp"
#include "profile/OptionValidator.hpp"
#include "plugin/PluginLoader.hpp"
#include "profile/ProfileError.hpp"
#include "profile/ProfileParser.hpp"
#include "profile/ProfileResolver.hpp"
#include "base/RunnerError.hpp"
#include "session/Session.hpp"
#include "session/SignalFd.hpp"
#include "top/TopCommand.hpp"

#ifndef SCXR_MODULE_DIR
#error "the build defines SCXR_MODULE_DIR, the directory the runner's own modules are installed to"
#endif

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <unistd.h>

namespace scxr {

namespace {

std::string_view requirement_kind_name(scxr_requirement_kind kind)
{
	switch (kind) {
	case SCXR_REQ_KFUNC: return "kfunc";
	case SCXR_REQ_TYPE: return "type";
	case SCXR_REQ_MEMBER: return "member";
	case SCXR_REQ_ENUM_VALUE: return "enum_value";
	}
	return "unknown";
}

// An option's value as JSON: durations as the strings a profile uses ("20ms"), unset
// strings as null, everything else as its JSON type.
Json option_value_json(const scxr_option_desc &option, const scxr_option_value &value)
{
	switch (option.type) {
	case SCXR_OPT_BOOL: return value.b;
	case SCXR_OPT_INT: return value.i;
	case SCXR_OPT_UINT: return value.u;
	case SCXR_OPT_FLOAT: return json_number(value.f);
	case SCXR_OPT_DURATION: return Duration::from_nanoseconds(value.u).to_string();
	case SCXR_OPT_STRING:
	case SCXR_OPT_ENUM:
	case SCXR_OPT_PATH: return value.s ? Json(value.s) : Json(nullptr);
	}
	return nullptr;
}

Json option_json(const scxr_option_desc &option)
{
	Json json;
	json["name"] = option.name;
	json["type"] = OptionSchema::type_name(option.type);
	json["default"] = option_value_json(option, option.default_value);
	if (option.has_min)
		json["min"] = option_value_json(option, option.min);
	if (option.has_max)
		json["max"] = option_value_json(option, option.max);
	if (option.unit && *option.unit)
		json["unit"] = option.unit;
	json["help"] = option.help ? option.help : "";
	if (option.type == SCXR_OPT_ENUM)
		json["values"] = OptionSchema::enum_values(option);
	return json;
}

Json requirement_json(const scxr_requirement &requirement)
{
	Json json;
	json["kind"] = requirement_kind_name(requirement.kind);
	json["name"] = requirement.name;
	if (requirement.member)
		json["member"] = requirement.member;
	json["since"] = requirement.since ? requirement.since : "";
	json["feature"] = requirement.feature ? requirement.feature : "";
	return json;
}

Json stat_json(const StatDescriptor &stat)
{
	Json json;
	json["name"] = stat.name;
	json["group"] = stat.group;
	json["kind"] = StatSchema::kind_name(stat.kind);
	json["type"] = StatSchema::type_name(stat.type);
	json["unit"] = stat.unit;
	json["help"] = stat.help;
	return json;
}

Json plugin_json(const PluginLibrary &plugin)
{
	const scxr_plugin_entry &entry = plugin.entry();
	Json json;
	json["id"] = plugin.id();
	json["version"] = plugin.version();
	json["description"] = plugin.description();
	json["path"] = plugin.path().string();
	json["abi"] = fmt::format("{}.{}", entry.abi_major, entry.abi_minor);
	json["options"] = Json::array();
	for (const scxr_option_desc &option : plugin.schema().options())
		json["options"].push_back(option_json(option));
	json["requirements"] = Json::array();
	for (const scxr_requirement &requirement : plugin.requirements())
		json["requirements"].push_back(requirement_json(requirement));
	// A 1.0 plugin publishes no stats schema: its stats are named only at run time.
	if (plugin.abi_minor() >= 1) {
		json["stats"] = Json::array();
		for (const StatDescriptor &stat : plugin.stat_schema().stats())
			json["stats"].push_back(stat_json(stat));
	}
	return json;
}

// The stats schema, a group per heading in the order the plugin lists them.
void write_stats_text(std::ostream &out, const PluginLibrary &plugin)
{
	if (plugin.abi_minor() == 0) {
		out << "  stats: named at run time (the plugin is built for ABI 1.0)\n";
		return;
	}
	const std::vector<StatDescriptor> &stats = plugin.stat_schema().stats();
	out << (stats.empty() ? "  stats: none\n" : "  stats:\n");
	std::vector<std::string> groups;
	for (const StatDescriptor &stat : stats)
		if (std::find(groups.begin(), groups.end(), stat.group) == groups.end())
			groups.push_back(stat.group);
	for (const std::string &group : groups) {
		const bool headed = !group.empty();
		if (headed)
			out << fmt::format("    {}:\n", group);
		for (const StatDescriptor &stat : stats) {
			if (stat.group != group)
				continue;
			const std::string unit = stat.unit.empty() ? "" : ", " + stat.unit;
			out << fmt::format("{}{} ({} {}{}): {}\n", headed ? "      " : "    ", stat.name,
					   StatSchema::type_name(stat.type), StatSchema::kind_name(stat.kind), unit, stat.help);
		}
	}
}

void write_plugin_text(std::ostream &out, const PluginLibrary &plugin)
{
	out << fmt::format("{} {}: {}\n", plugin.id(), plugin.version(), plugin.description());
	out << fmt::format("  file: {}\n", plugin.path().string());
	const OptionSchema schema = plugin.schema();
	if (schema.options().empty())
		out << "  options: none\n";
	else
		out << "  options:\n";
	for (const scxr_option_desc &option : schema.options()) {
		std::string facts = fmt::format("{}, default {}", OptionSchema::type_name(option.type),
						OptionSchema::format_value(option, option.default_value));
		if (auto range = OptionSchema::format_range(option))
			facts += ", range " + *range;
		if (option.unit && *option.unit && option.type != SCXR_OPT_DURATION)
			facts += fmt::format(", unit {}", option.unit);
		if (option.type == SCXR_OPT_ENUM) {
			std::string values;
			for (const std::string &value : OptionSchema::enum_values(option))
				values += (values.empty() ? "" : "|") + value;
			facts += ", one of " + values;
		}
		out << fmt::format("    {} ({}): {}\n", option.name, facts, option.help ? option.help : "");
	}
	for (const scxr_requirement &requirement : plugin.requirements())
		out << fmt::format("  needs: {}{}{}\n", KernelProbe::describe(requirement),
				   requirement.feature ? fmt::format(" ({})", requirement.feature) : "",
				   requirement.since ? fmt::format(", Linux {}+", requirement.since) : "");
	write_stats_text(out, plugin);
}

} // namespace

Application::Application(const KernelProbe &kernel, std::ostream &out, std::ostream &err,
			 std::string installed_plugin_directory, const char *plugin_path_variable)
	: kernel_(kernel), out_(out), err_(err), installed_plugin_directory_(std::move(installed_plugin_directory)),
	  plugin_path_variable_(plugin_path_variable ? plugin_path_variable : ""),
	  has_plugin_path_variable_(plugin_path_variable != nullptr)
{
}

int Application::main(const std::vector<std::string> &arguments)
{
	try {
		const CliOptions options = Cli::parse(arguments);
		Logging::set_level(options.log_level);
		return to_int(dispatch(options));
	} catch (const RunnerError &error) {
		ErrorPrinter::print(error, err_);
		return to_int(error.code());
	} catch (const std::exception &error) {
		spdlog::error("internal error: {}", error.what());
		return to_int(ExitCode::internal);
	} catch (...) {
		spdlog::error("internal error: unknown exception");
		return to_int(ExitCode::internal);
	}
}

ExitCode Application::dispatch(const CliOptions &options)
{
	switch (options.command) {
	case CliOptions::Command::help: out_ << Cli::usage(); return ExitCode::ok;
	case CliOptions::Command::version: out_ << Cli::version(); return ExitCode::ok;
	case CliOptions::Command::run: return run(options);
	case CliOptions::Command::check: return check(options);
	case CliOptions::Command::plugins: return list_plugins(options);
	case CliOptions::Command::status: return status(options);
	case CliOptions::Command::switch_profile: return switch_profile(options);
	case CliOptions::Command::monitor: return monitor(options);
	case CliOptions::Command::top: return top(options);
	}
	return ExitCode::internal;
}

PluginLoader Application::plugin_loader(const CliOptions &options) const
{
	return PluginLoader(PluginLoader::search_path(options.plugin_directories,
						      has_plugin_path_variable_ ? plugin_path_variable_.c_str() : nullptr,
						      installed_plugin_directory_));
}

ExitCode Application::check(const CliOptions &options)
{
	const ProfileResolver resolver(plugin_loader(options), options.runner_overrides, kernel_);
	const ResolvedProfile resolved = resolver.resolve(options.profile_path, nullptr, false);
	check_fallback(resolver, resolved);
	const Profile &profile = resolved.profile;
	const RunnerSettings &runner = resolved.runner;

	out_ << fmt::format("{}: ok\n", profile.path);
	if (resolved.root.written.cgroup)
		out_ << fmt::format("  attaches below the scheduler that runs {}\n", resolved.root.cgroup_dir.string());
	print_node_settings(resolved.root, "  ");
	const Duration interval = runner.effective_stats_interval();
	out_ << fmt::format("  stats: {}\n", interval.is_zero() ? std::string("off")
								 : fmt::format("every {} as {}", interval.to_string(),
									       stats_format_name(runner.effective_stats_format())));
	print_restart(resolved.root, "  ");
	print_children(resolved.root, "  ");
	return ExitCode::ok;
}

void Application::print_node_settings(const ResolvedNode &node, const std::string &indent) const
{
	const auto &plugin = node.plugin;
	out_ << fmt::format("{}plugin: {} {} ({})\n", indent, plugin->id(), plugin->version(), plugin->path().string());
	for (const OptionSettings::Setting &setting : node.options.settings()) {
		const scxr_option_desc &option = *plugin->schema().find(setting.name);
		scxr_option_value value = setting.value;
		if (OptionSchema::is_text_type(setting.type))
			value.s = setting.text ? setting.text->c_str() : nullptr;
		out_ << fmt::format("{}{} = {}{}\n", indent, setting.name, OptionSchema::format_value(option, value),
				    setting.from_profile ? "" : " (default)");
	}
}

void Application::print_restart(const ResolvedNode &node, const std::string &indent) const
{
	const RestartSettings restart = node.restart_settings();
	if (!node.written.restart)
		out_ << indent << "restart: only when the kernel asks (no [restart] table); error exits end "
		     << (node.depth == 0 ? "the run\n" : "this node (and its children) only\n");
	else if (!restart.enabled)
		out_ << indent << "restart: off ([restart] enabled = false)\n";
	else
		out_ << fmt::format("{}restart: after {} doubling up to {}, at most {} within {}\n", indent,
				    restart.initial_delay.to_string(), restart.max_delay.to_string(), restart.max_restarts,
				    restart.window.to_string());
	if (restart.fallback)
		out_ << fmt::format("{}fallback: {}\n", indent, restart.fallback->string());
}

void Application::print_children(const ResolvedNode &node, const std::string &indent) const
{
	for (const ResolvedNode &child : node.children) {
		const ProfileCgroup &cgroup = *child.written.cgroup;
		std::string extras;
		if (cgroup.create)
			extras += ", created if missing";
		if (cgroup.cpu_weight)
			extras += fmt::format(", cpu.weight {}", *cgroup.cpu_weight);
		if (!child.written.included_profile.empty())
			extras += ", from " + child.written.included_profile;
		out_ << fmt::format("{}child {} ({}{}):\n", indent, cgroup.relative, child.cgroup_dir.string(), extras);
		print_node_settings(child, indent + "  ");
		print_restart(child, indent + "  ");
		print_children(child, indent + "  ");
	}
}

void Application::check_fallback(const ProfileResolver &resolver, const ResolvedProfile &resolved) const
{
	const std::optional<std::filesystem::path> &fallback = resolved.root.restart_settings().fallback;
	if (!fallback)
		return;
	// A fallback that does not work would only be found out when it is needed most.
	try {
		resolver.resolve(fallback->string(), nullptr, false);
	} catch (const RunnerError &error) {
		spdlog::error("{}: the [restart] fallback profile {} is not usable:", resolved.profile.path,
			      fallback->string());
		throw;
	}
}

ExitCode Application::list_plugins(const CliOptions &options)
{
	const PluginLoader loader = plugin_loader(options);
	const PluginLoader::Listing listing = loader.list();
	if (options.json) {
		Json document;
		document["runner_abi"] = fmt::format("{}.{}", SCXR_ABI_MAJOR, SCXR_ABI_MINOR);
		document["search_path"] = Json::array();
		for (const auto &directory : loader.directories())
			document["search_path"].push_back(directory.string());
		document["plugins"] = Json::array();
		for (const auto &plugin : listing.plugins)
			document["plugins"].push_back(plugin_json(*plugin));
		document["problems"] = Json::array();
		for (const PluginLoader::Problem &problem : listing.problems) {
			Json json;
			json["path"] = problem.path.string();
			json["exit_code"] = to_int(problem.code);
			json["message"] = problem.message;
			document["problems"].push_back(std::move(json));
		}
		out_ << json_text(document) << '\n';
		return ExitCode::ok;
	}
	for (const auto &plugin : listing.plugins)
		write_plugin_text(out_, *plugin);
	for (const PluginLoader::Problem &problem : listing.problems)
		spdlog::warn("skipping {}: {}", problem.path.string(), problem.message);
	if (listing.plugins.empty()) {
		std::string searched;
		for (const auto &directory : loader.directories())
			searched += (searched.empty() ? "" : ", ") + directory.string();
		out_ << fmt::format("no plugins found (searched: {})\n", searched);
	}
	return ExitCode::ok;
}

std::optional<std::filesystem::path> Application::stats_socket_path(const RunnerSettings &runner)
{
	// On by default where the runner can serve the scx convention's path (it is root's), so
	// scx tools find the scheduler where they look for any.
	if (!runner.stats_socket)
		return ::geteuid() == 0 ? std::optional<std::filesystem::path>(StatsProtocol::kDefaultSocketPath)
					: std::nullopt;
	if (runner.stats_socket->empty())
		return std::nullopt;
	return std::filesystem::path(*runner.stats_socket);
}

ExitCode Application::monitor(const CliOptions &options)
{
	Monitor::Settings settings;
	const RunnerSettings &flags = options.runner_overrides;
	settings.socket = !options.monitor_socket.empty()              ? options.monitor_socket
			  : flags.stats_socket && !flags.stats_socket->empty() ? *flags.stats_socket
									       : StatsProtocol::kDefaultSocketPath;
	settings.interval = flags.effective_stats_interval();
	settings.format = flags.effective_stats_format();
	settings.run_for = options.run_for;
	return Monitor(settings, out_).run();
}

ExitCode Application::top(const CliOptions &options)
{
	TopCommand::Settings settings;
	settings.socket = options.control_socket;
	if (options.top_interval)
		settings.interval = *options.top_interval;
	settings.plain = options.plain;
	settings.run_for = options.run_for;
	return TopCommand(settings, out_).run();
}

ExitCode Application::run(const CliOptions &options)
{
	const ProfileResolver resolver(plugin_loader(options), options.runner_overrides, kernel_);
	// What the user can fix in the profile is reported before what the machine lacks.
	ResolvedProfile initial = resolver.resolve(options.profile_path, nullptr, false);
	check_fallback(resolver, initial);

	// Cheap checks only (uid, sysfs). The plugin's requirements are looked up in the kernel's
	// BTF only if the load fails (Session::verify_work): on the happy path libbpf's own parse
	// in the load is the only one.
	kernel_.check_can_run();
	if (!initial.root.written.cgroup)
		kernel_.check_not_busy();
	else if (kernel_.sched_ext_state() != "enabled")
		// A profile whose scheduler is a child attaches below the one that runs.
		throw RunnerError(ExitCode::attach_refused,
				  fmt::format("{}: its scheduler attaches below the running sched_ext scheduler (cgroup "
					      "{}), but none runs (state {})",
					      initial.profile.path, initial.root.cgroup_dir.string(), kernel_.sched_ext_state()),
				  "start the parent scheduler first (a runner with a profile without 'cgroup'), or "
				  "remove the 'cgroup' key to run this scheduler as the root");

	SessionSettings session_settings;
	session_settings.run_for = options.run_for;
	session_settings.full_verifier_log = options.verbose;
	session_settings.swap_mode = options.swap_mode;
	session_settings.watch = options.watch;
	session_settings.control_socket = options.control_socket;
	session_settings.stats_socket = stats_socket_path(initial.runner);
	session_settings.metrics = initial.runner.effective_metrics();
	session_settings.metrics_module_paths = MetricsEndpoint::default_module_paths(SCXR_MODULE_DIR);

	LibbpfLog libbpf_log;
	SignalFd signals({SIGINT, SIGTERM, SIGUSR1, SIGHUP});
	Session session(resolver, std::move(initial), session_settings, kernel_, libbpf_log, signals, out_, err_);
	const ExitCode code = session.run();
	if (session.verify_still_running()) {
		// Stopped while a new scheduler verified: the old one is detached and destroyed, the
		// new one never attached. libbpf cannot interrupt the load, and the session's
		// destructor would wait for it; ending the process ends the load in the kernel.
		out_.flush();
		err_.flush();
		spdlog::default_logger()->flush();
		std::fflush(nullptr);
		std::_Exit(static_cast<int>(code));
	}
	return code;
}

namespace {

std::string reply_text(const ControlReply &reply, std::string_view name)
{
	if (const std::string *text = reply.find_string(name))
		return *text;
	if (const int64_t *number = reply.find_integer(name))
		return std::to_string(*number);
	return "?";
}

void write_runner_text(std::ostream &out, const ControlReply &reply)
{
	out << fmt::format("runner: pid {}, {}\n", reply_text(reply, "pid"), reply_text(reply, "state"));
	out << fmt::format("  profile: {}\n", reply_text(reply, "profile"));
	out << fmt::format("  plugin: {} {} ({})\n", reply_text(reply, "plugin"), reply_text(reply, "version"),
			   reply_text(reply, "plugin_file"));
	if (const ControlReply::Object *options = reply.find_object("options")) {
		std::string text;
		for (const auto &[name, value] : *options)
			text += fmt::format("{}{} = {}", text.empty() ? "" : ", ", name, value);
		out << "  options: " << (text.empty() ? "none" : text) << '\n';
	}
	const int64_t *uptime = reply.find_integer("uptime_seconds");
	const int64_t *attached = reply.find_integer("attached_seconds");
	out << fmt::format("  uptime: {}{}\n", uptime ? Duration::uptime_text(*uptime) : "?",
			   attached ? fmt::format(", this scheduler attached for {}", Duration::uptime_text(*attached)) : "");
	out << fmt::format("  swaps: {} ({} failed, {} mode){}\n", reply_text(reply, "swaps"),
			   reply_text(reply, "failed_swaps"), reply_text(reply, "swap_mode"),
			   reply.find_string("last_gap") ? ", last gap " + *reply.find_string("last_gap") : "");
	out << fmt::format("  restarts: {}\n", reply_text(reply, "restarts"));
	if (const ControlReply::Object *children = reply.find_object("children"))
		for (const auto &[name, what] : *children)
			out << fmt::format("  child {}: {}\n", name, what);
	if (const std::string *swap = reply.find_string("swap"))
		out << fmt::format("  swap: {}\n", *swap);
}

} // namespace

ExitCode Application::status(const CliOptions &options)
{
	const bool sched_ext = kernel_.has_sched_ext();
	const std::string state = sched_ext ? kernel_.sched_ext_state() : "";
	const std::string ops = sched_ext ? kernel_.attached_scheduler() : "";
	const std::string enable_seq = sched_ext ? kernel_.enable_seq() : "";

	std::optional<ControlReply> runner;
	std::string runner_problem;
	try {
		runner = ControlClient(options.control_socket).request(ControlRequest{ControlRequest::Command::status, {}});
	} catch (const RunnerError &error) {
		runner_problem = error.what();
	}
	if (runner && !runner->ok()) {
		runner_problem = "the runner refused: " + runner->error();
		runner.reset();
	}

	if (options.json) {
		Json kernel;
		kernel["sched_ext"] = sched_ext;
		kernel["state"] = sched_ext ? Json(state) : Json(nullptr);
		kernel["ops"] = ops.empty() ? Json(nullptr) : Json(ops);
		int64_t sequence = 0;
		const auto [end, parse_error] =
			std::from_chars(enable_seq.data(), enable_seq.data() + enable_seq.size(), sequence);
		const bool has_sequence =
			!enable_seq.empty() && parse_error == std::errc() && end == enable_seq.data() + enable_seq.size();
		kernel["enable_seq"] = has_sequence ? Json(sequence) : Json(nullptr);
		Json document;
		document["kernel"] = std::move(kernel);
		if (runner) {
			// The reply's fields as the runner sent them; "ok" is implied by having a runner.
			document["runner"] = runner->to_json();
			document["runner"].erase("ok");
		} else {
			document["runner"] = nullptr;
			document["runner_problem"] = runner_problem;
		}
		out_ << json_text(document) << '\n';
		return ExitCode::ok;
	}

	if (!sched_ext)
		out_ << "kernel: no sched_ext (no /sys/kernel/sched_ext)\n";
	else
		out_ << fmt::format("kernel: sched_ext {}, root/ops {}, enable_seq {}\n", state.empty() ? "?" : state,
				    ops.empty() ? "(none)" : ops, enable_seq.empty() ? "?" : enable_seq);
	if (runner)
		write_runner_text(out_, *runner);
	else
		out_ << "runner: " << runner_problem << '\n';
	return ExitCode::ok;
}

ExitCode Application::switch_profile(const CliOptions &options)
{
	// The runner resolves the path in its own working directory: send it an absolute one.
	std::error_code error;
	const std::filesystem::path profile = std::filesystem::absolute(options.profile_path, error);
	if (error)
		throw RunnerError(ExitCode::usage, fmt::format("cannot make {} absolute: {}", options.profile_path,
							       error.message()));
	ControlRequest request{ControlRequest::Command::switch_profile, profile.lexically_normal().string()};
	const ControlReply reply = ControlClient(options.control_socket, ControlClient::kSwitchTimeout).request(request);
	if (options.json) {
		out_ << reply.to_line();
		return reply.ok() ? ExitCode::ok : ExitCode::control_failed;
	}
	if (!reply.ok()) {
		spdlog::error("switch to {} failed: {}", request.profile_path, reply.error());
		return ExitCode::control_failed;
	}
	out_ << fmt::format("switch: {}\n", reply_text(reply, "message"));
	return ExitCode::ok;
}

} // namespace scxr
