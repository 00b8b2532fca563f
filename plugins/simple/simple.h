/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the simple scheduler's BPF side and its plugin (plugins/simple/) share.
 *
 * Userspace reads the counters straight from the skeleton's mmap of .bss, so
 * this header must compile both as BPF C (types from vmlinux.h) and as C++
 * (the plugin defines u64 before including it).
 */
#ifndef SCX_RUNNER_SIMPLE_H
#define SCX_RUNNER_SIMPLE_H

enum simple_consts {
	/*
	 * Counters are kept per CPU in a fixed array so that each CPU writes only
	 * its own cache line. CPUs with a higher id still get scheduled; their
	 * dispatches are just not counted (the plugin warns on such machines).
	 */
	SIMPLE_MAX_CPUS = 1024,
	SIMPLE_CACHE_LINE = 64,
};

/*
 * One CPU's dispatch counters. Only that CPU writes them, from callbacks that
 * run with interrupts disabled, so plain increments cannot race; userspace
 * sums all slots.
 */
struct simple_cpu_stats {
	/* Tasks inserted straight into an idle CPU's local DSQ in select_cpu. */
	u64 nr_local_dispatched;
	/* Tasks queued on the shared DSQ in enqueue. */
	u64 nr_global_dispatched;
	/* Keeps neighbouring CPUs' slots on different cache lines. */
	u64 pad_to_cache_line[6];
};

#ifdef __BPF__
_Static_assert(sizeof(struct simple_cpu_stats) == SIMPLE_CACHE_LINE,
	       "struct simple_cpu_stats must fill exactly one cache line");
#endif

#endif /* SCX_RUNNER_SIMPLE_H */
