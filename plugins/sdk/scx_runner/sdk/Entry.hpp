// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// Turns a Scheduler subclass into the C entry of plugin_abi.h:
//
//   constexpr scxr::sdk::PluginInfo kInfo{"qmap", "1.0.0", "...", kOptions, kRequirements, kStats};
//   extern "C" SCXR_PLUGIN_EXPORT const scxr_plugin_entry scx_runner_plugin_entry =
//       scxr::sdk::make_entry<QmapScheduler, kInfo>();
//
// kInfo is a template argument, not a function argument, because the thunks need the stats
// schema at run time (read_stats() fills values by it) and a constant-initialised entry leaves
// them no other place to find it.
//
// The thunks are noexcept: every exception stops here and becomes a status code plus the
// instance's last-error string, because an exception unwinding into the C host is undefined.

#include "scx_runner/sdk/PluginError.hpp"
#include "scx_runner/sdk/Scheduler.hpp"
#include "scx_runner/sdk/StatValues.hpp"

#include <scx_runner/exit_event.h>
#include <scx_runner/plugin_abi.h>
#include <scx_runner/sched_tree.h>

#include <exception>
#include <initializer_list>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>

namespace scxr::sdk {

// What a plugin can be in a tree of schedulers (scx_runner/sched_tree.h); all of it [static].
// roles 0: the plugin does not answer the sched-tree extension, and is only ever a single
// scheduler.
struct TreeRoles {
	uint32_t roles = 0;        // SCXR_TREE_CAN_HOST | SCXR_TREE_CAN_BE_CHILD
	uint32_t max_children = 0; // most children one node hosts; 0 without CAN_HOST
	const char *kernel_needs = nullptr;
};

// The kernel refuses a sub-scheduler at this depth or deeper (SCX_SUB_MAX_DEPTH; the root is 0).
inline constexpr uint32_t kMaxTreeDepth = 4;

// What an entry says about its plugin; all of it [static].
struct PluginInfo {
	const char *id;
	const char *version;
	const char *description;
	std::span<const scxr_option_desc> options;
	std::span<const scxr_requirement> requirements;
	std::span<const scxr_stat_desc> stats;
	// The plugin's own extensions (plugin_abi.h, "Extensions"); nullptr: none. The SDK answers
	// "scx-runner.exit-event/1" (scx_runner/exit_event.h) itself, from Scheduler::exit_event_fd().
	const void *(*get_extension)(const char *id) = nullptr;
	// Answered as "scx-runner.sched-tree/1" by the SDK when roles is not 0; the instance's
	// Scheduler::place() receives the place once the SDK has checked it against these roles.
	TreeRoles tree = {};
};

namespace detail {

// failed: create() failed; the instance only holds the reason (plugin_abi.h's FAILED).
enum class State { failed, created, configured, loaded, attached };

// What scxr_instance* really points to.
struct Instance {
	std::unique_ptr<Scheduler> scheduler;
	State state = State::created;
	std::string last_error;
	ExitReport exit_report;
	size_t setting_stride = sizeof(scxr_option_setting);
	bool placed = false; // place() succeeded once: a second place() is refused
};

// Why `where` is not a place a plugin with `roles` may take; empty when it is.
inline std::string tree_place_problem(const char *plugin, const TreeRoles &roles, const TreePlace &where)
{
	const std::string name = std::string("plugin '") + plugin + "'";
	if (where.is_child() && !(roles.roles & SCXR_TREE_CAN_BE_CHILD))
		return name + " cannot be a child scheduler (sub-scheduler) in a tree; use it as the root";
	if (where.depth >= kMaxTreeDepth)
		return name + ": depth " + std::to_string(where.depth) + " is too deep: the kernel nests at most " +
		       std::to_string(kMaxTreeDepth) + " levels (the root is depth 0)";
	if (where.is_child() && (where.cgroup_id <= 1 || where.cgroup_path.empty()))
		return name + ": a child needs the id and path of its cgroup (not the root cgroup)";
	if (!where.is_child() && (where.cgroup_id != 0 || !where.cgroup_path.empty()))
		return name + ": the root (depth 0) schedules the whole machine and takes no cgroup";
	if (where.children > 0 && !(roles.roles & SCXR_TREE_CAN_HOST))
		return name + " cannot host child schedulers; give its children to a plugin that can";
	if (where.children > roles.max_children)
		return name + ": " + std::to_string(where.children) + " children, but one node hosts at most " +
		       std::to_string(roles.max_children);
	return {};
}

inline Instance *unwrap(scxr_instance *instance) { return reinterpret_cast<Instance *>(instance); }

inline const char *state_name(State state)
{
	switch (state) {
	case State::failed: return "failed";
	case State::created: return "created";
	case State::configured: return "configured";
	case State::loaded: return "loaded";
	case State::attached: return "attached";
	}
	return "unknown";
}

// Runs body, turning what it throws into a status and last_error (call names the ABI call
// in messages). bad_alloc while writing the message itself cannot be reported, only returned.
template <typename Body>
scxr_status converting_exceptions(std::string &last_error, const char *call, Body &&body) noexcept
{
	try {
		try {
			body();
			return SCXR_OK;
		} catch (const PluginError &error) {
			last_error = error.what();
			return error.status();
		} catch (const std::bad_alloc &) {
			last_error = std::string(call) + "(): out of memory";
			return SCXR_ERR_NO_MEMORY;
		} catch (const std::exception &error) {
			last_error = std::string(call) + "(): " + error.what();
			return SCXR_ERR_INTERNAL;
		} catch (...) {
			last_error = std::string(call) + "(): unknown exception";
			return SCXR_ERR_INTERNAL;
		}
	} catch (...) {
		return SCXR_ERR_NO_MEMORY;
	}
}

// Runs body if the instance is in one of the allowed states, converting exceptions.
template <typename Body>
scxr_status guarded(scxr_instance *handle, std::initializer_list<State> allowed, const char *call,
		    Body &&body) noexcept
{
	Instance *instance = unwrap(handle);
	if (!instance)
		return SCXR_ERR_INVALID_ARGUMENT;
	bool state_ok = false;
	for (State state : allowed)
		state_ok = state_ok || state == instance->state;
	if (!state_ok)
		return converting_exceptions(instance->last_error, call, [&] {
			throw PluginError(SCXR_ERR_STATE, std::string(call) + "() is not allowed in state '" +
								  state_name(instance->state) + "'");
		});
	return converting_exceptions(instance->last_error, call, [&] { body(*instance); });
}

template <typename T, const PluginInfo &info>
struct Thunks {
	static scxr_status create(const scxr_host *host, scxr_instance **out) noexcept
	{
		if (!out)
			return SCXR_ERR_INVALID_ARGUMENT;
		*out = nullptr;
		// A host that loads a 1.1 plugin is 1.1 or newer, so its struct is at least this long.
		if (!host || host->struct_size < sizeof(scxr_host) || host->setting_stride < sizeof(scxr_option_setting))
			return SCXR_ERR_INVALID_ARGUMENT;
		std::unique_ptr<Instance> instance(new (std::nothrow) Instance);
		if (!instance)
			return SCXR_ERR_NO_MEMORY;
		instance->setting_stride = host->setting_stride;
		const scxr_status status = converting_exceptions(instance->last_error, "create", [&] {
			instance->scheduler = std::make_unique<T>(Host(*host));
		});
		// A failed instance carries the reason to the host, which reads it and destroys it.
		if (status != SCXR_OK)
			instance->state = State::failed;
		*out = reinterpret_cast<scxr_instance *>(instance.release());
		return status;
	}

	static void destroy(scxr_instance *handle) noexcept
	{
		std::unique_ptr<Instance> instance(unwrap(handle));
		if (!instance)
			return;
		try {
			if (instance->state == State::attached && instance->scheduler)
				instance->scheduler->detach();
		} catch (...) {
			// Destroying the skeleton below detaches whatever is left.
		}
		try {
			instance->scheduler.reset();
		} catch (...) {
		}
	}

	static const char *last_error(const scxr_instance *handle) noexcept
	{
		const auto *instance = reinterpret_cast<const Instance *>(handle);
		return instance ? instance->last_error.c_str() : "";
	}

	static scxr_status configure(scxr_instance *handle, const scxr_option_setting *settings,
				     size_t count) noexcept
	{
		return guarded(handle, {State::created}, "configure", [&](Instance &instance) {
			instance.scheduler->configure(OptionValues(settings, count, instance.setting_stride));
			instance.state = State::configured;
		});
	}

	static scxr_status load(scxr_instance *handle) noexcept
	{
		return guarded(handle, {State::configured}, "load", [](Instance &instance) {
			instance.scheduler->load();
			instance.state = State::loaded;
		});
	}

	static scxr_status attach(scxr_instance *handle) noexcept
	{
		return guarded(handle, {State::loaded}, "attach", [](Instance &instance) {
			instance.scheduler->attach();
			instance.state = State::attached;
		});
	}

	static scxr_status detach(scxr_instance *handle) noexcept
	{
		return guarded(handle, {State::attached}, "detach", [](Instance &instance) {
			// Whatever detach() throws, the scheduler is no longer usable as attached.
			instance.state = State::loaded;
			instance.scheduler->detach();
		});
	}

	static scxr_status poll(scxr_instance *handle, scxr_exit_report *out) noexcept
	{
		if (!out || out->struct_size < sizeof(scxr_exit_report))
			return SCXR_ERR_INVALID_ARGUMENT;
		return guarded(handle, {State::attached}, "poll", [out](Instance &instance) {
			instance.exit_report = instance.scheduler->poll();
			const ExitReport &report = instance.exit_report;
			out->exited = report.exited;
			out->kind = report.kind;
			out->exit_code = report.exit_code;
			out->reason = report.reason.c_str();
			out->message = report.message.c_str();
			out->dump = report.dump.c_str();
		});
	}

	static scxr_status read_stats(scxr_instance *handle, scxr_stat_value *values, size_t count,
				      size_t value_stride) noexcept
	{
		if (count != info.stats.size() || (count > 0 && !values) || value_stride < sizeof(scxr_stat_value))
			return SCXR_ERR_INVALID_ARGUMENT;
		return guarded(handle, {State::loaded, State::attached}, "read_stats", [&](Instance &instance) {
			StatValues writer(info.stats, values, value_stride);
			instance.scheduler->stats(writer);
		});
	}

	static int exit_fd(scxr_instance *handle) noexcept
	{
		Instance *instance = unwrap(handle);
		if (!instance || (instance->state != State::loaded && instance->state != State::attached))
			return -1;
		try {
			return instance->scheduler->exit_event_fd();
		} catch (...) {
			return -1; // the host falls back to polling
		}
	}

	// Every SDK plugin answers the exit-event extension (a scheduler without a descriptor
	// returns -1 from it); other ids go to the plugin's own get_extension.
	static const void *get_extension(const char *id) noexcept
	{
		static constexpr scxr_exit_event_extension kExitEvent{sizeof(scxr_exit_event_extension), &exit_fd};
		if (!id)
			return nullptr;
		if (std::string_view(id) == SCXR_EXIT_EVENT_EXTENSION)
			return &kExitEvent;
		static constexpr scxr_sched_tree_extension kSchedTree{sizeof(scxr_sched_tree_extension),
								       info.tree.roles, info.tree.max_children,
								       info.tree.kernel_needs, &place};
		if (info.tree.roles != 0 && std::string_view(id) == SCXR_SCHED_TREE_EXTENSION)
			return &kSchedTree;
		return info.get_extension ? info.get_extension(id) : nullptr;
	}

	static scxr_status place(scxr_instance *handle, const scxr_tree_place *where) noexcept
	{
		if (!where || where->struct_size < sizeof(scxr_tree_place))
			return SCXR_ERR_INVALID_ARGUMENT;
		return guarded(handle, {State::configured}, "place", [where](Instance &instance) {
			if (instance.placed)
				throw PluginError(SCXR_ERR_INVALID_ARGUMENT,
						  "place(): the instance is placed already (place() is called once)");
			TreePlace copy;
			copy.depth = where->depth;
			copy.cgroup_id = where->cgroup_id;
			copy.cgroup_path = where->cgroup_path ? where->cgroup_path : "";
			copy.children = where->children;
			if (const std::string problem = tree_place_problem(info.id, info.tree, copy); !problem.empty())
				throw PluginError(SCXR_ERR_INVALID_ARGUMENT, problem);
			instance.scheduler->place(copy);
			instance.placed = true;
		});
	}

	static scxr_status dump(scxr_instance *handle, scxr_write_fn write, void *context) noexcept
	{
		if (!write)
			return SCXR_ERR_INVALID_ARGUMENT;
		return guarded(handle, {State::loaded, State::attached}, "dump", [&](Instance &instance) {
			const std::string text = instance.scheduler->dump();
			write(context, text.data(), text.size());
		});
	}
};

} // namespace detail

template <typename T, const PluginInfo &info>
constexpr scxr_plugin_entry make_entry()
{
	using Thunks = detail::Thunks<T, info>;
	scxr_plugin_entry entry{};
	entry.abi_major = SCXR_ABI_MAJOR;
	entry.abi_minor = SCXR_ABI_MINOR;
	entry.struct_size = sizeof(scxr_plugin_entry);
	entry.id = info.id;
	entry.version = info.version;
	entry.description = info.description;
	entry.options = info.options.data();
	entry.option_count = info.options.size();
	entry.requirements = info.requirements.data();
	entry.requirement_count = info.requirements.size();
	entry.create = &Thunks::create;
	entry.destroy = &Thunks::destroy;
	entry.last_error = &Thunks::last_error;
	entry.configure = &Thunks::configure;
	entry.load = &Thunks::load;
	entry.attach = &Thunks::attach;
	entry.detach = &Thunks::detach;
	entry.poll = &Thunks::poll;
	// The 1.0 stats() call stays empty: 1.1 hosts read the schema and read_stats().
	entry.stats = nullptr;
	entry.dump = &Thunks::dump;
	entry.option_stride = sizeof(scxr_option_desc);
	entry.requirement_stride = sizeof(scxr_requirement);
	entry.stat_stride = sizeof(scxr_stat_desc);
	entry.stat_schema = info.stats.data();
	entry.stat_count = info.stats.size();
	entry.read_stats = &Thunks::read_stats;
	entry.get_extension = &Thunks::get_extension;
	return entry;
}

} // namespace scxr::sdk
