// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// The userspace half of plugins/qmap/qmap.bpf.c: options into rodata and the struct_ops tables,
// the choice of the ops' form for the running kernel and the place in a tree, attach through the
// struct_ops link, exit info, and stats and a live dump read straight from the arena mapping.

#include "scx_runner/sdk/SkeletonScheduler.hpp"

#include "QmapArenaView.hpp"

#include <cstdint>
#include <optional>
#include <string>

// The generated skeleton (qmap.skel.h). Only QmapScheduler.cpp and tests include it: its
// functions are static, and a member type naming one of them would differ per file. So the
// SDK's lifecycle for it is instantiated once, in QmapScheduler.cpp.
struct qmap;
extern template class scxr::sdk::SkeletonScheduler<::qmap>;

namespace scxr::sdk {
class KernelBtf;
}

namespace scxr::qmap_plugin {

class QmapScheduler : public sdk::SkeletonScheduler<::qmap> {
public:
	explicit QmapScheduler(const sdk::Host &host);

	// Opens the skeleton and writes every option where the BPF side reads it: rodata, both
	// struct_ops tables (flags, dump length) and the exit dump buffer's size. All of these are
	// fixed once load() has run.
	void configure(const sdk::OptionValues &options) override;
	// Remembers where the host runs this node; a child's cgroup goes into the cid-form table
	// (sub_cgroup_id) before load.
	void place(const sdk::TreePlace &where) override;
	// The values of kStats (QmapStats.hpp), read from the arena.
	void stats(sdk::StatValues &values) override;
	std::string dump() override;

	// What load() changes for the kernel described by `kernel`, before the BPF load. Where the
	// kernel has the 7.3 cid form (struct sched_ext_ops_cid with sub_caps_updated) qmap loads in
	// the cid form, as a root that hosts children or as a child; elsewhere (7.2, whose cid ABI
	// differs) in the classic form as a single scheduler, and a place in a tree is refused as
	// SCXR_ERR_KERNEL_UNSUPPORTED ("needs Linux 7.3"). always_enq_immed is refused where the
	// kernel lacks it. Public for tests.
	void adapt_to_kernel(const sdk::KernelBtf &kernel);
	// Whether the form chosen by adapt_to_kernel() is the cid form.
	bool uses_cid_form() const { return cid_form_; }

private:
	// Adapts the ops table to the running kernel (adapt_to_kernel) before the BPF load.
	void before_load() override;
	// Checks that the arena is mapped where the plugin will read it.
	void after_load() override;
	// Counters from zero on every attach.
	void before_attach() override;

	// The arena as this process maps it; nullopt before load.
	std::optional<QmapArenaView> arena_view() const;

	sdk::TreePlace place_;
	bool cid_form_ = false;
	bool kernel_has_cpuperf_ = false;
};

} // namespace scxr::qmap_plugin
