// SPDX-License-Identifier: GPL-2.0-only
#include "control/StatsSnapshotJson.hpp"

#include "plugin/StatSchema.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <stdexcept>

namespace scxr {

namespace {

Json sample_json(const StatSample &sample)
{
	Json json;
	json["name"] = sample.name;
	json["kind"] = StatSchema::kind_name(sample.kind);
	json["value"] = stat_json(sample.value);
	json["unit"] = sample.unit;
	json["group"] = sample.group;
	return json;
}

// Where a reading went wrong, for the message: "node 2 (web)", "node 1".
std::string node_label(size_t index, const Json &node)
{
	const auto name = node.is_object() ? node.find("name") : node.end();
	if (node.is_object() && name != node.end() && name->is_string() && !name->get<std::string>().empty())
		return fmt::format("node {} ({})", index + 1, name->get<std::string>());
	return fmt::format("node {}", index + 1);
}

std::string string_field(const Json &object, const char *field, const std::string &where)
{
	const auto found = object.find(field);
	if (found == object.end() || found->is_null())
		return {};
	if (!found->is_string())
		throw std::invalid_argument(fmt::format("{}: \"{}\" is not a string", where, field));
	return found->get<std::string>();
}

StatValue sample_value(const Json &value, const std::string &where)
{
	if (value.is_number_unsigned())
		return value.get<uint64_t>();
	if (value.is_number_integer())
		return value.get<int64_t>();
	if (value.is_number_float())
		return value.get<double>();
	throw std::invalid_argument(fmt::format("{}: \"value\" is not a number", where));
}

StatSample read_sample(const Json &json, const std::string &where)
{
	if (!json.is_object())
		throw std::invalid_argument(fmt::format("{}: a stat is not an object", where));
	StatSample sample;
	sample.name = string_field(json, "name", where);
	if (sample.name.empty())
		throw std::invalid_argument(fmt::format("{}: a stat has no name", where));
	const std::string stat_where = fmt::format("{}, stat {}", where, sample.name);
	// A gauge unless it says counter: a rate of something that is not a count would mislead.
	sample.kind = string_field(json, "kind", stat_where) == StatSchema::kind_name(SCXR_STAT_COUNTER)
			      ? SCXR_STAT_COUNTER
			      : SCXR_STAT_GAUGE;
	const auto value = json.find("value");
	// A NaN reading is written as null (JSON has no NaN); it stays NaN here.
	sample.value = value == json.end() || value->is_null() ? StatValue(std::nan(""))
								 : sample_value(*value, stat_where);
	sample.unit = string_field(json, "unit", stat_where);
	sample.group = string_field(json, "group", stat_where);
	return sample;
}

} // namespace

JsonTree StatsSnapshotJson::write(const StatsSnapshot &snapshot)
{
	Json nodes = Json::array();
	for (const StatsSnapshot::Node &node : snapshot.nodes) {
		Json json;
		json["name"] = node.name;
		json["cgroup"] = node.cgroup;
		json["plugin"] = node.plugin_id;
		json["kernel_ops"] = node.kernel_ops;
		json["stats"] = Json::array();
		for (const StatSample &sample : node.samples)
			json["stats"].push_back(sample_json(sample));
		nodes.push_back(std::move(json));
	}
	return JsonTree(std::move(nodes));
}

StatsSnapshot StatsSnapshotJson::read(const JsonTree &tree)
{
	const Json &nodes = tree.document();
	if (!nodes.is_array())
		throw std::invalid_argument(fmt::format("\"nodes\" is a JSON {}, not an array", nodes.type_name()));
	StatsSnapshot snapshot;
	for (size_t index = 0; index < nodes.size(); ++index) {
		const Json &json = nodes[index];
		const std::string where = node_label(index, json);
		if (!json.is_object())
			throw std::invalid_argument(fmt::format("{} is not an object", where));
		StatsSnapshot::Node node;
		node.name = string_field(json, "name", where);
		node.cgroup = string_field(json, "cgroup", where);
		node.plugin_id = string_field(json, "plugin", where);
		node.kernel_ops = string_field(json, "kernel_ops", where);
		const auto stats = json.find("stats");
		if (stats != json.end() && !stats->is_null()) {
			if (!stats->is_array())
				throw std::invalid_argument(fmt::format("{}: \"stats\" is not an array", where));
			for (const Json &sample : *stats)
				node.samples.push_back(read_sample(sample, where));
		}
		snapshot.nodes.push_back(std::move(node));
	}
	return snapshot;
}

} // namespace scxr
