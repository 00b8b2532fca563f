// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// The userspace half of plugins/simple/simple.bpf.c: options into rodata, load, attach through the
// struct_ops link, exit info, and the per-CPU dispatch counters read from the skeleton's
// mapping of .bss.

#include "scx_runner/sdk/SkeletonScheduler.hpp"

#include <cstdint>
#include <string>

// The generated skeleton (simple.skel.h). Only SimpleScheduler.cpp and tests include it: its
// functions are static, and a member type naming one of them would differ per file. So the
// SDK's lifecycle for it is instantiated once, in SimpleScheduler.cpp.
struct simple;
extern template class scxr::sdk::SkeletonScheduler<::simple>;

namespace scxr::sdk {
class KernelBtf;
}

namespace scxr::simple_plugin {

// Sums of all CPUs' struct simple_cpu_stats.
struct DispatchCounts {
	uint64_t local = 0;
	uint64_t global = 0;
};

class SimpleScheduler : public sdk::SkeletonScheduler<::simple> {
public:
	explicit SimpleScheduler(const sdk::Host &host);

	// Opens the skeleton and writes the options into its rodata, the struct_ops table and the
	// exit dump buffer's size: all of these are fixed once load() has run.
	void configure(const sdk::OptionValues &options) override;
	// A child (depth > 0) loads the cid form with the child's cgroup in sub_cgroup_id; the root
	// keeps the classic form.
	void place(const sdk::TreePlace &where) override;
	void stats(sdk::StatValues &values) override;
	std::string dump() override;

	// Switches the skeleton to the form the place needs, for the kernel described by `kernel`:
	// a child needs 7.3's cid form (SCXR_ERR_KERNEL_UNSUPPORTED elsewhere). Public for tests.
	void choose_form(const sdk::KernelBtf &kernel);

private:
	// Chooses the form for the running kernel (choose_form).
	void before_load() override;
	// Counts the possible CPUs, whose dispatch counters stats() sums.
	void after_load() override;
	// Counters from zero on every attach.
	void before_attach() override;

	DispatchCounts read_dispatch_counts() const;
	const char *mode_name() const;

	// CPUs whose counters exist: min(possible CPUs, SIMPLE_MAX_CPUS); 0 until loaded, when
	// every counter is zero anyway.
	unsigned counted_cpus_ = 0;
	sdk::TreePlace place_;
};

} // namespace scxr::simple_plugin
