// SPDX-License-Identifier: GPL-2.0-only
// The one symbol simple.so exports: its description, option schema, kernel requirements and
// stats schema.
#include "SimpleOptions.hpp"
#include "SimpleScheduler.hpp"

#include "scx_runner/sdk/Entry.hpp"

namespace {

using namespace scxr::sdk;

// What plugins/simple/simple.bpf.c calls unconditionally. (Its vtime insert adapts to either API, and
// the exit CPU is read only where the kernel has it, so neither is listed.)
constexpr scxr_requirement kRequirements[] = {
	requirement::type("sched_ext_ops", "6.12", "sched_ext"),
	requirement::kfunc("scx_bpf_select_cpu_dfl", "6.12", "sched_ext default CPU selection"),
	requirement::kfunc("scx_bpf_create_dsq", "6.12", "sched_ext user dispatch queues"),
	requirement::kfunc("scx_bpf_dsq_insert", "6.13", "sched_ext DSQ insert API"),
	requirement::kfunc("scx_bpf_dsq_move_to_local", "6.13", "sched_ext DSQ move API"),
};

// simple is a child (in the cid form) but hosts none: it has no sub_attach.
constexpr TreeRoles kTreeRoles{SCXR_TREE_CAN_BE_CHILD, 0,
			       "Linux 7.3 (the cid form of sched_ext_ops with sub-scheduler CPU caps)"};

constexpr PluginInfo kInfo{
	"simple", "1.1.0", "one shared queue: weighted vtime fairness or FIFO, idle CPUs served directly",
	scxr::simple_plugin::kOptions, kRequirements, scxr::simple_plugin::kStats, nullptr, kTreeRoles};

} // namespace

extern "C" SCXR_PLUGIN_EXPORT const scxr_plugin_entry scx_runner_plugin_entry =
	make_entry<scxr::simple_plugin::SimpleScheduler, kInfo>();
