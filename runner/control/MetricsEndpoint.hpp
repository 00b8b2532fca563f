// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/FileDescriptor.hpp"
#include "plugin/FreshLibrary.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

struct scxr_metrics_module;

namespace scxr {

// --metrics: /metrics served over HTTP by the metrics module (runner/http), which this class
// loads and starts, and whose pages it renders on the event loop's thread, where the
// schedulers live (plugins are not thread-safe, and a scrape must never race a swap).
//
// The module's threads ask for a page by writing the eventfd fd() and wait; the loop sees fd()
// readable, calls service(), which renders once for every request made up to then and wakes
// them. A scrape the loop cannot answer within render_timeout (it is inside a synchronous load)
// gets 503. Nothing of this wakes the loop while nobody scrapes.
class MetricsEndpoint {
public:
	// Renders one page; called by service() on the loop's thread.
	using Source = std::function<std::string()>;

	static constexpr const char *kModuleFileName = "scx-runner-metrics.so";

	struct Options {
		std::string host = "127.0.0.1";
		int port = 0; // 0: any free port (port() says which)
		// Where to look for the module, first found wins (default_module_paths()).
		std::vector<std::filesystem::path> module_paths;
		std::chrono::milliseconds render_timeout{2000};
	};

	// Beside the running executable (a runner in the build tree), then module_directory (where
	// the build installs it).
	static std::vector<std::filesystem::path> default_module_paths(const std::filesystem::path &module_directory);

	// Loads the module (checked like a plugin file: PluginFileSafety) and binds. Throws
	// RunnerError (metrics_failed) naming the address or the module and the fix.
	MetricsEndpoint(Options options, Source source);
	// Stops serving: waiting scrapes get 503 at once, then the module's threads are joined.
	~MetricsEndpoint();
	MetricsEndpoint(const MetricsEndpoint &) = delete;
	MetricsEndpoint &operator=(const MetricsEndpoint &) = delete;

	int fd() const { return wake_.get(); }
	void service();

	int port() const { return port_; }
	// host:port as a URL's authority ("127.0.0.1:9100", "[::1]:9100").
	std::string address() const;

private:
	static int render_for_module(void *context, char **text, size_t *size);
	int render(char **text, size_t *size);

	Options options_;
	Source source_;
	FileDescriptor wake_;
	FreshLibrary library_;
	const scxr_metrics_module *module_ = nullptr;
	void *server_ = nullptr;
	int port_ = 0;

	std::mutex mutex_;
	std::condition_variable rendered_;
	uint64_t asked_ = 0;    // requests made by the module's threads
	uint64_t answered_ = 0; // every request up to this one is answered by page_
	std::string page_;
	bool closing_ = false;
};

} // namespace scxr
