// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "session/BackgroundVerify.hpp"

#include <memory>

namespace scxr {

class KernelProbe;
class LibbpfLog;
class PluginInstance;
struct ResolvedNode;

// Makes a node of a profile's tree ready to attach: create -> configure -> place (a node in a
// tree: its cgroup prepared first, CgroupDirectory) -> load (verify). A failed
// load is explained from what libbpf printed meanwhile, or by what the kernel lacks of the
// plugin's requirements (only a failed load pays for parsing the kernel's BTF).
//
// The same work runs on the loop's thread (starts, restarts, fallbacks, stop-start swaps) and
// on a BackgroundVerify (pre-verified swaps).
class InstanceLoader {
public:
	// kernel and libbpf_log must outlive the loader and every work it handed out.
	InstanceLoader(const KernelProbe &kernel, LibbpfLog &libbpf_log, bool full_verifier_log);

	// The work for a worker thread. It holds copies of what it needs, not references to the
	// caller's state, which goes on changing while it runs; the libbpf log is safe to share
	// between threads. After a successful load it hands the heap pages the load freed back to
	// the kernel.
	BackgroundVerify::Work work(const ResolvedNode &node) const;
	// Runs the work here and logs how long it took. Throws RunnerError.
	std::unique_ptr<PluginInstance> load(const ResolvedNode &node) const;

private:
	const KernelProbe &kernel_;
	LibbpfLog &libbpf_log_;
	bool full_verifier_log_;
};

} // namespace scxr
