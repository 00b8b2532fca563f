// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <scx_runner/plugin_abi.h>

#include <string>

namespace scxr::sdk {

// The services the runner passed to create(), copied so they outlive the call.
class Host {
public:
	explicit Host(const scxr_host &host) : host_(host) {}

	void log(scxr_log_level level, const std::string &message) const
	{
		if (host_.log)
			host_.log(host_.log_context, level, message.c_str());
	}
	void debug(const std::string &message) const { log(SCXR_LOG_DEBUG, message); }
	void info(const std::string &message) const { log(SCXR_LOG_INFO, message); }
	void warn(const std::string &message) const { log(SCXR_LOG_WARN, message); }
	void error(const std::string &message) const { log(SCXR_LOG_ERROR, message); }

	uint32_t abi_major() const { return host_.abi_major; }
	uint32_t abi_minor() const { return host_.abi_minor; }

private:
	scxr_host host_;
};

} // namespace scxr::sdk
