/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scx-runner plugin ABI, version 1.
 *
 * A plugin is a shared object that exports exactly one data symbol, SCXR_ENTRY_SYMBOL, a
 * const struct scxr_plugin_entry. The host (scx-runner) dlopens the file, reads the entry,
 * checks the version and then drives scheduler *instances* through the entry's function
 * pointers. A plugin keeps no mutable global state: everything lives in an instance, so the
 * host may hold several instances of one plugin at once (the old and the new one during a
 * hot swap, for example).
 *
 * Versioning: the host accepts a plugin whose abi_major equals its own and whose abi_minor is
 * not newer than its own. Minor versions only append fields to structs; every versioned
 * struct starts with struct_size so that either side can tell which fields the other knows.
 *
 * Threading: the host calls every function of one instance from one thread at a time.
 * Different instances may be used from different threads.
 *
 * Lifetime notation used below:
 *   [static]        valid as long as the plugin file stays loaded (until dlclose).
 *   [instance]      owned by the plugin, valid until destroy() of that instance.
 *   [until-next X]  owned by the plugin, valid until the next call of X on that instance
 *                   (or destroy()).
 *   [call]          owned by the caller, valid only for the duration of the call.
 *
 * Call states (an instance moves CREATED -> CONFIGURED -> LOADED <-> ATTACHED):
 *   create()     -> CREATED
 *   configure()  [CREATED]            -> CONFIGURED   (exactly once)
 *   load()       [CONFIGURED]         -> LOADED       (opens the BPF object, verifies it)
 *   attach()     [LOADED]             -> ATTACHED     (may be called again after detach())
 *   detach()     [ATTACHED]           -> LOADED
 *   poll(), stats(), dump()  [ATTACHED]  (stats() and dump() also in LOADED)
 *   last_error() [any]
 *   destroy()    [any]                 (detaches first if attached)
 * A call in the wrong state returns SCXR_ERR_STATE and changes nothing.
 */
#ifndef SCX_RUNNER_PLUGIN_ABI_H
#define SCX_RUNNER_PLUGIN_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SCXR_ABI_MAJOR 1
#define SCXR_ABI_MINOR 0

/* The one symbol a plugin exports (see plugins/sdk/plugin.map). */
#define SCXR_ENTRY_SYMBOL "scx_runner_plugin_entry"

/* Results of every fallible call. The host maps these to its exit codes. */
typedef enum scxr_status {
	SCXR_OK = 0,
	SCXR_ERR_INVALID_ARGUMENT = 1, /* a bad option value or argument */
	SCXR_ERR_STATE = 2,            /* call not allowed in the instance's current state */
	SCXR_ERR_KERNEL_UNSUPPORTED = 3, /* the running kernel lacks something the plugin needs */
	SCXR_ERR_VERIFIER = 4,         /* the kernel's verifier rejected the BPF program */
	SCXR_ERR_ATTACH = 5,           /* the kernel refused to enable the scheduler */
	SCXR_ERR_BUSY = 6,             /* another sched_ext scheduler is attached */
	SCXR_ERR_PERMISSION = 7,       /* missing privileges (CAP_BPF, CAP_SYS_ADMIN) */
	SCXR_ERR_NO_MEMORY = 8,
	SCXR_ERR_INTERNAL = 9,         /* anything else; see last_error() */
} scxr_status;

typedef enum scxr_log_level {
	SCXR_LOG_DEBUG = 0,
	SCXR_LOG_INFO = 1,
	SCXR_LOG_WARN = 2,
	SCXR_LOG_ERROR = 3,
} scxr_log_level;

/* ---------------------------------------------------------------------------------------- */
/* Options: the plugin publishes a schema; the host validates a profile against it and hands */
/* the plugin one value per option (defaults filled in) in configure().                     */

typedef enum scxr_option_type {
	SCXR_OPT_BOOL = 0,
	SCXR_OPT_INT = 1,      /* int64_t, value.i */
	SCXR_OPT_UINT = 2,     /* uint64_t, value.u */
	SCXR_OPT_FLOAT = 3,    /* double, value.f */
	SCXR_OPT_STRING = 4,   /* value.s */
	SCXR_OPT_ENUM = 5,     /* value.s, one of enum_values */
	SCXR_OPT_DURATION = 6, /* nanoseconds in value.u; profiles write "20ms", "5s", "100us" */
	SCXR_OPT_PATH = 7,     /* value.s, a filesystem path */
} scxr_option_type;

typedef union scxr_option_value {
	bool b;
	int64_t i;
	uint64_t u;
	double f;
	const char *s;
} scxr_option_value;

typedef struct scxr_option_desc {
	const char *name;          /* [static] TOML key, snake_case */
	scxr_option_type type;
	const char *help;          /* [static] one line */
	const char *unit;          /* [static] e.g. "bytes", "tasks"; NULL or "" if none */
	scxr_option_value default_value; /* strings [static]; NULL string means "unset" */
	bool has_min;              /* range checks for INT, UINT, FLOAT, DURATION */
	bool has_max;
	scxr_option_value min;     /* same member as the value (i, u, f; u for DURATION) */
	scxr_option_value max;
	const char *const *enum_values; /* [static] NULL-terminated; ENUM only */
} scxr_option_desc;

/* One option value handed to configure(). */
typedef struct scxr_option_setting {
	const char *name;          /* [call] */
	scxr_option_type type;
	scxr_option_value value;   /* strings [call] */
	bool from_profile;         /* false when the host filled in the default */
} scxr_option_setting;

/* ---------------------------------------------------------------------------------------- */
/* Kernel requirements: what the host probes (from the running kernel's BTF) before load().  */

typedef enum scxr_requirement_kind {
	SCXR_REQ_KFUNC = 0,        /* name: a kfunc, e.g. "bpf_res_spin_lock" */
	SCXR_REQ_TYPE = 1,         /* name: a BTF type, e.g. "sched_ext_ops" */
	SCXR_REQ_MEMBER = 2,       /* name: struct, member: a member of it */
	SCXR_REQ_ENUM_VALUE = 3,   /* name: an enumerator, e.g. "BPF_MAP_TYPE_ARENA" */
} scxr_requirement_kind;

typedef struct scxr_requirement {
	scxr_requirement_kind kind;
	const char *name;          /* [static] */
	const char *member;        /* [static] SCXR_REQ_MEMBER only, else NULL */
	const char *since;         /* [static] first kernel that has it, e.g. "6.15" */
	const char *feature;       /* [static] what it is, e.g. "BPF resilient spin locks" */
} scxr_requirement;

/* ---------------------------------------------------------------------------------------- */
/* Run-time data the plugin returns.                                                         */

typedef enum scxr_stat_kind {
	SCXR_STAT_COUNTER = 0,     /* only grows while attached */
	SCXR_STAT_GAUGE = 1,       /* a current value */
} scxr_stat_kind;

typedef struct scxr_stat {
	const char *name;          /* [until-next stats] snake_case */
	scxr_stat_kind kind;
	double value;              /* exact for integers below 2^53 */
	const char *unit;          /* [until-next stats] may be NULL */
	const char *help;          /* [until-next stats] may be NULL */
} scxr_stat;

/* What the BPF side recorded when the scheduler exited (kernel's enum scx_exit_kind). */
typedef struct scxr_exit_report {
	uint32_t struct_size;      /* set by the host before poll() */
	bool exited;               /* false: still running; the rest is unset */
	int32_t kind;              /* SCX_EXIT_* (e.g. 64 = unregistered, 1024 = error) */
	int64_t exit_code;         /* low 32 bits user code; bit 48 asks for a restart */
	const char *reason;        /* [until-next poll] e.g. "runtime error" */
	const char *message;       /* [until-next poll] the scheduler's or kernel's message */
	const char *dump;          /* [until-next poll] the kernel's debug dump, may be "" */
} scxr_exit_report;

/* The kernel asks the loader to restart the scheduler (SCX_ECODE_ACT_RESTART). */
#define SCXR_EXIT_CODE_RESTART (1ULL << 48)

/* Receives text from dump(). */
typedef void (*scxr_write_fn)(void *context, const char *text, size_t length);

/* ---------------------------------------------------------------------------------------- */
/* Host services, passed to create().                                                       */

typedef struct scxr_host {
	uint32_t struct_size;
	uint32_t abi_major;        /* the host's SCXR_ABI_MAJOR */
	uint32_t abi_minor;
	/* Logging into the host's log. message is [call]. May be called from any plugin call. */
	void (*log)(void *context, scxr_log_level level, const char *message);
	void *log_context;
} scxr_host;

typedef struct scxr_instance scxr_instance; /* opaque, owned by the plugin */

/* ---------------------------------------------------------------------------------------- */
/* The entry.                                                                                */

typedef struct scxr_plugin_entry {
	uint32_t abi_major;        /* SCXR_ABI_MAJOR the plugin was built against */
	uint32_t abi_minor;
	uint32_t struct_size;      /* sizeof(scxr_plugin_entry) of the plugin's header */

	const char *id;            /* [static] e.g. "qmap"; equals the file name without ".so" */
	const char *version;       /* [static] e.g. "1.2.0" */
	const char *description;   /* [static] one line */

	const scxr_option_desc *options; /* [static] */
	size_t option_count;
	const scxr_requirement *requirements; /* [static] */
	size_t requirement_count;

	/* host is [call]: copy what you keep. *out is [instance] until destroy(). On failure
	 * *out is NULL and nothing needs destroying; no last_error is available, so create()
	 * fails only for SCXR_ERR_NO_MEMORY or an unusable host struct. */
	scxr_status (*create)(const scxr_host *host, scxr_instance **out);
	/* [any] Detaches if attached, frees everything. instance is invalid afterwards. */
	void (*destroy)(scxr_instance *instance);
	/* [any] The message of the last failed call, "" if none. [until-next failing call]. */
	const char *(*last_error)(const scxr_instance *instance);

	/* [CREATED] One setting per option of the schema, in schema order, settings [call]. */
	scxr_status (*configure)(scxr_instance *instance, const scxr_option_setting *settings,
				 size_t count);
	/* [CONFIGURED] Opens the BPF object, applies the options, verifies it in the kernel. */
	scxr_status (*load)(scxr_instance *instance);
	/* [LOADED] Enables the scheduler in the kernel. Clears exit info from an earlier attach. */
	scxr_status (*attach)(scxr_instance *instance);
	/* [ATTACHED] Disables it. The BPF programs stay loaded, so attach() may follow. */
	scxr_status (*detach)(scxr_instance *instance);

	/* [ATTACHED] Has the scheduler exited? Cheap: the host calls it several times a second. */
	scxr_status (*poll)(scxr_instance *instance, scxr_exit_report *out);
	/* [LOADED, ATTACHED] *rows is [until-next stats]. */
	scxr_status (*stats)(scxr_instance *instance, const scxr_stat **rows, size_t *count);
	/* [LOADED, ATTACHED] Live state as text, written in pieces through write (context [call]). */
	scxr_status (*dump)(scxr_instance *instance, scxr_write_fn write, void *context);
} scxr_plugin_entry;

#ifdef __cplusplus
}
#endif

#endif /* SCX_RUNNER_PLUGIN_ABI_H */
