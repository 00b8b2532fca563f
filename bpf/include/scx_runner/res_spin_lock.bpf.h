/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Resilient queued spin locks (bpf_res_spin_lock, kernel 6.15+).
 *
 * Unlike bpf_spin_lock, taking one can fail (deadlock or timeout detected by
 * the kernel), so every lock call must check its result. They may guard arena
 * data, which plain bpf_spin_lock cannot.
 */
#ifndef SCX_RUNNER_RES_SPIN_LOCK_BPF_H
#define SCX_RUNNER_RES_SPIN_LOCK_BPF_H

#include "scx_runner/common.bpf.h"

/*
 * Defines a global lock. It must be hidden and alone in its own .data.<name>
 * section: otherwise it lands in .data, the skeleton exposes that section to
 * userspace with an incomplete lock type, and the kernel refuses to mmap a
 * map whose value holds a lock (-524, ENOTSUPP), so the load fails.
 */
#define SCXR_RES_SPIN_LOCK(name) \
	__hidden struct bpf_res_spin_lock name SEC(".data." #name)

#endif /* SCX_RUNNER_RES_SPIN_LOCK_BPF_H */
