/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_sched: the smallest real sched_ext scheduler, for the vm tests of swapping, restarting
 * and rolling back. It verifies in a blink (qmap takes seconds), so a test can load it dozens
 * of times. Every task goes to the global DSQ in FIFO order; an idle CPU is found by the
 * kernel's default selection.
 *
 * Two knobs make it fail in the ways the runner must survive:
 * - error_after_enqueues: the Nth enqueue calls scx_bpf_error(), an error exit the runner's
 *   restart policy answers.
 * - verifier_reject: keeps a deliberately invalid memory access reachable. The knob is
 *   read-only data, which the verifier knows when it loads the program: left false, the
 *   access is dead code and pruned; set, the verifier rejects the whole program. The plugin
 *   test_rejected is this scheduler built with the knob always set.
 */
#include "scx_runner/common.bpf.h"
#include "scx_runner/exit_info.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile u64 slice_ns = SCX_SLICE_DFL;
const volatile u64 error_after_enqueues;
const volatile bool verifier_reject;

SCXR_EXIT_INFO_DEFINE();

u64 nr_enqueued;

void BPF_STRUCT_OPS(test_sched_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 count = __sync_fetch_and_add(&nr_enqueued, 1) + 1;

	if (verifier_reject) {
		/* A number used as a pointer: "invalid mem access 'scalar'". */
		count += *(volatile u64 *)(unsigned long)enq_flags;
	}
	if (error_after_enqueues && count == error_after_enqueues)
		scx_bpf_error("test_sched: injected error after %llu enqueues", count);
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, slice_ns, enq_flags);
}

void BPF_STRUCT_OPS(test_sched_exit, struct scx_exit_info *ei)
{
	SCXR_EXIT_INFO_RECORD(ei);
}

SCXR_OPS_DEFINE(test_sched_ops,
		.enqueue = (void *)test_sched_enqueue,
		.exit = (void *)test_sched_exit,
		.name = "test_sched");
