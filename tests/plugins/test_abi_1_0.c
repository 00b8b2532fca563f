/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_abi_1_0: a plugin built against the frozen ABI 1.0 header (tests/plugins/abi-1.0/, the
 * header of scx-runner before 1.1, verbatim) in plain C, as a third party wrote plugins then. It
 * proves that this runner still loads 1.0 plugins: their entry ends at dump(), their arrays
 * carry no strides, and stats() sends every name again, with double values, on each call.
 *
 * A fake scheduler without BPF: configure() keeps its options, load() and attach() only move the
 * state, and each stats() call "dispatches" batch more tasks.
 */
#include <scx_runner/plugin_abi.h>

#if SCXR_ABI_MAJOR != 1 || SCXR_ABI_MINOR != 0
#error "test_abi_1_0 must be built against the frozen 1.0 header in tests/plugins/abi-1.0"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

enum state { CREATED, CONFIGURED, LOADED, ATTACHED };

struct scxr_instance {
	enum state state;
	scxr_host host;
	uint64_t batch;
	bool verbose;
	char label[64];
	uint64_t dispatched;
	uint64_t polls;
	char last_error[128];
	/* The rows of the last stats() call, [until-next stats]; the names are static. */
	scxr_stat rows[3];
};

static const char *const modes[] = {"fifo", "weighted", NULL};

static const scxr_option_desc options[] = {
	{.name = "batch", .type = SCXR_OPT_UINT, .help = "tasks 'dispatched' per stats reading", .unit = "tasks",
	 .default_value = {.u = 4}, .has_min = true, .has_max = true, .min = {.u = 1}, .max = {.u = 1000}},
	{.name = "verbose", .type = SCXR_OPT_BOOL, .help = "log every configure", .default_value = {.b = false}},
	{.name = "label", .type = SCXR_OPT_STRING, .help = "a name shown in dumps", .default_value = {.s = "old"}},
	{.name = "mode", .type = SCXR_OPT_ENUM, .help = "queueing discipline", .default_value = {.s = "fifo"},
	 .enum_values = modes},
};

static const scxr_requirement requirements[] = {
	{.kind = SCXR_REQ_TYPE, .name = "sched_ext_ops", .since = "6.12", .feature = "sched_ext"},
};

static scxr_status fail(scxr_instance *instance, scxr_status status, const char *message)
{
	snprintf(instance->last_error, sizeof(instance->last_error), "%s", message);
	return status;
}

static scxr_status plugin_create(const scxr_host *host, scxr_instance **out)
{
	*out = NULL;
	if (!host || host->struct_size < sizeof(scxr_host))
		return SCXR_ERR_INVALID_ARGUMENT;
	scxr_instance *instance = calloc(1, sizeof(*instance));
	if (!instance)
		return SCXR_ERR_NO_MEMORY;
	/* A 1.1 host's struct is longer; this plugin knows (and copies) only the 1.0 part. */
	memcpy(&instance->host, host, sizeof(instance->host));
	instance->state = CREATED;
	*out = instance;
	return SCXR_OK;
}

static void plugin_destroy(scxr_instance *instance) { free(instance); }

static const char *plugin_last_error(const scxr_instance *instance) { return instance->last_error; }

static scxr_status plugin_configure(scxr_instance *instance, const scxr_option_setting *settings, size_t count)
{
	if (instance->state != CREATED)
		return fail(instance, SCXR_ERR_STATE, "configure() is allowed only once");
	for (size_t index = 0; index < count; ++index) {
		const scxr_option_setting *setting = &settings[index];
		if (strcmp(setting->name, "batch") == 0)
			instance->batch = setting->value.u;
		else if (strcmp(setting->name, "verbose") == 0)
			instance->verbose = setting->value.b;
		else if (strcmp(setting->name, "label") == 0)
			snprintf(instance->label, sizeof(instance->label), "%s", setting->value.s ? setting->value.s : "");
		else if (strcmp(setting->name, "mode") != 0)
			return fail(instance, SCXR_ERR_INVALID_ARGUMENT, "unknown option");
	}
	if (instance->verbose && instance->host.log)
		instance->host.log(instance->host.log_context, SCXR_LOG_INFO, "test_abi_1_0 configured");
	instance->state = CONFIGURED;
	return SCXR_OK;
}

static scxr_status move_state(scxr_instance *instance, enum state from, enum state to, const char *call)
{
	if (instance->state != from) {
		char message[64];
		snprintf(message, sizeof(message), "%s() in the wrong state", call);
		return fail(instance, SCXR_ERR_STATE, message);
	}
	instance->state = to;
	return SCXR_OK;
}

static scxr_status plugin_load(scxr_instance *instance) { return move_state(instance, CONFIGURED, LOADED, "load"); }
static scxr_status plugin_attach(scxr_instance *instance)
{
	return move_state(instance, LOADED, ATTACHED, "attach");
}
static scxr_status plugin_detach(scxr_instance *instance)
{
	return move_state(instance, ATTACHED, LOADED, "detach");
}

static scxr_status plugin_poll(scxr_instance *instance, scxr_exit_report *out)
{
	if (instance->state != ATTACHED)
		return fail(instance, SCXR_ERR_STATE, "poll() while not attached");
	++instance->polls;
	out->exited = false;
	return SCXR_OK;
}

static scxr_status plugin_stats(scxr_instance *instance, const scxr_stat **rows, size_t *count)
{
	if (instance->state != LOADED && instance->state != ATTACHED)
		return fail(instance, SCXR_ERR_STATE, "stats() before load");
	instance->dispatched += instance->batch;
	instance->rows[0] = (scxr_stat){"nr_dispatched", SCXR_STAT_COUNTER, (double)instance->dispatched, "tasks",
					"batch per stats reading"};
	instance->rows[1] = (scxr_stat){"nr_polls", SCXR_STAT_COUNTER, (double)instance->polls, NULL, NULL};
	instance->rows[2] = (scxr_stat){"share", SCXR_STAT_GAUGE, 0.25, "", "a fraction"};
	*rows = instance->rows;
	*count = 3;
	return SCXR_OK;
}

static scxr_status plugin_dump(scxr_instance *instance, scxr_write_fn write, void *context)
{
	char text[128];
	const int length = snprintf(text, sizeof(text), "label=%s dispatched=%llu\n", instance->label,
				    (unsigned long long)instance->dispatched);
	write(context, text, (size_t)length);
	return SCXR_OK;
}

EXPORT const scxr_plugin_entry scx_runner_plugin_entry = {
	.abi_major = SCXR_ABI_MAJOR,
	.abi_minor = SCXR_ABI_MINOR,
	.struct_size = sizeof(scxr_plugin_entry),
	.id = "test_abi_1_0",
	.version = "1.0.7",
	.description = "built against the ABI 1.0 header",
	.options = options,
	.option_count = sizeof(options) / sizeof(options[0]),
	.requirements = requirements,
	.requirement_count = sizeof(requirements) / sizeof(requirements[0]),
	.create = plugin_create,
	.destroy = plugin_destroy,
	.last_error = plugin_last_error,
	.configure = plugin_configure,
	.load = plugin_load,
	.attach = plugin_attach,
	.detach = plugin_detach,
	.poll = plugin_poll,
	.stats = plugin_stats,
	.dump = plugin_dump,
};
