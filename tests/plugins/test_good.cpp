// SPDX-License-Identifier: GPL-2.0-only
// test_good: a well-behaved plugin with one option of every type and no BPF at all. It fakes a
// scheduler in memory so the runner's whole lifecycle can be tested without root or a kernel:
// counters that move on every stats reading, an exit reported after a configurable number of
// polls (optionally asking for a restart), a live dump and an exit dump, and attaches that fail
// from a chosen attach on (to test what the runner does when even re-attaching fails), and a
// load that waits until a file exists (a verify as long as a test wants it). Its stats cover
// every value type: exact u64 counters (dispatched_base puts one above 2^53), an s64 gauge, a
// double gauge, and one that is absent unless exit_after_polls is set. It answers one private
// extension, "scx-runner-test.greeting/1", so the extension query is tested end to end. Built
// twice: test_good.so, and test_good.so.rebuilt with another version string (a plugin
// rebuilt and installed over the running one's file). Built as test_tree_host and
// test_tree_leaf too, with TEST_GOOD_TREE_ROLES: those answer "scx-runner.sched-tree/1" (a host
// of at most two children and a child; a leaf only a child), remember where place() put them
// and show it in their dump, so the runner's trees are tested without a kernel.
#include <scx_runner/sdk/Entry.hpp>
#include <scx_runner/sdk/Options.hpp>
#include <scx_runner/sdk/PluginError.hpp>
#include <scx_runner/sdk/Stats.hpp>

#include <scx_runner/sched_tree.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#ifndef TEST_GOOD_ID
#define TEST_GOOD_ID "test_good"
#endif
#ifndef TEST_GOOD_VERSION
#define TEST_GOOD_VERSION "1.2.3"
#endif

namespace {

using namespace scxr::sdk;

constexpr const char *kModes[] = {"fifo", "weighted", "random", nullptr};

constexpr scxr_option_desc kOptions[] = {
	option::boolean("verbose", "log every poll through the host", false),
	option::integer("offset", "added to the gauge", "tasks", -5, -1000, 1000),
	option::unsigned_integer("batch", "tasks 'dispatched' per stats reading", "tasks", 8, 1, 64),
	option::floating("ratio", "share of the fake load", "", 0.5, 0.0, 1.0),
	option::string("label", "a name shown in dumps", "fake"),
	option::enumeration("mode", "queueing discipline", kModes, "fifo"),
	option::duration("slice", "time slice", 20 * kMillisecond, 100 * kMicrosecond, kSecond),
	option::path("trace_file", "where a real scheduler would write a trace", nullptr),
	option::unsigned_integer("exit_after_polls", "report an exit after this many polls (0: never)", "polls", 0, 0,
				 1'000'000),
	option::integer("exit_kind", "the SCX_EXIT_* kind of that exit", "", 1025, 0, 4096),
	option::boolean("request_restart", "ask for a restart with that exit (SCX_ECODE_ACT_RESTART)", false),
	option::unsigned_integer("fail_attach_from", "this attach of the instance and every later one fail (0: none)",
				 "attaches", 0, 0, 1'000'000),
	option::path("load_waits_for", "load() returns only once this file exists (a long verify), at most 60 s",
		     nullptr),
	option::unsigned_integer("dispatched_base", "where nr_dispatched starts (above 2^53 to test exact printing)",
				 "tasks", 0, 0, UINT64_MAX),
};

constexpr scxr_stat_desc kStats[] = {
	stat::counter("fake", "nr_polls", "polls", "polls since attach"),
	stat::counter("fake", "nr_dispatched", "tasks", "batch per stats reading"),
	stat::counter("fake", "nr_attaches", "", "attach() calls"),
	stat::float_gauge("load", "load", "", "ratio plus offset"),
	stat::signed_gauge("load", "offset", "tasks", "the offset option"),
	stat::gauge("exit", "polls_until_exit", "polls", "polls left before the fake exit (exit_after_polls)"),
};

// A private extension (plugin_abi.h: ids outside "scx-runner." are free): a C struct that
// starts with its size, answered by id.
struct TestGreeting {
	uint32_t struct_size;
	const char *greeting;
};
constexpr TestGreeting kGreeting{sizeof(TestGreeting), "hello from test_good"};


constexpr scxr_requirement kRequirements[] = {
	requirement::type("sched_ext_ops", "6.12", "sched_ext"),
};

// Stands in for a verifier that takes long; bounded, so a test that forgets the file fails
// instead of hanging.
void wait_for_file(const std::string &path)
{
	const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
	while (!std::filesystem::exists(path)) {
		if (std::chrono::steady_clock::now() >= deadline)
			throw PluginError(SCXR_ERR_INTERNAL, "load waited 60 s for " + path + " in vain");
		std::this_thread::sleep_for(std::chrono::milliseconds(5));
	}
}

class FakeScheduler : public Scheduler {
public:
	using Scheduler::Scheduler;

	void configure(const OptionValues &options) override
	{
		verbose_ = options.get_bool("verbose");
		offset_ = options.get_int("offset");
		batch_ = options.get_uint("batch");
		ratio_ = options.get_float("ratio");
		label_ = options.get_string("label");
		mode_ = options.get_string("mode");
		slice_ns_ = options.get_duration_ns("slice");
		trace_file_ = options.get_string("trace_file");
		exit_after_polls_ = options.get_uint("exit_after_polls");
		exit_kind_ = static_cast<int32_t>(options.get_int("exit_kind"));
		request_restart_ = options.get_bool("request_restart");
		fail_attach_from_ = options.get_uint("fail_attach_from");
		load_waits_for_ = options.get_string("load_waits_for");
		dispatched_ = options.get_uint("dispatched_base");
	}

	void load() override
	{
		if (!load_waits_for_.empty())
			wait_for_file(load_waits_for_);
		host().info("loaded: mode=" + mode_ + " slice_ns=" + std::to_string(slice_ns_));
	}

	void attach() override
	{
		if (fail_attach_from_ != 0 && attaches_ + 1 >= fail_attach_from_)
			throw PluginError(SCXR_ERR_ATTACH, "fake attach failure (attach " + std::to_string(attaches_ + 1) + ")");
		++attaches_;
		polls_ = 0;
	}

	void detach() override { host().debug("detached after " + std::to_string(polls_) + " polls"); }

	ExitReport poll() override
	{
		++polls_;
		if (verbose_)
			host().debug("poll " + std::to_string(polls_));
		ExitReport report;
		if (exit_after_polls_ == 0 || polls_ < exit_after_polls_)
			return report;
		report.exited = true;
		report.kind = exit_kind_;
		report.exit_code = request_restart_ ? static_cast<int64_t>(SCXR_EXIT_CODE_RESTART) : 0;
		report.reason = "fake exit";
		report.message = "exited after " + std::to_string(polls_) + " polls";
		report.dump = "fake debug dump\nlabel=" + label_ + "\n";
		return report;
	}

	void stats(StatValues &values) override
	{
		++stats_reads_;
		dispatched_ += batch_;
		values.set("nr_polls", polls_);
		values.set("nr_dispatched", dispatched_);
		values.set("nr_attaches", attaches_);
		values.set("load", ratio_ + static_cast<double>(offset_));
		values.set("offset", offset_);
		if (exit_after_polls_ != 0)
			values.set("polls_until_exit", exit_after_polls_ - std::min(polls_, exit_after_polls_));
	}

	// sched_tree.h's place(): refused where the roles do not allow it, remembered otherwise.
	void place(const scxr_tree_place &where, uint32_t roles, uint32_t max_children)
	{
		if (where.depth > 0 && !(roles & SCXR_TREE_CAN_BE_CHILD))
			throw PluginError(SCXR_ERR_INVALID_ARGUMENT, "cannot be a child");
		if (where.children > 0 && !(roles & SCXR_TREE_CAN_HOST))
			throw PluginError(SCXR_ERR_INVALID_ARGUMENT, "cannot host children");
		if (where.children > max_children)
			throw PluginError(SCXR_ERR_INVALID_ARGUMENT,
					  "hosts at most " + std::to_string(max_children) + " children");
		place_ = " place=depth:" + std::to_string(where.depth) + ",cgroup:" +
			 (where.cgroup_path ? where.cgroup_path : "none") + ",id:" + std::to_string(where.cgroup_id) +
			 ",children:" + std::to_string(where.children);
	}

	std::string dump() override
	{
		return "version=" TEST_GOOD_VERSION + place_ + " label=" + label_ + " mode=" + mode_ + " slice_ns=" + std::to_string(slice_ns_) +
		       " trace_file=" + (trace_file_.empty() ? "unset" : trace_file_) + " polls=" + std::to_string(polls_) +
		       " dispatched=" + std::to_string(dispatched_) + "\n";
	}

private:
	bool verbose_ = false;
	int64_t offset_ = 0;
	uint64_t batch_ = 0;
	double ratio_ = 0;
	std::string label_;
	std::string mode_;
	uint64_t slice_ns_ = 0;
	std::string trace_file_;
	uint64_t exit_after_polls_ = 0;
	int32_t exit_kind_ = 0;
	bool request_restart_ = false;
	uint64_t fail_attach_from_ = 0;
	std::string load_waits_for_;

	std::string place_; // empty until placed

	uint64_t polls_ = 0;
	uint64_t attaches_ = 0;
	uint64_t stats_reads_ = 0;
	uint64_t dispatched_ = 0;
};

} // namespace

namespace {

#ifdef TEST_GOOD_TREE_ROLES
constexpr uint32_t kMaxChildren = 2; // small, so that the cap is easy to test

scxr_status place(scxr_instance *handle, const scxr_tree_place *where) noexcept
{
	return detail::guarded(handle, {detail::State::configured}, "place", [&](detail::Instance &instance) {
		static_cast<FakeScheduler &>(*instance.scheduler).place(*where, TEST_GOOD_TREE_ROLES, kMaxChildren);
	});
}

constexpr scxr_sched_tree_extension kSchedTree{
	sizeof(scxr_sched_tree_extension), TEST_GOOD_TREE_ROLES,
	(TEST_GOOD_TREE_ROLES & SCXR_TREE_CAN_HOST) ? kMaxChildren : 0, "nothing (a fake)", &place};
#endif

const void *extension(const char *id)
{
#ifdef TEST_GOOD_TREE_ROLES
	if (std::strcmp(id, SCXR_SCHED_TREE_EXTENSION) == 0)
		return &kSchedTree;
#endif
	return std::strcmp(id, "scx-runner-test.greeting/1") == 0 ? &kGreeting : nullptr;
}

constexpr PluginInfo kInfo{TEST_GOOD_ID, TEST_GOOD_VERSION, "a fake in-memory scheduler for the runner's tests",
			   kOptions, kRequirements, kStats, &extension};

} // namespace

extern "C" SCXR_PLUGIN_EXPORT const scxr_plugin_entry scx_runner_plugin_entry = make_entry<FakeScheduler, kInfo>();
