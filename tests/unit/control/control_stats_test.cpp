// SPDX-License-Identifier: GPL-2.0-only
// The control socket's `stats` as a running Session answers it (status's fields, what the
// kernel shows, when the reading was taken, every node's stats in the types read), and the
// nodes' JSON on its own.
#include "control/ControlClient.hpp"
#include "control/StatsSnapshotJson.hpp"

#include "SessionRig.hpp"

#include <catch2/catch_test_macros.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>

using scxr::ControlClient;
using scxr::ControlReply;
using scxr::ControlRequest;
using scxr::StatsSnapshot;
using scxr::StatsSnapshotJson;
using scxr::test::SessionRig;
using scxr::test::wait_for_runner;
using namespace std::chrono_literals;

namespace {

const scxr::StatSample *sample_of(const StatsSnapshot::Node &node, const std::string &name)
{
	for (const scxr::StatSample &sample : node.samples)
		if (sample.name == name)
			return &sample;
	return nullptr;
}

} // namespace

TEST_CASE("stats answers status's fields and every node's reading, in the types read", "[control]")
{
	SessionRig rig;
	rig.kernel.state = "enabled";
	rig.kernel.attached = "test_good";
	const std::string socket = rig.serve_control_socket().string();
	const auto profile = rig.profile("p.toml", "test_good", "batch = 5\noffset = -3");
	std::optional<ControlReply> first;
	std::optional<ControlReply> second;
	const auto outcome = rig.run(profile, [&] {
		wait_for_runner(socket);
		first = ControlClient(socket).request(ControlRequest{ControlRequest::Command::stats, {}});
		std::this_thread::sleep_for(20ms);
		second = ControlClient(socket).request(ControlRequest{ControlRequest::Command::stats, {}});
		kill(getpid(), SIGTERM);
	});
	CHECK(outcome.code == scxr::ExitCode::ok);
	REQUIRE(first);
	REQUIRE(second);
	CHECK(first->ok());
	CAPTURE(first->to_line());
	// What status has ...
	CHECK(*first->find_integer("pid") == getpid());
	CHECK(*first->find_string("plugin") == "test_good");
	CHECK(*first->find_string("state") == "attached");
	CHECK(*first->find_integer("swaps") == 0);
	CHECK(*first->find_integer("restarts") == 0);
	CHECK(*first->find_integer("failed_swaps") == 0);
	CHECK(first->find_integer("uptime_seconds") != nullptr);
	// ... what the kernel shows, and when the runner read the nodes.
	CHECK(*first->find_string("kernel_state") == "enabled");
	REQUIRE(first->find_integer("monotonic_ns") != nullptr);
	CHECK(*second->find_integer("monotonic_ns") > *first->find_integer("monotonic_ns"));

	REQUIRE(first->find_tree("nodes") != nullptr);
	const nlohmann::ordered_json &nodes = first->find_tree("nodes")->document();
	REQUIRE(nodes.size() == 1);
	CHECK(nodes[0].at("name") == "");
	CHECK(nodes[0].at("plugin") == "test_good");
	CHECK(nodes[0].at("kernel_ops") == "test_good");
	const StatsSnapshot snapshot = StatsSnapshotJson::read(*first->find_tree("nodes"));
	REQUIRE(snapshot.nodes.size() == 1);
	const scxr::StatSample *dispatched = sample_of(snapshot.nodes[0], "nr_dispatched");
	REQUIRE(dispatched != nullptr);
	CHECK(dispatched->kind == SCXR_STAT_COUNTER);
	CHECK(dispatched->unit == "tasks");
	CHECK(dispatched->group == "fake");
	CHECK(std::holds_alternative<uint64_t>(dispatched->value));
	const scxr::StatSample *offset = sample_of(snapshot.nodes[0], "offset");
	REQUIRE(offset != nullptr);
	CHECK(offset->kind == SCXR_STAT_GAUGE);
	CHECK(std::get<int64_t>(offset->value) == -3);
	const scxr::StatSample *load = sample_of(snapshot.nodes[0], "load");
	REQUIRE(load != nullptr);
	CHECK(std::holds_alternative<double>(load->value));

}

TEST_CASE("StatsSnapshotJson keeps each sample's type and the nodes' places", "[control]")
{
	StatsSnapshot snapshot;
	StatsSnapshot::Node root;
	root.plugin_id = "qmap";
	root.kernel_ops = "qmap";
	root.samples.push_back({"enqueued", SCXR_STAT_COUNTER, uint64_t{18446744073709551615u}, "tasks", "help", "queue"});
	root.samples.push_back({"offset", SCXR_STAT_GAUGE, int64_t{-7}, "", "", ""});
	root.samples.push_back({"load", SCXR_STAT_GAUGE, 0.25, "", "", "load"});
	StatsSnapshot::Node child;
	child.name = "web";
	child.cgroup = "/sys/fs/cgroup/web";
	child.plugin_id = "simple";
	snapshot.nodes = {root, child};
	const scxr::JsonTree tree = StatsSnapshotJson::write(snapshot);
	CHECK(scxr::json_text(tree.document()) ==
	      R"([{"name":"","cgroup":"","plugin":"qmap","kernel_ops":"qmap","stats":[)"
	      R"({"name":"enqueued","kind":"counter","value":18446744073709551615,"unit":"tasks","group":"queue"},)"
	      R"({"name":"offset","kind":"gauge","value":-7,"unit":"","group":""},)"
	      R"({"name":"load","kind":"gauge","value":0.25,"unit":"","group":"load"}]},)"
	      R"({"name":"web","cgroup":"/sys/fs/cgroup/web","plugin":"simple","kernel_ops":"","stats":[]}])");
	const StatsSnapshot read = StatsSnapshotJson::read(tree);
	REQUIRE(read.nodes.size() == 2);
	CHECK(std::get<uint64_t>(read.nodes[0].samples[0].value) == 18446744073709551615u);
	CHECK(std::get<int64_t>(read.nodes[0].samples[1].value) == -7);
	CHECK(std::get<double>(read.nodes[0].samples[2].value) == 0.25);
	CHECK(read.nodes[0].samples[0].help.empty()); // help stays out of every reading
	CHECK(read.nodes[1].cgroup == "/sys/fs/cgroup/web");
}
