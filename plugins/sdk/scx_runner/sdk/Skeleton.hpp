// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// Pieces every BPF-backed plugin needs around its generated skeleton: ownership of the
// skeleton and the struct_ops link, errno -> status mapping, and the exit-info protocol of
// bpf/include/scx_runner/exit_info.h (resize the dump buffer before load, clear it before each
// attach, read it once the kernel has recorded an exit).
//
// Include BpfTypes.hpp, exit_info.h and the skeleton header before this one.

#include "scx_runner/sdk/PluginError.hpp"
#include "scx_runner/sdk/Scheduler.hpp"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

namespace scxr::sdk {

// Owns a skeleton: open -> load -> destroy, destroy also on every error path. The destroy
// function is held at run time, not as a template argument: generated skeleton functions are
// static, and a class member naming one in its type trips -Wsubobject-linkage.
//   SkeletonPtr<simple> skeleton(simple__open_opts(&opts), simple__destroy);
template <typename Skel>
using SkeletonPtr = std::unique_ptr<Skel, void (*)(Skel *)>;

struct LinkDeleter {
	void operator()(bpf_link *link) const { bpf_link__destroy(link); }
};
// Owns the struct_ops link: destroying it disables the scheduler in the kernel.
using LinkPtr = std::unique_ptr<bpf_link, LinkDeleter>;

struct RingBufferDeleter {
	void operator()(ring_buffer *ring) const { ring_buffer__free(ring); }
};
using RingBufferPtr = std::unique_ptr<ring_buffer, RingBufferDeleter>;

inline std::string errno_text(int error)
{
	const int code = error < 0 ? -error : error;
	return std::string(std::strerror(code)) + " (errno " + std::to_string(code) + ")";
}

// libbpf returns negative errnos. The runner refines these with what libbpf logged (it sees the
// verifier log and kfunc mismatch messages through its print callback).
inline scxr_status status_for_load_error(int error)
{
	switch (error < 0 ? -error : error) {
	case EPERM: return SCXR_ERR_PERMISSION;
	case ENOMEM: return SCXR_ERR_NO_MEMORY;
	case ESRCH: // a kfunc or type the program needs is not in the kernel's BTF
	case ENOTSUP:
	case ENOENT: return SCXR_ERR_KERNEL_UNSUPPORTED;
	default: return SCXR_ERR_VERIFIER;
	}
}

inline scxr_status status_for_attach_error(int error)
{
	switch (error < 0 ? -error : error) {
	case EBUSY:
	case EEXIST: return SCXR_ERR_BUSY;
	case EPERM:
	case EACCES: return SCXR_ERR_PERMISSION;
	case ENOMEM: return SCXR_ERR_NO_MEMORY;
	default: return SCXR_ERR_ATTACH;
	}
}

// Enables the scheduler of a loaded skeleton through its struct_ops map.
inline LinkPtr attach_struct_ops(bpf_map *ops_map, const char *scheduler_name)
{
	bpf_link *link = bpf_map__attach_struct_ops(ops_map);
	if (!link) {
		const int error = -errno;
		std::string message = std::string("the kernel refused to enable ") + scheduler_name + ": " +
				      errno_text(error);
		if (error == -EBUSY || error == -EEXIST)
			message += "; another sched_ext scheduler is attached";
		throw PluginError(status_for_attach_error(error), message);
	}
	return LinkPtr(link);
}

// Sizes the exit dump buffer. Must run between open and load.
template <typename Skel>
void set_exit_dump_length(Skel *skeleton, uint32_t length)
{
	if (length < 1)
		length = 1;
	if (int error = bpf_map__set_value_size(skeleton->maps.data_exit_dump, length); error)
		throw PluginError(SCXR_ERR_INTERNAL, "cannot size the exit dump buffer: " + errno_text(error));
	size_t size = 0;
	skeleton->data_exit_dump = static_cast<decltype(skeleton->data_exit_dump)>(
		bpf_map__initial_value(skeleton->maps.data_exit_dump, &size));
	if (!skeleton->data_exit_dump || size != length)
		throw PluginError(SCXR_ERR_INTERNAL, "the exit dump buffer could not be resized");
	skeleton->rodata->exit_dump_len = length;
}

// Forgets an earlier exit so that a re-attached scheduler does not look exited.
template <typename Skel>
void clear_exit_info(Skel *skeleton)
{
	std::memset(&skeleton->data->exit_info, 0, sizeof(skeleton->data->exit_info));
	skeleton->data_exit_dump->exit_dump[0] = '\0';
}

template <size_t N>
std::string bounded_string(const char (&buffer)[N])
{
	return std::string(buffer, strnlen(buffer, N));
}

template <typename Skel>
ExitReport read_exit_report(const Skel *skeleton)
{
	ExitReport report;
	const auto &info = skeleton->data->exit_info;
	// ops.exit stores kind last, after a barrier: once it is non-zero the rest is complete.
	report.kind = __atomic_load_n(&info.kind, __ATOMIC_ACQUIRE);
	if (report.kind == 0)
		return report;
	report.exited = true;
	report.exit_code = info.exit_code;
	report.reason = bounded_string(info.reason);
	report.message = bounded_string(info.msg);
	const uint32_t dump_length = skeleton->rodata->exit_dump_len;
	report.dump = std::string(skeleton->data_exit_dump->exit_dump,
				  strnlen(skeleton->data_exit_dump->exit_dump, dump_length));
	return report;
}

} // namespace scxr::sdk
