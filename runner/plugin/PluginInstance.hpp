// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/ExitCode.hpp"
#include "plugin/NodePlace.hpp"
#include "plugin/OptionSettings.hpp"
#include "plugin/PluginLibrary.hpp"
#include "plugin/SchedulerExit.hpp"
#include "plugin/StatSample.hpp"
#include "plugin/StatSchema.hpp"

#include <scx_runner/plugin_abi.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace scxr {

// Owns one scxr_instance of a plugin: created in the constructor, destroyed (detaching first
// if needed) in the destructor, and holding the PluginLibrary so the file stays loaded until
// then. Failed calls throw RunnerError with the plugin's last_error() and the exit code its
// status maps to. Not movable: the plugin's log callback points at this object.
class PluginInstance {
public:
	explicit PluginInstance(std::shared_ptr<const PluginLibrary> library);
	~PluginInstance();
	PluginInstance(const PluginInstance &) = delete;
	PluginInstance &operator=(const PluginInstance &) = delete;

	void configure(const OptionSettings &settings);
	// Tells a configured instance where in a tree it will run (the sched-tree extension),
	// before load(). Throws RunnerError (bad_profile) when the plugin refuses the place, or
	// has no sched-tree extension at all.
	void place(const NodePlace &where);
	void load();
	void attach();
	// Disables the scheduler. Safe to call when not attached (does nothing).
	void detach();
	// nullopt while the scheduler runs.
	std::optional<SchedulerExit> poll();
	// One reading, in schema order, without the stats the plugin marked absent. Reads a 1.1
	// plugin's values by its published schema, a 1.0 plugin's rows (double values) by the
	// schema learnt from its first reading.
	std::vector<StatSample> stats();
	// The same reading into samples: an entry that already holds the stat (from an earlier
	// reading) gets only its new value, so a caller that reads every interval copies no names
	// or help texts after the first time.
	void refresh_stats(std::vector<StatSample> &samples);
	// The stats this instance reports: its plugin's published schema, or for a 1.0 plugin the
	// one its readings described so far (empty before the first).
	const StatSchema &stat_schema() const
	{
		return library_->stat_schema().empty() ? rows_schema_ : library_->stat_schema();
	}
	std::string dump();
	// A descriptor that turns readable when the attached scheduler exits (the plugin's
	// exit-event extension), for the loop to wait on instead of polling; -1 before load() and
	// when the plugin has none. Owned by the instance.
	int exit_event_fd() const { return exit_event_fd_; }

	bool attached() const { return attached_; }
	const PluginLibrary &library() const { return *library_; }
	const std::string &id() const { return id_; }

	// The exit code a failure with this status stands for, when it happens in call
	// ("configure", "load", ...).
	static ExitCode exit_code_for(scxr_status status, const std::string &call);

private:
	std::string last_error() const;
	// Throws when status is not SCXR_OK.
	void check(scxr_status status, const std::string &call) const;
	// May be called from the plugin's own threads (plugin_abi.h, "Threading"): spdlog's
	// loggers are thread-safe, and id_ does not change after the constructor.
	static void log_from_plugin(void *context, scxr_log_level level, const char *message) noexcept;
	void read_stats(std::vector<StatSample> &samples);
	int query_exit_event_fd() const;
	std::vector<StatSample> stats_from_rows();

	std::shared_ptr<const PluginLibrary> library_;
	std::string id_;
	scxr_instance *handle_ = nullptr;
	bool attached_ = false;
	int exit_event_fd_ = -1; // from load() on
	// read_stats()'s value array, kept so a reading allocates it only once.
	std::vector<scxr_stat_value> values_;
	// The stats a 1.0 plugin's rows describe, learnt from its first reading.
	StatSchema rows_schema_;
};

} // namespace scxr
