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

#include <scx_runner/plugin_abi.h>

#include <exception>
#include <initializer_list>
#include <memory>
#include <new>
#include <span>
#include <string>

namespace scxr::sdk {

// What an entry says about its plugin; all of it [static].
struct PluginInfo {
	const char *id;
	const char *version;
	const char *description;
	std::span<const scxr_option_desc> options;
	std::span<const scxr_requirement> requirements;
	std::span<const scxr_stat_desc> stats;
	// The entry's get_extension (plugin_abi.h, "Extensions"); nullptr: no extensions.
	const void *(*get_extension)(const char *id) = nullptr;
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
};

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
	entry.get_extension = info.get_extension;
	return entry;
}

} // namespace scxr::sdk
