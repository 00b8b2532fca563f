// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "scx_runner/sdk/Host.hpp"
#include "scx_runner/sdk/OptionValues.hpp"
#include "scx_runner/sdk/StatValues.hpp"

#include <cstdint>
#include <string>

namespace scxr::sdk {

// Where the host places an instance in a tree of schedulers (scx_runner/sched_tree.h), copied
// out of the C struct: depth 0 is the root, cgroup_path is empty for the root.
struct TreePlace {
	uint32_t depth = 0;
	uint64_t cgroup_id = 0;
	std::string cgroup_path;
	uint32_t children = 0;

	bool is_child() const { return depth > 0; }
	// Whether the node takes part in a tree at all (a child, or a root with children).
	bool in_tree() const { return depth > 0 || children > 0; }
};

struct ExitReport {
	bool exited = false;
	int32_t kind = 0;
	int64_t exit_code = 0;
	std::string reason;
	std::string message;
	std::string dump;
};

// A plugin's scheduler, written as a plain class. Methods report failure by throwing
// PluginError (any other exception becomes SCXR_ERR_INTERNAL). The SDK's thunks enforce the
// call states of plugin_abi.h, so a method is only called in the state the header allows.
// The constructor may throw too: the host then shows its message as the reason create()
// failed. host() may be used from threads the scheduler starts itself; the destructor stops
// and joins them, because the host's log is valid only until destroy() returns.
class Scheduler {
public:
	explicit Scheduler(const Host &host) : host_(host) {}
	virtual ~Scheduler() = default;
	Scheduler(const Scheduler &) = delete;
	Scheduler &operator=(const Scheduler &) = delete;

	virtual void configure(const OptionValues &options) = 0;
	virtual void load() = 0;
	virtual void attach() = 0;
	virtual void detach() = 0;
	virtual ExitReport poll() = 0;
	// Sets the value of each stat of the plugin's schema (PluginInfo::stats) that this reading
	// has; the rest stay absent.
	virtual void stats(StatValues &values) = 0;
	virtual std::string dump() = 0;
	// A descriptor that becomes readable when the attached scheduler exits (the extension of
	// scx_runner/exit_event.h); -1: none, and the host polls on a timer. Called while loaded or
	// attached; the descriptor stays the scheduler's.
	virtual int exit_event_fd() { return -1; }
	// Where the host will run this instance in a tree (the sched-tree/1 extension), called at
	// most once, after configure() and before load(). The SDK has already checked the place
	// against the plugin's TreeRoles (PluginInfo::tree); what the running kernel allows is
	// load()'s to say. Only plugins that publish TreeRoles are placed.
	virtual void place(const TreePlace &where) { (void)where; }

protected:
	const Host &host() const { return host_; }

private:
	Host host_;
};

} // namespace scxr::sdk
