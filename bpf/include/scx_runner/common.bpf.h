/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one header every scx-runner BPF scheduler includes first.
 *
 * Kfunc prototypes come from the vendored vmlinux.h, which was generated with
 * them (inside #ifndef BPF_NO_KFUNC_PROTOTYPES). Declaring them again here
 * would only let the two copies drift apart, so this file declares nothing the
 * header already has; it adds the section macros, the printf-like wrappers
 * around the *_bstr kfuncs and a few loop and memory-access helpers.
 */
#ifndef SCX_RUNNER_COMMON_BPF_H
#define SCX_RUNNER_COMMON_BPF_H

#ifndef __BPF__
#error "scx_runner/common.bpf.h is for BPF programs only (clang -target bpf)"
#endif

#ifdef BPF_NO_KFUNC_PROTOTYPES
#error "scx-runner relies on the kfunc prototypes in vmlinux.h: do not define BPF_NO_KFUNC_PROTOTYPES"
#endif

#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define SCXR_STRINGIFY_INNER(x) #x
#define SCXR_STRINGIFY(x) SCXR_STRINGIFY_INNER(x)

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

/* "Any NUMA node", for scx_bpf_create_dsq() and bpf_arena_alloc_pages(). */
#ifndef NUMA_NO_NODE
#define NUMA_NO_NODE (-1)
#endif

/*
 * The compiler may merge, split or re-read plain accesses to memory that
 * userspace or other CPUs change behind its back; volatile accesses it may not.
 */
#ifndef READ_ONCE
#define READ_ONCE(x) (*(const volatile typeof(x) *)&(x))
#endif
#ifndef WRITE_ONCE
#define WRITE_ONCE(x, val) ((*(volatile typeof(x) *)&(x)) = (val))
#endif

/*
 * struct_ops callbacks. BPF_PROG unpacks the u64 context array into typed
 * arguments; the section name tells libbpf which sched_ext_ops member the
 * program implements and whether it may sleep (init, exit, cgroup_init, ...).
 */
#define BPF_STRUCT_OPS(name, args...) \
	SEC("struct_ops/" #name) BPF_PROG(name, ##args)

#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) \
	SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

/*
 * Defines the scheduler's ops table. The ".struct_ops.link" section makes
 * libbpf attach it through a BPF link, so detaching is closing the link and
 * the kernel unregisters the scheduler even if the runner dies.
 */
#define SCXR_OPS_DEFINE(name, ...) \
	SEC(".struct_ops.link") struct sched_ext_ops name = { __VA_ARGS__ }

/*
 * The same for the cid form of the ops (struct sched_ext_ops_cid, Linux 7.2+), which
 * sub-schedulers and their hosts must use. A BPF object may define both tables; the plugin
 * switches one off (bpf_map__set_autocreate) before load, and libbpf then leaves that
 * table's programs unloaded too.
 */
#define SCXR_OPS_CID_DEFINE(name, ...) \
	SEC(".struct_ops.link") struct sched_ext_ops_cid name = { __VA_ARGS__ }

/*
 * printf-like wrappers over scx_bpf_{error,exit,dump}_bstr(). The kfuncs take
 * the format and an array of u64 arguments. The array always has at least one
 * element: the verifier rejects a pointer to a zero-sized stack object. The
 * format lives in a static array because the kernel reads it from map memory.
 */
#define scxr_bstr_prepare(fmt, args...)                                 \
	static char ___scxr_fmt[] = fmt;                                \
	unsigned long long ___scxr_args[___bpf_narg(args) ?: 1] = {};   \
	_Pragma("GCC diagnostic push")                                  \
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")          \
	___bpf_fill(___scxr_args, args);                                \
	_Pragma("GCC diagnostic pop")

/*
 * Aborts the scheduler with an error exit; the message names the source file
 * and line so a user reading the runner's exit report can find the check.
 */
#define scx_bpf_error(fmt, args...)                                           \
	({                                                                    \
		scxr_bstr_prepare(__FILE_NAME__ ":" SCXR_STRINGIFY(__LINE__) \
				  ": " fmt, ##args);                          \
		scx_bpf_error_bstr(___scxr_fmt, ___scxr_args,                 \
				   sizeof(___scxr_args));                     \
	})

/* Ends the scheduler without an error; exit_code reaches userspace. */
#define scx_bpf_exit(exit_code, fmt, args...)                              \
	({                                                                 \
		scxr_bstr_prepare(fmt, ##args);                            \
		scx_bpf_exit_bstr(exit_code, ___scxr_fmt, ___scxr_args,    \
				  sizeof(___scxr_args));                   \
	})

/* Appends a line to the kernel's debug dump; only valid in ops.dump*(). */
#define scx_bpf_dump(fmt, args...)                                          \
	({                                                                  \
		scxr_bstr_prepare(fmt, ##args);                             \
		scx_bpf_dump_bstr(___scxr_fmt, ___scxr_args,                \
				  sizeof(___scxr_args));                    \
	})

/*
 * Bounded loops the verifier accepts without unrolling: may_goto lets the
 * kernel break the loop once its per-program budget runs out. libbpf 1.4's
 * headers lack these; newer ones and bpf_experimental.h define them the same
 * way, so only fill the gap.
 */
#ifndef __BPF_FEATURE_MAY_GOTO
#error "scx-runner needs clang >= 19 (may_goto); set the bpf_clang meson option"
#endif

#ifndef can_loop
#define can_loop                                                \
	({                                                      \
		__label__ l_break, l_continue;                  \
		bool ___scxr_ok = true;                         \
		asm volatile goto("may_goto %l[l_break]" :::: l_break); \
		goto l_continue;                                \
	l_break:                                                \
		___scxr_ok = false;                             \
	l_continue:;                                            \
		___scxr_ok;                                     \
	})
#endif

#ifndef cond_break
#define cond_break                                              \
	({                                                      \
		__label__ l_break, l_continue;                  \
		asm volatile goto("may_goto %l[l_break]" :::: l_break); \
		goto l_continue;                                \
	l_break:                                                \
		break;                                          \
	l_continue:;                                            \
	})
#endif

#endif /* SCX_RUNNER_COMMON_BPF_H */
