/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What qmap's BPF half (plugins/qmap/qmap.bpf.c) and its userspace half
 * (plugins/qmap/) agree on.
 *
 * qmap keeps every piece of scheduler state that changes at run time in one
 * BPF arena. struct qmap_arena is the single global placed in that arena; the
 * kernel maps the arena at the same address in the loading process, so the
 * plugin reads counters, per-CPU contexts and even walks the FIFO lists with
 * plain loads, without a syscall. The task_ctx slab is allocated inside the
 * same arena at init time and only reached through pointers stored in
 * struct qmap_arena.
 *
 * Pointers stored in the arena are user addresses of the loading process.
 * BPF code converts them when it dereferences them; userspace uses them as
 * they are, but must check that each one lies inside the arena mapping
 * before following it, because the BPF side may be mid-update.
 */
#ifndef SCX_RUNNER_QMAP_H
#define SCX_RUNNER_QMAP_H

#ifdef __BPF__
#include <scx_runner/arena.bpf.h>
#else
#include <linux/types.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif
/* Userspace sees arena memory through an ordinary mapping. */
#ifndef __arena
#define __arena
#endif
#endif

/*
 * Fixed caps. They size arrays inside struct qmap_arena, so they are part of
 * the layout both halves compile against; qmap.bpf.c checks them with
 * _Static_assert and refuses to start on a machine with more CPUs.
 */
#define QMAP_MAX_CPUS		1024
#define QMAP_NR_FIFOS		5
#define QMAP_MAX_SUB_SCHEDS	8

/* 64-bit words of a bitmap with one bit per CPU (in the cid form: per cid). */
#define QMAP_CID_WORDS		(QMAP_MAX_CPUS / 64)

/* Slab size used when the profile does not set max_tasks. */
#define QMAP_DEFAULT_MAX_TASKS	16384

/* The dump walks at most this many tasks per FIFO, on either side. */
#define QMAP_DUMP_MAX_PER_FIFO	4096

/*
 * Upper bound of the arena in pages (BPF_MAP_TYPE_ARENA max_entries). With
 * 4 KiB pages that is 256 MiB of address space; only what init allocates is
 * backed by memory.
 */
#define QMAP_ARENA_MAX_PAGES	(1u << 16)

/*
 * sched_ext_ops.flags bits the plugin sets before load, when userspace has no
 * vmlinux.h to name them. qmap.bpf.c checks them against the vendored
 * vmlinux.h; the kernel never renumbers these bits.
 */
#define QMAP_OPS_SWITCH_PARTIAL		(1ull << 3)
#define QMAP_OPS_ALWAYS_ENQ_IMMED	(1ull << 7)
#define QMAP_OPS_TID_TO_TASK		(1ull << 8)	/* the cid table sets it itself */

struct qmap_fifo;

/*
 * The kernel's struct scx_cmask (a window of cids over a bitmap) with storage for every cid
 * qmap can hold; the kernel wants one word more than the window needs (its
 * SCX_CMASK_NR_WORDS), and the words start at bit (base / 64) * 64. The BPF side hands it to
 * scx_bpf_sub_grant() and checks the layout against vmlinux.h's struct scx_cmask.
 */
struct qmap_cmask {
	__u32 base;
	__u32 nr_cids;
	__u32 alloc_words;
	__u32 pad;
	__u64 bits[QMAP_CID_WORDS + 1];
};

/*
 * Per-task context, one slab entry per task the scheduler knows. A free entry
 * sits on the slab's free list through @next_free. A queued entry sits on one
 * of the five FIFOs through @fifo_next/@fifo_prev, and @fifo names that FIFO;
 * @fifo is NULL whenever the task is on no FIFO.
 */
struct task_ctx {
	struct task_ctx __arena *next_free;
	struct task_ctx __arena *fifo_next;
	struct task_ctx __arena *fifo_prev;
	struct qmap_fifo __arena *fifo;
	__s32 pid;
	bool force_local;	/* select_cpu found an idle CPU: go local */
	bool highpri;		/* counted in nr_highpri_queued while queued */
	__u64 core_sched_seq;
};

/* One priority FIFO: a doubly-linked list of task_ctx, oldest at @head. */
struct qmap_fifo {
	struct task_ctx __arena *head;
	struct task_ctx __arena *tail;
	__s32 idx;
	__u32 nr_queued;
};

/* What a CPU of a node that hosts children runs (cpu_ctx.serving): nothing, a child, or our own. */
#define QMAP_SERVING_NONE	0
#define QMAP_SERVING_CHILD(slot)	((slot) + 1)
#define QMAP_SERVING_OWN	(QMAP_MAX_SUB_SCHEDS + 1)

struct cpu_ctx {
	__u64 dsp_idx;		/* FIFO this CPU is dispatching from */
	__u64 dsp_cnt;		/* tasks left to take from it this round */
	__u32 avg_weight;	/* running average of the weights it ran */
	__u32 cpuperf_target;
	__u64 serving_since;	/* when it began to serve the party below */
	__u32 serving;		/* a QMAP_SERVING_* value; only nodes with children set it */
	__u32 pad;
};

struct qmap_arena {
	/* Counters and gauges the plugin reports as stats. */
	__u64 nr_enqueued;
	__u64 nr_dispatched;
	__u64 nr_reenqueued;
	__u64 nr_reenqueued_cpu0;
	__u64 nr_dequeued;
	__u64 nr_ddsp_from_enq;
	__u64 nr_core_sched_execed;
	__u64 nr_expedited_local;
	__u64 nr_expedited_remote;
	__u64 nr_expedited_lost;
	__u64 nr_expedited_from_timer;
	__u64 nr_highpri_queued;
	__u64 nr_task_ctxs_in_use;
	__u32 test_error_cnt;	/* enqueues left before the test error */
	__u32 cpuperf_min;
	__u32 cpuperf_avg;
	__u32 cpuperf_max;
	__u32 cpuperf_target_min;
	__u32 cpuperf_target_avg;
	__u32 cpuperf_target_max;
	__u32 nr_cpu_ids;	/* set by init: how many cpu_ctxs[] are real */

	/* Bookkeeping of the test knobs and the boost path. */
	__u32 stall_user_seen;
	__u32 stall_kernel_seen;
	__u32 immed_stress_seen;
	__u32 pad0;
	__u64 highpri_seq;

	/*
	 * Children attached below this scheduler (cid form only), by cgroup id; 0 = a free slot.
	 * sub_dispatched counts, per slot, the times that slot's child dispatched. CPU time is
	 * shared by stride scheduling (qmap.bpf.c, "Children"): sub_weights holds each child's
	 * cgroup cpu.weight, sub_passes and own_pass the weighted CPU time (ns) each child and this
	 * node's own FIFOs have used. sub_dispatch_next is where an idle node's offers start.
	 */
	__u64 sub_sched_cgroup_ids[QMAP_MAX_SUB_SCHEDS];
	__u64 sub_dispatched[QMAP_MAX_SUB_SCHEDS];
	__u64 sub_passes[QMAP_MAX_SUB_SCHEDS];
	__u32 sub_weights[QMAP_MAX_SUB_SCHEDS];
	__u64 own_pass;
	__u64 nr_sub_attached;	/* children accepted since attach */
	__u64 nr_sub_refused;	/* children refused: all slots taken */
	__u64 nr_sub_grant_failed;	/* grants the kernel refused in part (-EPERM) or whole */
	__u32 nr_sub_scheds;	/* children attached now */
	__u32 sub_dispatch_next;

	/* Cid form: the cids the kernel last reported idle (ops.update_idle), one bit each. */
	__u64 idle_cids[QMAP_CID_WORDS];
	/* Cid form: every cid, the set each child is granted caps on. */
	struct qmap_cmask all_cids;

	/*
	 * Core-sched ordering: each enqueued task takes the tail seq of its
	 * FIFO, and the head seq follows the last task dispatched from it.
	 */
	__u64 core_sched_head_seqs[QMAP_NR_FIFOS];
	__u64 core_sched_tail_seqs[QMAP_NR_FIFOS];

	struct cpu_ctx cpu_ctxs[QMAP_MAX_CPUS];

	/* The task_ctx slab, allocated and threaded by qmap_init(). */
	struct task_ctx __arena *task_ctxs;
	struct task_ctx __arena *task_free_head;
	__u32 max_tasks;	/* entries in task_ctxs[] */
	__u32 pad1;

	struct qmap_fifo fifos[QMAP_NR_FIFOS];
};

#endif /* SCX_RUNNER_QMAP_H */
