// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// Turns a Scheduler subclass into the C entry of plugin_abi.h:
//
//   extern "C" SCXR_PLUGIN_EXPORT const scxr_plugin_entry scx_runner_plugin_entry =
//       scxr::sdk::make_entry<QmapScheduler>({"qmap", "1.0.0", "...", kOptions, kRequirements});
//
// The thunks are noexcept: every exception stops here and becomes a status code plus the
// instance's last-error string, because an exception unwinding into the C host is undefined.

#include "scx_runner/sdk/PluginError.hpp"
#include "scx_runner/sdk/Scheduler.hpp"

#include <scx_runner/plugin_abi.h>

#include <exception>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <vector>

#define SCXR_PLUGIN_EXPORT __attribute__((visibility("default")))

namespace scxr::sdk {

struct PluginInfo {
	const char *id;
	const char *version;
	const char *description;
	std::span<const scxr_option_desc> options;
	std::span<const scxr_requirement> requirements;
};

namespace detail {

enum class State { created, configured, loaded, attached };

// What scxr_instance* really points to.
struct Instance {
	std::unique_ptr<Scheduler> scheduler;
	State state = State::created;
	std::string last_error;
	ExitReport exit_report;
	std::vector<StatRow> stat_values;
	std::vector<scxr_stat> stat_rows;
};

inline Instance *unwrap(scxr_instance *instance) { return reinterpret_cast<Instance *>(instance); }

inline const char *state_name(State state)
{
	switch (state) {
	case State::created: return "created";
	case State::configured: return "configured";
	case State::loaded: return "loaded";
	case State::attached: return "attached";
	}
	return "unknown";
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
	if (!state_ok) {
		instance->last_error = std::string(call) + "() is not allowed in state '" +
				       state_name(instance->state) + "'";
		return SCXR_ERR_STATE;
	}
	try {
		body(*instance);
		return SCXR_OK;
	} catch (const PluginError &error) {
		instance->last_error = error.what();
		return error.status();
	} catch (const std::bad_alloc &) {
		instance->last_error = std::string(call) + "(): out of memory";
		return SCXR_ERR_NO_MEMORY;
	} catch (const std::exception &error) {
		instance->last_error = std::string(call) + "(): " + error.what();
		return SCXR_ERR_INTERNAL;
	} catch (...) {
		instance->last_error = std::string(call) + "(): unknown exception";
		return SCXR_ERR_INTERNAL;
	}
}

template <typename T>
struct Thunks {
	static scxr_status create(const scxr_host *host, scxr_instance **out) noexcept
	{
		if (!out)
			return SCXR_ERR_INVALID_ARGUMENT;
		*out = nullptr;
		if (!host || host->struct_size < sizeof(scxr_host))
			return SCXR_ERR_INVALID_ARGUMENT;
		try {
			auto instance = std::make_unique<Instance>();
			instance->scheduler = std::make_unique<T>(Host(*host));
			*out = reinterpret_cast<scxr_instance *>(instance.release());
			return SCXR_OK;
		} catch (const std::bad_alloc &) {
			return SCXR_ERR_NO_MEMORY;
		} catch (...) {
			return SCXR_ERR_INTERNAL;
		}
	}

	static void destroy(scxr_instance *handle) noexcept
	{
		std::unique_ptr<Instance> instance(unwrap(handle));
		if (!instance)
			return;
		try {
			if (instance->state == State::attached)
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
			instance.scheduler->configure(OptionValues(settings, count));
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

	static scxr_status stats(scxr_instance *handle, const scxr_stat **rows, size_t *count) noexcept
	{
		if (!rows || !count)
			return SCXR_ERR_INVALID_ARGUMENT;
		return guarded(handle, {State::loaded, State::attached}, "stats", [&](Instance &instance) {
			instance.stat_values = instance.scheduler->stats();
			instance.stat_rows.clear();
			for (const StatRow &row : instance.stat_values)
				instance.stat_rows.push_back(scxr_stat{row.name.c_str(), row.kind, row.value,
								       row.unit.c_str(), row.help.c_str()});
			*rows = instance.stat_rows.data();
			*count = instance.stat_rows.size();
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

template <typename T>
constexpr scxr_plugin_entry make_entry(const PluginInfo &info)
{
	using Thunks = detail::Thunks<T>;
	return scxr_plugin_entry{
		SCXR_ABI_MAJOR,
		SCXR_ABI_MINOR,
		sizeof(scxr_plugin_entry),
		info.id,
		info.version,
		info.description,
		info.options.data(),
		info.options.size(),
		info.requirements.data(),
		info.requirements.size(),
		&Thunks::create,
		&Thunks::destroy,
		&Thunks::last_error,
		&Thunks::configure,
		&Thunks::load,
		&Thunks::attach,
		&Thunks::detach,
		&Thunks::poll,
		&Thunks::stats,
		&Thunks::dump,
	};
}

} // namespace scxr::sdk
