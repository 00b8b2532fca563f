// SPDX-License-Identifier: GPL-2.0-only
#include "control/StatsProtocol.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <type_traits>
#include <variant>

namespace scxr {

namespace {

} // namespace

std::variant<StatsRequest, std::string> StatsProtocol::parse_request(std::string_view line)
{
	if (line.ends_with('\r'))
		line.remove_suffix(1);
	if (line.size() > kMaxRequestBytes)
		return fmt::format("the request is longer than {} bytes", kMaxRequestBytes);
	const Json document = Json::parse(line, nullptr, false);
	if (document.is_discarded())
		return std::string("the request is not JSON; send one object per line, e.g. "
				   "{\"req\":\"stats\",\"args\":{\"target\":\"top\"}}");
	if (!document.is_object())
		return std::string("the request is not a JSON object");
	const auto req = document.find("req");
	if (req == document.end() || !req->is_string())
		return std::string("the request has no \"req\" string");
	StatsRequest request;
	request.req = req->get<std::string>();
	if (const auto args = document.find("args"); args != document.end() && !args->is_null()) {
		if (!args->is_object())
			return std::string("\"args\" is not an object");
		for (const auto &[name, value] : args->items()) {
			if (!value.is_string())
				return fmt::format("argument \"{}\" is not a string", name);
			request.args[name] = value.get<std::string>();
		}
	}
	return request;
}

std::string StatsProtocol::request_line(const StatsRequest &request)
{
	Json document;
	document["req"] = request.req;
	document["args"] = Json::object();
	for (const auto &[name, value] : request.args)
		document["args"][name] = value;
	return json_text(document) + '\n';
}

std::string StatsProtocol::reply_line(int error_number, const Json &resp)
{
	Json document;
	document["errno"] = error_number;
	document["args"]["resp"] = resp;
	return json_text(document) + '\n';
}

std::string StatsProtocol::error_line(int error_number, const std::string &message)
{
	return reply_line(error_number, Json(message));
}

std::variant<StatsProtocol::Reply, std::string> StatsProtocol::parse_reply(std::string_view line)
{
	if (line.ends_with('\n'))
		line.remove_suffix(1);
	const Json document = Json::parse(line, nullptr, false);
	if (document.is_discarded() || !document.is_object())
		return std::string("the reply is not a JSON object");
	const auto error_number = document.find("errno");
	if (error_number == document.end() || !error_number->is_number_integer())
		return std::string("the reply has no \"errno\" number");
	Reply reply;
	reply.error_number = error_number->get<int>();
	if (const auto args = document.find("args"); args != document.end() && args->is_object())
		if (const auto resp = args->find("resp"); resp != args->end())
			reply.resp = *resp;
	return reply;
}

std::string_view StatsProtocol::datum_name(scxr_stat_type type)
{
	switch (type) {
	case SCXR_STAT_S64: return "i64";
	case SCXR_STAT_F64: return "float";
	case SCXR_STAT_U64: break;
	}
	return "u64";
}

std::string StatsProtocol::struct_name(const StatsSnapshot::Node &node) { return node.plugin_id; }

Json StatsProtocol::meta(const StatsSnapshot &snapshot)
{
	Json document = Json::object();
	for (const StatsSnapshot::Node &node : snapshot.nodes) {
		const std::string name = struct_name(node);
		if (document.contains(name))
			continue; // two nodes of one plugin share its struct
		Json fields = Json::object();
		for (const StatDescriptor &stat : node.schema) {
			Json field;
			field["datum"] = datum_name(stat.type);
			if (!stat.help.empty())
				field["desc"] = stat.help;
			Json user;
			user["_kind"] = stat.kind == SCXR_STAT_COUNTER ? "counter" : "gauge";
			if (!stat.unit.empty())
				user["_unit"] = stat.unit;
			if (!stat.group.empty())
				user["_group"] = stat.group;
			field["user"] = std::move(user);
			fields[stat.name] = std::move(field);
		}
		Json structure;
		structure["name"] = name;
		if (&node == &snapshot.nodes.front())
			structure["top"] = "true";
		if (!node.plugin_description.empty())
			structure["desc"] = node.plugin_description;
		// The prefix scx's OpenMetrics converter (scxstats_to_openmetrics.py) names metrics by.
		structure["user"]["_om_prefix"] = name + "_";
		structure["fields"] = std::move(fields);
		document[name] = std::move(structure);
	}
	return document;
}

Json StatsProtocol::stats(const StatsSnapshot::Node &node)
{
	Json document = Json::object();
	for (const StatSample &sample : node.samples)
		document[sample.name] = stat_json(sample.value);
	return document;
}

const StatsSnapshot::Node *StatsProtocol::find_target(const StatsSnapshot &snapshot, std::string_view target)
{
	if (snapshot.nodes.empty())
		return nullptr;
	if (target.empty() || target == kTopTarget || target == struct_name(snapshot.nodes.front()))
		return &snapshot.nodes.front();
	for (const StatsSnapshot::Node &node : snapshot.nodes)
		if (!node.name.empty() && node.name == target)
			return &node;
	return nullptr;
}

} // namespace scxr
