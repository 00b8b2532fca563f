/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scx-runner plugin ABI, version 1.1.
 *
 * A plugin is a shared object that exports exactly one data symbol, scx_runner_plugin_entry
 * (declared at the end of this file), a const struct scxr_plugin_entry. The host (scx-runner)
 * dlopens the file, reads the entry, checks the version and then drives scheduler *instances*
 * through the entry's function pointers. A plugin keeps no mutable global state: everything
 * lives in an instance, so the host may hold several instances of one plugin at once (the old
 * and the new one during a hot swap, for example).
 *
 * Versioning: the host accepts a plugin whose abi_major equals its own and whose abi_minor is
 * not newer than its own, and reads a plugin of an older minor by that minor's rules (a 1.1
 * host loads 1.0 plugins). A minor version only appends: fields at the end of structs, new
 * calls, new enumerators. Two devices let either side tell what the other knows:
 *   - every versioned struct starts with struct_size (or, for the entry, ends where its
 *     struct_size says), so a reader never looks past what the writer filled in;
 *   - every array that crosses the boundary comes with its element size, its *stride*: the
 *     distance in bytes between one element and the next, which is sizeof(element) in the
 *     writer's header. The reader walks the array by the stride and reads only the fields it
 *     knows, so elements can grow in a later minor. Arrays the plugin publishes carry their
 *     stride in the entry beside their pointer (option_stride, requirement_stride,
 *     stat_stride); arrays the host hands over carry it beside their pointer too, as an argument
 *     (read_stats' value_stride) or, for configure() whose 1.0 signature cannot change, in
 *     scxr_host.setting_stride.
 *
 * What 1.1 adds to 1.0 (each marked [1.1] below):
 *   - the strides above;
 *   - a stats schema published once in the entry (scxr_stat_desc: name, counter or gauge, value
 *     type, unit, help, display group) and read_stats(), which returns values only, as exact
 *     64-bit integers where they are integers (scxr_stat_value); the 1.0 stats() call, which
 *     sent every name again as a double row, is for 1.0 plugins only;
 *   - get_extension(), through which optional capabilities are found (see "Extensions");
 *   - a reason when create() fails: it may hand back an instance that only reports why;
 *   - SCXR_PLUGIN_EXPORT and the declaration of the entry symbol; the threading rules below.
 *
 * Threading:
 *   - The host calls the functions of one instance from one thread at a time, not always the
 *     same one (it may create and load an instance on a worker thread, then attach and poll it
 *     on its main thread); it orders those calls, so the plugin needs no lock for them.
 *   - Different instances, of one plugin or of several, may be used from different threads at
 *     the same time. This is why a plugin keeps no mutable global state.
 *   - The entry and everything [static] it points to are read from any thread at any time.
 *     get_extension() may be called from any thread at any time, also with no instance.
 *   - host->log may be called from any thread, including threads the plugin started itself,
 *     from the moment create() is called until destroy() of that instance returns; so a
 *     plugin stops and joins its own threads in destroy(). The host's log is thread-safe and
 *     never calls back into the plugin.
 *   - Callbacks the host passes to one call (dump()'s write) are used only during that call,
 *     on the calling thread.
 *
 * Lifetime notation used below:
 *   [static]        valid as long as the plugin file stays loaded (until dlclose).
 *   [instance]      owned by the plugin, valid until destroy() of that instance.
 *   [until-next X]  owned by the plugin, valid until the next call of X on that instance
 *                   (or destroy()).
 *   [call]          owned by the caller, valid only for the duration of the call.
 *
 * Call states (an instance moves CREATED -> CONFIGURED -> LOADED <-> ATTACHED):
 *   create()     -> CREATED, or FAILED [1.1] (see create())
 *   configure()  [CREATED]            -> CONFIGURED   (exactly once)
 *   load()       [CONFIGURED]         -> LOADED       (opens the BPF object, verifies it)
 *   attach()     [LOADED]             -> ATTACHED     (may be called again after detach())
 *   detach()     [ATTACHED]           -> LOADED
 *   poll()       [ATTACHED]
 *   read_stats(), dump()  [LOADED, ATTACHED]   (1.0: stats() in the same states)
 *   last_error() [any]
 *   destroy()    [any]                 (detaches first if attached)
 * A call in the wrong state returns SCXR_ERR_STATE and changes nothing. A FAILED instance
 * accepts only last_error() and destroy().
 *
 * Extensions [1.1]: optional capabilities (hosting sub-schedulers, being one, ...) are not
 * entry fields but structs the host asks for by id through the entry's get_extension(). An id
 * is a string "scx-runner.<name>/<version>", e.g. "scx-runner.sub-scheduler/1"; <version>
 * changes only when the struct changes incompatibly, and the old id may then be answered too.
 * Every extension struct starts with uint32_t struct_size (sizeof in the plugin's header), so
 * it grows compatibly by appending, as the entry does. Its functions take the scxr_instance
 * they act on as their first argument and say which states they may be called in. The query
 * is on the entry, not on an instance, so the host can learn what a plugin can do (validate a
 * profile, list plugins) without creating one. This header defines the mechanism; each
 * extension is defined in a header of its own next to this one. Ids that do not start with
 * "scx-runner." are free for private use between a host and its plugins (tests use them).
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
#define SCXR_ABI_MINOR 1

/* The one symbol a plugin exports, by name, for dlsym() (see the declaration at the end and
 * plugins/sdk/plugin.map). */
#define SCXR_ENTRY_SYMBOL "scx_runner_plugin_entry"

/* [1.1] Marks the entry's definition for export; the version script (plugin.map) then hides
 * every other symbol. Plugins build with -fvisibility=hidden, so this is what keeps the entry
 * visible. */
#if defined(__GNUC__) || defined(__clang__)
#define SCXR_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define SCXR_PLUGIN_EXPORT
#endif

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

/* An element of the entry's options array, option_stride bytes apart [1.1]. */
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

/* One option value handed to configure(), setting_stride bytes apart [1.1]. */
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

/* An element of the entry's requirements array, requirement_stride bytes apart [1.1]. */
typedef struct scxr_requirement {
	scxr_requirement_kind kind;
	const char *name;          /* [static] */
	const char *member;        /* [static] SCXR_REQ_MEMBER only, else NULL */
	const char *since;         /* [static] first kernel that has it, e.g. "6.15" */
	const char *feature;       /* [static] what it is, e.g. "BPF resilient spin locks" */
} scxr_requirement;

/* ---------------------------------------------------------------------------------------- */
/* Stats. [1.1] The plugin publishes what it counts once, in the entry (stat_schema), and     */
/* read_stats() returns only the values, in schema order.                                     */

typedef enum scxr_stat_kind {
	SCXR_STAT_COUNTER = 0,     /* only grows while attached */
	SCXR_STAT_GAUGE = 1,       /* a current value */
} scxr_stat_kind;

/* [1.1] Which member of scxr_stat_number holds a stat's value. Integers are exact over their
 * whole range (a 1.0 double lost them above 2^53); the host prints them digit for digit. */
typedef enum scxr_stat_type {
	SCXR_STAT_U64 = 0,         /* number.u64 */
	SCXR_STAT_S64 = 1,         /* number.s64, e.g. a difference of two counters */
	SCXR_STAT_F64 = 2,         /* number.f64, e.g. an average */
} scxr_stat_type;

/* [1.1] One stat of the schema, stat_stride bytes apart in the entry's stat_schema. */
typedef struct scxr_stat_desc {
	const char *name;          /* [static] snake_case, unique within the plugin */
	scxr_stat_kind kind;
	scxr_stat_type type;
	const char *unit;          /* [static] e.g. "tasks", "1/1024"; NULL or "" if none */
	const char *help;          /* [static] one line */
	/* [static] snake_case; stats of one group belong together on screen, e.g. qmap's "queue",
	 * "dispatch", "expedite", "cpuperf". Keep a group to a few stats, so it fits one short
	 * line. NULL or "" if none. */
	const char *group;
} scxr_stat_desc;

typedef union scxr_stat_number {
	uint64_t u64;
	int64_t s64;
	double f64;
} scxr_stat_number;

/* [1.1] A flag of scxr_stat_value: this reading has no value for the stat, e.g. the running
 * kernel cannot measure it or the option that gives it meaning is off. The host leaves the
 * stat out of that reading rather than show a 0 that looks real. */
#define SCXR_STAT_ABSENT (1u << 0)

/* [1.1] One value written by read_stats(). */
typedef struct scxr_stat_value {
	scxr_stat_number number;   /* the member the stat's type names */
	uint32_t flags;            /* SCXR_STAT_ABSENT, or 0; the host ignores unknown bits */
} scxr_stat_value;

/* [1.0 plugins only] A row of the 1.0 stats() call: every name, unit and help again on each
 * call, and the value as a double. A 1.1 plugin publishes stat_schema and read_stats()
 * instead; a 1.1 host still reads these from 1.0 plugins. */
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
	uint32_t struct_size;      /* sizeof(scxr_host) of the host's header */
	uint32_t abi_major;        /* the host's SCXR_ABI_MAJOR */
	uint32_t abi_minor;
	/* Logging into the host's log. message is [call]. From any thread, from create() until
	 * destroy() returns (see "Threading"). */
	void (*log)(void *context, scxr_log_level level, const char *message);
	void *log_context;
	/* [1.1] The stride of the settings array configure() receives:
	 * sizeof(scxr_option_setting) of the host's header. */
	uint32_t setting_stride;
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

	const scxr_option_desc *options; /* [static] option_count elements, option_stride apart */
	size_t option_count;
	const scxr_requirement *requirements; /* [static] requirement_stride apart */
	size_t requirement_count;

	/* host is [call]: copy what you keep. On success *out is [instance] until destroy().
	 * On failure: *out is NULL when there is nothing to say (e.g. SCXR_ERR_NO_MEMORY), and
	 * nothing needs destroying; or [1.1] *out is a FAILED instance whose last_error() says
	 * why, and which the host passes to destroy() once it has read that. A 1.0 plugin always
	 * sets NULL on failure. */
	scxr_status (*create)(const scxr_host *host, scxr_instance **out);
	/* [any] Detaches if attached, joins the plugin's own threads, frees everything. instance
	 * is invalid afterwards. */
	void (*destroy)(scxr_instance *instance);
	/* [any] The message of the last failed call, "" if none. [until-next failing call]. */
	const char *(*last_error)(const scxr_instance *instance);

	/* [CREATED] One setting per option of the schema, in schema order, settings [call],
	 * host->setting_stride apart [1.1]. */
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
	/* [1.0 plugins only; LOADED, ATTACHED] *rows is [until-next stats]. A 1.1 plugin sets
	 * this to NULL and publishes stat_schema and read_stats() instead. */
	scxr_status (*stats)(scxr_instance *instance, const scxr_stat **rows, size_t *count);
	/* [LOADED, ATTACHED] Live state as text, written in pieces through write (context [call]). */
	scxr_status (*dump)(scxr_instance *instance, scxr_write_fn write, void *context);

	/* ---- [1.1] Present when abi_minor >= 1; struct_size covers them. ---- */

	/* Strides of the arrays above and below: sizeof(scxr_option_desc),
	 * sizeof(scxr_requirement) and sizeof(scxr_stat_desc) of the plugin's header. A 1.0
	 * plugin has none; its arrays are of 1.0 elements, one sizeof apart. */
	uint32_t option_stride;
	uint32_t requirement_stride;
	uint32_t stat_stride;

	/* [static] The stats schema, stat_count elements, stat_stride apart. */
	const scxr_stat_desc *stat_schema;
	size_t stat_count;

	/* [LOADED, ATTACHED] Writes one value per stat of the schema, in schema order: count is
	 * stat_count, and values [call] has count elements, value_stride bytes apart
	 * (sizeof(scxr_stat_value) of the host's header; the plugin writes only the fields of
	 * its own header). The host zeroes the values before the call; the plugin sets every
	 * one, a value or SCXR_STAT_ABSENT. Cheap: the host calls it once per stats interval.
	 * May be NULL when stat_count is 0. */
	scxr_status (*read_stats)(scxr_instance *instance, scxr_stat_value *values, size_t count,
				  size_t value_stride);

	/* [any thread, any time, no instance needed] The extension struct with this id, or NULL
	 * if the plugin has none by that id (see "Extensions"). id is [call]; the result is
	 * [static] and starts with uint32_t struct_size. May itself be NULL: no extensions. */
	const void *(*get_extension)(const char *id);
} scxr_plugin_entry;

/* [1.1] The entry every plugin defines, once, as
 *     SCXR_PLUGIN_EXPORT const scxr_plugin_entry scx_runner_plugin_entry = { ... };
 * Its name is SCXR_ENTRY_SYMBOL. The host looks it up with dlsym() and never refers to it. */
SCXR_PLUGIN_EXPORT extern const scxr_plugin_entry scx_runner_plugin_entry;

#ifdef __cplusplus
}
#endif

#endif /* SCX_RUNNER_PLUGIN_ABI_H */
