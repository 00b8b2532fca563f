// SPDX-License-Identifier: GPL-2.0-only
#include "scx_runner/sdk/BpfTypes.hpp"

#include "scx_runner/exit_info.h"
#include "simple.h"
#include "simple.skel.h"

#include "SimpleScheduler.hpp"

#include "SimpleOptions.hpp"

#include "scx_runner/sdk/KernelBtf.hpp"
#include "scx_runner/sdk/PluginError.hpp"

#include <bpf/libbpf.h>

#include <algorithm>
#include <cstring>

template class scxr::sdk::SkeletonScheduler<::simple>;

namespace scxr::simple_plugin {

SimpleScheduler::SimpleScheduler(const sdk::Host &host) : SkeletonScheduler(host, "simple") {}

void SimpleScheduler::configure(const sdk::OptionValues &options)
{
	const std::string &mode = options.get_string("mode");
	if (mode != "vtime" && mode != "fifo")
		throw sdk::PluginError(SCXR_ERR_INVALID_ARGUMENT,
				       "option 'mode' is '" + mode + "'; expected 'vtime' or 'fifo'");

	::simple &skeleton = open_skeleton(options.get_uint("exit_dump_len"));
	skeleton.rodata->slice_ns = options.get_duration_ns("slice");
	skeleton.rodata->fifo_mode = mode == "fifo";
}

void SimpleScheduler::place(const sdk::TreePlace &where)
{
	place_ = where;
	skeleton()->struct_ops.simple_cid_ops->sub_cgroup_id = where.is_child() ? where.cgroup_id : 0;
}

void SimpleScheduler::choose_form(const sdk::KernelBtf &kernel)
{
	const ::simple &skeleton = *this->skeleton();
	const bool cid_form = place_.is_child();
	// The cid table is built against 7.3's struct sched_ext_ops_cid (7.2's has other members).
	if (cid_form && !kernel.has_member("sched_ext_ops_cid", "sub_caps_updated"))
		throw sdk::PluginError(SCXR_ERR_KERNEL_UNSUPPORTED,
				       "simple as a child scheduler (on " + place_.cgroup_path +
					       ") needs Linux 7.3: sub-schedulers run only in the cid form of "
					       "sched_ext_ops, and simple's cid form is built for 7.3's; run simple "
					       "here as the root or a single scheduler");
	// The arena exists for the cid form only (the kernel requires one there); the classic form
	// creates neither it nor the cid table, and libbpf then loads none of the cid programs.
	bpf_map__set_autocreate(skeleton.maps.simple_ops, !cid_form);
	bpf_map__set_autocreate(skeleton.maps.simple_cid_ops, cid_form);
	bpf_map__set_autocreate(skeleton.maps.arena, cid_form);
}

void SimpleScheduler::before_load() { choose_form(*sdk::KernelBtf::load_running()); }

// Counted here, not in configure(): load needs the kernel anyway, while configure and the
// stats of an unloaded scheduler must work where there is no /sys (a Nix build sandbox runs the
// unit suite without it; libbpf reads /sys/devices/system/cpu/possible).
void SimpleScheduler::after_load()
{
	const int possible_cpus = libbpf_num_possible_cpus();
	if (possible_cpus < 0)
		throw sdk::PluginError(SCXR_ERR_INTERNAL,
				       "cannot count the possible CPUs: " + sdk::errno_text(possible_cpus));
	counted_cpus_ = std::min<unsigned>(possible_cpus, SIMPLE_MAX_CPUS);
	if (static_cast<unsigned>(possible_cpus) > SIMPLE_MAX_CPUS)
		host().warn("this machine has " + std::to_string(possible_cpus) +
			    " possible CPUs; simple counts dispatches on the first " +
			    std::to_string(SIMPLE_MAX_CPUS) + " only (scheduling covers all)");
}

void SimpleScheduler::before_attach()
{
	std::memset(skeleton()->bss->cpu_stats, 0, sizeof(skeleton()->bss->cpu_stats));
}

DispatchCounts SimpleScheduler::read_dispatch_counts() const
{
	DispatchCounts counts;
	const auto &cpu_stats = skeleton()->bss->cpu_stats;
	for (unsigned cpu = 0; cpu < counted_cpus_; ++cpu) {
		// Each slot is written by its CPU while we read: a relaxed atomic load gets a whole value.
		counts.local += __atomic_load_n(&cpu_stats[cpu].nr_local_dispatched, __ATOMIC_RELAXED);
		counts.global += __atomic_load_n(&cpu_stats[cpu].nr_global_dispatched, __ATOMIC_RELAXED);
	}
	return counts;
}

const char *SimpleScheduler::mode_name() const { return skeleton()->rodata->fifo_mode ? "fifo" : "vtime"; }

void SimpleScheduler::stats(sdk::StatValues &values)
{
	const DispatchCounts counts = read_dispatch_counts();
	values.set("local_dispatches", counts.local);
	values.set("global_dispatches", counts.global);
}

std::string SimpleScheduler::dump()
{
	const DispatchCounts counts = read_dispatch_counts();
	std::string text;
	text += "mode: " + std::string(mode_name()) + "\n";
	if (place_.is_child())
		text += "child scheduler of cgroup " + place_.cgroup_path + " (id " + std::to_string(place_.cgroup_id) +
			"), cid form\n";
	text += "slice_ns: " + std::to_string(skeleton()->rodata->slice_ns) + "\n";
	text += "attached: " + std::string(attached() ? "yes" : "no") + "\n";
	text += "local_dispatches: " + std::to_string(counts.local) + "\n";
	text += "global_dispatches: " + std::to_string(counts.global) + "\n";
	return text;
}

} // namespace scxr::simple_plugin
