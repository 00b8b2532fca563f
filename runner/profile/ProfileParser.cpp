// SPDX-License-Identifier: GPL-2.0-only
#include "profile/ProfileParser.hpp"

#include "profile/ProfileError.hpp"
#include "profile/ProfileFileReader.hpp"
#include "base/SpellingSuggestion.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <functional>
#include <tuple>

namespace scxr {

namespace {

// Each key is named once: in the table of readers that reads it (KeyReader below). Unknown
// keys, spelling suggestions and the "X knows a, b and c" hints all come from those tables.
constexpr std::string_view kPluginKey = "plugin";

// More restarts than this within one window is a crash loop, not a policy.
constexpr int64_t kMaxRestartsLimit = 1000;

std::string toml_type_name(const toml::node &node)
{
	switch (node.type()) {
	case toml::node_type::table: return "a table";
	case toml::node_type::array: return "an array";
	case toml::node_type::string: return "a string";
	case toml::node_type::integer: return "an integer";
	case toml::node_type::floating_point: return "a float";
	case toml::node_type::boolean: return "a boolean";
	case toml::node_type::date: return "a date";
	case toml::node_type::time: return "a time";
	case toml::node_type::date_time: return "a date-time";
	case toml::node_type::none: break;
	}
	return "nothing";
}

// Collects diagnostics while walking one document.
class ProfileReader {
public:
	explicit ProfileReader(std::string file) : file_(std::move(file)) {}

	Profile read(const toml::table &document)
	{
		Profile profile;
		profile.path = file_;
		read_keys(document, "the top level of a profile",
			  {
				  {kPluginKey, [&](const toml::key &, const toml::node &node) { read_plugin(node, profile); }},
				  {"options",
				   [&](const toml::key &key, const toml::node &node) { read_options(node, key, profile); }},
				  {"runner", [&](const toml::key &key, const toml::node &node) { read_runner(node, key, profile); }},
				  {"restart",
				   [&](const toml::key &key, const toml::node &node) { read_restart(node, key, profile); }},
			  });
		// toml++ iterates keys in sorted order; users read files top to bottom.
		std::stable_sort(profile.root.options.begin(), profile.root.options.end(), [](const auto &left, const auto &right) {
			return before(left.key_position, right.key_position);
		});
		std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const auto &left, const auto &right) {
			return before(left.position, right.position);
		});
		if (!document.contains(kPluginKey))
			report(position(document), "the profile does not say which plugin to run",
			       "add a line like plugin = \"qmap\" at the top ('scx-runner plugins' lists them)");
		if (!diagnostics_.empty())
			throw ProfileError(std::move(diagnostics_));
		return profile;
	}

private:
	static bool before(const SourcePosition &left, const SourcePosition &right)
	{
		return std::tie(left.line, left.column) < std::tie(right.line, right.column);
	}

	SourcePosition position(const toml::source_region &region) const
	{
		return SourcePosition{file_, region.begin.line, region.begin.column};
	}
	SourcePosition position(const toml::node &node) const
	{
		SourcePosition where = position(node.source());
		if (where.line == 0) {
			where.line = 1;
			where.column = 1;
		}
		return where;
	}
	SourcePosition position(const toml::key &key) const { return position(key.source()); }

	void report(SourcePosition where, std::string message, std::string hint = {})
	{
		diagnostics_.push_back(ProfileDiagnostic{std::move(where), std::move(message), std::move(hint)});
	}

	// One key of a table and how to read its value.
	struct KeyReader {
		std::string_view name;
		std::function<void(const toml::key &key, const toml::node &value)> read;
	};

	// Reads every key of table with its reader; an unknown key is reported with the closest
	// known name, or with the list of all of them.
	void read_keys(const toml::table &table, std::string_view where, const std::vector<KeyReader> &readers)
	{
		for (auto &&[key, value] : table) {
			const auto known = std::ranges::find(readers, key.str(), &KeyReader::name);
			if (known != readers.end()) {
				known->read(key, value);
				continue;
			}
			std::vector<std::string> names;
			for (const KeyReader &reader : readers)
				names.emplace_back(reader.name);
			std::string hint;
			if (auto suggestion = SpellingSuggestion(names).closest(std::string(key.str())))
				hint = fmt::format("did you mean '{}'?", *suggestion);
			else
				hint = fmt::format("{} knows {} and {}", where,
						   fmt::join(names.begin(), names.end() - 1, ", "), names.back());
			report(position(key), fmt::format("unknown key '{}' in {}", key.str(), where), hint);
		}
	}

	// The node under key as a table, or nullptr after reporting that it is not one.
	const toml::table *expect_table(const toml::node &node, const toml::key &key, std::string_view hint)
	{
		const toml::table *table = node.as_table();
		if (!table)
			report(position(key), fmt::format("'{}' must be a table, not {}", key.str(), toml_type_name(node)),
			       std::string(hint));
		return table;
	}

	void read_plugin(const toml::node &node, Profile &profile)
	{
		profile.root.plugin_position = position(node);
		const auto *id = node.as_string();
		if (!id) {
			report(position(node), fmt::format("'plugin' must be a string (a plugin id), not {}", toml_type_name(node)),
			       "write it in quotes, e.g. plugin = \"qmap\"");
			return;
		}
		const std::string &value = id->get();
		if (!ProfileParser::is_valid_plugin_id(value)) {
			report(position(node), fmt::format("'{}' is not a valid plugin id", value),
			       "a plugin id is a name like \"qmap\" (letters, digits, '_' and '-'), not a path; "
			       "use --plugin-dir to add directories");
			return;
		}
		profile.root.plugin_id = value;
	}

	void read_options(const toml::node &node, const toml::key &key, Profile &profile)
	{
		const toml::table *table = expect_table(node, key, "write the plugin's options under an [options] header, one 'name = value' per line");
		if (!table)
			return;
		for (auto &&[option_key, value] : *table)
			profile.root.options.push_back(ProfileOption{std::string(option_key.str()), position(option_key),
								 to_profile_value(value)});
	}

	ProfileValue to_profile_value(const toml::node &node) const
	{
		const SourcePosition where = position(node);
		if (const auto *value = node.as_boolean())
			return ProfileValue(value->get(), where);
		if (const auto *value = node.as_integer())
			return ProfileValue(value->get(), where);
		if (const auto *value = node.as_floating_point())
			return ProfileValue(value->get(), where);
		if (const auto *value = node.as_string())
			return ProfileValue(value->get(), where);
		return ProfileValue(ProfileValue::Unsupported{toml_type_name(node)}, where);
	}

	void read_runner(const toml::node &node, const toml::key &key, Profile &profile)
	{
		const toml::table *table = expect_table(node, key, "write runner settings under a [runner] header");
		if (!table)
			return;
		read_keys(*table, "[runner]",
			  {
				  {"stats_interval",
				   [&](const toml::key &, const toml::node &value) { read_stats_interval(value, profile.runner); }},
				  {"stats_format",
				   [&](const toml::key &, const toml::node &value) { read_stats_format(value, profile.runner); }},
				  {"stats_socket",
				   [&](const toml::key &, const toml::node &value) { read_stats_socket(value, profile.runner); }},
			  });
	}

	void read_restart(const toml::node &node, const toml::key &key, Profile &profile)
	{
		const toml::table *table = expect_table(node, key, "write the restart policy under a [restart] header");
		if (!table)
			return;
		RestartSettings settings;
		const size_t problems_before = diagnostics_.size();
		read_keys(*table, "[restart]",
			  {
				  {"enabled",
				   [&](const toml::key &key, const toml::node &value) {
					   read_bool(std::string(key.str()), value, settings.enabled);
				   }},
				  {"initial_delay",
				   [&](const toml::key &key, const toml::node &value) {
					   read_duration(std::string(key.str()), value, settings.initial_delay);
				   }},
				  {"max_delay",
				   [&](const toml::key &key, const toml::node &value) {
					   read_duration(std::string(key.str()), value, settings.max_delay);
				   }},
				  {"max_restarts",
				   [&](const toml::key &, const toml::node &value) { read_max_restarts(value, settings.max_restarts); }},
				  {"window",
				   [&](const toml::key &key, const toml::node &value) {
					   read_duration(std::string(key.str()), value, settings.window);
				   }},
				  {"fallback",
				   [&](const toml::key &, const toml::node &value) {
					   read_fallback(value, profile.path, settings.fallback);
				   }},
			  });
		// Consistency between keys only means something once each key is valid on its own.
		if (diagnostics_.size() == problems_before)
			for (const std::string &problem : settings.problems())
				report(position(key), "[restart]: " + problem,
				       "see config/example.toml for a restart policy that works");
		profile.root.restart = settings;
	}

	void read_bool(const std::string &name, const toml::node &node, bool &out)
	{
		if (const auto *value = node.as_boolean()) {
			out = value->get();
			return;
		}
		report(position(node), fmt::format("'{}' must be true or false, got {}", name, toml_type_name(node)),
		       fmt::format("write {} = true or {} = false, without quotes", name, name));
	}

	void read_duration(const std::string &name, const toml::node &node, Duration &out)
	{
		const auto *text = node.as_string();
		if (!text) {
			report(position(node),
			       fmt::format("'{}' expects a duration string such as \"1s\", got {}", name, toml_type_name(node)),
			       fmt::format("write it in quotes with a unit, e.g. {} = \"1s\"", name));
			return;
		}
		try {
			out = Duration::parse(text->get());
		} catch (const std::invalid_argument &error) {
			report(position(node), fmt::format("invalid duration \"{}\" for '{}': {}", text->get(), name, error.what()),
			       fmt::format("write a number followed by a unit ({}), e.g. \"1s\" or \"500ms\"",
					   Duration::units_help()));
		}
	}

	void read_max_restarts(const toml::node &node, uint32_t &out)
	{
		const auto *value = node.as_integer();
		if (!value) {
			report(position(node), fmt::format("'max_restarts' must be an integer, got {}", toml_type_name(node)),
			       "write a count without quotes, e.g. max_restarts = 5");
			return;
		}
		if (value->get() < 0 || value->get() > kMaxRestartsLimit) {
			report(position(node),
			       fmt::format("'max_restarts' of {} is out of range: 0 to {}", value->get(), kMaxRestartsLimit),
			       "0 means: never restart after an error exit (the fallback, if any, takes over at once)");
			return;
		}
		out = static_cast<uint32_t>(value->get());
	}

	void read_fallback(const toml::node &node, const std::string &profile_path,
			   std::optional<std::filesystem::path> &out)
	{
		const auto *text = node.as_string();
		if (!text) {
			report(position(node),
			       fmt::format("'fallback' must be a profile path string, got {}", toml_type_name(node)),
			       "write a path in quotes, relative to this profile, e.g. fallback = \"simple.toml\"");
			return;
		}
		if (text->get().empty()) {
			report(position(node), "'fallback' is empty", "name a profile file, or leave the key out");
			return;
		}
		out = RestartSettings::resolve_fallback(profile_path, text->get());
	}

	void read_stats_interval(const toml::node &node, RunnerSettings &settings)
	{
		const auto *text = node.as_string();
		if (!text) {
			report(position(node),
			       fmt::format("'stats_interval' expects a duration string such as \"1s\", got {}",
					   toml_type_name(node)),
			       "write it in quotes with a unit, e.g. stats_interval = \"1s\" (\"0s\" turns stats off)");
			return;
		}
		try {
			const Duration interval = Duration::parse(text->get());
			if (!interval.is_zero() && interval < RunnerSettings::kMinimumStatsInterval) {
				report(position(node),
				       fmt::format("'stats_interval' of {} is too short: the minimum is {}",
						   interval.to_string(), RunnerSettings::kMinimumStatsInterval.to_string()),
				       "use at least \"10ms\", or \"0s\" to turn stats off");
				return;
			}
			settings.stats_interval = interval;
		} catch (const std::invalid_argument &error) {
			report(position(node), fmt::format("invalid duration \"{}\" for 'stats_interval': {}", text->get(), error.what()),
			       fmt::format("write a number followed by a unit ({}), e.g. \"1s\" or \"500ms\"",
					   Duration::units_help()));
		}
	}

	void read_stats_format(const toml::node &node, RunnerSettings &settings)
	{
		const auto *text = node.as_string();
		const std::optional<StatsFormat> format = text ? parse_stats_format(text->get()) : std::nullopt;
		if (format) {
			settings.stats_format = format;
			return;
		}
		const std::string got = text ? fmt::format("\"{}\"", text->get()) : toml_type_name(node);
		std::string hint = "write stats_format = \"text\" or stats_format = \"json\"";
		if (text)
			if (auto suggestion = SpellingSuggestion({"text", "json"}).closest(text->get()))
				hint = fmt::format("did you mean \"{}\"?", *suggestion);
		report(position(node), fmt::format("'stats_format' must be \"text\" or \"json\", got {}", got), hint);
	}

	void read_stats_socket(const toml::node &node, RunnerSettings &settings)
	{
		const auto *text = node.as_string();
		if (text)
			if (std::optional<std::string> socket = RunnerSettings::parse_stats_socket(text->get())) {
				settings.stats_socket = std::move(socket);
				return;
			}
		const std::string got = text ? fmt::format("\"{}\"", text->get()) : toml_type_name(node);
		report(position(node), fmt::format("'stats_socket' must be an absolute path or \"off\", got {}", got),
		       "write stats_socket = \"/var/run/scx/root/stats\" (the default when run as root), or "
		       "stats_socket = \"off\"");
	}

	std::string file_;
	std::vector<ProfileDiagnostic> diagnostics_;
};

} // namespace

bool ProfileParser::is_valid_plugin_id(std::string_view id)
{
	if (id.empty() || id.size() > 64 || id.front() == '-')
		return false;
	for (char c : id) {
		const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
				     c == '_' || c == '-';
		if (!allowed)
			return false;
	}
	return true;
}

Profile ProfileParser::parse_file(const std::string &path) const
{
	return parse_string(ProfileFileReader::read(path), path);
}

Profile ProfileParser::parse_string(std::string_view text, const std::string &display_name) const
{
	toml::table document;
	try {
		document = toml::parse(text, display_name);
	} catch (const toml::parse_error &error) {
		const toml::source_region &region = error.source();
		throw ProfileError({ProfileDiagnostic{
			SourcePosition{display_name, region.begin.line, region.begin.column},
			fmt::format("TOML syntax error: {}", error.description()),
			"fix the TOML syntax (strings need quotes, tables are [name] headers; see https://toml.io)"}});
	}
	return ProfileReader(display_name).read(document);
}

} // namespace scxr
