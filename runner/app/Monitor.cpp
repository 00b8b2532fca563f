// SPDX-License-Identifier: GPL-2.0-only
#include "app/Monitor.hpp"

#include "base/RunnerError.hpp"
#include "control/StatsClient.hpp"
#include "output/StatsFormatter.hpp"
#include "output/StatsReading.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

namespace scxr {

namespace {

// One value of a stats reply, flattened: its group, its dotted name, and either a number (a
// sample) or the text it is shown as.
struct Leaf {
	std::string group;
	std::string name;
	std::optional<StatSample> sample;
	std::string text;
};

// The top struct's meta: the one marked "top", else the only one.
const Json *top_struct(const Json &meta)
{
	if (!meta.is_object())
		return nullptr;
	for (const auto &[name, structure] : meta.items())
		if (structure.is_object() && structure.contains("top"))
			return &structure;
	return meta.size() == 1 && meta.begin()->is_object() ? &*meta.begin() : nullptr;
}

std::string user_attribute(const Json *structure, const std::string &field, const char *attribute)
{
	if (!structure)
		return {};
	const auto fields = structure->find("fields");
	if (fields == structure->end() || !fields->is_object())
		return {};
	const auto found = fields->find(field);
	if (found == fields->end() || !found->is_object())
		return {};
	const auto user = found->find("user");
	if (user == found->end() || !user->is_object())
		return {};
	const auto value = user->find(attribute);
	return value != user->end() && value->is_string() ? value->get<std::string>() : std::string();
}

void flatten(const Json &value, const std::string &group, const std::string &name, scxr_stat_kind kind,
	     std::vector<Leaf> &leaves)
{
	Leaf leaf{group, name, std::nullopt, {}};
	if (value.is_number()) {
		StatSample sample;
		sample.name = name;
		sample.kind = kind;
		sample.group = group;
		if (value.is_number_unsigned())
			sample.value = value.get<uint64_t>();
		else if (value.is_number_integer())
			sample.value = value.get<int64_t>();
		else
			sample.value = value.get<double>();
		leaf.sample = std::move(sample);
		leaves.push_back(std::move(leaf));
	} else if (value.is_object()) {
		// A dict of structs (scx_layered's layers): one group per entry.
		for (const auto &[key, inner] : value.items())
			if (inner.is_object())
				for (const auto &[field, datum] : inner.items())
					flatten(datum, name + "." + key, field, SCXR_STAT_GAUGE, leaves);
			else
				flatten(inner, group, name + "." + key, SCXR_STAT_GAUGE, leaves);
	} else if (value.is_array()) {
		for (size_t index = 0; index < value.size(); ++index)
			flatten(value[index], group, fmt::format("{}[{}]", name, index), SCXR_STAT_GAUGE, leaves);
	} else {
		leaf.text = value.is_string() ? json_text(value) : value.dump();
		leaves.push_back(std::move(leaf));
	}
}

} // namespace

Monitor::Monitor(Settings settings, std::ostream &out) : settings_(std::move(settings)), out_(out) {}

std::string Monitor::format(std::chrono::system_clock::time_point when, std::chrono::steady_clock::time_point taken_at,
			    const Json &stats, const Json &meta)
{
	const Json *top = top_struct(meta);
	const std::string struct_name = top && top->contains("name") && (*top)["name"].is_string()
						? (*top)["name"].get<std::string>()
						: std::string("stats");
	std::vector<Leaf> leaves;
	if (stats.is_object())
		for (const auto &[name, value] : stats.items()) {
			const std::string group = user_attribute(top, name, "_group");
			const scxr_stat_kind kind =
				user_attribute(top, name, "_kind") == "counter" ? SCXR_STAT_COUNTER : SCXR_STAT_GAUGE;
			flatten(value, group.empty() ? struct_name : group, name, kind, leaves);
		}
	else
		flatten(stats, struct_name, "value", SCXR_STAT_GAUGE, leaves);

	StatsReading reading;
	reading.when = when;
	reading.plugin_id = struct_name;
	for (const Leaf &leaf : leaves)
		if (leaf.sample)
			reading.samples.push_back(*leaf.sample);
	rates_.update(taken_at, reading);

	if (settings_.format == StatsFormat::json) {
		Json line;
		line["timestamp"] = StatsFormatter::iso8601(when);
		line["socket"] = settings_.socket.string();
		line["stats"] = stats;
		if (reading.has_rates()) {
			line["rates"] = Json::object();
			for (size_t index = 0; index < reading.samples.size(); ++index)
				if (reading.rates[index])
					line["rates"][reading.samples[index].name] = json_number(*reading.rates[index]);
		}
		return json_text(line);
	}

	std::vector<StatsFormatter::Group> groups;
	size_t sample_index = 0;
	for (const Leaf &leaf : leaves) {
		auto group = std::ranges::find(groups, leaf.group, &StatsFormatter::Group::first);
		if (group == groups.end())
			group = groups.insert(groups.end(), StatsFormatter::Group{leaf.group, {}});
		if (!leaf.sample) {
			group->second.push_back(fmt::format("{}={}", leaf.name, leaf.text));
			continue;
		}
		const std::optional<double> rate = reading.rates[sample_index];
		const StatValue &value = reading.samples[sample_index].value;
		++sample_index;
		group->second.push_back(rate ? fmt::format("{}={}/s", leaf.name, StatsFormatter::format_rate(*rate))
					     : fmt::format("{}={}", leaf.name, StatsFormatter::format_value(value)));
	}
	const std::string what = reading.has_rates() ? fmt::format("rates over {:.1f}s", reading.rate_seconds)
						     : std::string("totals");
	return StatsFormatter::block(fmt::format("{} {} at {}: {}", StatsFormatter::time_of_day(when), struct_name,
						 settings_.socket.string(), what),
				     groups);
}

ExitCode Monitor::run()
{
	using Clock = std::chrono::steady_clock;
	const Clock::time_point end =
		settings_.run_for ? Clock::now() + settings_.run_for->to_chrono() : Clock::time_point::max();
	auto client = std::make_unique<StatsClient>(settings_.socket);
	Json meta;
	bool lost = false;
	for (Clock::time_point next = Clock::now();;) {
		try {
			if (!client) {
				client = std::make_unique<StatsClient>(settings_.socket);
				spdlog::info("monitor: connected to {} again", settings_.socket.string());
				meta = Json();
				lost = false;
			}
			if (meta.is_null()) {
				// An older server may lack stats_meta: then everything shows as it is.
				const StatsProtocol::Reply reply = client->request({"stats_meta", {}});
				meta = reply.error_number == 0 ? reply.resp : Json::object();
			}
			const StatsProtocol::Reply reply = client->request({"stats", {{"target", StatsProtocol::kTopTarget}}});
			if (reply.error_number == 0)
				out_ << format(std::chrono::system_clock::now(), Clock::now(), reply.resp, meta) << '\n';
			else
				spdlog::warn("monitor: {} answered errno {} ({}): {}", settings_.socket.string(), reply.error_number,
					     std::strerror(reply.error_number),
					     reply.resp.is_string() ? reply.resp.get<std::string>() : json_text(reply.resp));
			out_.flush();
		} catch (const RunnerError &error) {
			if (settings_.interval.is_zero())
				throw;
			if (!lost)
				spdlog::warn("monitor: {}; trying again every {}", error.what(), settings_.interval.to_string());
			lost = true;
			client.reset();
			rates_.reset();
		}
		if (settings_.interval.is_zero())
			return ExitCode::ok;
		next += settings_.interval.to_chrono();
		const Clock::time_point now = Clock::now();
		if (next < now)
			next = now; // never catch up on missed intervals
		if (next >= end) {
			std::this_thread::sleep_until(end);
			return ExitCode::ok;
		}
		std::this_thread::sleep_until(next);
	}
}

} // namespace scxr
