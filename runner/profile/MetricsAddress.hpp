// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scxr {

// Where --metrics (or [runner] metrics) serves /metrics: "9100" (loopback, so that nothing is
// exposed unless asked for), "127.0.0.1:9100", "0.0.0.0:9100", "[::1]:9100", "localhost:9100";
// port 0 lets the kernel pick a free port (the runner logs which).
struct MetricsAddress {
	static constexpr const char *kDefaultHost = "127.0.0.1";

	std::string host = kDefaultHost; // without the brackets of an IPv6 address
	int port = 0;

	// The address text parsed, or nullopt when it is none of the forms above ("off" and ""
	// are the caller's: they turn metrics off).
	static std::optional<MetricsAddress> parse(std::string_view text);
	// What the error message shows as the accepted forms.
	static constexpr const char *kForms = "PORT or HOST:PORT (e.g. 9100, 127.0.0.1:9100, [::1]:9100)";

	bool operator==(const MetricsAddress &) const = default;
};

} // namespace scxr
