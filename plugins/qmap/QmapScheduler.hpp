// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// The userspace half of bpf/qmap.bpf.c: options into rodata and the struct_ops table, the
// kernel-specific adjustments before load, attach through the struct_ops link, exit info, and
// stats and a live dump read straight from the arena mapping.

#include "scx_runner/sdk/Scheduler.hpp"

#include "QmapArenaView.hpp"

#include <bpf/libbpf.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// The generated skeleton (qmap.skel.h). Only QmapScheduler.cpp and tests include it: its
// functions are static, and a member type naming one of them would differ per file.
struct qmap;

namespace scxr::sdk {
class KernelBtf;
}

namespace scxr::qmap_plugin {

class QmapScheduler : public sdk::Scheduler {
public:
	explicit QmapScheduler(const sdk::Host &host);

	// Opens the skeleton and writes every option where the BPF side reads it: rodata, the
	// struct_ops table (flags, dump length, sub-scheduler cgroup) and the exit dump buffer's
	// size. All of these are fixed once load() has run.
	void configure(const sdk::OptionValues &options) override;
	// Adapts the ops table to the running kernel (adapt_to_kernel), then verifies and loads.
	void load() override;
	void attach() override;
	void detach() override;
	sdk::ExitReport poll() override;
	std::vector<sdk::StatRow> stats() override;
	std::string dump() override;

	// What load() changes for the kernel described by `kernel`, before the BPF load: on kernels
	// whose sched_ext wants the cid form of the ops for hosting sub-schedulers
	// (struct sched_ext_ops_cid, 7.2+) sub_attach/sub_detach are cleared, and a
	// sub_scheduler_cgroup is refused as SCXR_ERR_KERNEL_UNSUPPORTED; always_enq_immed is
	// refused where the kernel lacks it. Public for tests.
	void adapt_to_kernel(const sdk::KernelBtf &kernel);

	// The opened (after configure) or loaded skeleton, for tests that check where the options
	// landed. nullptr before configure().
	const ::qmap *skeleton() const { return skeleton_.get(); }

private:
	struct SkeletonDeleter {
		void operator()(::qmap *skeleton) const;
	};
	struct LinkDeleter {
		void operator()(bpf_link *link) const { bpf_link__destroy(link); }
	};

	// The arena as this process maps it; nullopt before load.
	std::optional<QmapArenaView> arena_view() const;
	void reset_arena_counters();

	std::unique_ptr<::qmap, SkeletonDeleter> skeleton_;
	// Held while attached: destroying the struct_ops link disables the scheduler.
	std::unique_ptr<bpf_link, LinkDeleter> link_;
	std::string sub_scheduler_cgroup_;
	bool kernel_has_cpuperf_ = false;
};

} // namespace scxr::qmap_plugin
