// SPDX-License-Identifier: GPL-2.0-only
#include "scx_runner/sdk/BpfTypes.hpp"

#include "scx_runner/exit_info.h"
#include "simple.h"
#include "simple.skel.h"

#include "SimpleScheduler.hpp"

#include "SimpleOptions.hpp"

#include "scx_runner/sdk/PluginError.hpp"
#include "scx_runner/sdk/Skeleton.hpp"

#include <bpf/libbpf.h>

#include <algorithm>
#include <cstring>

namespace scxr::simple_plugin {

namespace {

constexpr const char *kSchedulerName = "simple";

} // namespace

SimpleScheduler::SimpleScheduler(const sdk::Host &host) : sdk::Scheduler(host) {}

void SimpleScheduler::SkeletonDeleter::operator()(::simple *skeleton) const { ::simple::destroy(skeleton); }

void SimpleScheduler::configure(const sdk::OptionValues &options)
{
	const std::string &mode = options.get_string("mode");
	if (mode != "vtime" && mode != "fifo")
		throw sdk::PluginError(SCXR_ERR_INVALID_ARGUMENT,
				       "option 'mode' is '" + mode + "'; expected 'vtime' or 'fifo'");

	skeleton_.reset(::simple::open());
	if (!skeleton_)
		throw sdk::PluginError(SCXR_ERR_INTERNAL, "cannot open the simple BPF object: " +
								  sdk::errno_text(errno));

	skeleton_->rodata->slice_ns = options.get_duration_ns("slice");
	skeleton_->rodata->fifo_mode = mode == "fifo";

	// The kernel fills a dump buffer of the struct_ops length and ops.exit copies up to the
	// rodata length into exit_dump: all three must agree. The kernel reads a struct_ops length
	// of 0 as "its default", so "no dump" is asked for with the smallest real buffer instead.
	const auto dump_length = static_cast<uint32_t>(
		std::min<uint64_t>(options.get_uint("exit_dump_len"), kMaxExitDumpLength));
	sdk::set_exit_dump_length(skeleton_.get(), dump_length);
	skeleton_->struct_ops.simple_ops->exit_dump_len = std::max<uint32_t>(dump_length, 1);

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

void SimpleScheduler::load()
{
	if (const int error = ::simple::load(skeleton_.get()); error)
		throw sdk::PluginError(sdk::status_for_load_error(error),
				       "the kernel did not accept the simple BPF scheduler: " +
					       sdk::errno_text(error));
}

void SimpleScheduler::attach()
{
	// A re-attach after detach() starts from a clean slate: no stale exit, counters from zero.
	sdk::clear_exit_info(skeleton_.get());
	reset_dispatch_counts();
	link_.reset(sdk::attach_struct_ops(skeleton_->maps.simple_ops, kSchedulerName).release());
}

void SimpleScheduler::detach()
{
	// Destroying the link disables the scheduler; by the time it returns the kernel has run
	// ops.exit, so poll() after this still reports the exit.
	link_.reset();
}

sdk::ExitReport SimpleScheduler::poll() { return sdk::read_exit_report(skeleton_.get()); }

DispatchCounts SimpleScheduler::read_dispatch_counts() const
{
	DispatchCounts counts;
	const auto &cpu_stats = skeleton_->bss->cpu_stats;
	for (unsigned cpu = 0; cpu < counted_cpus_; ++cpu) {
		// Each slot is written by its CPU while we read: a relaxed atomic load gets a whole value.
		counts.local += __atomic_load_n(&cpu_stats[cpu].nr_local_dispatched, __ATOMIC_RELAXED);
		counts.global += __atomic_load_n(&cpu_stats[cpu].nr_global_dispatched, __ATOMIC_RELAXED);
	}
	return counts;
}

void SimpleScheduler::reset_dispatch_counts()
{
	std::memset(skeleton_->bss->cpu_stats, 0, sizeof(skeleton_->bss->cpu_stats));
}

const char *SimpleScheduler::mode_name() const { return skeleton_->rodata->fifo_mode ? "fifo" : "vtime"; }

std::vector<sdk::StatRow> SimpleScheduler::stats()
{
	const DispatchCounts counts = read_dispatch_counts();
	return {
		{"local_dispatches", SCXR_STAT_COUNTER, static_cast<double>(counts.local), "tasks",
		 "tasks sent straight to an idle CPU when they woke up"},
		{"global_dispatches", SCXR_STAT_COUNTER, static_cast<double>(counts.global), "tasks",
		 "tasks queued on the shared dispatch queue"},
	};
}

std::string SimpleScheduler::dump()
{
	const DispatchCounts counts = read_dispatch_counts();
	std::string text;
	text += "mode: " + std::string(mode_name()) + "\n";
	text += "slice_ns: " + std::to_string(skeleton_->rodata->slice_ns) + "\n";
	text += "attached: " + std::string(link_ ? "yes" : "no") + "\n";
	text += "local_dispatches: " + std::to_string(counts.local) + "\n";
	text += "global_dispatches: " + std::to_string(counts.global) + "\n";
	return text;
}

} // namespace scxr::simple_plugin
