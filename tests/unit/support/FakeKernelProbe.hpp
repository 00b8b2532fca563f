// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "kernel/KernelProbe.hpp"

#include <set>
#include <string>

namespace scxr::test {

// A machine described by fields: root or not, sched_ext or not, what is attached, which BTF
// names exist. Defaults: a root shell on a 7.3 kernel with sched_ext, nothing attached, every
// requirement present.
class FakeKernelProbe : public KernelProbe {
public:
	bool root = true;
	bool sched_ext = true;
	std::string state = "disabled";
	std::string attached = "";
	std::string release = "7.3.4-fake";
	std::string enable_sequence = "0";
	bool every_requirement_present = true;
	std::set<std::string> present; // describe(requirement) strings, when not every one is
	// What the real probe would cost: each has() parses (or reuses) the kernel's BTF.
	mutable int requirement_lookups = 0;
	mutable int btf_releases = 0;

	bool is_root() const override { return root; }
	bool has_sched_ext() const override { return sched_ext; }
	std::string sched_ext_state() const override { return state; }
	std::string attached_scheduler() const override { return attached; }
	std::string enable_seq() const override { return enable_sequence; }
	std::string kernel_release() const override { return release; }
	bool has(const scxr_requirement &requirement) const override
	{
		++requirement_lookups;
		return every_requirement_present || present.count(describe(requirement)) > 0;
	}

protected:
	void forget_kernel_btf() const override { ++btf_releases; }
};

} // namespace scxr::test
