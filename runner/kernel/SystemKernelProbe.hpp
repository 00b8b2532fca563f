// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "kernel/KernelProbe.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace scxr::sdk {
class KernelBtf;
}

namespace scxr {

// The real machine: effective uid, /sys/kernel/sched_ext, uname and the kernel's BTF
// (/sys/kernel/btf/vmlinux, read on first use and freed once a requirement check is done; the
// small answers are kept). Thread-safe: a background verify may explain its failure with it.
class SystemKernelProbe : public KernelProbe {
public:
	// sched_ext_directory is a parameter so tests can point it at a prepared directory.
	explicit SystemKernelProbe(std::filesystem::path sched_ext_directory = "/sys/kernel/sched_ext");
	~SystemKernelProbe() override;

	bool is_root() const override;
	bool has_sched_ext() const override;
	std::string sched_ext_state() const override;
	std::string attached_scheduler() const override;
	std::string enable_seq() const override;
	std::string kernel_release() const override;
	bool has(const scxr_requirement &requirement) const override;

protected:
	void forget_kernel_btf() const override;

private:
	std::string read_first_line(const std::filesystem::path &path) const;
	const sdk::KernelBtf &btf() const;

	std::filesystem::path sched_ext_directory_;
	mutable std::unique_ptr<sdk::KernelBtf> btf_;
	mutable std::map<std::string, bool> answers_;
	mutable std::mutex btf_mutex_; // guards btf_ and answers_
};

} // namespace scxr
