/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scx-runner plugin extension "scx-runner.sched-tree/1" (plugin_abi.h, "Extensions").
 *
 * Since Linux 7.2 sched_ext runs a tree of schedulers: a root, and sub-schedulers attached
 * to cgroups below it (each schedules the tasks of its cgroup's subtree, with the CPU time
 * its parent hands it through scx_bpf_sub_dispatch()). A plugin that can take part in such a
 * tree answers this extension: what it can be (a host of children, a child, both), how many
 * children one of its nodes hosts, and place(), through which the host tells an instance
 * where in the tree it will run before it is loaded.
 *
 * An instance that is never placed is a root that hosts no children: a single scheduler, as
 * with a plugin that does not answer this extension at all.
 *
 * Found with entry->get_extension(SCXR_SCHED_TREE_EXTENSION). The host asks it of the entry,
 * with no instance, to validate a tree profile (scx-runner check) before running anything.
 */
#ifndef SCX_RUNNER_SCHED_TREE_H
#define SCX_RUNNER_SCHED_TREE_H

#include <scx_runner/plugin_abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SCXR_SCHED_TREE_EXTENSION "scx-runner.sched-tree/1"

/* Bits of scxr_sched_tree_extension.roles. */
#define SCXR_TREE_CAN_HOST (1u << 0)     /* hosts children: sub_attach, sub_dispatch */
#define SCXR_TREE_CAN_BE_CHILD (1u << 1) /* attaches below a parent, for one cgroup */

/* Where an instance runs in the tree; handed to place(), [call]. */
typedef struct scxr_tree_place {
	uint32_t struct_size;    /* sizeof(scxr_tree_place) of the host's header */
	uint32_t depth;          /* 0: the root; 1: a child of the root; ... (the kernel allows < 4) */
	/* The cgroup2 id of the cgroup this node schedules (the inode number of its directory,
	 * what the kernel's sub_cgroup_id takes); 0 for the root. */
	uint64_t cgroup_id;
	const char *cgroup_path; /* [call] that cgroup's directory, absolute; NULL for the root */
	/* How many children the host will attach below this node at first. 0: none, and the
	 * plugin may load a form that cannot host; more children than max_children is refused. A
	 * node placed with children > 0 accepts later children up to max_children (a reload may
	 * add one), and a child's exit leaves it running. */
	uint32_t children;
} scxr_tree_place;

typedef struct scxr_sched_tree_extension {
	uint32_t struct_size;    /* sizeof(scxr_sched_tree_extension) of the plugin's header */
	uint32_t roles;          /* SCXR_TREE_CAN_HOST | SCXR_TREE_CAN_BE_CHILD */
	uint32_t max_children;   /* most children one node hosts at once; 0 without CAN_HOST */
	/* [static] What the running kernel must have for a node that hosts or is a child, for
	 * messages: e.g. "Linux 7.3 (sub-scheduler CPU caps in the cid form of sched_ext_ops)". */
	const char *kernel_needs;

	/* [CONFIGURED] Places the instance before load(). SCXR_ERR_INVALID_ARGUMENT (with
	 * last_error()) when the place is not one its roles allow, or children > max_children;
	 * the instance then stays CONFIGURED and unplaced. Whether the running kernel can run the
	 * node is load()'s to say (SCXR_ERR_KERNEL_UNSUPPORTED). A child's attach() fails with
	 * SCXR_ERR_ATTACH, naming the parent's answer, when its parent refuses it. */
	scxr_status (*place)(scxr_instance *instance, const scxr_tree_place *place);
} scxr_sched_tree_extension;

#ifdef __cplusplus
}
#endif

#endif /* SCX_RUNNER_SCHED_TREE_H */
