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
	void stats(sdk::StatValues &values) override;
	std::string dump() override;

private:
	// Counts the possible CPUs, whose dispatch counters stats() sums.
	void after_load() override;
	// Counters from zero on every attach.
	void before_attach() override;

	DispatchCounts read_dispatch_counts() const;
	const char *mode_name() const;

	// CPUs whose counters exist: min(possible CPUs, SIMPLE_MAX_CPUS); 0 until loaded, when
	// every counter is zero anyway.
	unsigned counted_cpus_ = 0;
};

} // namespace scxr::simple_plugin
