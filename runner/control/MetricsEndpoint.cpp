// SPDX-License-Identifier: GPL-2.0-only
#include "control/MetricsEndpoint.hpp"

#include "base/RunnerError.hpp"
#include "http/metrics_module.h"
#include "plugin/PluginFileSafety.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <utility>

namespace scxr {

std::vector<std::filesystem::path> MetricsEndpoint::default_module_paths(const std::filesystem::path &module_directory)
{
	std::vector<std::filesystem::path> paths;
	std::error_code error;
	const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
	if (!error)
		paths.push_back(executable.parent_path() / kModuleFileName);
	paths.push_back(module_directory / kModuleFileName);
	return paths;
}

MetricsEndpoint::MetricsEndpoint(Options options, Source source)
	: options_(std::move(options)), source_(std::move(source)),
	  wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
	if (!wake_)
		throw RunnerError(ExitCode::metrics_failed, fmt::format("--metrics: eventfd: {}", std::strerror(errno)));
	const std::filesystem::path *found = nullptr;
	for (const std::filesystem::path &path : options_.module_paths) {
		std::error_code error;
		if (std::filesystem::exists(path, error)) {
			found = &path;
			break;
		}
	}
	if (!found) {
		std::string searched;
		for (const std::filesystem::path &path : options_.module_paths)
			searched += fmt::format("\n  {}", path.string());
		throw RunnerError(ExitCode::metrics_failed,
				  fmt::format("--metrics: the metrics module {} is not installed; build scx-runner with "
					      "cpp-httplib (meson -Dmetrics=enabled), or run without --metrics",
					      kModuleFileName),
				  "searched:" + searched);
	}
	try {
		library_ = FreshLibrary::open(PluginFileSafety().open_checked(*found), *found);
	} catch (const RunnerError &error) {
		throw RunnerError(ExitCode::metrics_failed, fmt::format("--metrics: {}", error.what()), error.details());
	}
	const auto entry = reinterpret_cast<scxr_metrics_module_entry_fn>(library_.symbol(SCXR_METRICS_MODULE_ENTRY));
	module_ = entry ? entry() : nullptr;
	if (!module_ || module_->version != SCXR_METRICS_MODULE_VERSION)
		throw RunnerError(ExitCode::metrics_failed,
				  fmt::format("--metrics: {} is not this runner's metrics module (version {}, want {}); "
					      "reinstall scx-runner",
					      found->string(), module_ ? module_->version : 0, SCXR_METRICS_MODULE_VERSION));
	char error[256] = "";
	server_ = module_->start(options_.host.c_str(), options_.port, &MetricsEndpoint::render_for_module, this, error,
				 sizeof(error));
	if (!server_)
		throw RunnerError(ExitCode::metrics_failed,
				  fmt::format("--metrics: {}; pick another port, or stop what listens there", error));
	port_ = module_->port(server_);
	spdlog::info("serving metrics on http://{}/metrics", address());
}

MetricsEndpoint::~MetricsEndpoint()
{
	{
		std::lock_guard lock(mutex_);
		closing_ = true;
	}
	rendered_.notify_all();
	if (server_)
		module_->stop(server_);
}

std::string MetricsEndpoint::address() const
{
	const bool ipv6 = options_.host.find(':') != std::string::npos;
	return ipv6 ? fmt::format("[{}]:{}", options_.host, port_) : fmt::format("{}:{}", options_.host, port_);
}

int MetricsEndpoint::render_for_module(void *context, char **text, size_t *size)
{
	return static_cast<MetricsEndpoint *>(context)->render(text, size);
}

// On one of the module's threads.
int MetricsEndpoint::render(char **text, size_t *size)
{
	std::unique_lock lock(mutex_);
	const uint64_t ticket = ++asked_;
	const uint64_t one = 1;
	if (::write(wake_.get(), &one, sizeof(one)) < 0 && errno != EAGAIN)
		return 503;
	if (!rendered_.wait_for(lock, options_.render_timeout, [&] { return answered_ >= ticket || closing_; }) ||
	    answered_ < ticket)
		return 503;
	char *copy = static_cast<char *>(std::malloc(page_.size() + 1));
	if (!copy)
		return 503;
	std::memcpy(copy, page_.data(), page_.size() + 1);
	*text = copy;
	*size = page_.size();
	return 0;
}

void MetricsEndpoint::service()
{
	uint64_t count = 0;
	if (::read(wake_.get(), &count, sizeof(count)) < 0)
		return; // EAGAIN: nothing asked
	uint64_t target = 0;
	{
		std::lock_guard lock(mutex_);
		target = asked_;
	}
	// Rendered outside the lock: a scrape arriving meanwhile waits for the next turn, as it
	// asked after this page was begun.
	std::string page = source_();
	{
		std::lock_guard lock(mutex_);
		page_ = std::move(page);
		answered_ = target;
	}
	rendered_.notify_all();
}

} // namespace scxr
