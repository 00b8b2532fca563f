/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * qmap: a five-level FIFO scheduler that keeps all its state in a BPF arena.
 *
 * Every runnable task lands on one of five FIFOs picked by its weight: the
 * lightest tasks on FIFO 0, nice-0 tasks on FIFO 2, the heaviest on FIFO 4.
 * Each CPU visits the FIFOs round robin and takes up to 1, 2, 4, 8 and 16
 * tasks from FIFO 0..4 per visit, so every FIFO gets twice the dispatch share
 * of the one below it. Popped tasks go to a shared DSQ that all CPUs consume,
 * optionally several at a time (dsp_batch).
 *
 * The FIFOs are doubly-linked lists threaded through per-task contexts. Those
 * contexts come from a slab that init carves out of the same arena, with a
 * free list; each FIFO and the free list has its own bpf_res_spin_lock.
 * Because counters, per-CPU contexts, the slab and the lists all live in the
 * one arena, and the arena is mapped into the loading process at the address
 * BPF uses, userspace reads statistics and walks the queues with plain loads.
 *
 * Around that core sit the paths that make qmap a test bed for sched_ext:
 * direct dispatch to idle CPUs, a boost for nice -20 tasks that moves them
 * through a high-priority DSQ and counts how they were expedited, a parking
 * DSQ for nice-19 tasks that a timer re-enqueues, core-sched ordering, cpuperf
 * targets, hosting sub-schedulers, and knobs that deliberately break things
 * (errors, stalls, endless dispatch) so the kernel's error paths can be seen.
 *
 * The object holds qmap twice over: the classic form of the ops (struct
 * sched_ext_ops, qmap_ops) and the cid form (struct sched_ext_ops_cid,
 * qmap_cid_ops), which Linux 7.3 requires of a scheduler that hosts children
 * or is one. The policy is written once, in always-inlined bodies that take
 * the form as a constant, so each form's programs call only the kfuncs that
 * form allows (cpu numbers and cpumasks, or cids). The plugin creates one of
 * the two tables; the other's programs are never loaded.
 *
 * In the cid form qmap hosts up to eight children (sub-schedulers on cgroups
 * below the one it schedules). Its grant policy: every child gets ENQ_IMMED,
 * ENQ and PREEMPT on every cid this node holds, at attach and again whenever
 * this node's own caps change. A CPU whose dispatch finds nothing of qmap's
 * own offers the dispatch to the children in turn, round robin, so children
 * share the time qmap's own tasks leave over.
 *
 * This scheduler demonstrates:
 *
 * - One BPF arena for all mutable scheduler state, shared with userspace.
 * - Arena linked lists under bpf_res_spin_lock, with real removal on dequeue.
 * - A task context slab with a free list, sized by a load-time option.
 * - Direct dispatch from select_cpu() and enqueue(), DSQ iteration and moving
 *   tasks between DSQs, scx_bpf_dsq_reenq() from a timer.
 * - Core-sched ordering, cpuperf control, cgroup and CPU hotplug callbacks.
 * - Both forms of sched_ext_ops from one policy; idle tracking by
 *   ops.update_idle() in the cid form, which has no built-in idle picker.
 * - Sub-scheduler hosting with ops.sub_attach/sub_detach, scx_bpf_sub_grant()
 *   and scx_bpf_sub_dispatch(); becoming a child through ops.sub_cgroup_id.
 * - Debug dump callbacks that describe the queues in the kernel's exit dump.
 *
 * It exists to exercise sched_ext and the runner, not to schedule real work.
 */
#include <scx_runner/common.bpf.h>
#include <scx_runner/arena.bpf.h>
#include <scx_runner/exit_info.bpf.h>
#include <scx_runner/res_spin_lock.bpf.h>

#include "qmap.h"

char _license[] SEC("license") = "GPL";

/*
 * vmlinux.h carries no errno macros and the system's asm-generic headers are
 * not on the BPF include path in every build (Nix sandboxes), so name the few
 * this file returns. Their values are the same on every Linux architecture.
 */
#ifndef ESRCH
#define ESRCH	3
#endif
#ifndef ENOMEM
#define ENOMEM	12
#endif
#ifndef EBUSY
#define EBUSY	16
#endif
#ifndef EINVAL
#define EINVAL	22
#endif
#ifndef ENOSPC
#define ENOSPC	28
#endif
#ifndef E2BIG
#define E2BIG	7
#endif

/* Kernel macros, not in BTF and so not in vmlinux.h. */
#ifndef PF_KTHREAD
#define PF_KTHREAD	0x00200000	/* include/linux/sched.h */
#endif
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC	1		/* include/uapi/linux/time.h */
#endif

/* libbpf's bpf_for_each() names its iterator ___it; the move kfuncs need it. */
#ifndef BPF_FOR_EACH_ITER
#define BPF_FOR_EACH_ITER (&___it)
#endif

enum consts {
	ONE_SEC_IN_NS		= 1000000000,
	ONE_MSEC_IN_NS		= 1000000,
	LOWPRI_REENQ_INTERVAL_NS = 10 * ONE_MSEC_IN_NS,

	SHARED_DSQ		= 0,
	HIGHPRI_DSQ		= 1,
	LOWPRI_DSQ		= 2,

	HIGHPRI_WEIGHT		= 8668,	/* what nice -20 maps to */
	LOWPRI_WEIGHT_LIMIT	= 2,	/* weights below this are nice 19 */

	KTHREADD_PID		= 2,
};

_Static_assert(QMAP_NR_FIFOS == 5,
	       "the dispatch shares and the cpuperf table are written for five FIFOs");
_Static_assert(sizeof(struct qmap_arena) <
		       (unsigned long long)QMAP_ARENA_MAX_PAGES * SCXR_ARENA_PAGE_SIZE,
	       "struct qmap_arena must leave room in the arena for the task_ctx slab");
_Static_assert(QMAP_OPS_SWITCH_PARTIAL == SCX_OPS_SWITCH_PARTIAL &&
		       QMAP_OPS_ALWAYS_ENQ_IMMED == SCX_OPS_ALWAYS_ENQ_IMMED &&
		       QMAP_OPS_TID_TO_TASK == SCX_OPS_TID_TO_TASK,
	       "qmap.h's copies of the ops flags must match vmlinux.h");
_Static_assert(sizeof(struct task_ctx) <= SCXR_ARENA_PAGE_SIZE,
	       "slab sizing assumes several task_ctx per page");
_Static_assert(__builtin_offsetof(struct qmap_cmask, bits) ==
			       __builtin_offsetof(struct scx_cmask, bits) &&
		       __builtin_offsetof(struct qmap_cmask, alloc_words) ==
			       __builtin_offsetof(struct scx_cmask, alloc_words),
	       "struct qmap_cmask must have the layout of the kernel's struct scx_cmask");
_Static_assert(QMAP_MAX_CPUS % 64 == 0, "the cid bitmaps are whole words");

/* What a child is granted on every cid its parent holds (the grant policy above). */
#define QMAP_CHILD_CAPS	(SCX_CAP_ENQ_IMMED | SCX_CAP_ENQ | SCX_CAP_PREEMPT)

/*
 * Options, written by the plugin between open and load and constant for the
 * verifier afterwards. Units are converted there (slice_ns is nanoseconds).
 */
const volatile u64 slice_ns;
const volatile u32 test_error_after;	/* copied into qa.test_error_cnt by init */
const volatile u32 stall_user_nth;
const volatile u32 stall_kernel_nth;
const volatile u32 dsp_inf_loop_after;
const volatile u32 dsp_batch;
const volatile u32 max_tasks;
const volatile bool highpri_boosting;
const volatile bool print_dsqs_and_events;
const volatile bool print_msgs;
const volatile bool is_child;		/* placed below a parent (cid form only) */
const volatile s32 disallow_tgid;
const volatile bool suppress_dump;
const volatile bool always_enq_immed;
const volatile u32 immed_stress_nth;

SCXR_EXIT_INFO_DEFINE();

/* All mutable scheduler state. Userspace reaches it as skel->arena->qa. */
SCXR_ARENA_MAP(arena, QMAP_ARENA_MAX_PAGES);

struct qmap_arena __arena qa;

/* One lock per FIFO, so CPUs working different FIFOs do not contend. */
SCXR_RES_SPIN_LOCK(fifo_lock0);
SCXR_RES_SPIN_LOCK(fifo_lock1);
SCXR_RES_SPIN_LOCK(fifo_lock2);
SCXR_RES_SPIN_LOCK(fifo_lock3);
SCXR_RES_SPIN_LOCK(fifo_lock4);
/* Guards the task_ctx free list. */
SCXR_RES_SPIN_LOCK(slab_lock);

static struct bpf_res_spin_lock *fifo_lock(s32 fifo_idx)
{
	switch (fifo_idx) {
	case 0: return &fifo_lock0;
	case 1: return &fifo_lock1;
	case 2: return &fifo_lock2;
	case 3: return &fifo_lock3;
	case 4: return &fifo_lock4;
	default: return NULL;
	}
}

/*
 * bpf_res_spin_lock() returns an error instead of deadlocking. Nothing in
 * qmap nests locks, so a failure means the kernel gave up waiting: report it
 * as a scheduler error rather than limping on with unguarded lists.
 */
static __always_inline int lock_or_error(struct bpf_res_spin_lock *lock)
{
	if (!lock) {
		scx_bpf_error("no lock for this FIFO index");
		return -EINVAL;
	}
	if (bpf_res_spin_lock(lock)) {
		scx_bpf_error("bpf_res_spin_lock failed");
		return -EBUSY;
	}
	return 0;
}

/*
 * CPU performance target per FIFO index: heavier tasks ask for more. This
 * demonstrates the cpuperf interface, not a frequency policy.
 */
static const u32 qidx_to_cpuperf_target[QMAP_NR_FIFOS] = {
	[0] = SCX_CPUPERF_ONE * 0 / 4,
	[1] = SCX_CPUPERF_ONE * 1 / 4,
	[2] = SCX_CPUPERF_ONE * 2 / 4,
	[3] = SCX_CPUPERF_ONE * 3 / 4,
	[4] = SCX_CPUPERF_ONE * 4 / 4,
};

/* Every task_ctx pointer points into the arena. */
typedef struct task_ctx __arena task_ctx_t;

/* Task storage holds only the task's slab entry; the entry itself is shared. */
struct task_ctx_ref {
	task_ctx_t *taskc;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx_ref);
} task_ctx_refs SEC(".maps");

/*
 * The verifier ties a program to an arena only when the program itself loads
 * the arena map. Programs that reach the arena solely through pointers kept
 * in task storage (select_cpu, dump_task, ...) would be rejected with
 * "addr_space_cast insn can only be used in a program that has an associated
 * arena", so they name the map explicitly.
 */
#define USE_ARENA() asm volatile("" :: "r"(&arena))

static task_ctx_t *find_task_ctx(struct task_struct *p)
{
	struct task_ctx_ref *ref;

	USE_ARENA();
	ref = bpf_task_storage_get(&task_ctx_refs, p, NULL, 0);
	return ref ? ref->taskc : NULL;
}

/* For paths where every task must have a context: a missing one is a bug. */
static task_ctx_t *lookup_task_ctx(struct task_struct *p)
{
	task_ctx_t *taskc = find_task_ctx(p);

	if (!taskc)
		scx_bpf_error("no task_ctx for %s[%d]", p->comm, p->pid);
	return taskc;
}

static struct cpu_ctx __arena *cpu_ctx_of(s32 cpu)
{
	/*
	 * No bounds check: init refused machines with more than QMAP_MAX_CPUS
	 * CPUs, and every caller passes a CPU the kernel named, so the index
	 * is always in range (an arena access needs no proof for the verifier).
	 */
	return &qa.cpu_ctxs[cpu];
}

static int weight_to_idx(u32 weight)
{
	/* Coarse buckets of the compound weight; nice 0 (100) lands in 2. */
	if (weight <= 25)
		return 0;
	if (weight <= 50)
		return 1;
	if (weight < 200)
		return 2;
	if (weight < 400)
		return 3;
	return 4;
}

static bool is_lowpri_user_task(struct task_struct *p)
{
	return p->scx.weight < LOWPRI_WEIGHT_LIMIT && !(p->flags & PF_KTHREAD);
}

/* ---------------------------------------------------------------------------
 * The FIFOs. Only list surgery happens under a lock: the verifier does not
 * allow kfunc calls such as scx_bpf_error() while a res_spin_lock is held.
 *
 * The hot ops call these once per task, so they are always inlined: a
 * BPF-to-BPF call costs a frame per call, and each caller knows the FIFO's
 * index already, so the lock is picked without reading fifo->idx back.
 */

static __always_inline void fifo_push_tail(s32 fifo_idx, task_ctx_t *taskc)
{
	struct qmap_fifo __arena *fifo = &qa.fifos[fifo_idx];
	struct bpf_res_spin_lock *lock = fifo_lock(fifo_idx);

	if (lock_or_error(lock))
		return;
	taskc->fifo = fifo;
	taskc->fifo_next = NULL;
	taskc->fifo_prev = fifo->tail;
	if (fifo->tail)
		fifo->tail->fifo_next = taskc;
	else
		fifo->head = taskc;
	fifo->tail = taskc;
	fifo->nr_queued++;
	bpf_res_spin_unlock(lock);
}

static __always_inline task_ctx_t *fifo_pop_head(s32 fifo_idx)
{
	struct qmap_fifo __arena *fifo = &qa.fifos[fifo_idx];
	struct bpf_res_spin_lock *lock;
	task_ctx_t *taskc;

	/*
	 * An empty FIFO is the common case of an idle CPU's dispatch, which
	 * visits all five. Seeing it empty without the lock is as good as
	 * seeing it empty under the lock: a push racing with this read could
	 * equally have taken the lock just after us. Only a non-empty FIFO
	 * is worth the lock and unlock calls.
	 */
	if (!fifo->head)
		return NULL;

	lock = fifo_lock(fifo_idx);
	if (lock_or_error(lock))
		return NULL;
	taskc = fifo->head;
	if (taskc) {
		fifo->head = taskc->fifo_next;
		if (fifo->head)
			fifo->head->fifo_prev = NULL;
		else
			fifo->tail = NULL;
		fifo->nr_queued--;
		taskc->fifo_next = NULL;
		taskc->fifo_prev = NULL;
		taskc->fifo = NULL;
	}
	bpf_res_spin_unlock(lock);
	return taskc;
}

/*
 * Takes @taskc off the FIFO @fifo it was seen on. Returns true only if this
 * call removed it, so that exactly one of a racing pop and unlink does the
 * accounting for the task. Callers check taskc->fifo first, so a task on no
 * FIFO (the usual case of a dequeue) costs no call and no lock.
 */
static __always_inline bool fifo_unlink(task_ctx_t *taskc, struct qmap_fifo __arena *fifo)
{
	struct bpf_res_spin_lock *lock = fifo_lock(fifo->idx);

	if (lock_or_error(lock))
		return false;

	/* A pop on another CPU may have taken it between the check and the lock. */
	if (taskc->fifo != fifo) {
		bpf_res_spin_unlock(lock);
		return false;
	}
	if (taskc->fifo_next)
		taskc->fifo_next->fifo_prev = taskc->fifo_prev;
	else
		fifo->tail = taskc->fifo_prev;
	if (taskc->fifo_prev)
		taskc->fifo_prev->fifo_next = taskc->fifo_next;
	else
		fifo->head = taskc->fifo_next;
	fifo->nr_queued--;
	taskc->fifo_next = NULL;
	taskc->fifo_prev = NULL;
	taskc->fifo = NULL;
	bpf_res_spin_unlock(lock);
	return true;
}

/* Takes @taskc off its FIFO, if it is on one, and keeps nr_highpri_queued right. */
static __always_inline void fifo_forget(task_ctx_t *taskc)
{
	struct qmap_fifo __arena *fifo = taskc->fifo;

	if (fifo && fifo_unlink(taskc, fifo) && highpri_boosting && taskc->highpri)
		__sync_fetch_and_sub(&qa.nr_highpri_queued, 1);
}

/* ---------------------------------------------------------------------------
 * The task_ctx slab. nr_task_ctxs_in_use changes only under slab_lock, so it
 * is updated there with a plain add instead of a second, atomic access.
 */

static task_ctx_t *slab_alloc(void)
{
	task_ctx_t *taskc;

	if (lock_or_error(&slab_lock))
		return NULL;
	taskc = qa.task_free_head;
	if (taskc) {
		qa.task_free_head = taskc->next_free;
		qa.nr_task_ctxs_in_use++;
	}
	bpf_res_spin_unlock(&slab_lock);
	return taskc;
}

static void slab_free(task_ctx_t *taskc)
{
	if (lock_or_error(&slab_lock))
		return;
	taskc->next_free = qa.task_free_head;
	qa.task_free_head = taskc;
	qa.nr_task_ctxs_in_use--;
	bpf_res_spin_unlock(&slab_lock);
}

/* ---------------------------------------------------------------------------
 * Kfuncs whose form changed between kernels.
 */

/*
 * Since 7.1 scx_bpf_dsq_move_to_local() takes enqueue flags; the kernel keeps
 * the old one-argument function beside the new one, named with a ___v2
 * suffix. libbpf drops the last ___suffix when it matches a ksym, so this
 * declaration binds to "scx_bpf_dsq_move_to_local___v2" where it exists.
 */
bool scx_bpf_dsq_move_to_local___v2___qmap(u64 dsq_id, u64 enq_flags) __ksym __weak;

static bool move_to_local(u64 dsq_id)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move_to_local___v2___qmap))
		return scx_bpf_dsq_move_to_local___v2___qmap(dsq_id, 0);
	return scx_bpf_dsq_move_to_local(dsq_id);
}

/* Whether select_cpu() ran for this enqueue; unknown on old kernels. */
static bool enq_cpu_was_selected(u64 enq_flags)
{
	if (!bpf_core_enum_value_exists(enum scx_enq_flags, SCX_ENQ_CPU_SELECTED))
		return true;
	return enq_flags & bpf_core_enum_value(enum scx_enq_flags, SCX_ENQ_CPU_SELECTED);
}

/* The lowpri DSQ needs someone to empty it; only scx_bpf_dsq_reenq() can. */
static bool can_reenq_dsq(void)
{
	return bpf_ksym_exists(scx_bpf_dsq_reenq);
}

/* ---------------------------------------------------------------------------
 * The two forms. Each helper takes the form as a compile-time constant (its
 * callers are always inlined down to an op of one form), so clang keeps only
 * the branch of that form and a cid-form program never names a kfunc the
 * kernel forbids there. A "target" is a CPU number in the classic form and a
 * cid in the cid form; both index qa.cpu_ctxs[].
 */

static __always_inline s32 this_target(const bool cid)
{
	return cid ? scx_bpf_this_cid() : (s32)bpf_get_smp_processor_id();
}

static __always_inline s32 task_target(struct task_struct *p, const bool cid)
{
	return cid ? scx_bpf_task_cid(p) : scx_bpf_task_cpu(p);
}

static __always_inline void kick_target(s32 target, u64 flags, const bool cid)
{
	if (cid)
		scx_bpf_kick_cid(target, flags);
	else
		scx_bpf_kick_cpu(target, flags);
}

/* Whether @p may run on the CPU this program runs on (cpumasks hold CPU numbers). */
static __always_inline bool task_may_run_here(struct task_struct *p)
{
	return bpf_cpumask_test_cpu(bpf_get_smp_processor_id(), p->cpus_ptr);
}

static __always_inline bool task_allows_cid(struct task_struct *p, s32 cid)
{
	s32 cpu = scx_bpf_cid_to_cpu(cid);

	return cpu >= 0 && bpf_cpumask_test_cpu(cpu, p->cpus_ptr);
}

/* Index of the lowest set bit of a non-zero word: BPF has no ctz instruction. */
static __always_inline u32 lowest_bit(u64 word)
{
	u32 index = 0;

	if (!(word & 0xffffffffULL)) { word >>= 32; index += 32; }
	if (!(word & 0xffffULL)) { word >>= 16; index += 16; }
	if (!(word & 0xffULL)) { word >>= 8; index += 8; }
	if (!(word & 0xfULL)) { word >>= 4; index += 4; }
	if (!(word & 0x3ULL)) { word >>= 2; index += 2; }
	if (!(word & 0x1ULL))
		index += 1;
	return index;
}

/*
 * The cid form has no built-in idle tracking: qmap keeps its own bitmap from
 * ops.update_idle(). Claiming clears the bit atomically, so two CPUs racing
 * for one idle cid cannot both win it, as with test_and_clear_cpu_idle().
 *
 * Both go through compare-and-swap: the x86 JIT has no fetching AND/OR on
 * arena memory ("BPF_ATOMIC stores into arena is not allowed"), only ADD,
 * XCHG and CMPXCHG. update_idle retries a lost race a few times (after that
 * the next transition fixes the bit); a claim does not retry.
 */
enum { IDLE_CAS_TRIES = 4 };

/* One compare-and-swap: a claim that loses a race takes the cid as busy, as it now is. */
static __always_inline bool claim_idle_cid(s32 cid)
{
	u64 __arena *word;
	u64 bit, old;

	if (cid < 0 || cid >= QMAP_MAX_CPUS)
		return false;
	word = &qa.idle_cids[cid / 64];
	bit = 1ULL << (cid & 63);
	old = *word;
	return (old & bit) && __sync_val_compare_and_swap(word, old, old & ~bit) == old;
}

static __always_inline void mark_cid_idle(s32 cid, bool idle)
{
	u64 __arena *word;
	u64 bit, old, new;
	int try;

	if (cid < 0 || cid >= QMAP_MAX_CPUS)
		return;
	word = &qa.idle_cids[cid / 64];
	bit = 1ULL << (cid & 63);
	for (try = 0; try < IDLE_CAS_TRIES; try++) {
		old = *word;
		new = idle ? old | bit : old & ~bit;
		if (new == old || __sync_val_compare_and_swap(word, old, new) == old)
			return;
	}
}

/*
 * The cid form's scx_bpf_pick_idle_cpu(): claims the lowest idle cid of a word that @p may use.
 * A global function, which the verifier checks once on its own instead of once per call site
 * (enqueue calls it on two paths).
 */
__hidden s32 pick_idle_cid(struct task_struct *p __arg_trusted)
{
	u32 nr_words = (qa.nr_cpu_ids + 63) / 64, word;

	bpf_for(word, 0, QMAP_CID_WORDS) {
		u64 bits;
		s32 cid;

		if (word >= nr_words)
			break;
		bits = qa.idle_cids[word];
		if (!bits)
			continue;
		cid = word * 64 + lowest_bit(bits);
		if (task_allows_cid(p, cid) && claim_idle_cid(cid))
			return cid;
	}
	return -1;
}

/* ---------------------------------------------------------------------------
 * Scheduling.
 */

static __always_inline s32 pick_direct_dispatch_target(struct task_struct *p, s32 prev, const bool cid)
{
	s32 target;

	/*
	 * A task pinned to one CPU can only go there; with always_enq_immed
	 * it must still find that CPU idle, as IMMED inserts expect.
	 */
	if (!always_enq_immed && p->nr_cpus_allowed == 1)
		return prev;

	if (cid) {
		if (claim_idle_cid(prev))
			return prev;
		return pick_idle_cid(p);
	}

	if (scx_bpf_test_and_clear_cpu_idle(prev))
		return prev;

	target = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	return target >= 0 ? target : -1;
}

static __always_inline s32 select_target(struct task_struct *p, s32 prev, const bool cid)
{
	task_ctx_t *taskc;
	s32 target;

	if (!(taskc = lookup_task_ctx(p)))
		return -ESRCH;

	/* nice-19 tasks always take the queued path; see enqueue_task(). */
	if (is_lowpri_user_task(p))
		return prev;

	target = pick_direct_dispatch_target(p, prev, cid);
	if (target < 0)
		return prev;

	taskc->force_local = true;
	return target;
}

s32 BPF_STRUCT_OPS(qmap_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	return select_target(p, prev_cpu, false);
}

s32 BPF_STRUCT_OPS(qmap_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	return select_target(p, prev_cid, true);
}

/*
 * Test knob: drop every Nth enqueue so the watchdog sees a stalled task. The
 * options are tested first: they are constants to the verifier, which then
 * drops the whole check, p->flags load included, when both are off.
 */
static __always_inline bool should_stall(struct task_struct *p)
{
	if (!stall_kernel_nth && !stall_user_nth)
		return false;
	if (p->flags & PF_KTHREAD)
		return stall_kernel_nth &&
		       !(__sync_add_and_fetch(&qa.stall_kernel_seen, 1) % stall_kernel_nth);
	return stall_user_nth &&
	       !(__sync_add_and_fetch(&qa.stall_user_seen, 1) % stall_user_nth);
}

static __always_inline void enqueue_task(struct task_struct *p, u64 enq_flags, const bool cid)
{
	int idx = weight_to_idx(p->scx.weight);
	task_ctx_t *taskc;
	s32 target;

	if (enq_flags & SCX_ENQ_REENQ) {
		__sync_fetch_and_add(&qa.nr_reenqueued, 1);
		if (task_target(p, cid) == 0)
			__sync_fetch_and_add(&qa.nr_reenqueued_cpu0, 1);
	}

	if (should_stall(p))
		return;

	/*
	 * The countdown starts at test_error_after and nothing else sets it,
	 * so with the option off the verifier drops the arena read as well.
	 */
	if (test_error_after && qa.test_error_cnt &&
	    !__sync_sub_and_fetch(&qa.test_error_cnt, 1))
		scx_bpf_error("test triggering error");

	if (!(taskc = lookup_task_ctx(p)))
		return;

	/*
	 * Every enqueued task takes a fresh core-sched seq, whichever path it
	 * takes below; qmap_dispatch() does the same for a task that keeps
	 * running.
	 */
	taskc->core_sched_seq = qa.core_sched_tail_seqs[idx]++;

	/*
	 * IMMED stress: every Nth enqueue goes to the task's CPU's local DSQ
	 * even when that CPU is busy, so the local DSQ holds more than one
	 * task and the kernel's IMMED re-enqueue paths run.
	 */
	if (immed_stress_nth && !(enq_flags & SCX_ENQ_REENQ) &&
	    !(__sync_add_and_fetch(&qa.immed_stress_seen, 1) % immed_stress_nth)) {
		taskc->force_local = false;
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | task_target(p, cid), slice_ns, enq_flags);
		return;
	}

	/* select_cpu() found an idle CPU for it: run it there right away. */
	if (taskc->force_local) {
		taskc->force_local = false;
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, enq_flags);
		return;
	}

	/* Park nice-19 tasks; lowpri_timerfn() feeds them back every 10ms. */
	if (can_reenq_dsq() && is_lowpri_user_task(p) && !(enq_flags & SCX_ENQ_REENQ)) {
		scx_bpf_dsq_insert(p, LOWPRI_DSQ, slice_ns, enq_flags);
		return;
	}

	/* Without a select_cpu() pass (e.g. a fresh wakeup target), try an idle CPU. */
	if (!enq_cpu_was_selected(enq_flags) &&
	    (target = pick_direct_dispatch_target(p, task_target(p, cid), cid)) >= 0) {
		__sync_fetch_and_add(&qa.nr_ddsp_from_enq, 1);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | target, slice_ns, enq_flags);
		return;
	}

	/*
	 * Re-enqueued because a higher class took the CPU: let any other CPU
	 * have it, keeping its remaining slice (slice 0), and wake an idle one.
	 */
	if (enq_flags & SCX_ENQ_REENQ) {
		scx_bpf_dsq_insert(p, SHARED_DSQ, 0, enq_flags);
		target = cid ? pick_idle_cid(p) : scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
		if (target >= 0)
			kick_target(target, SCX_KICK_IDLE, cid);
		return;
	}

	/*
	 * Mark before queueing: once on the FIFO a dispatcher may pop it at
	 * once, and it must see the flag to balance nr_highpri_queued. Without
	 * boosting the flag stays false from init_task, so nothing is stored.
	 */
	if (highpri_boosting) {
		taskc->highpri = p->scx.weight >= HIGHPRI_WEIGHT;
		if (taskc->highpri)
			__sync_fetch_and_add(&qa.nr_highpri_queued, 1);
	}

	fifo_push_tail(idx, taskc);
	__sync_fetch_and_add(&qa.nr_enqueued, 1);
}

void BPF_STRUCT_OPS(qmap_enqueue, struct task_struct *p, u64 enq_flags)
{
	enqueue_task(p, enq_flags, false);
}

void BPF_STRUCT_OPS(qmap_cid_enqueue, struct task_struct *p, u64 enq_flags)
{
	enqueue_task(p, enq_flags, true);
}

/* The task leaves the scheduler's custody: take it off its FIFO for real. */
static __always_inline void dequeue_task(struct task_struct *p, u64 deq_flags)
{
	task_ctx_t *taskc;

	__sync_fetch_and_add(&qa.nr_dequeued, 1);
	if (deq_flags & SCX_DEQ_CORE_SCHED_EXEC)
		__sync_fetch_and_add(&qa.nr_core_sched_execed, 1);

	if (!(taskc = lookup_task_ctx(p)))
		return;
	fifo_forget(taskc);
}

void BPF_STRUCT_OPS(qmap_dequeue, struct task_struct *p, u64 deq_flags)
{
	dequeue_task(p, deq_flags);
}

void BPF_STRUCT_OPS(qmap_cid_dequeue, struct task_struct *p, u64 deq_flags)
{
	dequeue_task(p, deq_flags);
}

/*
 * The boost path, a demonstration of moving tasks between DSQs: highpri
 * tasks found on SHARED_DSQ move to HIGHPRI_DSQ (in vtime order, with a
 * doubled slice), and HIGHPRI_DSQ is drained first, preempting the target
 * CPU. It matters mostly with dsp_batch > 1, when SHARED_DSQ holds several
 * tasks. Called from ops.dispatch() and from the monitor timer, since the
 * move kfuncs work in both contexts.
 *
 * Returns true when a task was moved to this CPU's local DSQ.
 */
static __always_inline bool dispatch_highpri(bool from_timer, const bool cid)
{
	s32 this_one = this_target(cid);
	struct task_struct *p;

	bpf_for_each(scx_dsq, p, SHARED_DSQ, 0) {
		task_ctx_t *taskc;

		if (!(taskc = lookup_task_ctx(p)))
			return false;
		if (!taskc->highpri)
			continue;
		/* Exercises the set_slice/set_vtime half of the interface too. */
		scx_bpf_dsq_move_set_slice(BPF_FOR_EACH_ITER, slice_ns * 2);
		scx_bpf_dsq_move_set_vtime(BPF_FOR_EACH_ITER,
					   __sync_fetch_and_add(&qa.highpri_seq, 1));
		scx_bpf_dsq_move_vtime(BPF_FOR_EACH_ITER, p, HIGHPRI_DSQ, 0);
	}

	/* Expedite until one lands here; those for other CPUs preempt there. */
	bpf_for_each(scx_dsq, p, HIGHPRI_DSQ, 0) {
		s32 target;

		/* The cid form has no "any CPU of this mask": the task's own cid is one. */
		if (task_may_run_here(p))
			target = this_one;
		else
			target = cid ? scx_bpf_task_cid(p) : scx_bpf_pick_any_cpu(p->cpus_ptr, 0);

		if (!scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, SCX_DSQ_LOCAL_ON | target,
				      SCX_ENQ_PREEMPT)) {
			/* Dequeued or moved by someone else meanwhile. */
			__sync_fetch_and_add(&qa.nr_expedited_lost, 1);
			continue;
		}
		if (from_timer)
			__sync_fetch_and_add(&qa.nr_expedited_from_timer, 1);
		if (target != this_one) {
			__sync_fetch_and_add(&qa.nr_expedited_remote, 1);
			continue;
		}
		__sync_fetch_and_add(&qa.nr_expedited_local, 1);
		return true;
	}
	return false;
}

/*
 * Without highpri_boosting no task is ever marked highpri, so the scan of
 * SHARED_DSQ would move nothing and HIGHPRI_DSQ stays empty: both walks
 * (three iterator kfunc calls each, plus a task storage lookup per task on
 * SHARED_DSQ) are skipped, and the verifier drops the call altogether.
 */
static bool dispatch_highpri_cpu(bool from_timer)
{
	return dispatch_highpri(from_timer, false);
}

static bool dispatch_highpri_cid(bool from_timer)
{
	return dispatch_highpri(from_timer, true);
}

static __always_inline bool expedite_highpri(bool from_timer, const bool cid)
{
	return highpri_boosting && (cid ? dispatch_highpri_cid(from_timer) : dispatch_highpri_cpu(from_timer));
}

/*
 * Takes tasks from the FIFO @cpuc is on until its share for this visit or
 * the batch runs out. Returns true when ops.dispatch() is done.
 */
static __always_inline bool dispatch_from_fifo(struct cpu_ctx __arena *cpuc, u32 *batch, const bool cid)
{
	/* Only qmap_dispatch() sets dsp_idx, always modulo QMAP_NR_FIFOS. */
	s32 fifo_idx = cpuc->dsp_idx;

	bpf_repeat(BPF_MAX_LOOPS) {
		struct task_struct *p;
		task_ctx_t *taskc;

		if (!(taskc = fifo_pop_head(fifo_idx)))
			break;
		if (highpri_boosting && taskc->highpri)
			__sync_fetch_and_sub(&qa.nr_highpri_queued, 1);

		/* The task may have exited since it was queued. */
		p = bpf_task_from_pid(taskc->pid);
		if (!p)
			continue;

		qa.core_sched_head_seqs[fifo_idx] = taskc->core_sched_seq;
		__sync_fetch_and_add(&qa.nr_dispatched, 1);
		scx_bpf_dsq_insert(p, SHARED_DSQ, slice_ns, 0);

		/*
		 * Any CPU pops any FIFO. A task that cannot run here would
		 * wait on SHARED_DSQ until its own CPU happens to look, so
		 * wake that CPU. (A per-CPU kthread may still sit there a
		 * moment if its CPU went idle between the pop and the kick;
		 * the kernel may then warn about pending softirqs.)
		 */
		if (!task_may_run_here(p))
			kick_target(task_target(p, cid), 0, cid);
		bpf_task_release(p);

		(*batch)--;
		cpuc->dsp_cnt--;
		if (!*batch || !scx_bpf_dispatch_nr_slots()) {
			if (!expedite_highpri(false, cid))
				move_to_local(SHARED_DSQ);
			return true;
		}
		if (!cpuc->dsp_cnt)
			break;
	}
	return false;
}

/*
 * Children share this node's CPU time by stride scheduling, weighted like CFS
 * shares: the node's own FIFOs count as one party of weight 100 (the cgroup
 * default) and each child as a party of its cgroup's cpu.weight. A CPU charges
 * the party it served for the time until its next dispatch, weighted by 100 /
 * weight, and each dispatch goes first to the party that has used the least; a
 * party with nothing to run gives its turn away and banks no credit for the
 * time it was idle. The spec's qmap offers its children only the dispatches its
 * FIFOs leave empty, so a busy root starves them until the kernel's watchdog
 * ejects them for a runnable-task stall.
 */
#define QMAP_OWN_WEIGHT 100

static __always_inline u64 weighted(u64 ns, u32 weight)
{
	return ns * QMAP_OWN_WEIGHT / (weight ?: QMAP_OWN_WEIGHT);
}

/* Charges the party @cpuc served for its time up to @now, and serves @party from then on. */
static __always_inline void serve(struct cpu_ctx __arena *cpuc, u32 party, u64 now)
{
	u32 last = cpuc->serving;
	u64 used = now - cpuc->serving_since;

	if (last == QMAP_SERVING_OWN)
		__sync_fetch_and_add(&qa.own_pass, weighted(used, QMAP_OWN_WEIGHT));
	else if (last != QMAP_SERVING_NONE && last <= QMAP_MAX_SUB_SCHEDS)
		__sync_fetch_and_add(&qa.sub_passes[last - 1], weighted(used, qa.sub_weights[last - 1]));
	cpuc->serving = party;
	cpuc->serving_since = now;
}

/* The attached child that has used the least CPU time, or -1 when none is attached. */
static __always_inline s32 least_served_child(void)
{
	u64 least = (u64)-1;
	s32 slot = -1, i;

	for (i = 0; i < QMAP_MAX_SUB_SCHEDS; i++) {
		if (qa.sub_sched_cgroup_ids[i] && qa.sub_passes[i] < least) {
			least = qa.sub_passes[i];
			slot = i;
		}
	}
	return slot;
}

/*
 * The children's turn, taken before our own FIFOs when the least served child
 * is not ahead of them. Returns true when that child dispatched.
 */
static bool dispatch_child_in_turn(struct cpu_ctx __arena *cpuc, u64 now)
{
	s32 slot = least_served_child();
	u64 own = qa.own_pass;

	if (slot < 0 || qa.sub_passes[slot] > own)
		return false;
	if (scx_bpf_sub_dispatch(qa.sub_sched_cgroup_ids[slot])) {
		__sync_fetch_and_add(&qa.sub_dispatched[slot], 1);
		serve(cpuc, QMAP_SERVING_CHILD(slot), now);
		return true;
	}
	/* Idle: it comes up again once our FIFOs have used another slice. */
	qa.sub_passes[slot] = own + slice_ns;
	return false;
}

/*
 * Our own FIFOs are empty: offers this CPU to every child, round robin from
 * where the last offer stopped; returns true when one of them dispatched.
 * Being idle banks us no credit, so our pass catches up with that child's.
 */
static bool dispatch_children(struct cpu_ctx __arena *cpuc, u64 now)
{
	u32 first = qa.sub_dispatch_next, i;

	for (i = 0; i < QMAP_MAX_SUB_SCHEDS; i++) {
		u32 slot = (first + i) % QMAP_MAX_SUB_SCHEDS;
		u64 cgroup_id = qa.sub_sched_cgroup_ids[slot];

		if (!cgroup_id || !scx_bpf_sub_dispatch(cgroup_id))
			continue;
		if (qa.own_pass < qa.sub_passes[slot])
			qa.own_pass = qa.sub_passes[slot];
		__sync_fetch_and_add(&qa.sub_dispatched[slot], 1);
		serve(cpuc, QMAP_SERVING_CHILD(slot), now);
		qa.sub_dispatch_next = (slot + 1) % QMAP_MAX_SUB_SCHEDS;
		return true;
	}
	return false;
}

/* This node's own dispatch, the spec's: returns true when it gave this CPU a task. */
static __always_inline bool dispatch_own(const bool cid)
{
	struct cpu_ctx __arena *cpuc;
	u32 batch = dsp_batch ?: 1;
	s32 i;

	if (expedite_highpri(false, cid))
		return true;

	/*
	 * With highpri tasks still on the FIFOs, pop them before consuming.
	 * Without boosting there are none, and the counter is not read.
	 */
	if ((!highpri_boosting || !qa.nr_highpri_queued) && move_to_local(SHARED_DSQ))
		return true;

	if (dsp_inf_loop_after && qa.nr_dispatched > dsp_inf_loop_after) {
		/*
		 * Test knob: keep handing the kernel kthreadd, which is
		 * almost always asleep, so ops.dispatch() is called over and
		 * over without progress until the kernel steps in.
		 */
		struct task_struct *p = bpf_task_from_pid(KTHREADD_PID);

		if (p) {
			scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
			bpf_task_release(p);
			return true;
		}
	}

	cpuc = cpu_ctx_of(this_target(cid));

	/*
	 * Plain bounded loops here and below, not bpf_for(): a bpf_for() step
	 * is a bpf_iter_num_next() kfunc call (inlined by newer verifiers into
	 * a handful of instructions and stack accesses), against a register
	 * increment here. This runs on every dispatch, most often on an idle
	 * CPU that walks both loops to the end.
	 */
	for (i = 0; i < QMAP_NR_FIFOS; i++) {
		/* Share used up: move on to the next FIFO with a fresh one. */
		if (!cpuc->dsp_cnt) {
			cpuc->dsp_idx = (cpuc->dsp_idx + 1) % QMAP_NR_FIFOS;
			cpuc->dsp_cnt = 1 << cpuc->dsp_idx;
		}
		if (dispatch_from_fifo(cpuc, &batch, cid))
			return true;
		/* This FIFO ran dry: its unused share does not carry over. */
		cpuc->dsp_cnt = 0;
	}
	return false;
}

/*
 * Nothing was dispatched and @prev keeps its CPU. Give it the seq it would have
 * had if it had been enqueued and dispatched at once, so core-sched still
 * orders it fairly.
 */
static __always_inline void keep_prev(struct task_struct *prev)
{
	task_ctx_t *taskc;

	if (prev && (taskc = lookup_task_ctx(prev)))
		taskc->core_sched_seq = qa.core_sched_tail_seqs[weight_to_idx(prev->scx.weight)]++;
}

static __always_inline void dispatch_body(struct task_struct *prev, const bool cid)
{
	struct cpu_ctx __arena *cpuc;
	u64 now;

	/* The classic form has no children, nor has a node that hosts none. */
	if (!cid || !qa.nr_sub_scheds) {
		if (!dispatch_own(cid))
			keep_prev(prev);
		return;
	}
	cpuc = cpu_ctx_of(this_target(cid));
	now = bpf_ktime_get_ns();
	/* Whoever ran until now is charged, and keeps the CPU if nobody else takes it. */
	serve(cpuc, cpuc->serving, now);
	if (dispatch_child_in_turn(cpuc, now))
		return;
	if (dispatch_own(cid)) {
		cpuc->serving = QMAP_SERVING_OWN;
		return;
	}
	if (!dispatch_children(cpuc, now))
		keep_prev(prev);
}

void BPF_STRUCT_OPS(qmap_dispatch, s32 cpu, struct task_struct *prev)
{
	dispatch_body(prev, false);
}

void BPF_STRUCT_OPS(qmap_cid_dispatch, s32 cid, struct task_struct *prev)
{
	dispatch_body(prev, true);
}

static __always_inline void tick_body(struct task_struct *p, const bool cid)
{
	/*
	 * ops.tick() runs on the CPU whose current task is @p, so this CPU is
	 * also @p's CPU: no scx_bpf_task_cpu() call is needed below.
	 */
	s32 target = this_target(cid);
	struct cpu_ctx __arena *cpuc = cpu_ctx_of(target);

	/*
	 * The CPU's performance target follows a running average of the
	 * weights it runs: a demonstration of cpuperf, not a policy.
	 */
	cpuc->avg_weight = cpuc->avg_weight * 3 / 4 + p->scx.weight / 4;
	cpuc->cpuperf_target = qidx_to_cpuperf_target[weight_to_idx(cpuc->avg_weight)];
	if (cid)
		scx_bpf_cidperf_set(target, cpuc->cpuperf_target);
	else
		scx_bpf_cpuperf_set(target, cpuc->cpuperf_target);
}

void BPF_STRUCT_OPS(qmap_tick, struct task_struct *p)
{
	tick_body(p, false);
}

void BPF_STRUCT_OPS(qmap_cid_tick, struct task_struct *p)
{
	tick_body(p, true);
}

/*
 * A task's distance from the head of its FIFO, scaled by how often that FIFO
 * is served: the smaller, the sooner the dispatch path would run it.
 */
static s64 task_qdist(struct task_struct *p)
{
	int idx = weight_to_idx(p->scx.weight);
	task_ctx_t *taskc;
	s64 qdist;

	if (!(taskc = lookup_task_ctx(p)))
		return 0;

	qdist = taskc->core_sched_seq - qa.core_sched_head_seqs[idx];

	/*
	 * Each FIFO index up is served twice as often, so a step of distance
	 * there is worth half. Shift the other way for negative distances so
	 * scaling never flips the order.
	 */
	if (qdist >= 0)
		return qdist << (4 - idx);
	return qdist << idx;
}

/*
 * Core scheduling asks which of two tasks should run first on SMT siblings;
 * answer as the dispatch path would.
 */
bool BPF_STRUCT_OPS(qmap_core_sched_before, struct task_struct *a, struct task_struct *b)
{
	return task_qdist(a) > task_qdist(b);
}

bool BPF_STRUCT_OPS(qmap_cid_core_sched_before, struct task_struct *a, struct task_struct *b)
{
	return task_qdist(a) > task_qdist(b);
}

/*
 * There is no ops.cpu_release(): with SCX_OPS_ALWAYS_ENQ_IMMED the kernel
 * itself re-enqueues IMMED tasks when a higher class takes their CPU.
 */

static __always_inline s32 init_task_body(struct task_struct *p)
{
	struct task_ctx_ref *ref;
	task_ctx_t *taskc;

	if (disallow_tgid && p->tgid == disallow_tgid)
		p->scx.disallow = true;

	/*
	 * An exhausted slab ends the scheduler with an error that names the
	 * option to raise. The task itself is let through: failing here would
	 * fail the fork that created it, hurting user programs in the moment
	 * before the kernel disables qmap. Until then a task without a
	 * context only produces further errors, which cannot displace the
	 * first one.
	 */
	if (!(taskc = slab_alloc())) {
		scx_bpf_error("task_ctx slab exhausted (max_tasks=%u)", max_tasks);
		return 0;
	}

	taskc->next_free = NULL;
	taskc->fifo_next = NULL;
	taskc->fifo_prev = NULL;
	taskc->fifo = NULL;
	taskc->pid = p->pid;
	taskc->force_local = false;
	taskc->highpri = false;
	taskc->core_sched_seq = 0;

	/* Sleepable, so storage allocation may use GFP_KERNEL. */
	ref = bpf_task_storage_get(&task_ctx_refs, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!ref) {
		slab_free(taskc);
		return -ENOMEM;
	}
	ref->taskc = taskc;
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(qmap_init_task, struct task_struct *p,
			     struct scx_init_task_args *args)
{
	return init_task_body(p);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(qmap_cid_init_task, struct task_struct *p,
			     struct scx_init_task_args *args)
{
	return init_task_body(p);
}

static __always_inline void exit_task_body(struct task_struct *p)
{
	struct task_ctx_ref *ref;
	task_ctx_t *taskc;

	USE_ARENA();
	ref = bpf_task_storage_get(&task_ctx_refs, p, NULL, 0);
	if (!ref || !ref->taskc)
		return;
	taskc = ref->taskc;
	ref->taskc = NULL;

	/*
	 * A task should not still be queued when it goes, but if it were, its
	 * slab entry must not be reused while a FIFO links to it.
	 */
	fifo_forget(taskc);
	slab_free(taskc);
}

void BPF_STRUCT_OPS(qmap_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
	exit_task_body(p);
}

void BPF_STRUCT_OPS(qmap_cid_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
	exit_task_body(p);
}

/* ---------------------------------------------------------------------------
 * Debug dump. These append to the kernel's exit dump; suppress_dump leaves
 * them out so the dump shows only what the kernel itself says.
 */

static __always_inline void dump_body(void)
{
	s32 i;

	USE_ARENA();
	if (suppress_dump)
		return;

	/*
	 * Walk without the FIFO locks: scx_bpf_dump() may not be called with
	 * a lock held. A racing update can make the line stale, and the walk
	 * is bounded, so it always ends.
	 */
	bpf_for(i, 0, QMAP_NR_FIFOS) {
		task_ctx_t *taskc = qa.fifos[i].head;
		s32 nr_shown;

		scx_bpf_dump("QMAP FIFO[%d]:", i);
		bpf_for(nr_shown, 0, QMAP_DUMP_MAX_PER_FIFO) {
			if (!taskc)
				break;
			scx_bpf_dump(" %d", taskc->pid);
			taskc = taskc->fifo_next;
		}
		scx_bpf_dump("\n");
	}
}

void BPF_STRUCT_OPS(qmap_dump, struct scx_dump_ctx *dctx)
{
	dump_body();
}

void BPF_STRUCT_OPS(qmap_cid_dump, struct scx_dump_ctx *dctx)
{
	dump_body();
	/* Who this node hosts, for an exit dump of a tree. */
	if (!suppress_dump && qa.nr_sub_scheds)
		scx_bpf_dump("QMAP: children=%u refused=%llu\n", qa.nr_sub_scheds, qa.nr_sub_refused);
}

/* @target: a CPU number or a cid, whichever the form's dump_cpu/dump_cid gets. */
static __always_inline void dump_target_body(s32 target, bool idle)
{
	struct cpu_ctx __arena *cpuc = cpu_ctx_of(target);

	if (suppress_dump || idle)
		return;

	scx_bpf_dump("QMAP: dsp_idx=%llu dsp_cnt=%llu avg_weight=%u cpuperf_target=%u",
		     cpuc->dsp_idx, cpuc->dsp_cnt, cpuc->avg_weight, cpuc->cpuperf_target);
}

void BPF_STRUCT_OPS(qmap_dump_cpu, struct scx_dump_ctx *dctx, s32 cpu, bool idle)
{
	dump_target_body(cpu, idle);
}

void BPF_STRUCT_OPS(qmap_dump_cid, struct scx_dump_ctx *dctx, s32 cid, bool idle)
{
	USE_ARENA();
	dump_target_body(cid, idle);
}

static __always_inline void dump_task_body(struct task_struct *p)
{
	task_ctx_t *taskc;

	if (suppress_dump)
		return;
	/* A dump must never raise an error of its own: look up quietly. */
	if (!(taskc = find_task_ctx(p)))
		return;

	scx_bpf_dump("QMAP: force_local=%d core_sched_seq=%llu",
		     taskc->force_local, taskc->core_sched_seq);
}

void BPF_STRUCT_OPS(qmap_dump_task, struct scx_dump_ctx *dctx, struct task_struct *p)
{
	dump_task_body(p);
}

void BPF_STRUCT_OPS(qmap_cid_dump_task, struct scx_dump_ctx *dctx, struct task_struct *p)
{
	dump_task_body(p);
}

/* ---------------------------------------------------------------------------
 * Cgroup and CPU hotplug callbacks: qmap has no cgroup policy, it only shows
 * what the kernel reports when print_msgs is set.
 */

s32 BPF_STRUCT_OPS(qmap_cgroup_init, struct cgroup *cgrp, struct scx_cgroup_init_args *args)
{
	if (print_msgs)
		bpf_printk("CGRP INIT %llu weight=%u period=%lu quota=%ld burst=%lu",
			   cgrp->kn->id, args->weight, args->bw_period_us,
			   args->bw_quota_us, args->bw_burst_us);
	return 0;
}

void BPF_STRUCT_OPS(qmap_cgroup_set_weight, struct cgroup *cgrp, u32 weight)
{
	if (print_msgs)
		bpf_printk("CGRP SET %llu weight=%u", cgrp->kn->id, weight);
}

void BPF_STRUCT_OPS(qmap_cgroup_set_bandwidth, struct cgroup *cgrp,
		    u64 period_us, u64 quota_us, u64 burst_us)
{
	if (print_msgs)
		bpf_printk("CGRP SET %llu period=%lu quota=%ld burst=%lu",
			   cgrp->kn->id, period_us, quota_us, burst_us);
}

/* The cid form names the same callbacks cpuctl_*. */
s32 BPF_STRUCT_OPS(qmap_cpuctl_init, struct cgroup *cgrp, struct scx_cgroup_init_args *args)
{
	if (print_msgs)
		bpf_printk("CGRP INIT %llu weight=%u period=%lu quota=%ld burst=%lu",
			   cgrp->kn->id, args->weight, args->bw_period_us,
			   args->bw_quota_us, args->bw_burst_us);
	return 0;
}

/* A child's cgroup is one of ours to set: its new weight is its new share of our rounds. */
void BPF_STRUCT_OPS(qmap_cpuctl_set_weight, struct cgroup *cgrp, u32 weight)
{
	u64 cgroup_id = cgrp->kn->id;
	s32 i;

	if (print_msgs)
		bpf_printk("CGRP SET %llu weight=%u", cgroup_id, weight);
	USE_ARENA();
	for (i = 0; i < QMAP_MAX_SUB_SCHEDS; i++) {
		if (qa.sub_sched_cgroup_ids[i] == cgroup_id)
			qa.sub_weights[i] = weight;
	}
}

void BPF_STRUCT_OPS(qmap_cpuctl_set_bandwidth, struct cgroup *cgrp,
		    u64 period_us, u64 quota_us, u64 burst_us)
{
	if (print_msgs)
		bpf_printk("CGRP SET %llu period=%lu quota=%ld burst=%lu",
			   cgrp->kn->id, period_us, quota_us, burst_us);
}

/*
 * Prints the CPU map, 'O' online, 'X' possible but offline, eight CPUs per
 * group: a demonstration of the cpumask kfuncs.
 */
#define QMAP_MAP_LEN 128

/*
 * Appends the state of CPU (or cid) @index to the CPU map printed by
 * print_cpus() and print_cids(), a '|' after every eighth; false when full.
 */
static __always_inline bool map_append(char *map, u32 *len, s32 index, char state)
{
	if (*len >= QMAP_MAP_LEN - 2)
		return false;
	map[(*len)++] = state;
	if ((index & 7) == 7)
		map[(*len)++] = '|';
	return true;
}

static void print_cpus(void)
{
	const struct cpumask *possible, *online;
	char map[QMAP_MAP_LEN] = "";
	u32 len = 0;
	s32 cpu;

	possible = scx_bpf_get_possible_cpumask();
	online = scx_bpf_get_online_cpumask();

	bpf_for(cpu, 0, scx_bpf_nr_cpu_ids()) {
		char state = ' ';

		if (bpf_cpumask_test_cpu(cpu, online))
			state = 'O';
		else if (bpf_cpumask_test_cpu(cpu, possible))
			state = 'X';
		if (!map_append(map, &len, cpu, state))
			break;
	}
	map[sizeof(map) - 1] = '\0';

	scx_bpf_put_cpumask(online);
	scx_bpf_put_cpumask(possible);

	bpf_printk("CPUS: |%s", map);
}

/* Whether the kernel's cmask @mask holds @cid. */
static __always_inline bool cmask_holds(const struct scx_cmask __arena *mask, s32 cid)
{
	u32 base = mask->base;

	if (cid < base || cid >= base + mask->nr_cids)
		return false;
	return mask->bits[cid / 64 - base / 64] & (1ULL << (cid & 63));
}

/* The cid form's CPU map: 'O' for an online cid, 'X' for an offline one. */
static void print_cids(void)
{
	const struct scx_cmask __arena *online = scx_bpf_online_cmask();
	char map[QMAP_MAP_LEN] = "";
	u32 len = 0;
	s32 cid;

	bpf_for(cid, 0, scx_bpf_nr_cids()) {
		if (!map_append(map, &len, cid, online && cmask_holds(online, cid) ? 'O' : 'X'))
			break;
	}
	map[sizeof(map) - 1] = '\0';

	bpf_printk("CIDS: |%s", map);
}

void BPF_STRUCT_OPS(qmap_cid_online, s32 cid)
{
	/* print_cids() reads the arena: the program must name it. */
	USE_ARENA();
	if (!print_msgs)
		return;
	bpf_printk("CID %d coming online", cid);
	print_cids();
}

void BPF_STRUCT_OPS(qmap_cid_offline, s32 cid)
{
	/* print_cids() reads the arena: the program must name it. */
	USE_ARENA();
	if (!print_msgs)
		return;
	bpf_printk("CID %d going offline", cid);
	print_cids();
}

/*
 * Cid form: the kernel reports each cid this node holds the base cap on as it
 * goes idle or busy; the pick paths claim from this bitmap.
 */
void BPF_STRUCT_OPS(qmap_update_idle, s32 cid, bool idle)
{
	USE_ARENA();
	mark_cid_idle(cid, idle);
	/* An idle CPU serves nobody: its idle time is nobody's share. */
	if (idle && qa.nr_sub_scheds)
		serve(cpu_ctx_of(cid), QMAP_SERVING_NONE, bpf_ktime_get_ns());
}

void BPF_STRUCT_OPS(qmap_cpu_online, s32 cpu)
{
	if (!print_msgs)
		return;
	bpf_printk("CPU %d coming online", cpu);
	/* @cpu already counts as online here. */
	print_cpus();
}

void BPF_STRUCT_OPS(qmap_cpu_offline, s32 cpu)
{
	if (!print_msgs)
		return;
	bpf_printk("CPU %d going offline", cpu);
	/* @cpu still counts as online here. */
	print_cpus();
}

/* ---------------------------------------------------------------------------
 * Timers.
 */

struct timer_slot {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct timer_slot);
} monitor_timer SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct timer_slot);
} lowpri_timer SEC(".maps");

/* Aggregates current and target performance levels over the online CPUs. */
static void monitor_cpuperf(void)
{
	u64 cap_sum = 0, cur_sum = 0, cur_min = SCX_CPUPERF_ONE, cur_max = 0;
	u64 target_sum = 0, target_min = SCX_CPUPERF_ONE, target_max = 0;
	const struct cpumask *online;
	u32 nr_online = 0;
	s32 cpu;

	online = scx_bpf_get_online_cpumask();

	bpf_for(cpu, 0, scx_bpf_nr_cpu_ids()) {
		u32 cap, cur, target;

		if (!bpf_cpumask_test_cpu(cpu, online))
			continue;
		nr_online++;

		cap = scx_bpf_cpuperf_cap(cpu);
		cur = scx_bpf_cpuperf_cur(cpu);
		cur_min = cur < cur_min ? cur : cur_min;
		cur_max = cur > cur_max ? cur : cur_max;
		/*
		 * @cur is relative to the CPU's own capacity; scale it so
		 * CPUs of different capacity add up on one scale.
		 */
		cur_sum += cur * cap / SCX_CPUPERF_ONE;
		cap_sum += cap;

		target = cpu_ctx_of(cpu)->cpuperf_target;
		target_sum += target;
		target_min = target < target_min ? target : target_min;
		target_max = target > target_max ? target : target_max;
	}

	scx_bpf_put_cpumask(online);

	/*
	 * Only cap_sum is tested: a branch on nr_online would make the
	 * verifier track it exactly and walk every loop iteration apart. No
	 * capacity means no online CPU, and BPF division by zero yields 0.
	 */
	if (!cap_sum)
		return;

	qa.cpuperf_min = cur_min;
	qa.cpuperf_avg = cur_sum * SCX_CPUPERF_ONE / cap_sum;
	qa.cpuperf_max = cur_max;
	qa.cpuperf_target_min = target_min;
	qa.cpuperf_target_avg = target_sum / nr_online;
	qa.cpuperf_target_max = target_max;
}

/* The same over the online cids, with the cid form's cidperf kfuncs. */
static void monitor_cidperf(void)
{
	const struct scx_cmask __arena *online = scx_bpf_online_cmask();
	u64 cap_sum = 0, cur_sum = 0, cur_min = SCX_CPUPERF_ONE, cur_max = 0;
	u64 target_sum = 0, target_min = SCX_CPUPERF_ONE, target_max = 0;
	u32 nr_online = 0;
	s32 cid;

	if (!online)
		return;

	bpf_for(cid, 0, scx_bpf_nr_cids()) {
		u32 cap, cur, target;

		if (!cmask_holds(online, cid))
			continue;
		nr_online++;

		cap = scx_bpf_cidperf_cap(cid);
		cur = scx_bpf_cidperf_cur(cid);
		cur_min = cur < cur_min ? cur : cur_min;
		cur_max = cur > cur_max ? cur : cur_max;
		cur_sum += cur * cap / SCX_CPUPERF_ONE;
		cap_sum += cap;

		target = cpu_ctx_of(cid)->cpuperf_target;
		target_sum += target;
		target_min = target < target_min ? target : target_min;
		target_max = target > target_max ? target : target_max;
	}

	/* See monitor_cpuperf() for why only cap_sum is tested. */
	if (!cap_sum)
		return;

	qa.cpuperf_min = cur_min;
	qa.cpuperf_avg = cur_sum * SCX_CPUPERF_ONE / cap_sum;
	qa.cpuperf_max = cur_max;
	qa.cpuperf_target_min = target_min;
	qa.cpuperf_target_avg = target_sum / nr_online;
	qa.cpuperf_target_max = target_max;
}

/* Lists SHARED_DSQ newest first: the DSQ iterator and nr_queued at work. */
static void print_shared_dsq(void)
{
	struct task_struct *p;
	s32 nr;

	if (!(nr = scx_bpf_dsq_nr_queued(SHARED_DSQ)))
		return;

	bpf_printk("Dumping %d tasks in SHARED_DSQ in reverse order", nr);
	bpf_rcu_read_lock();
	bpf_for_each(scx_dsq, p, SHARED_DSQ, SCX_DSQ_ITER_REV)
		bpf_printk("%s[%d]", p->comm, p->pid);
	bpf_rcu_read_unlock();
}

/* Event counters differ between kernels: a missing one reads as 0. */
#define event_or_zero(events, name) \
	(bpf_core_field_exists((events)->name) ? (events)->name : 0)

#define print_event(events, name) \
	bpf_printk("%35s: %lld", #name, event_or_zero(events, name))

static void print_events(void)
{
	struct scx_event_stats events = {};

	if (!bpf_ksym_exists(scx_bpf_events))
		return;
	scx_bpf_events(&events, sizeof(events));

	print_event(&events, SCX_EV_SELECT_CPU_FALLBACK);
	print_event(&events, SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE);
	print_event(&events, SCX_EV_DISPATCH_KEEP_LAST);
	print_event(&events, SCX_EV_ENQ_SKIP_EXITING);
	print_event(&events, SCX_EV_ENQ_SKIP_MIGRATION_DISABLED);
	print_event(&events, SCX_EV_REENQ_IMMED);
	print_event(&events, SCX_EV_REFILL_SLICE_DFL);
	print_event(&events, SCX_EV_BYPASS_DURATION);
	print_event(&events, SCX_EV_BYPASS_DISPATCH);
	print_event(&events, SCX_EV_BYPASS_ACTIVATE);
}

/* Once a second: boost from outside ops.dispatch(), cpuperf, -P output. */
static __always_inline void monitor_body(const bool cid)
{
	if (highpri_boosting) {
		bpf_rcu_read_lock();
		if (cid)
			dispatch_highpri_cid(true);
		else
			dispatch_highpri_cpu(true);
		bpf_rcu_read_unlock();
	}

	if (cid)
		monitor_cidperf();
	else
		monitor_cpuperf();

	if (print_dsqs_and_events) {
		print_shared_dsq();
		print_events();
	}
}

static int monitor_timerfn(void *map, int *key, struct bpf_timer *timer)
{
	monitor_body(false);
	bpf_timer_start(timer, ONE_SEC_IN_NS, 0);
	return 0;
}

static int monitor_timerfn_cid(void *map, int *key, struct bpf_timer *timer)
{
	monitor_body(true);
	bpf_timer_start(timer, ONE_SEC_IN_NS, 0);
	return 0;
}

/* Every 10ms, send the parked nice-19 tasks back through ops.enqueue(). */
static int lowpri_timerfn(void *map, int *key, struct bpf_timer *timer)
{
	scx_bpf_dsq_reenq(LOWPRI_DSQ, 0);
	bpf_timer_start(timer, LOWPRI_REENQ_INTERVAL_NS, 0);
	return 0;
}

static s32 start_timer(void *map, int (*callback)(void *, int *, struct bpf_timer *), u64 interval_ns)
{
	u32 key = 0;
	struct timer_slot *slot = bpf_map_lookup_elem(map, &key);

	s32 ret;

	if (!slot)
		return -ESRCH;
	/*
	 * The timer maps outlive a detach, so when the plugin attaches the
	 * same loaded scheduler again the timer is already initialised.
	 */
	ret = bpf_timer_init(&slot->timer, map, CLOCK_MONOTONIC);
	if (ret && ret != -EBUSY)
		return ret;
	ret = bpf_timer_set_callback(&slot->timer, callback);
	if (ret)
		return ret;
	return bpf_timer_start(&slot->timer, interval_ns, 0);
}

/* A detached scheduler must not keep calling scx kfuncs from its timers. */
static void stop_timer(void *map)
{
	u32 key = 0;
	struct timer_slot *slot = bpf_map_lookup_elem(map, &key);

	if (slot)
		bpf_timer_cancel(&slot->timer);
}

/* ---------------------------------------------------------------------------
 * Setup and teardown.
 */

/* Carves max_tasks task_ctx out of the arena and chains them all as free. */
static s32 init_task_ctx_slab(void)
{
	u64 slab_bytes = (u64)max_tasks * sizeof(struct task_ctx);
	u32 nr_pages, i;
	task_ctx_t *slab;

	if (!max_tasks) {
		scx_bpf_error("max_tasks must be at least 1");
		return -EINVAL;
	}
	nr_pages = (slab_bytes + SCXR_ARENA_PAGE_SIZE - 1) / SCXR_ARENA_PAGE_SIZE;
	if (nr_pages >= QMAP_ARENA_MAX_PAGES) {
		scx_bpf_error("max_tasks=%u does not fit in the arena", max_tasks);
		return -E2BIG;
	}

	/*
	 * The arena outlives a detach: when the plugin attaches the same
	 * loaded scheduler again, every task has been through exit_task, so
	 * the old slab is wholly free and is simply chained up again.
	 */
	slab = qa.task_ctxs;
	if (!slab)
		slab = bpf_arena_alloc_pages(&arena, NULL, nr_pages, NUMA_NO_NODE, 0);
	if (!slab) {
		scx_bpf_error("cannot allocate %u arena pages for the task_ctx slab", nr_pages);
		return -ENOMEM;
	}

	bpf_for(i, 0, max_tasks)
		slab[i].next_free = i + 1 < max_tasks ? &slab[i + 1] : NULL;

	qa.task_ctxs = slab;
	qa.task_free_head = slab;
	qa.max_tasks = max_tasks;
	return 0;
}

/* Cid form: the cmask of every cid, which each child is granted caps on. */
static void init_all_cids(u32 nr_cids)
{
	u32 word;

	qa.all_cids.base = 0;
	qa.all_cids.nr_cids = nr_cids;
	qa.all_cids.alloc_words = QMAP_CID_WORDS + 1;
	bpf_for(word, 0, QMAP_CID_WORDS + 1) {
		u64 bits = 0;

		if (word * 64 + 64 <= nr_cids)
			bits = ~0ULL;
		else if (word * 64 < nr_cids)
			bits = (1ULL << (nr_cids - word * 64)) - 1;
		qa.all_cids.bits[word] = bits;
	}
}

/* @nr_targets: CPUs (classic form) or cids (cid form), which index qa.cpu_ctxs[]. */
static __always_inline s32 init_body(u32 nr_targets, const bool cid)
{
	s32 ret, i;

	if (nr_targets > QMAP_MAX_CPUS) {
		scx_bpf_error("%u CPUs, but qmap keeps state for at most %d", nr_targets,
			      QMAP_MAX_CPUS);
		return -E2BIG;
	}
	qa.nr_cpu_ids = nr_targets;
	if (cid)
		init_all_cids(nr_targets);
	qa.test_error_cnt = test_error_after;

	ret = init_task_ctx_slab();
	if (ret)
		return ret;

	bpf_for(i, 0, QMAP_NR_FIFOS) {
		qa.fifos[i].head = NULL;
		qa.fifos[i].tail = NULL;
		qa.fifos[i].nr_queued = 0;
		qa.fifos[i].idx = i;
	}

	/* A child scheduler sees only its cgroup; the map would mislead. */
	if (print_msgs && !is_child) {
		if (cid)
			print_cids();
		else
			print_cpus();
	}

	ret = scx_bpf_create_dsq(SHARED_DSQ, -1);
	if (ret) {
		scx_bpf_error("failed to create DSQ %d (%d)", SHARED_DSQ, ret);
		return ret;
	}
	ret = scx_bpf_create_dsq(HIGHPRI_DSQ, -1);
	if (ret) {
		scx_bpf_error("failed to create DSQ %d (%d)", HIGHPRI_DSQ, ret);
		return ret;
	}
	ret = scx_bpf_create_dsq(LOWPRI_DSQ, -1);
	if (ret) {
		scx_bpf_error("failed to create DSQ %d (%d)", LOWPRI_DSQ, ret);
		return ret;
	}

	ret = start_timer(&monitor_timer, cid ? monitor_timerfn_cid : monitor_timerfn, ONE_SEC_IN_NS);
	if (ret) {
		scx_bpf_error("failed to start the monitor timer (%d)", ret);
		return ret;
	}
	if (can_reenq_dsq()) {
		ret = start_timer(&lowpri_timer, lowpri_timerfn, LOWPRI_REENQ_INTERVAL_NS);
		if (ret) {
			scx_bpf_error("failed to start the lowpri timer (%d)", ret);
			return ret;
		}
	}
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(qmap_init)
{
	return init_body(scx_bpf_nr_cpu_ids(), false);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(qmap_cid_init)
{
	return init_body(scx_bpf_nr_cids(), true);
}

void BPF_STRUCT_OPS(qmap_exit, struct scx_exit_info *ei)
{
	stop_timer(&monitor_timer);
	stop_timer(&lowpri_timer);
	SCXR_EXIT_INFO_RECORD(ei);
}

void BPF_STRUCT_OPS(qmap_cid_exit, struct scx_exit_info *ei)
{
	stop_timer(&monitor_timer);
	stop_timer(&lowpri_timer);
	SCXR_EXIT_INFO_RECORD(ei);
}

/* ---------------------------------------------------------------------------
 * Children (cid form only; Linux 7.3).
 */

/*
 * The grant policy: ENQ_IMMED, ENQ and PREEMPT on every cid. The kernel grants
 * only the cids this node holds all three on and answers -EPERM when it left
 * some out, which is the normal answer for a node that is a child itself.
 */
static void grant_child(u64 cgroup_id)
{
	if (scx_bpf_sub_grant(cgroup_id, QMAP_CHILD_CAPS,
			      (const struct scx_cmask __arena *)&qa.all_cids, NULL))
		__sync_fetch_and_add(&qa.nr_sub_grant_failed, 1);
}

/*
 * The cpu.weight of cgroup @cgroup_id now. The kernel tells a parent of a
 * change to its child's weight (ops.cpuctl_set_weight: a cgroup's knobs belong
 * to its parent) but not of a weight written before the child attached, so
 * sub_attach reads it from the cgroup's task_group.
 */
static u32 cgroup_weight(u64 cgroup_id)
{
	struct cgroup_subsys_state *css;
	struct cgroup *cgrp;
	u32 weight = 0;

	cgrp = bpf_cgroup_from_id(cgroup_id);
	if (!cgrp)
		return QMAP_OWN_WEIGHT;
	css = BPF_CORE_READ(cgrp, subsys[bpf_core_enum_value(enum cgroup_subsys_id, cpu_cgrp_id)]);
	if (css)
		weight = BPF_CORE_READ(container_of(css, struct task_group, css), scx.weight);
	bpf_cgroup_release(cgrp);
	return weight ?: QMAP_OWN_WEIGHT;
}

/*
 * A child attaches below us: take a free slot and grant it its caps. With
 * all eight slots taken the ninth is refused with -ENOSPC; the kernel fails
 * that child's load ("parent rejected") and this node keeps running, so no
 * scheduler error is raised here.
 */
s32 BPF_STRUCT_OPS(qmap_sub_attach, struct scx_sub_attach_args *args)
{
	u64 cgroup_id = args->ops->sub_cgroup_id;
	s32 i;

	USE_ARENA();
	bpf_for(i, 0, QMAP_MAX_SUB_SCHEDS) {
		if (qa.sub_sched_cgroup_ids[i])
			continue;
		qa.sub_sched_cgroup_ids[i] = cgroup_id;
		qa.sub_dispatched[i] = 0;
		qa.sub_weights[i] = cgroup_weight(cgroup_id);
		/* It starts level with our own FIFOs, with no credit. */
		qa.sub_passes[i] = qa.own_pass;
		qa.nr_sub_scheds++;
		qa.nr_sub_attached++;
		grant_child(cgroup_id);
		bpf_printk("attaching sub-sched[%d] on %s", i, args->cgroup_path);
		return 0;
	}
	qa.nr_sub_refused++;
	bpf_printk("refusing a sub-sched on %s: all %d slots are taken", args->cgroup_path,
		   QMAP_MAX_SUB_SCHEDS);
	return -ENOSPC;
}

/* The child is gone (exited, failed or detached): free its slot; we keep running. */
void BPF_STRUCT_OPS(qmap_sub_detach, struct scx_sub_detach_args *args)
{
	s32 i;

	USE_ARENA();
	bpf_for(i, 0, QMAP_MAX_SUB_SCHEDS) {
		if (qa.sub_sched_cgroup_ids[i] != args->ops->sub_cgroup_id)
			continue;
		qa.sub_sched_cgroup_ids[i] = 0;
		qa.nr_sub_scheds--;
		bpf_printk("detaching sub-sched[%d] on %s", i, args->cgroup_path);
		return;
	}
}

/* Our own caps changed (we are a child that hosts): hand the children what we hold now. */
void BPF_STRUCT_OPS(qmap_sub_caps_updated, const struct scx_cmask *cmask, u64 caps)
{
	s32 i;

	USE_ARENA();
	bpf_for(i, 0, QMAP_MAX_SUB_SCHEDS) {
		u64 cgroup_id = qa.sub_sched_cgroup_ids[i];

		if (cgroup_id)
			grant_child(cgroup_id);
	}
}

/*
 * The classic form (Linux 7.2, whose cid ABI differs from the one this table
 * is built for): a single scheduler that hosts no children.
 */
SCXR_OPS_DEFINE(qmap_ops,
		.select_cpu		= (void *)qmap_select_cpu,
		.enqueue		= (void *)qmap_enqueue,
		.dequeue		= (void *)qmap_dequeue,
		.dispatch		= (void *)qmap_dispatch,
		.tick			= (void *)qmap_tick,
		.core_sched_before	= (void *)qmap_core_sched_before,
		.init_task		= (void *)qmap_init_task,
		.exit_task		= (void *)qmap_exit_task,
		.dump			= (void *)qmap_dump,
		.dump_cpu		= (void *)qmap_dump_cpu,
		.dump_task		= (void *)qmap_dump_task,
		.cgroup_init		= (void *)qmap_cgroup_init,
		.cgroup_set_weight	= (void *)qmap_cgroup_set_weight,
		.cgroup_set_bandwidth	= (void *)qmap_cgroup_set_bandwidth,
		.cpu_online		= (void *)qmap_cpu_online,
		.cpu_offline		= (void *)qmap_cpu_offline,
		.init			= (void *)qmap_init,
		.exit			= (void *)qmap_exit,
		.timeout_ms		= 5000U,
		.name			= "qmap");

/*
 * The cid form (Linux 7.3): a root or a child, and a host of children. A child
 * may ask for SCX_OPS_TID_TO_TASK (the kernel's own qmap does) only when the
 * root has it, so the table sets it: it costs the kernel a tid hash, and it
 * keeps qmap a root that any child can attach below.
 */
SCXR_OPS_CID_DEFINE(qmap_cid_ops,
		.flags			= SCX_OPS_TID_TO_TASK,
		.select_cid		= (void *)qmap_select_cid,
		.enqueue		= (void *)qmap_cid_enqueue,
		.dequeue		= (void *)qmap_cid_dequeue,
		.dispatch		= (void *)qmap_cid_dispatch,
		.tick			= (void *)qmap_cid_tick,
		.core_sched_before	= (void *)qmap_cid_core_sched_before,
		.update_idle		= (void *)qmap_update_idle,
		.init_task		= (void *)qmap_cid_init_task,
		.exit_task		= (void *)qmap_cid_exit_task,
		.dump			= (void *)qmap_cid_dump,
		.dump_cid		= (void *)qmap_dump_cid,
		.dump_task		= (void *)qmap_cid_dump_task,
		.cpuctl_init		= (void *)qmap_cpuctl_init,
		.cpuctl_set_weight	= (void *)qmap_cpuctl_set_weight,
		.cpuctl_set_bandwidth	= (void *)qmap_cpuctl_set_bandwidth,
		.sub_attach		= (void *)qmap_sub_attach,
		.sub_detach		= (void *)qmap_sub_detach,
		.sub_caps_updated	= (void *)qmap_sub_caps_updated,
		.cid_online		= (void *)qmap_cid_online,
		.cid_offline		= (void *)qmap_cid_offline,
		.init			= (void *)qmap_cid_init,
		.exit			= (void *)qmap_cid_exit,
		.timeout_ms		= 5000U,
		.name			= "qmap");
