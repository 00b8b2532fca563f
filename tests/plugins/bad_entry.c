/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Broken plugins, one per BAD_* macro, written in plain C against the ABI header the way a
 * third party might get it wrong: a different major version, a newer minor version, no entry
 * symbol, an id that does not match the file name, a truncated entry, an invalid option
 * schema, a create() that fails, a stride smaller than its elements, an invalid stats schema. The
 * runner must refuse each with a message that says what is wrong.
 */
#if defined(BAD_NEWER_MINOR)
/* This variant defines the entry with a type of its own, which the header's declaration of
 * the entry would contradict; the declaration is renamed out of the way. */
#define scx_runner_plugin_entry scx_runner_plugin_entry_as_declared
#include <scx_runner/plugin_abi.h>
#undef scx_runner_plugin_entry
#else
#include <scx_runner/plugin_abi.h>
#endif

#include <stddef.h>

#define EXPORT __attribute__((visibility("default")))
/* The variant without an entry uses none of them. */
#define STUB static __attribute__((unused))

STUB scxr_status fail_create(const scxr_host *host, scxr_instance **out)
{
	(void)host;
	*out = NULL;
	return SCXR_ERR_INTERNAL;
}
STUB void ignore_destroy(scxr_instance *instance) { (void)instance; }
STUB const char *no_error(const scxr_instance *instance)
{
	(void)instance;
	return "";
}
STUB scxr_status fail_configure(scxr_instance *instance, const scxr_option_setting *settings, size_t count)
{
	(void)instance;
	(void)settings;
	(void)count;
	return SCXR_ERR_INTERNAL;
}
STUB scxr_status fail_call(scxr_instance *instance)
{
	(void)instance;
	return SCXR_ERR_INTERNAL;
}
STUB scxr_status fail_poll(scxr_instance *instance, scxr_exit_report *out)
{
	(void)instance;
	(void)out;
	return SCXR_ERR_INTERNAL;
}
STUB scxr_status fail_read_stats(scxr_instance *instance, scxr_stat_value *values, size_t count, size_t stride)
{
	(void)instance;
	(void)values;
	(void)count;
	(void)stride;
	return SCXR_ERR_INTERNAL;
}
STUB scxr_status fail_dump(scxr_instance *instance, scxr_write_fn write, void *context)
{
	(void)instance;
	(void)write;
	(void)context;
	return SCXR_ERR_INTERNAL;
}

#define FUNCTIONS                                                                                  \
	.create = fail_create, .destroy = ignore_destroy, .last_error = no_error,                  \
	.configure = fail_configure, .load = fail_call, .attach = fail_call, .detach = fail_call,  \
	.poll = fail_poll, .dump = fail_dump, .read_stats = fail_read_stats
/* The strides of a 1.1 entry (the variants refused before the runner reads them have them too). */
#define STRIDES                                                                                    \
	.option_stride = sizeof(scxr_option_desc), .requirement_stride = sizeof(scxr_requirement), \
	.stat_stride = sizeof(scxr_stat_desc)

#if defined(BAD_WRONG_MAJOR)

EXPORT const scxr_plugin_entry scx_runner_plugin_entry = {
	.abi_major = SCXR_ABI_MAJOR + 1, .abi_minor = 0, .struct_size = sizeof(scxr_plugin_entry),
	.id = "test_wrong_major", .version = "2.0.0", .description = "built for a future major ABI", FUNCTIONS, STRIDES,
};

#elif defined(BAD_NEWER_MINOR)

/* A plugin built against a newer minor version: its entry has fields this runner does not know. */
struct newer_entry {
	scxr_plugin_entry known;
	void *added_in_a_later_minor;
};
EXPORT const struct newer_entry scx_runner_plugin_entry = {
	.known = {.abi_major = SCXR_ABI_MAJOR, .abi_minor = SCXR_ABI_MINOR + 1,
		  .struct_size = sizeof(struct newer_entry), .id = "test_newer_minor", .version = "1.1.0",
		  .description = "built for a newer minor ABI", FUNCTIONS, STRIDES},
	.added_in_a_later_minor = NULL,
};

#elif defined(BAD_NO_ENTRY)

/* Exports something, but not the entry. */
EXPORT const int scx_runner_plugin_entry_typo = 1;

#elif defined(BAD_WRONG_ID)

EXPORT const scxr_plugin_entry scx_runner_plugin_entry = {
	.abi_major = SCXR_ABI_MAJOR, .abi_minor = SCXR_ABI_MINOR, .struct_size = sizeof(scxr_plugin_entry),
	.id = "someone_else", .version = "1.0.0", .description = "its id is not its file name", FUNCTIONS, STRIDES,
};

#elif defined(BAD_TRUNCATED)

EXPORT const scxr_plugin_entry scx_runner_plugin_entry = {
	.abi_major = SCXR_ABI_MAJOR, .abi_minor = SCXR_ABI_MINOR, .struct_size = offsetof(scxr_plugin_entry, poll),
	.id = "test_truncated", .version = "1.0.0", .description = "claims a shorter entry", FUNCTIONS, STRIDES,
};

#elif defined(BAD_SCHEMA)

static const char *const modes[] = {"a", "b", NULL};
static const scxr_option_desc options[] = {
	{.name = "mode", .type = SCXR_OPT_ENUM, .help = "", .default_value = {.s = "c"}, .enum_values = modes},
	{.name = "mode", .type = SCXR_OPT_BOOL, .help = "declared twice"},
	{.name = "Bad-Name", .type = SCXR_OPT_UINT, .help = "", .default_value = {.u = 100}, .has_min = true,
	 .has_max = true, .min = {.u = 1}, .max = {.u = 10}},
};
EXPORT const scxr_plugin_entry scx_runner_plugin_entry = {
	.abi_major = SCXR_ABI_MAJOR, .abi_minor = SCXR_ABI_MINOR, .struct_size = sizeof(scxr_plugin_entry),
	.id = "test_bad_schema", .version = "1.0.0", .description = "an option table with mistakes",
	.options = options, .option_count = sizeof(options) / sizeof(options[0]), FUNCTIONS, STRIDES,
};

#elif defined(BAD_STRIDE)

/* Claims its options are 8 bytes apart: the runner would read one option's fields from the next. */
static const scxr_option_desc options[] = {
	{.name = "slice", .type = SCXR_OPT_BOOL, .help = ""},
};
EXPORT const scxr_plugin_entry scx_runner_plugin_entry = {
	.abi_major = SCXR_ABI_MAJOR, .abi_minor = SCXR_ABI_MINOR, .struct_size = sizeof(scxr_plugin_entry),
	.id = "test_bad_stride", .version = "1.0.0", .description = "an option stride too small",
	.options = options, .option_count = 1, FUNCTIONS, .option_stride = 8,
	.requirement_stride = sizeof(scxr_requirement), .stat_stride = sizeof(scxr_stat_desc),
};

#elif defined(BAD_STATS_SCHEMA)

static const scxr_stat_desc stats[] = {
	{.name = "nr_ok", .kind = SCXR_STAT_COUNTER, .type = SCXR_STAT_U64, .group = "queue"},
	{.name = "nr_ok", .kind = SCXR_STAT_GAUGE, .type = SCXR_STAT_U64},
	{.name = "Bad-Name", .kind = SCXR_STAT_GAUGE, .type = (scxr_stat_type)7, .group = "Queue Stats"},
};
EXPORT const scxr_plugin_entry scx_runner_plugin_entry = {
	.abi_major = SCXR_ABI_MAJOR, .abi_minor = SCXR_ABI_MINOR, .struct_size = sizeof(scxr_plugin_entry),
	.id = "test_bad_stats", .version = "1.0.0", .description = "a stats schema with mistakes",
	.stat_schema = stats, .stat_count = sizeof(stats) / sizeof(stats[0]), FUNCTIONS, STRIDES,
};

#elif defined(BAD_CREATE_FAILS)

/* A valid entry whose create() fails without a reason (*out NULL), as any 1.0 plugin's would. */
EXPORT const scxr_plugin_entry scx_runner_plugin_entry = {
	.abi_major = SCXR_ABI_MAJOR, .abi_minor = SCXR_ABI_MINOR, .struct_size = sizeof(scxr_plugin_entry),
	.id = "test_create_fails", .version = "1.0.0", .description = "cannot create an instance", FUNCTIONS, STRIDES,
};

#else
#error "define one BAD_* macro"
#endif
