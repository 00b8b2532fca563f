// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// The qmap plugin's option schema: one entry per option of the kernel's scx_qmap loader, with
// a TOML-friendly name. Constant data shared by the entry (which publishes it) and the unit
// tests (which build settings from it). QmapScheduler::configure() is the one place where the
// values land in the skeleton.

#include "scx_runner/sdk/Options.hpp"

#include <scx_runner/plugin_abi.h>

#include <cstdint>
#include <limits>

namespace scxr::qmap_plugin {

// SCX_SLICE_DFL, the kernel's default slice, which the kernel's loader uses when -s is absent.
inline constexpr uint64_t kDefaultSliceNs = 20 * sdk::kMillisecond;

// max_tasks: 2^22 task contexts of 48 bytes are 192 MiB, which still fits the arena's 256 MiB
// of address space beside struct qmap_arena (the BPF side checks the exact fit again).
inline constexpr uint64_t kDefaultMaxTasks = 16384;
inline constexpr uint64_t kMaxMaxTasks = 1u << 22;

inline constexpr uint64_t kU32Max = std::numeric_limits<uint32_t>::max();
inline constexpr int64_t kS32Max = std::numeric_limits<int32_t>::max();

inline constexpr scxr_option_desc kOptions[] = {
	sdk::option::duration("slice", "time slice a dispatched task runs before others get the CPU",
			      kDefaultSliceNs, 100 * sdk::kMicrosecond, sdk::kSecond),
	sdk::option::unsigned_integer("dispatch_batch",
				      "tasks one CPU moves from the FIFOs to the shared queue per dispatch",
				      "tasks", 1, 1, 4096),
	sdk::option::unsigned_integer("max_tasks",
				      "size of the task context slab; more live tasks than this is a scheduler error",
				      "tasks", kDefaultMaxTasks, 1, kMaxMaxTasks),
	sdk::option::boolean("highpri_boosting",
			     "expedite nice -20 tasks through a high-priority queue (best with dispatch_batch > 1)",
			     false),
	sdk::option::integer("disallow_tgid",
			     "process whose tasks may not switch to sched_ext (0: none, -1: the runner itself)",
			     "tgid", 0, -1, kS32Max),
	sdk::option::boolean("switch_partial",
			     "schedule only tasks whose policy is SCHED_EXT instead of every task", false),
	sdk::option::boolean("always_enq_immed",
			     "insert into local queues only when the CPU can run the task at once "
			     "(SCX_OPS_ALWAYS_ENQ_IMMED, kernel 7.1+)",
			     false),
	sdk::option::exit_dump_length(),
	sdk::option::boolean("suppress_dump",
			     "leave qmap's own lines (FIFOs, per-CPU and per-task state) out of the debug dump",
			     false),
	sdk::option::boolean("print_dsqs_and_events",
			     "print the shared queue and the kernel's event counters to trace_pipe every second",
			     false),
	sdk::option::boolean("print_messages",
			     "print cgroup, CPU hotplug and CPU map messages to trace_pipe", false),
	// Fault injection. Each is off at 0.
	sdk::option::unsigned_integer("error_after_enqueues",
				      "test: raise a scheduler error after this many enqueues (0: never)",
				      "enqueues", 0, 0, kU32Max),
	sdk::option::unsigned_integer("stall_user_nth",
				      "test: drop every Nth enqueue of a user thread, so the watchdog ejects the "
				      "scheduler (0: never)",
				      "enqueues", 0, 0, kU32Max),
	sdk::option::unsigned_integer("stall_kernel_nth",
				      "test: drop every Nth enqueue of a kernel thread (0: never)", "enqueues", 0, 0,
				      kU32Max),
	sdk::option::unsigned_integer("dispatch_loop_after",
				      "test: after this many dispatches, dispatch an idle task forever (0: never)",
				      "dispatches", 0, 0, kU32Max),
	sdk::option::unsigned_integer("immed_stress_nth",
				      "test: send every Nth enqueue to its CPU's busy local queue (use with "
				      "always_enq_immed; 0: never)",
				      "enqueues", 0, 0, kU32Max),
};

} // namespace scxr::qmap_plugin
