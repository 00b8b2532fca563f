// SPDX-License-Identifier: GPL-2.0-only
// The one symbol qmap.so exports: its description, option schema, kernel requirements and stats
// schema.
#include "QmapOptions.hpp"
#include "QmapScheduler.hpp"
#include "QmapStats.hpp"
#include "qmap.h"

#include "scx_runner/sdk/Entry.hpp"

namespace {

using namespace scxr::sdk;

// What the runner probes in the kernel's BTF before load, so that a kernel without them gets a
// "too old" message naming the feature instead of a libbpf or verifier error. Kfuncs that
// plugins/qmap/qmap.bpf.c calls only behind bpf_ksym_exists() (scx_bpf_dsq_reenq, scx_bpf_events)
// are not listed: qmap runs without them. The cid form's needs (7.3) are checked by the plugin
// itself, which falls back to the classic form as a single scheduler.
constexpr scxr_requirement kRequirements[] = {
	requirement::type("sched_ext_ops", "6.12", "sched_ext"),
	requirement::enum_value("BPF_MAP_TYPE_ARENA", "6.9", "BPF arenas"),
	requirement::kfunc("bpf_arena_alloc_pages", "6.9", "BPF arena page allocation"),
	requirement::kfunc("bpf_res_spin_lock", "6.15", "BPF resilient spin locks"),
	requirement::kfunc("scx_bpf_dsq_insert", "6.13", "sched_ext DSQ insert API"),
	requirement::kfunc("scx_bpf_dsq_move_vtime", "6.13", "sched_ext DSQ move API"),
	requirement::kfunc("scx_bpf_dispatch_nr_slots", "6.12", "sched_ext dispatch slots"),
	requirement::kfunc("scx_bpf_cpuperf_set", "6.12", "sched_ext cpuperf control"),
	requirement::member("sched_ext_ops", "sub_attach", "7.1", "sched_ext sub-schedulers"),
	requirement::enum_value("SCX_ENQ_IMMED", "7.1", "sched_ext immediate local inserts (SCX_ENQ_IMMED)"),
	// The kfunc signatures qmap is compiled against (vmlinux.h of 7.3) first appear together
	// in 7.2, the release that added the cid form; a 7.1 kernel rejects them at load.
	requirement::type("sched_ext_ops_cid", "7.2", "the sched_ext kfunc signatures qmap is built against"),
};

// qmap hosts up to eight children per node (the kernel's own qmap keeps that many) and is a
// child itself, both in the cid form only.
constexpr TreeRoles kTreeRoles{SCXR_TREE_CAN_HOST | SCXR_TREE_CAN_BE_CHILD, QMAP_MAX_SUB_SCHEDS,
			       "Linux 7.3 (the cid form of sched_ext_ops with sub-scheduler CPU caps)"};

constexpr PluginInfo kInfo{
	"qmap", "1.1.0", "five weighted FIFOs in a BPF arena, with boosting, core-sched ordering and test knobs",
	scxr::qmap_plugin::kOptions, kRequirements, scxr::qmap_plugin::kStats, nullptr, kTreeRoles};

} // namespace

extern "C" SCXR_PLUGIN_EXPORT const scxr_plugin_entry scx_runner_plugin_entry =
	make_entry<scxr::qmap_plugin::QmapScheduler, kInfo>();
