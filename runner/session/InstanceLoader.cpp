// SPDX-License-Identifier: GPL-2.0-only
#include "session/InstanceLoader.hpp"

#include "base/RunnerError.hpp"
#include "kernel/KernelProbe.hpp"
#include "kernel/LibbpfLog.hpp"
#include "kernel/LoadDiagnosis.hpp"
#include "plugin/PluginInstance.hpp"
#include "profile/ResolvedProfile.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace scxr {

InstanceLoader::InstanceLoader(const KernelProbe &kernel, LibbpfLog &libbpf_log, bool full_verifier_log)
	: kernel_(kernel), libbpf_log_(libbpf_log), full_verifier_log_(full_verifier_log)
{
}

BackgroundVerify::Work InstanceLoader::work(const ResolvedProfile &resolved) const
{
	return [plugin = resolved.root.plugin, options = resolved.root.options, &libbpf_log = libbpf_log_, &kernel = kernel_,
		kernel_release = kernel_.kernel_release(), full_log = full_verifier_log_] {
		auto instance = std::make_unique<PluginInstance>(plugin);
		instance->configure(options);
		LibbpfLog::Capture capture(libbpf_log);
		try {
			instance->load();
		} catch (const RunnerError &error) {
			// A kernel that lacks what the plugin declares explains the failure best (exit 8,
			// naming what is missing).
			kernel.check_requirements(*plugin);
			throw LoadDiagnosis::analyse(capture.text()).explain(error, instance->id(), kernel_release, full_log);
		}
		return instance;
	};
}

std::unique_ptr<PluginInstance> InstanceLoader::load(const ResolvedProfile &resolved) const
{
	// With --log-level debug, this line's timestamp against the process start is the runner's
	// own start-up cost (issue 12: at most 50 ms under emulation).
	spdlog::debug("{}: creating, configuring and loading the scheduler", resolved.root.plugin->id());
	const auto started = std::chrono::steady_clock::now();
	std::unique_ptr<PluginInstance> instance = work(resolved)();
	spdlog::info("{}: loaded and verified in {} ms", instance->id(),
		     std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
			     .count());
	return instance;
}

} // namespace scxr
