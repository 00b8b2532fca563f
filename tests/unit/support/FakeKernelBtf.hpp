// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// A kernel described by a few BTF types, for plugins' kernel-dependent choices without a kernel:
// the structs (with member names), kfuncs and enum values given are written as raw BTF to a
// temporary file and read back through sdk::KernelBtf::load_file(), as a vmlinux BTF would be.
//
//   auto kernel = FakeKernelBtf()
//                     .with_struct("sched_ext_ops_cid", {"select_cid", "sub_caps_updated"})
//                     .with_kfunc("scx_bpf_cidperf_cur")
//                     .load();

#include "scx_runner/sdk/KernelBtf.hpp"

#include <bpf/btf.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace scxr::test {

class FakeKernelBtf {
public:
	FakeKernelBtf &with_struct(std::string name, std::vector<std::string> members)
	{
		structs_.emplace_back(std::move(name), std::move(members));
		return *this;
	}
	FakeKernelBtf &with_kfunc(std::string name)
	{
		kfuncs_.push_back(std::move(name));
		return *this;
	}
	FakeKernelBtf &with_enum_value(std::string name)
	{
		enum_values_.push_back(std::move(name));
		return *this;
	}

	std::unique_ptr<sdk::KernelBtf> load() const
	{
		struct btf *btf = btf__new_empty();
		if (!btf)
			throw std::runtime_error("btf__new_empty failed");
		const int u64_id = btf__add_int(btf, "u64", 8, 0);
		for (const auto &[name, members] : structs_) {
			btf__add_struct(btf, name.c_str(), static_cast<uint32_t>(8 * members.size()));
			for (size_t index = 0; index < members.size(); ++index)
				btf__add_field(btf, members[index].c_str(), u64_id, static_cast<uint32_t>(64 * index), 0);
		}
		const int proto_id = btf__add_func_proto(btf, u64_id);
		for (const std::string &name : kfuncs_)
			btf__add_func(btf, name.c_str(), BTF_FUNC_EXTERN, proto_id);
		if (!enum_values_.empty()) {
			btf__add_enum(btf, "fake_kernel_enum", 4);
			int value = 0;
			for (const std::string &name : enum_values_)
				btf__add_enum_value(btf, name.c_str(), value++);
		}

		uint32_t size = 0;
		const void *raw = btf__raw_data(btf, &size);
		char path[] = "/tmp/fake-kernel-btf-XXXXXX";
		const int fd = mkstemp(path);
		const bool written = raw && fd >= 0 && write(fd, raw, size) == static_cast<ssize_t>(size);
		if (fd >= 0)
			close(fd);
		btf__free(btf);
		if (!written) {
			std::remove(path);
			throw std::runtime_error("cannot write the fake kernel BTF");
		}
		auto kernel = sdk::KernelBtf::load_file(path);
		std::remove(path);
		return kernel;
	}

	// The cid form as Linux 7.3 has it, and as 7.2 has it (no sub_caps_updated).
	static FakeKernelBtf linux_7_3()
	{
		return FakeKernelBtf()
			.with_struct("sched_ext_ops", {"select_cpu", "sub_attach"})
			.with_struct("sched_ext_ops_cid", {"select_cid", "sub_attach", "sub_caps_updated", "init_cids"})
			.with_kfunc("scx_bpf_cidperf_cur")
			.with_kfunc("scx_bpf_cpuperf_cur")
			.with_enum_value("SCX_OPS_ALWAYS_ENQ_IMMED");
	}
	static FakeKernelBtf linux_7_2()
	{
		return FakeKernelBtf()
			.with_struct("sched_ext_ops", {"select_cpu", "sub_attach"})
			.with_struct("sched_ext_ops_cid", {"select_cid", "sub_attach", "cgroup_init"})
			.with_kfunc("scx_bpf_cpuperf_cur")
			.with_enum_value("SCX_OPS_ALWAYS_ENQ_IMMED");
	}

private:
	std::vector<std::pair<std::string, std::vector<std::string>>> structs_;
	std::vector<std::string> kfuncs_;
	std::vector<std::string> enum_values_;
};

} // namespace scxr::test
