/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Recording struct scxr_exit_info from ops.exit().
 *
 * A scheduler puts SCXR_EXIT_INFO_DEFINE(); at file scope and calls
 * SCXR_EXIT_INFO_RECORD(ei); from its ops.exit(). That defines, with names the
 * plugin SDK relies on:
 *   exit_info      struct scxr_exit_info in .data (skel->data->exit_info)
 *   exit_dump      the kernel's debug dump text, in its own section
 *                  .data.exit_dump (skel->data_exit_dump->exit_dump) so that
 *                  userspace can resize it before load with
 *                  bpf_map__set_value_size(); declared with one byte
 *   exit_dump_len  rodata: how many bytes of dump to copy. Userspace sets it
 *                  to the resized length (and struct_ops exit_dump_len to the
 *                  same value); the verifier rejects a load where it exceeds
 *                  the buffer.
 *   exit_events    a ring buffer that gets one struct scxr_exit_event per
 *                  recorded exit (skel->maps.exit_events): the runner waits on
 *                  its descriptor instead of polling exit_info on a timer.
 */
#ifndef SCX_RUNNER_EXIT_INFO_BPF_H
#define SCX_RUNNER_EXIT_INFO_BPF_H

#include "scx_runner/common.bpf.h"
#include "scx_runner/exit_info.h"

#define SCXR_EXIT_INFO_DEFINE()                                 \
	char exit_dump[1] SEC(".data.exit_dump");               \
	const volatile u32 exit_dump_len;                       \
	struct {                                                \
		__uint(type, BPF_MAP_TYPE_RINGBUF);             \
		__uint(max_entries, SCXR_EXIT_EVENTS_SIZE);     \
	} exit_events SEC(".maps");                             \
	struct scxr_exit_info exit_info SEC(".data")

/*
 * exit_code and exit_cpu were added to scx_exit_info after the rest, so
 * they are read only where the running kernel's BTF has them (CO-RE turns the test into a constant at load time). The strings are
 * kernel pointers; bpf_probe_read_kernel_str() bounds and terminates them.
 * The compare-and-swap on `kind` is a full barrier: userspace polls `kind`
 * and must not see it before the fields written above. The exit event goes
 * out last, so a runner woken by it finds exit_info complete; the wake-up is
 * forced because the runner reads nothing else from the ring buffer.
 */
#define SCXR_EXIT_INFO_RECORD(ei)                                                   \
	({                                                                          \
		bpf_probe_read_kernel_str(exit_info.reason,                         \
					  sizeof(exit_info.reason), (ei)->reason);  \
		bpf_probe_read_kernel_str(exit_info.msg, sizeof(exit_info.msg),     \
					  (ei)->msg);                               \
		bpf_probe_read_kernel_str(exit_dump, exit_dump_len, (ei)->dump);    \
		if (bpf_core_field_exists((ei)->exit_code))                         \
			exit_info.exit_code = (ei)->exit_code;                      \
		if (bpf_core_field_exists((ei)->exit_cpu))                          \
			exit_info.exit_cpu = (u32)(ei)->exit_cpu;                   \
		else                                                                \
			exit_info.exit_cpu = SCXR_EXIT_CPU_UNKNOWN;                 \
		__sync_val_compare_and_swap(&exit_info.kind, exit_info.kind,        \
					    (s32)(ei)->kind);                       \
		struct scxr_exit_event scxr_event__ = {                             \
			.kind = (s32)(ei)->kind,                                    \
			.recorded_ns = bpf_ktime_get_ns(),                          \
		};                                                                  \
		bpf_ringbuf_output(&exit_events, &scxr_event__,                     \
				   sizeof(scxr_event__), BPF_RB_FORCE_WAKEUP);      \
	})

#endif /* SCX_RUNNER_EXIT_INFO_BPF_H */
