// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// The lifecycle every sched_ext plugin built on a libbpf skeleton shares: own the skeleton and
// the struct_ops link, open the BPF object with its exit dump buffer sized, load it, attach and
// detach through the link, and report the exit info (Skeleton.hpp has the pieces). A plugin
// derives from SkeletonScheduler<its skeleton>, writes its options into the skeleton in
// configure() and adds stats() and dump():
//
//   class SimpleScheduler : public sdk::SkeletonScheduler<::simple> {
//   public:
//       explicit SimpleScheduler(const sdk::Host &host) : SkeletonScheduler(host, "simple") {}
//       void configure(const sdk::OptionValues &options) override
//       {
//           ::simple &skeleton = open_skeleton(options.get_uint("exit_dump_len"));
//           skeleton.rodata->slice_ns = options.get_duration_ns("slice");
//       }
//       ...
//   };
//
// The member functions need the complete skeleton type. A plugin that includes its
// skeleton header in one file only (generated skeletons are full of static functions) puts
//
//   extern template class scxr::sdk::SkeletonScheduler<::simple>;      in its header, and
//   template class scxr::sdk::SkeletonScheduler<::simple>;             in the file that
//                                                                      includes the skeleton.
//
// Include BpfTypes.hpp, exit_info.h and the skeleton header before instantiating this.

#include "scx_runner/sdk/ArenaPlacement.hpp"
#include "scx_runner/sdk/Options.hpp"
#include "scx_runner/sdk/PluginError.hpp"
#include "scx_runner/sdk/Scheduler.hpp"
#include "scx_runner/sdk/Skeleton.hpp"
#include "scx_runner/exit_info.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

namespace scxr::sdk {

template <typename Skel>
class SkeletonScheduler : public Scheduler {
public:
	// Runs before_load(), verifies and loads the BPF object, then runs after_load().
	void load() override;
	// Forgets an earlier exit, runs before_attach(), then enables the scheduler.
	void attach() override;
	// Destroying the link disables the scheduler; by the time it returns the kernel has run
	// ops.exit, so poll() after this still reports the exit.
	void detach() override;
	// Consumes the exit events that arrived, then reads the exit info.
	ExitReport poll() override;
	// The exit_events ring buffer (exit_info.bpf.h) once loaded; -1 for a BPF object built
	// without it (an older exit_info.bpf.h).
	int exit_event_fd() override;

	// The opened (after configure) or loaded skeleton; nullptr before configure(). Its section
	// and map members are pointers, so a subclass writes rodata (until load) and reads bss or
	// an arena through it.
	const Skel *skeleton() const { return skeleton_.get(); }

protected:
	// name: the scheduler in messages ("the kernel refused to enable qmap: ...").
	SkeletonScheduler(const Host &host, const char *name) : Scheduler(host), name_(name) {}

	// For configure(): opens the BPF object and sizes its exit dump (option::exit_dump_length()).
	// The kernel fills a buffer of the struct_ops table's exit_dump_len and ops.exit copies up to
	// the rodata length into the exit_dump map, so all three get the same length, at most
	// kMaxExitDumpLength. The kernel reads a struct_ops length of 0 as "its default", so 0
	// ("no dump") becomes the smallest real buffer, one byte. The skeleton's rodata and
	// struct_ops table stay writable until load().
	Skel &open_skeleton(uint64_t exit_dump_length);

	const char *name() const { return name_; }
	bool attached() const { return link_ != nullptr; }

	// Hooks for what differs between schedulers; each may throw PluginError.
	// Before the BPF load, e.g. to adapt the ops to the running kernel.
	virtual void before_load() {}
	// After a successful load, e.g. to check what the load mapped.
	virtual void after_load() {}
	// Before every attach, after the exit info is cleared: reset per-attach counters here, so
	// a re-attach after detach() starts from zero.
	virtual void before_attach() {}

private:
	// The struct_ops map load() creates and attach() enables. A skeleton may hold several
	// tables (e.g. the classic and the cid form of sched_ext_ops, one of them switched off with
	// bpf_map__set_autocreate() before load); exactly one may be left to create.
	bpf_map *struct_ops_map();
	// Writes exit_dump_len into every struct_ops table of the object, found by member name in
	// the object's BTF, so that it does not matter which form of the ops a table has.
	void set_struct_ops_exit_dump_len(uint32_t length);

	// Reads what arrived on exit_events (on_exit_event gets each record); log_delay: log how
	// long after the record it was read (poll(), not attach(), which drains old events).
	void consume_exit_events(bool log_delay);
	// Logs how long after ops.exit recorded the exit the runner read it: the wake-up's cost.
	static int on_exit_event(void *context, void *data, size_t size);

	const char *name_;
	SkeletonPtr<Skel> skeleton_{nullptr, nullptr};
	// Over the exit_events map after load; nullptr without one.
	RingBufferPtr exit_events_;
	bool log_exit_event_delay_ = false; // for on_exit_event, during consume_exit_events()
	// Held while attached: destroying the struct_ops link disables the scheduler.
	LinkPtr link_;
};

template <typename Skel>
Skel &SkeletonScheduler<Skel>::open_skeleton(uint64_t exit_dump_length)
{
	skeleton_ = SkeletonPtr<Skel>(Skel::open(), &Skel::destroy);
	if (!skeleton_)
		throw PluginError(SCXR_ERR_INTERNAL,
				  std::string("cannot open the ") + name_ + " BPF object: " + errno_text(errno));
	const auto length = static_cast<uint32_t>(std::min(exit_dump_length, kMaxExitDumpLength));
	set_exit_dump_length(skeleton_.get(), std::max<uint32_t>(length, 1));
	set_struct_ops_exit_dump_len(std::max<uint32_t>(length, 1));
	return *skeleton_;
}

template <typename Skel>
bpf_map *SkeletonScheduler<Skel>::struct_ops_map()
{
	// Before load every table may still be set to be created: the first then stands for them
	// (libbpf refuses to attach a table without an fd, which is the error the caller sees).
	bpf_map *first = nullptr;
	bpf_map *created = nullptr;
	bpf_map *map = nullptr;
	bpf_object__for_each_map(map, skeleton_->obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS || !bpf_map__autocreate(map))
			continue;
		first = first ? first : map;
		if (bpf_map__fd(map) < 0)
			continue;
		if (created)
			throw PluginError(SCXR_ERR_INTERNAL, std::string("the ") + name_ +
								     " BPF object created several struct_ops maps; switch "
								     "off all but one before load");
		created = map;
	}
	if (!first)
		throw PluginError(SCXR_ERR_INTERNAL, std::string("the ") + name_ + " BPF object has no struct_ops map");
	return created ? created : first;
}

template <typename Skel>
void SkeletonScheduler<Skel>::set_struct_ops_exit_dump_len(uint32_t length)
{
	const btf *object_btf = bpf_object__btf(skeleton_->obj);
	bpf_map *map = nullptr;
	bpf_object__for_each_map(map, skeleton_->obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS)
			continue;
		// Always a size pointer: libbpf 1.4 writes through it without a NULL check for most maps.
		size_t size = 0;
		auto *table = static_cast<unsigned char *>(bpf_map__initial_value(map, &size));
		const btf_type *type = object_btf ? btf__type_by_id(object_btf, bpf_map__btf_value_type_id(map)) : nullptr;
		if (!table || !type || !btf_is_struct(type))
			throw PluginError(SCXR_ERR_INTERNAL, std::string("the ") + name_ +
								     " BPF object's struct_ops table has no BTF description");
		const btf_member *member = btf_members(type);
		bool written = false;
		for (unsigned i = 0; i < btf_vlen(type); ++i, ++member) {
			const char *member_name = btf__name_by_offset(object_btf, member->name_off);
			const size_t offset = btf_member_bit_offset(type, i) / 8;
			if (!member_name || std::strcmp(member_name, "exit_dump_len") != 0 || offset + sizeof(length) > size)
				continue;
			std::memcpy(table + offset, &length, sizeof(length));
			written = true;
		}
		if (!written)
			throw PluginError(SCXR_ERR_INTERNAL, std::string("the ") + name_ +
								     " BPF object's struct_ops table has no exit_dump_len");
	}
}

template <typename Skel>
void SkeletonScheduler<Skel>::load()
{
	before_load();
	ArenaPlacement arenas;
	if (const int error = arenas.reserve(skeleton_->obj); error) {
		arenas.release(false);
		throw PluginError(SCXR_ERR_INTERNAL, std::string("cannot place the ") + name_ +
							     " BPF arena in this process: " + errno_text(error));
	}
	const int load_error = Skel::load(skeleton_.get());
	arenas.release(load_error == 0);
	if (const int error = load_error; error)
		throw PluginError(status_for_load_error(error), std::string("the kernel did not accept the ") + name_ +
									" BPF scheduler: " + errno_text(error));
	if constexpr (requires { skeleton_->maps.exit_events; }) {
		exit_events_.reset(ring_buffer__new(bpf_map__fd(skeleton_->maps.exit_events), &on_exit_event, this, nullptr));
		if (!exit_events_)
			host().warn(std::string(name_) + ": cannot read the exit events (" + errno_text(-errno) +
				    "); the runner polls for an exit instead");
	}
	after_load();
}

template <typename Skel>
void SkeletonScheduler<Skel>::attach()
{
	// An earlier detach ran ops.exit and left its event: forget it with the exit info.
	consume_exit_events(false);
	clear_exit_info(skeleton_.get());
	before_attach();
	link_ = attach_struct_ops(struct_ops_map(), name_);
}

template <typename Skel>
void SkeletonScheduler<Skel>::detach()
{
	link_.reset();
}

template <typename Skel>
ExitReport SkeletonScheduler<Skel>::poll()
{
	// Consumed first: an event is written after the exit info it announces, so one consumed
	// here has its exit info visible below, and one arriving later keeps the descriptor
	// readable for the host's next turn.
	consume_exit_events(true);
	return read_exit_report(skeleton_.get());
}

template <typename Skel>
int SkeletonScheduler<Skel>::exit_event_fd()
{
	return exit_events_ ? ring_buffer__epoll_fd(exit_events_.get()) : -1;
}

template <typename Skel>
int SkeletonScheduler<Skel>::on_exit_event(void *context, void *data, size_t size)
{
	if (size < sizeof(scxr_exit_event))
		return 0;
	scxr_exit_event event;
	std::memcpy(&event, data, sizeof(event));
	timespec now{};
	::clock_gettime(CLOCK_MONOTONIC, &now); // bpf_ktime_get_ns()'s clock
	const uint64_t now_ns = uint64_t(now.tv_sec) * 1'000'000'000u + uint64_t(now.tv_nsec);
	const auto *self = static_cast<const SkeletonScheduler *>(context);
	if (self->log_exit_event_delay_ && now_ns >= event.recorded_ns)
		self->host().debug(std::string(self->name_) + ": exit (kind " + std::to_string(event.kind) +
				   ") read " + std::to_string((now_ns - event.recorded_ns) / 1000) +
				   " us after ops.exit recorded it");
	return 0;
}

template <typename Skel>
void SkeletonScheduler<Skel>::consume_exit_events(bool log_delay)
{
	if (!exit_events_)
		return;
	log_exit_event_delay_ = log_delay;
	ring_buffer__consume(exit_events_.get());
}

} // namespace scxr::sdk
