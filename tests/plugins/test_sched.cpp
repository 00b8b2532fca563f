// SPDX-License-Identifier: GPL-2.0-only
// The userspace half of test_sched.bpf.c, built several times from this one file:
//   test_sched.so              id test_sched, version TEST_SCHED_VERSION
//   test_sched.so.rebuilt      the same plugin with a newer version string, for the vm test
//                              that installs a rebuilt plugin over the running one's file
//   test_rejected.so           id test_rejected, verifier_reject always on: its load fails in
//                              the kernel's verifier, whatever the profile says
#include "scx_runner/sdk/BpfTypes.hpp"

#include "scx_runner/exit_info.h"
#include "test_sched.skel.h"

#include <scx_runner/sdk/Entry.hpp>
#include <scx_runner/sdk/Options.hpp>
#include <scx_runner/sdk/PluginError.hpp>
#include <scx_runner/sdk/Skeleton.hpp>
#include <scx_runner/sdk/Stats.hpp>

#include <bpf/libbpf.h>

#include <cerrno>
#include <string>

#if !defined(TEST_SCHED_ID) || !defined(TEST_SCHED_VERSION) || !defined(TEST_SCHED_ALWAYS_REJECT)
#error "tests/plugins/meson.build defines TEST_SCHED_ID, TEST_SCHED_VERSION and TEST_SCHED_ALWAYS_REJECT"
#endif

namespace {

using namespace scxr::sdk;

constexpr uint32_t kExitDumpLength = 4096;

constexpr scxr_option_desc kOptions[] = {
	option::duration("slice", "time slice of every task", 20 * kMillisecond, 100 * kMicrosecond, kSecond),
	option::unsigned_integer("error_after_enqueues", "call scx_bpf_error() at this enqueue (0: never)", "tasks", 0,
				 0, UINT64_MAX),
	option::boolean("verifier_reject", "keep an invalid memory access reachable, so the verifier rejects the program",
			false),
};

constexpr scxr_requirement kRequirements[] = {
	requirement::type("sched_ext_ops", "6.12", "sched_ext"),
	requirement::kfunc("scx_bpf_dsq_insert", "6.13", "sched_ext DSQ insert API"),
};

constexpr scxr_stat_desc kStats[] = {
	stat::counter("queue", "enqueued", "tasks", "enqueues since attach"),
};

class TestScheduler : public Scheduler {
public:
	using Scheduler::Scheduler;

	void configure(const OptionValues &options) override
	{
		skeleton_.reset(::test_sched::open());
		if (!skeleton_)
			throw PluginError(SCXR_ERR_INTERNAL, "cannot open the test_sched BPF object: " + errno_text(errno));
		skeleton_->rodata->slice_ns = options.get_duration_ns("slice");
		skeleton_->rodata->error_after_enqueues = options.get_uint("error_after_enqueues");
		skeleton_->rodata->verifier_reject = TEST_SCHED_ALWAYS_REJECT || options.get_bool("verifier_reject");
		set_exit_dump_length(skeleton_.get(), kExitDumpLength);
		skeleton_->struct_ops.test_sched_ops->exit_dump_len = kExitDumpLength;
	}

	void load() override
	{
		if (const int error = ::test_sched::load(skeleton_.get()); error)
			throw PluginError(status_for_load_error(error),
					  "the kernel did not accept the test_sched BPF scheduler: " + errno_text(error));
	}

	void attach() override
	{
		clear_exit_info(skeleton_.get());
		skeleton_->bss->nr_enqueued = 0;
		link_ = attach_struct_ops(skeleton_->maps.test_sched_ops, "test_sched");
	}

	void detach() override { link_.reset(); }

	ExitReport poll() override { return read_exit_report(skeleton_.get()); }

	void stats(StatValues &values) override
	{
		values.set("enqueued", __atomic_load_n(&skeleton_->bss->nr_enqueued, __ATOMIC_RELAXED));
	}

	std::string dump() override
	{
		return std::string("version: ") + TEST_SCHED_VERSION + "\nattached: " + (link_ ? "yes" : "no") +
		       "\nenqueued: " + std::to_string(__atomic_load_n(&skeleton_->bss->nr_enqueued, __ATOMIC_RELAXED)) +
		       "\n";
	}

private:
	SkeletonPtr<::test_sched> skeleton_{nullptr, ::test_sched::destroy};
	LinkPtr link_;
};

constexpr PluginInfo kInfo{TEST_SCHED_ID, TEST_SCHED_VERSION,
			   "a minimal FIFO scheduler that can fail on demand (tests only)", kOptions, kRequirements, kStats};

} // namespace

extern "C" SCXR_PLUGIN_EXPORT const scxr_plugin_entry scx_runner_plugin_entry = make_entry<TestScheduler, kInfo>();
