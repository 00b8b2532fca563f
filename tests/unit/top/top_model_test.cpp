// SPDX-License-Identifier: GPL-2.0-only
// TopModel on made-up readings: rates by the runner's clock or the client's, histories that
// start again on a swap or a restart, the picked node kept by name, pause.
#include "top/TopModel.hpp"

#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

using Catch::Approx;
using scxr::StatSample;
using scxr::StatsSnapshot;
using scxr::TopModel;
using scxr::TopReading;
using namespace std::chrono_literals;

namespace {

const TopModel::Clock::time_point kStart = TopModel::Clock::time_point(100s);

StatSample counter(const std::string &name, uint64_t value)
{
	StatSample sample;
	sample.name = name;
	sample.kind = SCXR_STAT_COUNTER;
	sample.value = value;
	sample.group = "queue";
	return sample;
}

StatSample gauge(const std::string &name, double value)
{
	StatSample sample;
	sample.name = name;
	sample.kind = SCXR_STAT_GAUGE;
	sample.value = value;
	return sample;
}

StatsSnapshot::Node node(const std::string &name, const std::string &plugin, std::vector<StatSample> samples)
{
	StatsSnapshot::Node node;
	node.name = name;
	node.plugin_id = plugin;
	node.kernel_ops = plugin;
	node.cgroup = name.empty() ? "" : "/sys/fs/cgroup/" + name;
	node.samples = std::move(samples);
	return node;
}

// A reading the runner took at kStart + taken (no runner time when taken is negative).
TopReading reading(std::vector<StatsSnapshot::Node> nodes, std::chrono::milliseconds taken = -1ms)
{
	TopReading reading;
	reading.pid = 42;
	reading.plugin = nodes.empty() ? "" : nodes.front().plugin_id;
	reading.state = "attached";
	if (taken >= 0ms)
		reading.taken_at = kStart + taken;
	reading.snapshot.nodes = std::move(nodes);
	return reading;
}

const TopModel::Stat &stat_of(const TopModel &model, size_t node, const std::string &name)
{
	for (const TopModel::Stat &stat : model.nodes().at(node).stats)
		if (stat.name == name)
			return stat;
	FAIL("no stat " << name);
	throw;
}

} // namespace

TEST_CASE("counters become rates over the runner's own reading times", "[top]")
{
	TopModel model;
	CHECK_FALSE(model.has_reading());
	model.add(reading({node("", "qmap", {counter("enqueued", 100), gauge("load", 0.5)})}, 0ms), kStart);
	CHECK(model.has_reading());
	CHECK_FALSE(stat_of(model, 0, "enqueued").rate);
	CHECK(stat_of(model, 0, "enqueued").history.empty());
	// The runner read 2 s apart; this client got the replies 5 s apart (a slow socket): the
	// runner's clock is the one that timed the reads.
	model.add(reading({node("", "qmap", {counter("enqueued", 300), gauge("load", 0.75)})}, 2000ms), kStart + 5s);
	REQUIRE(stat_of(model, 0, "enqueued").rate);
	CHECK(*stat_of(model, 0, "enqueued").rate == Approx(100.0));
	CHECK(stat_of(model, 0, "enqueued").history == std::deque<double>{100.0});
	// Gauges have no rate; their history is their values.
	CHECK_FALSE(stat_of(model, 0, "load").rate);
	CHECK(stat_of(model, 0, "load").history == std::deque<double>{0.5, 0.75});
	CHECK(model.latest().pid == 42);
}

TEST_CASE("without the runner's time, the client's clock times the rates", "[top]")
{
	TopModel model;
	model.add(reading({node("", "qmap", {counter("enqueued", 0)})}), kStart);
	model.add(reading({node("", "qmap", {counter("enqueued", 50)})}), kStart + 500ms);
	REQUIRE(stat_of(model, 0, "enqueued").rate);
	CHECK(*stat_of(model, 0, "enqueued").rate == Approx(100.0));
	// Two readings at the same instant have no rate between them.
	model.add(reading({node("", "qmap", {counter("enqueued", 60)})}), kStart + 500ms);
	CHECK_FALSE(stat_of(model, 0, "enqueued").rate);
}

TEST_CASE("a history keeps the last readings only", "[top]")
{
	TopModel model(3);
	for (uint64_t second = 0; second <= 5; ++second)
		model.add(reading({node("", "qmap", {counter("enqueued", second * second * 10)})},
				  std::chrono::milliseconds(second * 1000)),
			  kStart);
	// Rates 10, 30, 50, 70, 90 per second; the last three stay.
	CHECK(stat_of(model, 0, "enqueued").history == std::deque<double>{50.0, 70.0, 90.0});
	CHECK(model.nodes().front().readings == 6);
}

TEST_CASE("a swap or a restart starts a node's history again", "[top]")
{
	TopModel model;
	model.add(reading({node("", "qmap", {counter("enqueued", 100), counter("dispatched", 10)})}, 0ms), kStart);
	model.add(reading({node("", "qmap", {counter("enqueued", 200), counter("dispatched", 20)})}, 1000ms), kStart);
	CHECK(stat_of(model, 0, "dispatched").history.size() == 1);

	SECTION("a counter that went down is a new instance: no rate, no history")
	{
		model.add(reading({node("", "qmap", {counter("enqueued", 5), counter("dispatched", 30)})}, 2000ms), kStart);
		CHECK_FALSE(stat_of(model, 0, "enqueued").rate);
		CHECK_FALSE(stat_of(model, 0, "dispatched").rate);
		CHECK(stat_of(model, 0, "dispatched").history.empty());
		model.add(reading({node("", "qmap", {counter("enqueued", 15), counter("dispatched", 40)})}, 3000ms), kStart);
		CHECK(*stat_of(model, 0, "enqueued").rate == Approx(10.0));
	}
	SECTION("another plugin on the node: its stats replace the old ones")
	{
		model.add(reading({node("", "simple", {counter("enqueued", 500)})}, 2000ms), kStart);
		CHECK(model.nodes().front().plugin == "simple");
		REQUIRE(model.nodes().front().stats.size() == 1);
		CHECK_FALSE(stat_of(model, 0, "enqueued").rate);
		CHECK(model.nodes().front().readings == 1);
	}
}

TEST_CASE("nodes are followed by name, and the picked one stays picked", "[top]")
{
	TopModel model;
	CHECK(model.selected() == nullptr);
	model.select_next(); // nothing to pick: no effect
	const auto tree = [](std::vector<std::string> children, uint64_t enqueued) {
		std::vector<StatsSnapshot::Node> nodes{node("", "qmap", {counter("enqueued", enqueued)})};
		for (const std::string &child : children)
			nodes.push_back(node(child, "qmap", {counter("enqueued", enqueued / 2)}));
		return nodes;
	};
	model.add(reading(tree({"a", "b", "c"}, 100), 0ms), kStart);
	REQUIRE(model.selected() != nullptr);
	CHECK(model.selected()->label(true) == "root");
	model.select_next();
	model.select_next();
	CHECK(model.selected()->name == "b");
	model.select_previous();
	CHECK(model.selected()->name == "a");
	model.select_previous();
	model.select_previous(); // wraps from the root to the last node
	CHECK(model.selected()->name == "c");
	model.select_next(); // and from the last to the root
	CHECK(model.selected_index() == 0);
	model.select_next();
	model.select_next();
	CHECK(model.selected()->name == "b");

	// a left the tree: b is still picked, now one place up, and keeps its rates.
	model.add(reading(tree({"b", "c"}, 300), 1000ms), kStart);
	CHECK(model.selected()->name == "b");
	CHECK(model.selected_index() == 1);
	CHECK(*stat_of(model, 1, "enqueued").rate == Approx(100.0));
	// The picked node left: the pick stays where it was, within the nodes that are there.
	model.add(reading(tree({"c"}, 500), 2000ms), kStart);
	CHECK(model.selected()->name == "c");
	// No scheduler attached (a restart pending): no nodes, nothing picked.
	model.add(reading({}, 3000ms), kStart);
	CHECK(model.nodes().empty());
	CHECK(model.selected() == nullptr);
}

TEST_CASE("pause is the model's state; readings taken meanwhile still count", "[top]")
{
	TopModel model;
	CHECK_FALSE(model.paused());
	model.toggle_pause();
	CHECK(model.paused());
	// An 'r' while paused steps the view by one reading.
	model.add(reading({node("", "qmap", {counter("enqueued", 1)})}, 0ms), kStart);
	CHECK(model.has_reading());
	CHECK(model.paused());
	model.toggle_pause();
	CHECK_FALSE(model.paused());
}

TEST_CASE("key rates: counters by rate, highest first, then gauges", "[top]")
{
	TopModel model;
	const auto samples = [](uint64_t step) {
		return std::vector<StatSample>{gauge("in_use", 7), counter("slow", step), counter("fast", step * 100),
					       counter("idle", 0), counter("medium", step * 10)};
	};
	model.add(reading({node("", "qmap", samples(0))}, 0ms), kStart);
	// Before any rate: the runner's order, counters still ahead of gauges.
	std::vector<std::string> names;
	for (const TopModel::Stat *stat : model.nodes().front().by_rate())
		names.push_back(stat->name);
	CHECK(names == std::vector<std::string>{"slow", "fast", "idle", "medium", "in_use"});
	model.add(reading({node("", "qmap", samples(1))}, 1000ms), kStart);
	names.clear();
	for (const TopModel::Stat *stat : model.nodes().front().by_rate())
		names.push_back(stat->name);
	CHECK(names == std::vector<std::string>{"fast", "medium", "slow", "idle", "in_use"});
}
