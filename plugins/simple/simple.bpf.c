/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simple global scheduler.
 *
 * Every CPU takes its work from one shared dispatch queue (DSQ). By default
 * the queue is ordered by virtual time: a task's vtime grows by the time it
 * ran divided by its weight, so among runnable tasks the one that has used
 * the least weighted CPU time runs next, and a nice -5 task gets about three
 * times the CPU of a nice 0 one. With fifo_mode the queue is plain
 * first-come, first-served and weights are ignored.
 *
 * A waking task whose previous CPU (or another one nearby) is idle skips the
 * queue and goes straight to that CPU's local DSQ. That keeps light loads
 * fast, while under contention everything passes through the one queue,
 * which is fair but makes the queue's lock a bottleneck on large machines:
 * this scheduler is meant for small machines, tests and as a reference.
 *
 * This scheduler demonstrates:
 *  - direct dispatch from ops.select_cpu() to an idle CPU;
 *  - a user DSQ created in ops.init() and consumed in ops.dispatch();
 *  - weighted vtime scheduling, with a clamp so that a task that slept for a
 *    long time cannot bank more than one slice of credit;
 *  - tunables as const volatile globals that userspace sets before load;
 *  - per-CPU counters in .bss that userspace reads through the skeleton's
 *    memory mapping, without a syscall;
 *  - recording why the scheduler exited (scx_runner/exit_info.bpf.h);
 *  - both forms of the ops in one object: the classic one for a root, the
 *    cid form (Linux 7.3) for a child scheduler of one cgroup.
 */
#include "scx_runner/common.bpf.h"
#include "scx_runner/arena.bpf.h"
#include "scx_runner/exit_info.bpf.h"

#include "simple.h"

char _license[] SEC("license") = "GPL";

enum consts {
	/* User DSQ ids are any value with the top bit clear. */
	SHARED_DSQ = 0,
	/* p->scx.weight of a nice 0 task; weights range from 1 to 10000. */
	NICE_0_WEIGHT = 100,
};

/* Set by the plugin between open and load (profile options "slice" and "mode"). */
const volatile u64 slice_ns = SCX_SLICE_DFL;
const volatile bool fifo_mode;

SCXR_EXIT_INFO_DEFINE();

struct simple_cpu_stats cpu_stats[SIMPLE_MAX_CPUS];

/*
 * The vtime of the most advanced task that has started running: the
 * scheduler's notion of "now" on the vtime axis. Updated without atomics
 * from several CPUs; a lost update only places a few waking tasks slightly
 * earlier, which the clamp in simple_enqueue() tolerates.
 */
static u64 vtime_now;

/* vtime wraps after 2^64 weighted nanoseconds; compare as a signed distance. */
static inline bool vtime_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

static struct simple_cpu_stats *this_cpu_stats(void)
{
	u32 cpu = bpf_get_smp_processor_id();

	if (cpu >= SIMPLE_MAX_CPUS)
		return NULL;
	return &cpu_stats[cpu];
}

/*
 * Kernels since 6.19 take vtime inserts through an argument struct and keep
 * the five-argument form only for compatibility; use the new one when the
 * running kernel has it so the scheduler keeps loading once the old one goes.
 */
static void insert_by_vtime(struct task_struct *p, u64 vtime, u64 enq_flags)
{
	if (bpf_ksym_exists(__scx_bpf_dsq_insert_vtime)) {
		struct scx_bpf_dsq_insert_vtime_args args = {
			.dsq_id = SHARED_DSQ,
			.slice = slice_ns,
			.vtime = vtime,
			.enq_flags = enq_flags,
		};

		__scx_bpf_dsq_insert_vtime(p, &args);
		return;
	}
	scx_bpf_dsq_insert_vtime(p, SHARED_DSQ, slice_ns, vtime, enq_flags);
}

s32 BPF_STRUCT_OPS(simple_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	struct simple_cpu_stats *stats;
	bool is_idle = false;
	s32 cpu;

	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	if (!is_idle)
		return cpu;

	/*
	 * The CPU is idle and now reserved for p: queueing p on the shared DSQ
	 * would only add latency and lock traffic.
	 */
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	stats = this_cpu_stats();
	if (stats)
		stats->nr_local_dispatched++;
	return cpu;
}

static __always_inline void simple_enqueue_task(struct task_struct *p, u64 enq_flags)
{
	struct simple_cpu_stats *stats = this_cpu_stats();
	u64 vtime;

	if (stats)
		stats->nr_global_dispatched++;

	if (fifo_mode) {
		scx_bpf_dsq_insert(p, SHARED_DSQ, slice_ns, enq_flags);
		return;
	}

	/*
	 * A task that slept kept the vtime it had then, far behind everyone
	 * who ran meanwhile; left alone it would monopolise the CPUs until it
	 * caught up. Let it be at most one slice ahead of the pack instead.
	 */
	vtime = p->scx.dsq_vtime;
	if (vtime_before(vtime, vtime_now - slice_ns))
		vtime = vtime_now - slice_ns;

	insert_by_vtime(p, vtime, enq_flags);
}

void BPF_STRUCT_OPS(simple_enqueue, struct task_struct *p, u64 enq_flags)
{
	simple_enqueue_task(p, enq_flags);
}

void BPF_STRUCT_OPS(simple_dispatch, s32 cpu, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local(SHARED_DSQ);
}

static __always_inline void simple_running_task(struct task_struct *p)
{
	if (fifo_mode)
		return;

	if (vtime_before(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
}

void BPF_STRUCT_OPS(simple_running, struct task_struct *p)
{
	simple_running_task(p);
}

/*
 * The cid form's programs may not write a task's sched_ext fields directly (the
 * verifier refuses the store): they go through the kfunc, which the classic
 * form's older kernels may lack.
 */
static __always_inline void simple_set_vtime(struct task_struct *p, u64 vtime, bool cid_form)
{
	if (cid_form)
		scx_bpf_task_set_dsq_vtime(p, vtime);
	else
		p->scx.dsq_vtime = vtime;
}

static __always_inline void simple_stopping_task(struct task_struct *p, bool cid_form)
{
	u64 used_ns;

	if (fifo_mode)
		return;

	/*
	 * p->scx.slice is what is left of the slice p was given. A task the
	 * kernel queued itself may carry the default slice, longer than ours;
	 * charge nothing rather than a wrapped-around amount.
	 */
	if (p->scx.slice >= slice_ns)
		return;
	used_ns = slice_ns - p->scx.slice;

	/* Heavier tasks age more slowly, so they get proportionally more CPU. */
	simple_set_vtime(p, p->scx.dsq_vtime + used_ns * NICE_0_WEIGHT / p->scx.weight, cid_form);
}

void BPF_STRUCT_OPS(simple_stopping, struct task_struct *p, bool runnable)
{
	simple_stopping_task(p, false);
}

void BPF_STRUCT_OPS(simple_enable, struct task_struct *p)
{
	/* A task joining sched_ext starts level with the running tasks. */
	p->scx.dsq_vtime = vtime_now;
}

void BPF_STRUCT_OPS(simple_dump, struct scx_dump_ctx *dctx)
{
	scx_bpf_dump("simple: mode=%s slice_ns=%llu vtime_now=%llu queued=%d",
		     fifo_mode ? "fifo" : "vtime", slice_ns, vtime_now,
		     scx_bpf_dsq_nr_queued(SHARED_DSQ));
}

s32 BPF_STRUCT_OPS_SLEEPABLE(simple_init)
{
	s32 ret = scx_bpf_create_dsq(SHARED_DSQ, NUMA_NO_NODE);

	if (ret)
		scx_bpf_error("cannot create the shared DSQ (%d)", ret);
	return ret;
}

void BPF_STRUCT_OPS(simple_exit, struct scx_exit_info *ei)
{
	SCXR_EXIT_INFO_RECORD(ei);
}

/* ---------------------------------------------------------------------------
 * The cid form (struct sched_ext_ops_cid, Linux 7.3), which a sub-scheduler
 * must use: simple as a child scheduler of one cgroup. The policy is the one
 * above; what differs is what the cid form forbids. It has no default CPU
 * selection (scx_bpf_select_cpu_dfl is a cpu-form kfunc), so a waking task
 * stays on its previous cid and the shared DSQ feeds whichever CPU the parent
 * offers this child. The kernel also wants a cid-form scheduler to use one
 * BPF arena, where it keeps its own cmasks: simple keeps nothing there.
 */

SCXR_ARENA_MAP(arena, 16);

s32 BPF_STRUCT_OPS(simple_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	return prev_cid;
}

void BPF_STRUCT_OPS(simple_cid_enqueue, struct task_struct *p, u64 enq_flags)
{
	simple_enqueue_task(p, enq_flags);
}

void BPF_STRUCT_OPS(simple_cid_dispatch, s32 cid, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local(SHARED_DSQ);
}

void BPF_STRUCT_OPS(simple_cid_running, struct task_struct *p)
{
	simple_running_task(p);
}

void BPF_STRUCT_OPS(simple_cid_stopping, struct task_struct *p, bool runnable)
{
	simple_stopping_task(p, true);
}

void BPF_STRUCT_OPS(simple_cid_enable, struct task_struct *p, struct scx_enable_args *args)
{
	simple_set_vtime(p, vtime_now, true);
}

void BPF_STRUCT_OPS(simple_cid_dump, struct scx_dump_ctx *dctx)
{
	scx_bpf_dump("simple: mode=%s slice_ns=%llu vtime_now=%llu queued=%d (child)",
		     fifo_mode ? "fifo" : "vtime", slice_ns, vtime_now,
		     scx_bpf_dsq_nr_queued(SHARED_DSQ));
}

s32 BPF_STRUCT_OPS_SLEEPABLE(simple_cid_init)
{
	s32 ret;

	/* The one program that names the arena, which ties it to this scheduler. */
	asm volatile("" :: "r"(&arena));
	ret = scx_bpf_create_dsq(SHARED_DSQ, NUMA_NO_NODE);
	if (ret)
		scx_bpf_error("cannot create the shared DSQ (%d)", ret);
	return ret;
}

void BPF_STRUCT_OPS(simple_cid_exit, struct scx_exit_info *ei)
{
	SCXR_EXIT_INFO_RECORD(ei);
}

SCXR_OPS_CID_DEFINE(simple_cid_ops,
		.select_cid = (void *)simple_select_cid,
		.enqueue = (void *)simple_cid_enqueue,
		.dispatch = (void *)simple_cid_dispatch,
		.running = (void *)simple_cid_running,
		.stopping = (void *)simple_cid_stopping,
		.enable = (void *)simple_cid_enable,
		.dump = (void *)simple_cid_dump,
		.init = (void *)simple_cid_init,
		.exit = (void *)simple_cid_exit,
		.name = "simple");

/* The classic form: simple as the root, or the only scheduler. */
SCXR_OPS_DEFINE(simple_ops,
		.select_cpu = (void *)simple_select_cpu,
		.enqueue = (void *)simple_enqueue,
		.dispatch = (void *)simple_dispatch,
		.running = (void *)simple_running,
		.stopping = (void *)simple_stopping,
		.enable = (void *)simple_enable,
		.dump = (void *)simple_dump,
		.init = (void *)simple_init,
		.exit = (void *)simple_exit,
		.name = "simple");
