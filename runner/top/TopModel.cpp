// SPDX-License-Identifier: GPL-2.0-only
#include "top/TopModel.hpp"

#include "output/CounterRates.hpp"

#include <algorithm>
#include <variant>

namespace scxr {

namespace {

double as_double(const StatValue &value)
{
	return std::visit([](auto number) { return static_cast<double>(number); }, value);
}

void remember(std::deque<double> &history, double value, size_t capacity)
{
	history.push_back(value);
	while (history.size() > capacity)
		history.pop_front();
}

} // namespace

std::vector<const TopModel::Stat *> TopModel::Node::by_rate() const
{
	std::vector<const Stat *> counters;
	std::vector<const Stat *> gauges;
	for (const Stat &stat : stats)
		(stat.kind == SCXR_STAT_COUNTER ? counters : gauges).push_back(&stat);
	std::ranges::stable_sort(counters, [](const Stat *left, const Stat *right) {
		return left->rate.value_or(-1) > right->rate.value_or(-1);
	});
	counters.insert(counters.end(), gauges.begin(), gauges.end());
	return counters;
}

std::string TopModel::Node::label(bool is_root) const { return is_root && name.empty() ? "root" : name; }

TopModel::TopModel(size_t history) : history_(std::max<size_t>(history, 1)) {}

void TopModel::add(TopReading reading, Clock::time_point received_at)
{
	// The runner's clock when both readings carry it: it timed the very reads. Otherwise
	// this client's, which also counts the socket's and the loop's delays.
	std::optional<double> seconds;
	if (reading.taken_at && previous_taken_at_)
		seconds = std::chrono::duration<double>(*reading.taken_at - *previous_taken_at_).count();
	else if (!reading.taken_at && previous_received_at_)
		seconds = std::chrono::duration<double>(received_at - *previous_received_at_).count();
	if (seconds && *seconds <= 0)
		seconds.reset();
	previous_taken_at_ = reading.taken_at;
	previous_received_at_ = received_at;

	std::vector<Node> nodes;
	// Each known node is taken once (a moved-from one must not match the root's empty name).
	std::vector<bool> taken(nodes_.size(), false);
	for (StatsSnapshot::Node &read : reading.snapshot.nodes) {
		Node node;
		for (size_t index = 0; index < nodes_.size(); ++index)
			if (!taken[index] && nodes_[index].name == read.name) {
				taken[index] = true;
				node = std::move(nodes_[index]);
				break;
			}
		update_node(node, std::move(read), seconds);
		nodes.push_back(std::move(node));
	}
	nodes_ = std::move(nodes);
	reading.snapshot.nodes.clear();
	latest_ = std::move(reading);

	const auto picked = std::ranges::find(nodes_, selected_name_, &Node::name);
	if (picked != nodes_.end())
		selected_ = static_cast<size_t>(picked - nodes_.begin());
	else
		selected_ = nodes_.empty() ? 0 : std::min(selected_, nodes_.size() - 1);
	if (!nodes_.empty())
		selected_name_ = nodes_[selected_].name;
}

void TopModel::update_node(Node &node, StatsSnapshot::Node &&reading, std::optional<double> seconds) const
{
	// Another scheduler on this node: nothing of the old one's history compares.
	const bool fresh = node.readings == 0 || node.plugin != reading.plugin_id;
	if (fresh) {
		node.stats.clear();
		node.readings = 0;
	}
	node.name = std::move(reading.name);
	node.cgroup = std::move(reading.cgroup);
	node.plugin = std::move(reading.plugin_id);
	node.kernel_ops = std::move(reading.kernel_ops);

	bool went_down = false;
	std::vector<Stat> stats;
	for (StatSample &sample : reading.samples) {
		const auto known = std::ranges::find(node.stats, sample.name, &Stat::name);
		Stat stat = known != node.stats.end() ? std::move(*known) : Stat{};
		stat.rate.reset();
		if (known != node.stats.end() && sample.kind == SCXR_STAT_COUNTER && stat.kind == SCXR_STAT_COUNTER &&
		    seconds) {
			if (const std::optional<double> grown = CounterRates::growth(stat.value, sample.value))
				stat.rate = *grown / *seconds;
			else
				went_down = true;
		}
		stat.name = std::move(sample.name);
		stat.kind = sample.kind;
		stat.unit = std::move(sample.unit);
		stat.group = std::move(sample.group);
		stat.value = sample.value;
		if (stat.kind == SCXR_STAT_GAUGE)
			remember(stat.history, as_double(stat.value), history_);
		else if (stat.rate)
			remember(stat.history, *stat.rate, history_);
		stats.push_back(std::move(stat));
	}
	if (went_down) {
		// A counter that shrank means a new instance (a restart): every series starts over
		// from this reading, so the old instance's rates do not sit beside the new one's.
		for (Stat &stat : stats) {
			stat.rate.reset();
			stat.history.clear();
			if (stat.kind == SCXR_STAT_GAUGE)
				remember(stat.history, as_double(stat.value), history_);
		}
		node.readings = 0;
	}
	node.stats = std::move(stats);
	++node.readings;
}

const TopModel::Node *TopModel::selected() const { return nodes_.empty() ? nullptr : &nodes_[selected_]; }

void TopModel::select_next()
{
	if (nodes_.empty())
		return;
	selected_ = (selected_ + 1) % nodes_.size();
	selected_name_ = nodes_[selected_].name;
}

void TopModel::select_previous()
{
	if (nodes_.empty())
		return;
	selected_ = (selected_ + nodes_.size() - 1) % nodes_.size();
	selected_name_ = nodes_[selected_].name;
}

} // namespace scxr
