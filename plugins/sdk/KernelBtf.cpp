// SPDX-License-Identifier: GPL-2.0-only
#include "scx_runner/sdk/KernelBtf.hpp"

#include "scx_runner/sdk/PluginError.hpp"

#include <bpf/btf.h>

#include <cerrno>
#include <cstring>

namespace scxr::sdk {

namespace {

// A name may be looked up as any of these kinds: "sched_ext_ops" is a struct, but a plugin
// author should not have to know whether a requirement is a struct, a union or a typedef.
constexpr int kNamedKinds[] = {BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_TYPEDEF, BTF_KIND_ENUM,
			       BTF_KIND_ENUM64, BTF_KIND_FWD};

} // namespace

std::unique_ptr<KernelBtf> KernelBtf::load_running()
{
	struct btf *btf = btf__load_vmlinux_btf();
	if (!btf)
		throw PluginError(SCXR_ERR_KERNEL_UNSUPPORTED,
				  std::string("cannot read the kernel's BTF (/sys/kernel/btf/vmlinux): ") +
					  std::strerror(errno) + "; the kernel needs CONFIG_DEBUG_INFO_BTF=y");
	return std::unique_ptr<KernelBtf>(new KernelBtf(btf));
}

std::unique_ptr<KernelBtf> KernelBtf::load_file(const std::string &path)
{
	struct btf *btf = btf__parse(path.c_str(), nullptr);
	if (!btf)
		throw PluginError(SCXR_ERR_INVALID_ARGUMENT,
				  "cannot read BTF from " + path + ": " + std::strerror(errno));
	return std::unique_ptr<KernelBtf>(new KernelBtf(btf));
}

KernelBtf::~KernelBtf() { btf__free(btf_); }

bool KernelBtf::has_type(std::string_view name) const
{
	const std::string key(name);
	for (int kind : kNamedKinds)
		if (btf__find_by_name_kind(btf_, key.c_str(), kind) > 0)
			return true;
	return false;
}

bool KernelBtf::has_member(std::string_view type_name, std::string_view member) const
{
	const std::string key(type_name);
	for (int kind : {BTF_KIND_STRUCT, BTF_KIND_UNION}) {
		const int id = btf__find_by_name_kind(btf_, key.c_str(), kind);
		if (id <= 0)
			continue;
		const struct btf_type *type = btf__type_by_id(btf_, id);
		const struct btf_member *members = btf_members(type);
		for (unsigned index = 0; index < btf_vlen(type); ++index) {
			const char *name = btf__name_by_offset(btf_, members[index].name_off);
			if (name && member == name)
				return true;
		}
	}
	return false;
}

bool KernelBtf::has_kfunc(std::string_view name) const
{
	const std::string key(name);
	return btf__find_by_name_kind(btf_, key.c_str(), BTF_KIND_FUNC) > 0;
}

bool KernelBtf::has_enum_value(std::string_view name) const
{
	if (enum_values_.empty()) {
		const unsigned count = btf__type_cnt(btf_);
		for (unsigned id = 1; id < count; ++id) {
			const struct btf_type *type = btf__type_by_id(btf_, id);
			if (btf_is_enum(type)) {
				const struct btf_enum *values = btf_enum(type);
				for (unsigned index = 0; index < btf_vlen(type); ++index)
					enum_values_.emplace(btf__name_by_offset(btf_, values[index].name_off));
			} else if (btf_is_enum64(type)) {
				const struct btf_enum64 *values = btf_enum64(type);
				for (unsigned index = 0; index < btf_vlen(type); ++index)
					enum_values_.emplace(btf__name_by_offset(btf_, values[index].name_off));
			}
		}
	}
	return enum_values_.count(std::string(name)) > 0;
}

} // namespace scxr::sdk
