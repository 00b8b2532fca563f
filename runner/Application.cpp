// SPDX-License-Identifier: GPL-2.0-only
#include "Application.hpp"

#include "JsonWriter.hpp"
#include "KernelProbe.hpp"
#include "LibbpfLog.hpp"
#include "Logging.hpp"
#include "OptionValidator.hpp"
#include "PluginLoader.hpp"
#include "ProfileError.hpp"
#include "ProfileParser.hpp"
#include "RunnerError.hpp"
#include "Session.hpp"
#include "SignalFd.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>

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
void write_option_value(JsonWriter &writer, const scxr_option_desc &option, const scxr_option_value &value)
{
	switch (option.type) {
	case SCXR_OPT_BOOL: writer.value(value.b); break;
	case SCXR_OPT_INT: writer.value(value.i); break;
	case SCXR_OPT_UINT: writer.value(value.u); break;
	case SCXR_OPT_FLOAT: writer.value(value.f); break;
	case SCXR_OPT_DURATION: writer.value(Duration::from_nanoseconds(value.u).to_string()); break;
	case SCXR_OPT_STRING:
	case SCXR_OPT_ENUM:
	case SCXR_OPT_PATH:
		if (value.s)
			writer.value(value.s);
		else
			writer.null();
		break;
	}
}

void write_plugin_json(JsonWriter &writer, const PluginLibrary &plugin)
{
	const scxr_plugin_entry &entry = plugin.entry();
	writer.begin_object();
	writer.key("id").value(plugin.id());
	writer.key("version").value(plugin.version());
	writer.key("description").value(plugin.description());
	writer.key("path").value(plugin.path().string());
	writer.key("abi").value(fmt::format("{}.{}", entry.abi_major, entry.abi_minor));
	writer.key("options").begin_array();
	for (const scxr_option_desc &option : plugin.schema().options()) {
		writer.begin_object();
		writer.key("name").value(option.name);
		writer.key("type").value(OptionSchema::type_name(option.type));
		writer.key("default");
		write_option_value(writer, option, option.default_value);
		if (option.has_min) {
			writer.key("min");
			write_option_value(writer, option, option.min);
		}
		if (option.has_max) {
			writer.key("max");
			write_option_value(writer, option, option.max);
		}
		if (option.unit && *option.unit)
			writer.key("unit").value(option.unit);
		writer.key("help").value(option.help ? option.help : "");
		if (option.type == SCXR_OPT_ENUM) {
			writer.key("values").begin_array();
			for (const std::string &value : OptionSchema::enum_values(option))
				writer.value(value);
			writer.end_array();
		}
		writer.end_object();
	}
	writer.end_array();
	writer.key("requirements").begin_array();
	for (const scxr_requirement &requirement : plugin.requirements()) {
		writer.begin_object();
		writer.key("kind").value(requirement_kind_name(requirement.kind));
		writer.key("name").value(requirement.name);
		if (requirement.member)
			writer.key("member").value(requirement.member);
		writer.key("since").value(requirement.since ? requirement.since : "");
		writer.key("feature").value(requirement.feature ? requirement.feature : "");
		writer.end_object();
	}
	writer.end_array();
	writer.end_object();
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
		print_error(error);
		return to_int(error.code());
	} catch (const std::exception &error) {
		spdlog::error("internal error: {}", error.what());
		return to_int(ExitCode::internal);
	} catch (...) {
		spdlog::error("internal error: unknown exception");
		return to_int(ExitCode::internal);
	}
}

void Application::print_error(const RunnerError &error)
{
	if (const auto *profile_error = dynamic_cast<const ProfileError *>(&error)) {
		for (const ProfileDiagnostic &diagnostic : profile_error->diagnostics()) {
			spdlog::error("{}", diagnostic.headline());
			if (!diagnostic.hint.empty())
				err_ << "  hint: " << diagnostic.hint << '\n';
			err_.flush();
		}
		return;
	}
	spdlog::error("{}", error.what());
	if (!error.details().empty()) {
		err_ << error.details();
		if (error.details().back() != '\n')
			err_ << '\n';
		err_.flush();
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
	const Profile profile = ProfileParser().parse_file(options.profile_path);
	const PluginLoader loader = plugin_loader(options);
	const auto plugin = loader.load(profile.plugin_id, profile.plugin_position.to_string());
	const OptionSettings settings = OptionValidator(plugin->id(), plugin->schema()).validate(profile.options);
	const RunnerSettings runner = profile.runner.overridden_by(options.runner_overrides);

	out_ << fmt::format("{}: ok\n", profile.path);
	out_ << fmt::format("  plugin: {} {} ({})\n", plugin->id(), plugin->version(), plugin->path().string());
	for (const OptionSettings::Setting &setting : settings.settings()) {
		const scxr_option_desc &option = *plugin->schema().find(setting.name);
		scxr_option_value value = setting.value;
		if (OptionSchema::is_text_type(setting.type))
			value.s = setting.text ? setting.text->c_str() : nullptr;
		out_ << fmt::format("  {} = {}{}\n", setting.name, OptionSchema::format_value(option, value),
				    setting.from_profile ? "" : " (default)");
	}
	const Duration interval = runner.effective_stats_interval();
	out_ << fmt::format("  stats: {}\n", interval.is_zero() ? std::string("off")
								 : fmt::format("every {} as {}", interval.to_string(),
									       stats_format_name(runner.effective_stats_format())));
	return ExitCode::ok;
}

ExitCode Application::list_plugins(const CliOptions &options)
{
	const PluginLoader loader = plugin_loader(options);
	const PluginLoader::Listing listing = loader.list();
	if (options.json) {
		JsonWriter writer;
		writer.begin_object();
		writer.key("runner_abi").value(fmt::format("{}.{}", SCXR_ABI_MAJOR, SCXR_ABI_MINOR));
		writer.key("search_path").begin_array();
		for (const auto &directory : loader.directories())
			writer.value(directory.string());
		writer.end_array();
		writer.key("plugins").begin_array();
		for (const auto &plugin : listing.plugins)
			write_plugin_json(writer, *plugin);
		writer.end_array();
		writer.key("problems").begin_array();
		for (const PluginLoader::Problem &problem : listing.problems) {
			writer.begin_object();
			writer.key("path").value(problem.path.string());
			writer.key("exit_code").value(static_cast<int64_t>(to_int(problem.code)));
			writer.key("message").value(problem.message);
			writer.end_object();
		}
		writer.end_array();
		writer.end_object();
		out_ << writer.str() << '\n';
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

ExitCode Application::run(const CliOptions &options)
{
	const Profile profile = ProfileParser().parse_file(options.profile_path);
	const PluginLoader loader = plugin_loader(options);
	auto plugin = loader.load(profile.plugin_id, profile.plugin_position.to_string());
	OptionSettings settings = OptionValidator(plugin->id(), plugin->schema()).validate(profile.options);
	const RunnerSettings runner = profile.runner.overridden_by(options.runner_overrides);

	kernel_.check_can_run();
	kernel_.check_not_busy();
	kernel_.check_requirements(*plugin);

	SessionSettings session_settings;
	session_settings.stats_interval = runner.effective_stats_interval();
	session_settings.stats_format = runner.effective_stats_format();
	session_settings.run_for = options.run_for;
	session_settings.full_verifier_log = options.verbose;

	LibbpfLog libbpf_log;
	SignalFd signals({SIGINT, SIGTERM, SIGUSR1, SIGHUP});
	spdlog::info("{}: running plugin {} {} from {}", profile.path, plugin->id(), plugin->version(),
		     plugin->path().string());
	Session session(std::move(plugin), std::move(settings), session_settings, kernel_, libbpf_log, signals, out_,
			err_);
	return session.run();
}

} // namespace scxr
