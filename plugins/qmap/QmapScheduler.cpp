// SPDX-License-Identifier: GPL-2.0-only
#include "scx_runner/sdk/BpfTypes.hpp"

#include "qmap.h"
#include "scx_runner/exit_info.h"
#include "qmap.skel.h"

#include "QmapScheduler.hpp"

#include "QmapOptions.hpp"

#include "scx_runner/sdk/KernelBtf.hpp"
#include "scx_runner/sdk/PluginError.hpp"

#include <bpf/libbpf.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

template class scxr::sdk::SkeletonScheduler<::qmap>;

namespace scxr::qmap_plugin {

namespace {

uint32_t to_u32(uint64_t value) { return static_cast<uint32_t>(std::min<uint64_t>(value, kU32Max)); }

} // namespace

QmapScheduler::QmapScheduler(const sdk::Host &host) : SkeletonScheduler(host, "qmap") {}

void QmapScheduler::configure(const sdk::OptionValues &options)
{
	::qmap &skeleton = open_skeleton(options.get_uint("exit_dump_len"));
	auto &rodata = *skeleton.rodata;
	auto &ops = *skeleton.struct_ops.qmap_ops;
	auto &cid_ops = *skeleton.struct_ops.qmap_cid_ops;

	rodata.slice_ns = options.get_duration_ns("slice");
	rodata.dsp_batch = to_u32(options.get_uint("dispatch_batch"));
	rodata.max_tasks = to_u32(options.get_uint("max_tasks"));
	rodata.highpri_boosting = options.get_bool("highpri_boosting");
	rodata.print_dsqs_and_events = options.get_bool("print_dsqs_and_events");
	rodata.print_msgs = options.get_bool("print_messages");
	rodata.suppress_dump = options.get_bool("suppress_dump");
	rodata.test_error_after = to_u32(options.get_uint("error_after_enqueues"));
	rodata.stall_user_nth = to_u32(options.get_uint("stall_user_nth"));
	rodata.stall_kernel_nth = to_u32(options.get_uint("stall_kernel_nth"));
	rodata.dsp_inf_loop_after = to_u32(options.get_uint("dispatch_loop_after"));
	rodata.immed_stress_nth = to_u32(options.get_uint("immed_stress_nth"));

	// -1 names the process that loads the scheduler, which is the runner itself.
	const int64_t disallow_tgid = options.get_int("disallow_tgid");
	rodata.disallow_tgid = disallow_tgid < 0 ? getpid() : static_cast<int32_t>(disallow_tgid);

	rodata.always_enq_immed = options.get_bool("always_enq_immed");
	uint64_t flags = 0;
	if (rodata.always_enq_immed)
		flags |= QMAP_OPS_ALWAYS_ENQ_IMMED;
	if (options.get_bool("switch_partial"))
		flags |= QMAP_OPS_SWITCH_PARTIAL;
	// Both tables: which of them the kernel gets is known only in before_load().
	ops.flags |= flags;
	cid_ops.flags |= flags;
}

void QmapScheduler::place(const sdk::TreePlace &where)
{
	place_ = where;
	const ::qmap &skeleton = *this->skeleton();
	// The kernel attaches a child below the scheduler that owns this cgroup; the BPF side only
	// needs to know that it is one.
	skeleton.struct_ops.qmap_cid_ops->sub_cgroup_id = where.is_child() ? where.cgroup_id : 0;
	skeleton.rodata->is_child = where.is_child();
}

void QmapScheduler::adapt_to_kernel(const sdk::KernelBtf &kernel)
{
	const ::qmap &skeleton = *this->skeleton();
	const auto &ops = *skeleton.struct_ops.qmap_ops;

	// The cid table is built against 7.3's struct sched_ext_ops_cid; 7.2's has the same name
	// but other members (no sub_caps_updated, cgroup_* for cpuctl_*), which libbpf would
	// refuse. So only 7.3 gets the cid form.
	cid_form_ = kernel.has_member("sched_ext_ops_cid", "sub_caps_updated");
	if (!cid_form_ && place_.in_tree())
		throw sdk::PluginError(
			SCXR_ERR_KERNEL_UNSUPPORTED,
			std::string("qmap ") + (place_.is_child() ? "as a child scheduler (on " + place_.cgroup_path + ")"
								   : "as the host of child schedulers") +
				" needs Linux 7.3: sub-schedulers run only in the cid form of sched_ext_ops, "
				"and qmap's cid form is built for 7.3's (this kernel " +
				(kernel.has_type("sched_ext_ops_cid") ? "has 7.2's" : "has none") +
				"); run qmap here as a single scheduler, without a tree");
	// The table left out is never created, and libbpf then loads none of its programs.
	bpf_map__set_autocreate(skeleton.maps.qmap_ops, !cid_form_);
	bpf_map__set_autocreate(skeleton.maps.qmap_cid_ops, cid_form_);
	if (cid_form_)
		host().info("qmap: cid form of sched_ext_ops (Linux 7.3): hosts up to " +
			    std::to_string(QMAP_MAX_SUB_SCHEDS) + " child schedulers" +
			    (place_.is_child() ? ", and is the child of " + place_.cgroup_path : std::string()));
	else
		host().info("qmap: classic form of sched_ext_ops: this kernel has no 7.3 cid form, so qmap runs "
			    "as a single scheduler without children");

	if ((ops.flags & QMAP_OPS_ALWAYS_ENQ_IMMED) && !kernel.has_enum_value("SCX_OPS_ALWAYS_ENQ_IMMED"))
		throw sdk::PluginError(SCXR_ERR_KERNEL_UNSUPPORTED,
				       "option always_enq_immed needs SCX_OPS_ALWAYS_ENQ_IMMED (kernel 7.1 or "
				       "newer); this kernel lacks it");

	kernel_has_cpuperf_ = kernel.has_kfunc(cid_form_ ? "scx_bpf_cidperf_cur" : "scx_bpf_cpuperf_cur");
}

void QmapScheduler::before_load() { adapt_to_kernel(*sdk::KernelBtf::load_running()); }

void QmapScheduler::after_load()
{
	if (!arena_view())
		throw sdk::PluginError(SCXR_ERR_INTERNAL,
				       "the qmap arena is not mapped where its map says it is (map_extra)");
}

std::optional<QmapArenaView> QmapScheduler::arena_view() const
{
	const ::qmap *skeleton = this->skeleton();
	if (!skeleton || !skeleton->arena)
		return std::nullopt;
	// The kernel maps the arena's user half at map_extra, max_entries pages long, and libbpf
	// maps it there in this process. Where libbpf puts qa inside it differs by version.
	const bpf_map *map = skeleton->maps.arena;
	const auto begin = static_cast<uintptr_t>(bpf_map__map_extra(map));
	const size_t size = static_cast<size_t>(bpf_map__max_entries(map)) *
			    static_cast<size_t>(sysconf(_SC_PAGESIZE));
	const auto qa = reinterpret_cast<uintptr_t>(&skeleton->arena->qa);
	if (qa < begin || qa + sizeof(qmap_arena) > begin + size)
		return std::nullopt;
	return QmapArenaView(&skeleton->arena->qa, begin, size);
}

void QmapScheduler::before_attach()
{
	// Everything before the slab pointers is per-attach state; the slab itself is reused by
	// the next ops.init (see init_task_ctx_slab() in qmap.bpf.c).
	std::memset(&skeleton()->arena->qa, 0, offsetof(qmap_arena, task_ctxs));
}

void QmapScheduler::stats(sdk::StatValues &values)
{
	const auto view = arena_view();
	const QmapCounters c = view ? view->counters() : QmapCounters{};

	values.set("enqueued", c.enqueued);
	// Two counters read a moment apart: the difference wraps to a small negative number when a
	// dispatch lands between the reads, so it is signed.
	values.set("enqueued_minus_dispatched", static_cast<int64_t>(c.enqueued - c.dispatched));
	values.set("reenqueued", c.reenqueued);
	values.set("reenqueued_cpu0", c.reenqueued_cpu0);
	values.set("dequeued", c.dequeued);
	values.set("core_sched_execed", c.core_sched_execed);
	values.set("dispatched", c.dispatched);
	values.set("enqueue_direct_dispatches", c.enqueue_direct_dispatches);
	values.set("highpri_queued", c.highpri_queued);
	values.set("expedited_local", c.expedited_local);
	values.set("expedited_remote", c.expedited_remote);
	values.set("expedited_from_timer", c.expedited_from_timer);
	values.set("expedited_lost", c.expedited_lost);
	static const char *const kFifoNames[QMAP_NR_FIFOS] = {"fifo0_queued", "fifo1_queued", "fifo2_queued",
							       "fifo3_queued", "fifo4_queued"};
	for (unsigned fifo = 0; fifo < QMAP_NR_FIFOS; ++fifo)
		values.set(kFifoNames[fifo], c.fifo_queued[fifo]);
	values.set("task_ctxs_in_use", c.task_ctxs_in_use);
	values.set("task_ctx_capacity", c.task_ctx_capacity);
	if (skeleton() && skeleton()->rodata->test_error_after)
		values.set("error_countdown", c.test_error_countdown);
	if (kernel_has_cpuperf_) {
		values.set("cpuperf_cur_min", c.cpuperf_min);
		values.set("cpuperf_cur_avg", c.cpuperf_avg);
		values.set("cpuperf_cur_max", c.cpuperf_max);
		values.set("cpuperf_target_min", c.cpuperf_target_min);
		values.set("cpuperf_target_avg", c.cpuperf_target_avg);
		values.set("cpuperf_target_max", c.cpuperf_target_max);
	}
	if (cid_form_) {
		values.set("children", c.children);
		values.set("children_attached", c.children_attached);
		values.set("children_refused", c.children_refused);
		values.set("child_grants_short", c.child_grants_short);
		for (unsigned slot = 0; slot < QMAP_MAX_SUB_SCHEDS; ++slot) {
			if (!c.child_cgroup_ids[slot])
				continue;
			const std::string prefix = "child" + std::to_string(slot);
			values.set(prefix + "_cgroup", c.child_cgroup_ids[slot]);
			values.set(prefix + "_dispatches", c.child_dispatches[slot]);
		}
	}
}

std::string QmapScheduler::dump()
{
	std::string text;
	text += "attached: " + std::string(attached() ? "yes" : "no") + "\n";
	if (const ::qmap *skeleton = this->skeleton()) {
		text += "slice_ns: " + std::to_string(skeleton->rodata->slice_ns) + "\n";
		text += "dispatch_batch: " + std::to_string(skeleton->rodata->dsp_batch) + "\n";
		text += std::string("form: ") + (cid_form_ ? "cid (sched_ext_ops_cid)" : "classic (sched_ext_ops)") + "\n";
		if (place_.is_child())
			text += "child of the scheduler above " + place_.cgroup_path + " (cgroup " +
				std::to_string(place_.cgroup_id) + ")\n";
	}
	const auto view = arena_view();
	text += view ? view->describe() : "qmap: the arena is not mapped (the scheduler is not loaded)\n";
	return text;
}

} // namespace scxr::qmap_plugin
