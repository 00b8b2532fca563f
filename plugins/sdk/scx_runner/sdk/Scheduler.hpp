// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "scx_runner/sdk/Host.hpp"
#include "scx_runner/sdk/OptionValues.hpp"
#include "scx_runner/sdk/StatValues.hpp"

#include <cstdint>
#include <string>

namespace scxr::sdk {

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

protected:
	const Host &host() const { return host_; }

private:
	Host host_;
};

} // namespace scxr::sdk
