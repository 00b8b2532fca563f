/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_wide_elements: a 1.1 plugin in plain C whose arrays have longer elements than this
 * header's, as a plugin of a later minor that grew them would have (its abi_minor stays 1, so
 * the runner accepts it). The runner must walk options, requirements and the stats schema by
 * their strides, and read_stats() writes by the stride the host gives.
 */
#include <scx_runner/plugin_abi.h>

#include <stdlib.h>
#include <string.h>

/* Each element with a field a later minor might append. */
struct wide_option {
	scxr_option_desc desc;
	uint64_t added_later;
};
struct wide_requirement {
	scxr_requirement requirement;
	uint64_t added_later;
};
struct wide_stat {
	scxr_stat_desc desc;
	const char *added_later;
};

static const struct wide_option options[] = {
	{{.name = "first", .type = SCXR_OPT_UINT, .help = "the first option", .default_value = {.u = 1}}, 0xdead},
	{{.name = "second", .type = SCXR_OPT_BOOL, .help = "the second option", .default_value = {.b = true}}, 0xbeef},
};

static const struct wide_requirement requirements[] = {
	{{.kind = SCXR_REQ_TYPE, .name = "sched_ext_ops", .since = "6.12", .feature = "sched_ext"}, 0xdead},
	{{.kind = SCXR_REQ_KFUNC, .name = "scx_bpf_dsq_insert", .since = "6.13", .feature = "DSQ insert"}, 0xbeef},
};

static const struct wide_stat stats[] = {
	{{.name = "big", .kind = SCXR_STAT_COUNTER, .type = SCXR_STAT_U64, .group = "wide"}, "not a stat"},
	{{.name = "negative", .kind = SCXR_STAT_GAUGE, .type = SCXR_STAT_S64, .group = "wide"}, "not a stat"},
	{{.name = "absent", .kind = SCXR_STAT_GAUGE, .type = SCXR_STAT_F64, .group = "wide"}, "not a stat"},
};

struct scxr_instance {
	int loaded;
};

static scxr_status wide_create(const scxr_host *host, scxr_instance **out)
{
	(void)host;
	*out = calloc(1, sizeof(**out));
	return *out ? SCXR_OK : SCXR_ERR_NO_MEMORY;
}
static void wide_destroy(scxr_instance *instance) { free(instance); }
static const char *wide_last_error(const scxr_instance *instance)
{
	(void)instance;
	return "";
}
static scxr_status wide_configure(scxr_instance *instance, const scxr_option_setting *settings, size_t count)
{
	(void)instance;
	(void)settings;
	(void)count;
	return SCXR_OK;
}
static scxr_status wide_load(scxr_instance *instance)
{
	instance->loaded = 1;
	return SCXR_OK;
}
static scxr_status wide_ok(scxr_instance *instance)
{
	(void)instance;
	return SCXR_OK;
}
static scxr_status wide_poll(scxr_instance *instance, scxr_exit_report *out)
{
	(void)instance;
	out->exited = false;
	return SCXR_OK;
}
static scxr_status wide_dump(scxr_instance *instance, scxr_write_fn write, void *context)
{
	(void)instance;
	write(context, "wide\n", 5);
	return SCXR_OK;
}

static scxr_status wide_read_stats(scxr_instance *instance, scxr_stat_value *values, size_t count, size_t stride)
{
	(void)instance;
	if (count != 3 || stride < sizeof(scxr_stat_value))
		return SCXR_ERR_INVALID_ARGUMENT;
	unsigned char *bytes = (unsigned char *)values;
	scxr_stat_value *big = (scxr_stat_value *)bytes;
	scxr_stat_value *negative = (scxr_stat_value *)(bytes + stride);
	scxr_stat_value *absent = (scxr_stat_value *)(bytes + 2 * stride);
	big->number.u64 = UINT64_MAX; /* 18446744073709551615: no double holds it */
	negative->number.s64 = -9007199254740993LL; /* -(2^53 + 1) */
	absent->flags = SCXR_STAT_ABSENT;
	return SCXR_OK;
}

SCXR_PLUGIN_EXPORT const scxr_plugin_entry scx_runner_plugin_entry = {
	.abi_major = SCXR_ABI_MAJOR,
	.abi_minor = SCXR_ABI_MINOR,
	.struct_size = sizeof(scxr_plugin_entry),
	.id = "test_wide_elements",
	.version = "1.1.0",
	.description = "longer array elements than this header's",
	.options = &options[0].desc,
	.option_count = 2,
	.option_stride = sizeof(struct wide_option),
	.requirements = &requirements[0].requirement,
	.requirement_count = 2,
	.requirement_stride = sizeof(struct wide_requirement),
	.stat_schema = &stats[0].desc,
	.stat_count = 3,
	.stat_stride = sizeof(struct wide_stat),
	.create = wide_create,
	.destroy = wide_destroy,
	.last_error = wide_last_error,
	.configure = wide_configure,
	.load = wide_load,
	.attach = wide_ok,
	.detach = wide_ok,
	.poll = wide_poll,
	.dump = wide_dump,
	.read_stats = wide_read_stats,
};
