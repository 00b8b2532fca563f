/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scx-runner plugin extension "scx-runner.exit-event/1" (plugin_abi.h, "Extensions").
 *
 * Lets the host wait for a scheduler's exit instead of calling poll() on a timer: the
 * instance hands out a descriptor that becomes readable when the attached scheduler exits.
 * A host that has it sleeps until something happens (a signal, a control client, the stats
 * timer, this descriptor); without it the host polls a few times a second.
 *
 * Found with entry->get_extension(SCXR_EXIT_EVENT_EXTENSION).
 */
#ifndef SCX_RUNNER_EXIT_EVENT_H
#define SCX_RUNNER_EXIT_EVENT_H

#include <scx_runner/plugin_abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SCXR_EXIT_EVENT_EXTENSION "scx-runner.exit-event/1"

typedef struct scxr_exit_event_extension {
	uint32_t struct_size; /* sizeof(scxr_exit_event_extension) of the plugin's header */

	/* [LOADED, ATTACHED] A descriptor for poll(2)/epoll: POLLIN once the attached scheduler
	 * has exited and poll() reports it, and while such an exit is not consumed yet. poll() and
	 * attach() consume it, so a host that calls poll() on every readiness is woken once per
	 * exit. Owned by the instance and valid until destroy(): the host polls it and never reads
	 * or closes it. -1 when this instance has none (the host then polls on a timer). Called on
	 * the instance's thread, like every instance call. */
	int (*exit_fd)(scxr_instance *instance);
} scxr_exit_event_extension;

#ifdef __cplusplus
}
#endif

#endif /* SCX_RUNNER_EXIT_EVENT_H */
