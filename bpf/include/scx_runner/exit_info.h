/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How a scheduler ended, as the BPF side records it in ops.exit() and the
 * runner reads it after detach (or while polling an attached scheduler).
 *
 * Shared by BPF (clang -target bpf, types from vmlinux.h) and userspace (C or
 * C++, types from <linux/types.h>). The layout is part of the plugin contract:
 * change it only together with plugins/sdk.
 *
 * Writer protocol: every other field is written first, `kind` last with a
 * full barrier. A reader that sees a non-zero `kind` therefore sees the rest.
 */
#ifndef SCX_RUNNER_EXIT_INFO_H
#define SCX_RUNNER_EXIT_INFO_H

#ifndef __BPF__
#include <linux/types.h>
#endif

enum {
	SCXR_EXIT_REASON_LEN = 128,
	/* The kernel's own message buffer (SCX_EXIT_MSG_LEN) is this long. */
	SCXR_EXIT_MSG_LEN = 1024,
};

/* exit_cpu when the running kernel's scx_exit_info has no exit_cpu field. */
#define SCXR_EXIT_CPU_UNKNOWN 0xffffffffu

/*
 * Values of `kind` (the kernel's enum scx_exit_kind), named here because
 * userspace has no vmlinux.h. NONE means "still running".
 */
enum scxr_exit_kind {
	SCXR_EXIT_NONE = 0,
	SCXR_EXIT_DONE = 1,
	SCXR_EXIT_UNREG = 64,
	SCXR_EXIT_UNREG_BPF = 65,
	SCXR_EXIT_UNREG_KERN = 66,
	SCXR_EXIT_SYSRQ = 67,
	SCXR_EXIT_PARENT = 68,
	SCXR_EXIT_PARENT_KILL = 69,
	/* Every kind from here on is an error. */
	SCXR_EXIT_ERROR = 1024,
	SCXR_EXIT_ERROR_BPF = 1025,
	SCXR_EXIT_ERROR_STALL = 1026,
	SCXR_EXIT_ERROR_REENQ = 1027,
};

/* Bit in exit_code asking the loader to restart the scheduler (SCX_ECODE_ACT_RESTART). */
#define SCXR_EXIT_CODE_ACT_RESTART (1ull << 48)

struct scxr_exit_info {
	__s32 kind;		/* enum scxr_exit_kind; written last */
	__u32 exit_cpu;		/* CPU that triggered the exit, or SCXR_EXIT_CPU_UNKNOWN */
	__s64 exit_code;	/* scx_bpf_exit() code; 0 for most kernel-initiated exits */
	char reason[SCXR_EXIT_REASON_LEN]; /* the kernel's one-line reason */
	char msg[SCXR_EXIT_MSG_LEN];	   /* scx_bpf_error()/exit() message */
};

/*
 * The record ops.exit() writes to the exit_events ring buffer after exit_info is complete. Its
 * arrival wakes a runner that waits on the ring buffer's descriptor, so the runner needs no
 * timer to notice an exit. recorded_ns is bpf_ktime_get_ns() (CLOCK_MONOTONIC) at the record,
 * for measuring how long the runner took to notice.
 */
struct scxr_exit_event {
	__s32 kind;		/* enum scxr_exit_kind, as in exit_info */
	__u32 reserved;
	__u64 recorded_ns;
};

/* The ring buffer's size: the kernel's minimum (one page); it holds a few records at most. */
#define SCXR_EXIT_EVENTS_SIZE 4096

#ifdef __cplusplus
static_assert(sizeof(struct scxr_exit_info) == 16 + 128 + 1024, "scxr_exit_info layout changed");
#else
_Static_assert(sizeof(struct scxr_exit_info) == 16 + 128 + 1024, "scxr_exit_info layout changed");
#endif

#endif /* SCX_RUNNER_EXIT_INFO_H */
