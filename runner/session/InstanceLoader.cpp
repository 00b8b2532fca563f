// SPDX-License-Identifier: GPL-2.0-only
#include "session/InstanceLoader.hpp"

#include "base/RunnerError.hpp"
#include "kernel/CgroupDirectory.hpp"
#include "kernel/KernelProbe.hpp"
#include "kernel/LibbpfLog.hpp"
#include "kernel/LoadDiagnosis.hpp"
#include "plugin/PluginInstance.hpp"
#include "profile/ResolvedProfile.hpp"

#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include <malloc.h>

#include <chrono>
#include <optional>
#include <string>

namespace scxr {

InstanceLoader::InstanceLoader(const KernelProbe &kernel, LibbpfLog &libbpf_log, bool full_verifier_log)
	: kernel_(kernel), libbpf_log_(libbpf_log), full_verifier_log_(full_verifier_log)
{
}

namespace {

// After a load, before its attach: hands the heap pages that the load freed back to the kernel.
// libbpf parses the kernel's BTF, megabytes in many small blocks, for every load and frees it
// at the end of the load, on whichever thread loads; glibc keeps such pages otherwise. Before
// the attach, so that the scheduler runs with the memory it keeps (a few milliseconds under
// emulation, inside the load's own time; a swap's load runs before its gap).
void release_load_memory() { ::malloc_trim(0); }

// What a node in a tree needs before its load: its cgroup ready, and its place told. A root
// without children and without a cgroup is a single scheduler and is never placed.
struct PlaceWork {
	bool needed = false;
	NodePlace place;
	bool create_cgroup = false;
	std::optional<uint32_t> cpu_weight;
	std::string cgroup_position; // the profile's cgroup key, for messages

	explicit PlaceWork(const ResolvedNode &node)
	{
		needed = !node.cgroup_dir.empty() || !node.children.empty();
		place.depth = node.depth;
		place.cgroup_path = node.cgroup_dir;
		place.children = static_cast<uint32_t>(node.children.size());
		if (node.written.cgroup) {
			create_cgroup = node.written.cgroup->create;
			cpu_weight = node.written.cgroup->cpu_weight;
			cgroup_position = node.written.cgroup->position.to_string();
		}
	}

	void apply(PluginInstance &instance)
	{
		if (!needed)
			return;
		if (!place.cgroup_path.empty()) {
			try {
				place.cgroup_id = CgroupDirectory::prepare(place.cgroup_path, create_cgroup, cpu_weight);
			} catch (const RunnerError &error) {
				throw RunnerError(error.code(), fmt::format("{}: {}", cgroup_position, error.what()),
						  error.details());
			}
		}
		instance.place(place);
	}
};

} // namespace

BackgroundVerify::Work InstanceLoader::work(const ResolvedNode &node) const
{
	return [plugin = node.plugin, options = node.options, place = PlaceWork(node), &libbpf_log = libbpf_log_,
		&kernel = kernel_, kernel_release = kernel_.kernel_release(), full_log = full_verifier_log_]() mutable {
		auto instance = std::make_unique<PluginInstance>(plugin);
		instance->configure(options);
		place.apply(*instance);
		LibbpfLog::Capture capture(libbpf_log);
		try {
			instance->load();
		} catch (const RunnerError &error) {
			// A kernel that lacks what the plugin declares explains the failure best (exit 8,
			// naming what is missing).
			kernel.check_requirements(*plugin);
			throw LoadDiagnosis::analyse(capture.text()).explain(error, instance->id(), kernel_release, full_log);
		}
		release_load_memory();
		return instance;
	};
}

std::unique_ptr<PluginInstance> InstanceLoader::load(const ResolvedNode &node) const
{
	// With --log-level debug, this line's timestamp against the process start is the runner's
	// own start-up cost (issue 12: at most 50 ms under emulation).
	spdlog::debug("{}: creating, configuring and loading the scheduler", node.plugin->id());
	const auto started = std::chrono::steady_clock::now();
	std::unique_ptr<PluginInstance> instance = work(node)();
	spdlog::info("{}: loaded and verified in {} ms", instance->id(),
		     std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
			     .count());
	return instance;
}

} // namespace scxr
