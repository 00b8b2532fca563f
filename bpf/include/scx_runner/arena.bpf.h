/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BPF arena support, usable from both sides of a scheduler.
 *
 * A BPF arena is one memory region mapped at the same address in the BPF
 * program and in userspace, so a struct that lives there (counters, lists of
 * task contexts) can be read by the runner without a syscall, and pointers
 * stored inside it are valid on both sides.
 *
 * In BPF, `__arena` marks a pointer or global as living in address space 1;
 * clang then inserts the addr_space_cast instructions the verifier needs. In
 * userspace the arena is ordinary memory, so the shared headers (for example
 * plugins/qmap/qmap.h) compile there with `__arena` expanding to nothing.
 */
#ifndef SCX_RUNNER_ARENA_BPF_H
#define SCX_RUNNER_ARENA_BPF_H

/*
 * The kernel maps arena pages at this granularity. 4 KiB on x86; arm64
 * kernels may use larger pages, so allocations sized in pages must use this
 * name rather than a literal.
 */
#ifndef SCXR_ARENA_PAGE_SIZE
#define SCXR_ARENA_PAGE_SIZE 4096
#endif

#ifdef __BPF__

#include "scx_runner/common.bpf.h"

#ifndef __BPF_FEATURE_ADDR_SPACE_CAST
/*
 * Without compiler support every arena access would need a hand-written
 * cast, and a single forgotten one is a verifier failure far from its cause.
 */
#error "BPF arenas need clang with __BPF_FEATURE_ADDR_SPACE_CAST (clang >= 19; prefer the newest)"
#endif

#define __arena __attribute__((address_space(1)))
/* Globals declared __arena are placed by clang in the arena's data section. */
#define __arena_global __attribute__((address_space(1)))

/*
 * Userspace maps the arena at its map_extra address, and BPF sees the same
 * addresses, so both sides can follow pointers stored in the arena. This is
 * the object's default; the plugin SDK gives each loaded instance a window of
 * its own instead (sdk/ArenaPlacement.hpp), so that several instances live in
 * one process. It must lie in the user half of the address space.
 */
#if defined(__TARGET_ARCH_arm64) || defined(__aarch64__)
#define SCXR_ARENA_MAP_EXTRA (1ull << 32)
#else
#define SCXR_ARENA_MAP_EXTRA (1ull << 44)
#endif

/*
 * Declares the program's arena map. max_pages is an upper bound on the
 * arena's size in pages, not an allocation: pages are populated on first
 * touch or by bpf_arena_alloc_pages().
 */
#define SCXR_ARENA_MAP(name, max_pages)                         \
	struct {                                                \
		__uint(type, BPF_MAP_TYPE_ARENA);               \
		__uint(map_flags, BPF_F_MMAPABLE);              \
		__uint(max_entries, (max_pages));               \
		__ulong(map_extra, SCXR_ARENA_MAP_EXTRA);       \
	} name SEC(".maps")

/*
 * bpf_arena_alloc_pages() and bpf_arena_free_pages() are declared by the
 * vendored vmlinux.h with their address_space(1) arguments; pass NUMA_NO_NODE
 * (common.bpf.h) for "any node".
 */

#else /* !__BPF__ */

/* Userspace reaches the arena through its mmap: plain memory, plain pointers. */
#ifndef __arena
#define __arena
#endif
#ifndef __arena_global
#define __arena_global
#endif

#endif /* __BPF__ */

#endif /* SCX_RUNNER_ARENA_BPF_H */
