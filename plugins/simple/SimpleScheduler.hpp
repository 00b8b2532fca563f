// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// The userspace half of bpf/simple.bpf.c: options into rodata, load, attach through the
// struct_ops link, exit info, and the per-CPU dispatch counters read from the skeleton's
// mapping of .bss.

#include "scx_runner/sdk/Scheduler.hpp"

#include <bpf/libbpf.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// The generated skeleton (simple.skel.h). Only SimpleScheduler.cpp and tests include it: its
// functions are static, and a member type naming one of them would differ per file.
struct simple;

namespace scxr::simple_plugin {

// Sums of all CPUs' struct simple_cpu_stats.
struct DispatchCounts {
	uint64_t local = 0;
	uint64_t global = 0;
};

class SimpleScheduler : public sdk::Scheduler {
public:
	explicit SimpleScheduler(const sdk::Host &host);

	// Opens the skeleton and writes the options into its rodata, the struct_ops table and the
	// exit dump buffer's size: all of these are fixed once load() has run.
	void configure(const sdk::OptionValues &options) override;
	void load() override;
	void attach() override;
	void detach() override;
	sdk::ExitReport poll() override;
	std::vector<sdk::StatRow> stats() override;
	std::string dump() override;

	// The opened (after configure) or loaded skeleton, for tests that check where the options
	// landed. nullptr before configure().
	const ::simple *skeleton() const { return skeleton_.get(); }

private:
	struct SkeletonDeleter {
		void operator()(::simple *skeleton) const;
	};
	struct LinkDeleter {
		void operator()(bpf_link *link) const { bpf_link__destroy(link); }
	};

	DispatchCounts read_dispatch_counts() const;
	void reset_dispatch_counts();
	const char *mode_name() const;

	std::unique_ptr<::simple, SkeletonDeleter> skeleton_;
	// Held while attached: destroying the struct_ops link disables the scheduler.
	std::unique_ptr<bpf_link, LinkDeleter> link_;
	// CPUs whose counters exist: min(possible CPUs, SIMPLE_MAX_CPUS).
	unsigned counted_cpus_ = 0;
};

} // namespace scxr::simple_plugin
