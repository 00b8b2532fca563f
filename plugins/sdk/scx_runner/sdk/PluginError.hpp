// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <scx_runner/plugin_abi.h>

#include <stdexcept>
#include <string>

namespace scxr::sdk {

// What a plugin throws from its Scheduler methods. The SDK's thunks catch it at the ABI
// boundary and turn it into the status code plus the instance's last-error string.
class PluginError : public std::runtime_error {
public:
	PluginError(scxr_status status, const std::string &message)
		: std::runtime_error(message), status_(status) {}

	scxr_status status() const noexcept { return status_; }

private:
	scxr_status status_;
};

} // namespace scxr::sdk
