// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

struct btf;

namespace scxr::sdk {

// Answers "does this kernel have X?" from its BTF: types, struct members, kfuncs and
// enumerators. The runner probes a plugin's declared requirements with it, and plugins use it
// to adapt (qmap clears the sub-scheduler ops where the kernel wants the cid form).
class KernelBtf {
public:
	// The running kernel's BTF (/sys/kernel/btf/vmlinux). Throws PluginError
	// (SCXR_ERR_KERNEL_UNSUPPORTED) when the kernel has none.
	static std::unique_ptr<KernelBtf> load_running();
	// BTF from a file (a vmlinux or raw BTF), for tests and for other kernels.
	static std::unique_ptr<KernelBtf> load_file(const std::string &path);

	~KernelBtf();
	KernelBtf(const KernelBtf &) = delete;
	KernelBtf &operator=(const KernelBtf &) = delete;

	bool has_type(std::string_view name) const;
	bool has_member(std::string_view type_name, std::string_view member) const;
	bool has_kfunc(std::string_view name) const;
	bool has_enum_value(std::string_view name) const;

private:
	explicit KernelBtf(struct btf *btf) : btf_(btf) {}

	struct btf *btf_;
	mutable std::unordered_set<std::string> enum_values_; // filled on first use
};

} // namespace scxr::sdk
