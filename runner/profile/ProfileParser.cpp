// SPDX-License-Identifier: GPL-2.0-only
#include "profile/ProfileParser.hpp"

#include "profile/ProfileCgroup.hpp"
#include "profile/ProfileError.hpp"
#include "profile/ProfileFileReader.hpp"
#include "base/SpellingSuggestion.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
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

// The TOML document, or one ProfileError at the syntax error.
toml::table parse_document(std::string_view text, const std::string &display_name)
{
	try {
		return toml::parse(text, display_name);
	} catch (const toml::parse_error &error) {
		const toml::source_region &region = error.source();
		throw ProfileError({ProfileDiagnostic{
			SourcePosition{display_name, region.begin.line, region.begin.column},
			fmt::format("TOML syntax error: {}", error.description()),
			"fix the TOML syntax (strings need quotes, tables are [name] headers; see https://toml.io)"}});
	}
}

// Collects diagnostics while walking one document.
class ProfileReader {
public:
	ProfileReader(std::string file, std::vector<std::filesystem::path> including)
		: includes_(std::move(including)), file_(std::move(file))
	{
		includes_.push_back(file_);
	}

	Profile read(const toml::table &document)
	{
		Profile profile;
		profile.path = file_;
		profile.root.position = SourcePosition{file_, 0, 0};
		read_node(document, profile.root, 1, &profile.runner);
		if (includes_.size() == 1) // the tree's shape, once, from the file the user named
			check_tree(profile.root);
		std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const auto &left, const auto &right) {
			return before(left.position, right.position);
		});
		// About the whole file: after what is wrong on its lines.
		if (!document.contains(kPluginKey))
			report(position(document), "the profile does not say which plugin to run",
			       "add a line like plugin = \"qmap\" at the top ('scx-runner plugins' lists them)");
		if (!diagnostics_.empty())
			throw ProfileError(std::move(diagnostics_));
		return profile;
	}

	// The files being read, outermost first: a child's "profile = ..." must not lead back.
	std::vector<std::filesystem::path> includes_;

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

	// The keys of a scheduler's table: the top level (level 1, the root) or a [[child]] (its
	// level in the tree). runner is the root's [runner] settings; nullptr for a child.
	void read_node(const toml::table &table, ProfileNode &node, uint32_t level, RunnerSettings *runner)
	{
		std::vector<KeyReader> readers = {
			{kPluginKey, [&](const toml::key &, const toml::node &value) { read_plugin(value, node); }},
			{"options", [&](const toml::key &key, const toml::node &value) { read_options(value, key, node); }},
			{"restart", [&](const toml::key &key, const toml::node &value) { read_restart(value, key, node, level); }},
			{"child", [&](const toml::key &key, const toml::node &value) { read_children(value, key, node, level); }},
			{"cgroup", [&](const toml::key &, const toml::node &value) { read_cgroup(value, node); }},
			{"create_cgroup",
			 [&](const toml::key &key, const toml::node &value) {
				 read_bool(std::string(key.str()), value, cgroup_of(node).create);
			 }},
			{"cpu_weight", [&](const toml::key &, const toml::node &value) { read_cpu_weight(value, node); }},
		};
		if (runner)
			readers.push_back(
				{"runner", [&](const toml::key &key, const toml::node &value) { read_runner(value, key, *runner); }});
		else
			readers.push_back(
				{"profile", [&](const toml::key &, const toml::node &value) { read_included(value, node); }});
		read_keys(table, runner ? "the top level of a profile" : "a [[child]] table", readers);
		// toml++ iterates keys in sorted order; users read files top to bottom.
		std::stable_sort(node.options.begin(), node.options.end(), [](const auto &left, const auto &right) {
			return before(left.key_position, right.key_position);
		});
		if (runner && node.cgroup && node.cgroup->position.line == 0)
			report(position(table), "create_cgroup and cpu_weight need a cgroup to act on",
			       "add cgroup = \"name\" (a path under /sys/fs/cgroup) to this table");
	}

	static ProfileCgroup &cgroup_of(ProfileNode &node)
	{
		if (!node.cgroup)
			node.cgroup.emplace();
		return *node.cgroup;
	}

	void read_children(const toml::node &node, const toml::key &key, ProfileNode &parent, uint32_t level)
	{
		const toml::array *array = node.as_array();
		if (!array || !array->is_array_of_tables()) {
			report(position(key), fmt::format("'child' must be a list of tables, not {}", toml_type_name(node)),
			       "write each child under its own [[child]] header (two brackets), a grandchild under "
			       "[[child.child]]");
			return;
		}
		for (const toml::node &element : *array) {
			const toml::table &table = *element.as_table();
			ProfileNode child;
			child.position = position(element);
			read_node(table, child, level + 1, nullptr);
			if (!child.cgroup || child.cgroup->position.line == 0)
				report(child.position, "this child has no cgroup",
				       "add cgroup = \"name\": the cgroup (under /sys/fs/cgroup) whose tasks it schedules");
			if (child.plugin_id.empty() && child.included_profile.empty() && !table.contains(kPluginKey))
				report(child.position, "this child does not say which scheduler runs there",
				       "add plugin = \"simple\" (and its [child.options]), or profile = \"file.toml\"");
			parent.children.push_back(std::move(child));
		}
	}

	void read_cgroup(const toml::node &node, ProfileNode &target)
	{
		ProfileCgroup &cgroup = cgroup_of(target);
		cgroup.position = position(node);
		const auto *text = node.as_string();
		if (!text) {
			report(position(node), fmt::format("'cgroup' must be a path string, not {}", toml_type_name(node)),
			       "write it in quotes, e.g. cgroup = \"web\" (relative to /sys/fs/cgroup)");
			return;
		}
		std::string problem;
		std::optional<std::string> relative = ProfileCgroup::relative_path(text->get(), problem);
		if (!relative) {
			report(position(node), fmt::format("cgroup \"{}\": {}", text->get(), problem),
			       fmt::format("write a path below {} such as \"web\" or \"{}/web/api\"",
					   ProfileCgroup::kMount, ProfileCgroup::kMount));
			return;
		}
		cgroup.path = text->get();
		cgroup.relative = *relative;
	}

	void read_cpu_weight(const toml::node &node, ProfileNode &target)
	{
		ProfileCgroup &cgroup = cgroup_of(target);
		cgroup.cpu_weight_position = position(node);
		const auto *value = node.as_integer();
		if (!value || value->get() < ProfileCgroup::kMinCpuWeight || value->get() > ProfileCgroup::kMaxCpuWeight) {
			report(position(node),
			       value ? fmt::format("'cpu_weight' of {} is out of range", value->get())
				     : fmt::format("'cpu_weight' must be an integer, not {}", toml_type_name(node)),
			       fmt::format("cgroup v2 takes a cpu.weight from {} to {} (100 is the default share)",
					   ProfileCgroup::kMinCpuWeight, ProfileCgroup::kMaxCpuWeight));
			return;
		}
		cgroup.cpu_weight = static_cast<uint32_t>(value->get());
	}

	// profile = "web.toml": the child's plugin, options, restart policy and children come from
	// that file (relative to this one); its [runner] table is the including profile's business.
	void read_included(const toml::node &node, ProfileNode &target)
	{
		const auto *text = node.as_string();
		if (!text || text->get().empty()) {
			report(position(node), "'profile' must be a profile file name",
			       "write profile = \"simple.toml\" (relative to this file)");
			return;
		}
		std::filesystem::path path = text->get();
		if (path.is_relative())
			path = std::filesystem::path(file_).parent_path() / path;
		path = path.lexically_normal();
		target.included_profile = path.string();
		target.plugin_position = position(node);
		for (const std::filesystem::path &open : includes_)
			if (std::filesystem::weakly_canonical(open) == std::filesystem::weakly_canonical(path)) {
				report(position(node), fmt::format("'{}' includes itself (through {})", path.string(), file_),
				       "a child's profile must not name a file that includes it");
				return;
			}
		std::string text_of_file;
		try {
			text_of_file = ProfileFileReader::read(path.string());
		} catch (const ProfileError &error) {
			// A file that cannot be read is this line's problem: the user fixes the name here.
			report(position(node),
			       fmt::format("cannot read the child's profile: {}", error.diagnostics().front().message),
			       "check the file name (relative to this profile)");
			return;
		}
		Profile included;
		try {
			ProfileReader reader(path.string(), includes_);
			included = reader.read(parse_document(text_of_file, path.string()));
		} catch (const ProfileError &error) {
			diagnostics_.insert(diagnostics_.end(), error.diagnostics().begin(), error.diagnostics().end());
			return;
		} catch (const RunnerError &error) {
			report(position(node), fmt::format("cannot read the child's profile: {}", error.what()),
			       "check the file name (relative to this profile)");
			return;
		}
		if (included.root.cgroup) {
			report(position(node), fmt::format("{} has its own cgroup key", path.string()),
			       "an included profile names no cgroup: write the child's cgroup here, beside profile =");
			return;
		}
		target.plugin_id = included.root.plugin_id;
		target.plugin_position = included.root.plugin_position;
		target.options = std::move(included.root.options);
		target.restart = std::move(included.root.restart);
		if (target.restart && target.restart->fallback)
			report(position(node),
			       fmt::format("{} has a [restart] fallback, which is for the root's [restart] only", path.string()),
			       "remove the fallback there: a child whose restart budget is spent stays detached while "
			       "the rest of the tree runs");
		for (ProfileNode &grandchild : included.root.children)
			target.children.push_back(std::move(grandchild));
	}

	// The tree's shape, which needs no plugin: how deep it is, and whether the cgroups make
	// the tree the kernel would build (each cgroup is scheduled by the nearest scheduler
	// above it, so a node's cgroup must lie inside its parent's and in no sibling's).
	void check_tree(const ProfileNode &root)
	{
		struct Placed {
			const ProfileNode *node;
			const ProfileNode *parent;
			uint32_t level;
		};
		std::vector<Placed> nodes;
		std::function<void(const ProfileNode &, const ProfileNode *, uint32_t)> walk =
			[&](const ProfileNode &node, const ProfileNode *parent, uint32_t level) {
				nodes.push_back({&node, parent, level});
				for (const ProfileNode &child : node.children)
					walk(child, &node, level + 1);
			};
		walk(root, nullptr, 1);
		for (const Placed &placed : nodes) {
			const ProfileNode &node = *placed.node;
			// Only the first level too deep: its own children are the same mistake.
			if (placed.level == ProfileCgroup::kMaxTreeLevels + 1) {
				report(node.position,
				       fmt::format("this child is at level {} of the tree; the kernel runs at most {} levels "
						   "(the root and three below it)",
						   placed.level, ProfileCgroup::kMaxTreeLevels),
				       "attach it higher up: move its [[child...]] table up a level");
			}
			if (!node.cgroup || node.cgroup->relative.empty())
				continue;
			const Placed *enclosing = nullptr;
			for (const Placed &other : nodes) {
				if (other.node == placed.node || !other.node->cgroup || other.node->cgroup->relative.empty())
					continue;
				const std::string &mine = node.cgroup->relative;
				const std::string &theirs = other.node->cgroup->relative;
				if (mine == theirs) {
					if (before(other.node->cgroup->position, node.cgroup->position))
						report(node.cgroup->position,
						       fmt::format("cgroup \"{}\" is already the cgroup of the child at {}",
								   node.cgroup->path, other.node->position.to_string()),
						       "each cgroup has one scheduler: give every child its own cgroup");
					continue;
				}
				if (ProfileCgroup::is_inside(mine, theirs) &&
				    (!enclosing || ProfileCgroup::is_inside(other.node->cgroup->relative,
									   enclosing->node->cgroup->relative)))
					enclosing = &other;
			}
			const ProfileNode *expected = placed.parent;
			if (enclosing && enclosing->node != expected)
				report(node.cgroup->position,
				       fmt::format("cgroup \"{}\" lies inside \"{}\", the cgroup of the child at {}, so the "
						   "kernel would attach this scheduler below that child",
						   node.cgroup->path, enclosing->node->cgroup->path,
						   enclosing->node->position.to_string()),
				       "write this table as that child's [[child.child]], or pick a cgroup outside it");
			else if (!enclosing && expected && expected->cgroup && !expected->cgroup->relative.empty())
				report(node.cgroup->position,
				       fmt::format("cgroup \"{}\" is not inside \"{}\", its parent's cgroup",
						   node.cgroup->path, expected->cgroup->path),
				       fmt::format("a child schedules part of its parent's cgroup: use a path such as \"{}/name\"",
						   expected->cgroup->relative));
		}
	}

	void read_plugin(const toml::node &node, ProfileNode &target)
	{
		target.plugin_position = position(node);
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
		target.plugin_id = value;
	}

	void read_options(const toml::node &node, const toml::key &key, ProfileNode &target)
	{
		const toml::table *table = expect_table(node, key, "write the plugin's options under an [options] header, one 'name = value' per line");
		if (!table)
			return;
		for (auto &&[option_key, value] : *table)
			target.options.push_back(ProfileOption{std::string(option_key.str()), position(option_key),
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

	void read_runner(const toml::node &node, const toml::key &key, RunnerSettings &runner)
	{
		const toml::table *table = expect_table(node, key, "write runner settings under a [runner] header");
		if (!table)
			return;
		read_keys(*table, "[runner]",
			  {
				  {"stats_interval",
				   [&](const toml::key &, const toml::node &value) { read_stats_interval(value, runner); }},
				  {"stats_format",
				   [&](const toml::key &, const toml::node &value) { read_stats_format(value, runner); }},
				  {"stats_socket",
				   [&](const toml::key &, const toml::node &value) { read_stats_socket(value, runner); }},
				  {"metrics", [&](const toml::key &, const toml::node &value) { read_metrics(value, runner); }},
			  });
	}

	void read_restart(const toml::node &node, const toml::key &key, ProfileNode &target, uint32_t level)
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
					   // A fallback replaces the whole run; a child whose budget is spent
					   // stays down instead, and the rest of the tree keeps running.
					   if (level > 1) {
						   report(position(value), "'fallback' is for the root's [restart] only",
							  "remove it: a child whose restart budget is spent stays detached "
							  "while the rest of the tree runs");
						   return;
					   }
					   read_fallback(value, file_, settings.fallback);
				   }},
			  });
		// Consistency between keys only means something once each key is valid on its own.
		if (diagnostics_.size() == problems_before)
			for (const std::string &problem : settings.problems())
				report(position(key), "[restart]: " + problem,
				       "see config/example.toml for a restart policy that works");
		target.restart = settings;
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

	void read_metrics(const toml::node &node, RunnerSettings &settings)
	{
		// A bare port may be written as a number: metrics = 9100.
		const auto *port = node.as_integer();
		const auto *text = node.as_string();
		const std::optional<std::string> given =
			text ? std::optional<std::string>(text->get())
			     : port ? std::optional<std::string>(std::to_string(port->get())) : std::nullopt;
		if (given)
			if (std::optional<RunnerSettings::Metrics> metrics = RunnerSettings::parse_metrics(*given)) {
				settings.metrics = std::move(metrics);
				return;
			}
		const std::string got = text ? fmt::format("\"{}\"", text->get())
				      : port ? *given : std::string(toml_type_name(node));
		report(position(node),
		       fmt::format("'metrics' must be {} or \"off\", got {}", MetricsAddress::kForms, got),
		       "write metrics = \"127.0.0.1:9100\" to serve /metrics on loopback port 9100");
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
	return ProfileReader(display_name, {}).read(parse_document(text, display_name));
}

} // namespace scxr
