// SPDX-License-Identifier: GPL-2.0-only
// test_failing: a plugin that reports an error (a status and a last-error message) in the call
// its options name, and can first print what libbpf prints when a real load fails (a verifier
// log, a kfunc mismatch), so the runner's diagnosis of load failures is tested end to end.
#include <scx_runner/sdk/Entry.hpp>
#include <scx_runner/sdk/Options.hpp>
#include <scx_runner/sdk/PluginError.hpp>
#include <scx_runner/sdk/Stats.hpp>

#include <bpf/libbpf.h>

#include <cstdarg>
#include <map>
#include <string>

namespace {

using namespace scxr::sdk;

constexpr const char *kCalls[] = {"none", "configure", "load", "attach", "poll", "stats", "dump", "detach", nullptr};
constexpr const char *kStatuses[] = {"invalid_argument", "kernel_unsupported", "verifier", "attach",
				     "busy", "permission", "no_memory", "internal", nullptr};
constexpr const char *kLibbpfOutputs[] = {"none", "verifier_log", "kfunc_incompatible", "kfunc_missing",
					  "struct_ops_member", "unrelated", nullptr};

constexpr scxr_option_desc kOptions[] = {
	option::enumeration("fail_in", "the call that fails", kCalls, "none"),
	option::enumeration("status", "the status it fails with", kStatuses, "internal"),
	option::enumeration("libbpf_output", "what libbpf 'prints' before a failing load", kLibbpfOutputs, "none"),
	option::unsigned_integer("verifier_log_lines", "instructions in the fake verifier log", "lines", 40, 0, 10'000),
};

// A requirement to probe when its load fails: the runner looks requirements up only then.
constexpr scxr_requirement kRequirements[] = {
	requirement::type("sched_ext_ops", "6.12", "sched_ext"),
};

constexpr scxr_stat_desc kStats[] = {
	stat::counter("", "nr_ok", "", ""),
};

scxr_status status_named(const std::string &name)
{
	static const std::map<std::string, scxr_status> statuses{
		{"invalid_argument", SCXR_ERR_INVALID_ARGUMENT}, {"kernel_unsupported", SCXR_ERR_KERNEL_UNSUPPORTED},
		{"verifier", SCXR_ERR_VERIFIER},                 {"attach", SCXR_ERR_ATTACH},
		{"busy", SCXR_ERR_BUSY},                         {"permission", SCXR_ERR_PERMISSION},
		{"no_memory", SCXR_ERR_NO_MEMORY},               {"internal", SCXR_ERR_INTERNAL},
	};
	return statuses.at(name);
}

// Prints through whatever callback the host installed, as libbpf itself would.
void libbpf_says(const char *format, ...)
{
	const libbpf_print_fn_t current = libbpf_set_print(nullptr);
	libbpf_set_print(current);
	if (!current)
		return;
	va_list arguments;
	va_start(arguments, format);
	current(LIBBPF_WARN, format, arguments);
	va_end(arguments);
}

class FailingScheduler : public Scheduler {
public:
	using Scheduler::Scheduler;

	void configure(const OptionValues &options) override
	{
		fail_in_ = options.get_string("fail_in");
		status_ = status_named(options.get_string("status"));
		libbpf_output_ = options.get_string("libbpf_output");
		verifier_log_lines_ = options.get_uint("verifier_log_lines");
		maybe_fail("configure");
	}

	void load() override
	{
		if (fail_in_ == "load")
			print_libbpf_output();
		maybe_fail("load");
	}
	void attach() override { maybe_fail("attach"); }
	void detach() override { maybe_fail("detach"); }

	ExitReport poll() override
	{
		maybe_fail("poll");
		return {};
	}

	void stats(StatValues &values) override
	{
		maybe_fail("stats");
		values.set("nr_ok", 1);
	}

	std::string dump() override
	{
		maybe_fail("dump");
		return "nothing failed\n";
	}

private:
	void maybe_fail(const char *call) const
	{
		if (fail_in_ == call)
			throw PluginError(status_, std::string("fake failure in ") + call);
	}

	void print_libbpf_output() const
	{
		if (libbpf_output_ == "verifier_log") {
			std::string log = "0: R1=ctx() R10=fp0\n; int BPF_STRUCT_OPS(fake_enqueue, struct task_struct *p) @ fake.bpf.c:42\n";
			for (uint64_t line = 1; line <= verifier_log_lines_; ++line)
				log += std::to_string(line) + ": (b7) r1 = 0                        ; R1_w=0\n";
			log += std::to_string(verifier_log_lines_ + 1) + ": (7b) *(u64 *)(r7 +8) = r1\n";
			log += "R7 invalid mem access 'scalar'\n";
			log += "processed 43 insns (limit 1000000) max_states_per_insn 0 total_states 2 peak_states 2 mark_read 1\n";
			libbpf_says("libbpf: prog '%s': BPF program load failed: %s\n", "fake_enqueue", "Permission denied");
			libbpf_says("libbpf: prog '%s': -- BEGIN PROG LOAD LOG --\n%s-- END PROG LOAD LOG --\n", "fake_enqueue",
				    log.c_str());
			libbpf_says("libbpf: prog '%s': failed to load: %d\n", "fake_enqueue", -13);
			libbpf_says("libbpf: failed to load object '%s'\n", "fake_bpf");
		} else if (libbpf_output_ == "kfunc_incompatible") {
			libbpf_says("libbpf: extern (func ksym) '%s': func_proto [%d] incompatible with %s [%d]\n",
				    "scx_bpf_kick_cpu", 163, "vmlinux", 98765);
			libbpf_says("libbpf: failed to load object '%s'\n", "fake_bpf");
		} else if (libbpf_output_ == "kfunc_missing") {
			libbpf_says("libbpf: extern (func ksym) '%s': not found in kernel or module BTFs\n", "scx_bpf_dsq_move");
		} else if (libbpf_output_ == "struct_ops_member") {
			libbpf_says("libbpf: struct_ops init_kern %s: Cannot find member %s in kernel BTF\n", "fake_ops",
				    "sub_attach");
		} else if (libbpf_output_ == "unrelated") {
			libbpf_says("libbpf: map '%s': failed to create: %s\n", "fake_map", "Operation not permitted");
		}
	}

	std::string fail_in_;
	scxr_status status_ = SCXR_ERR_INTERNAL;
	std::string libbpf_output_;
	uint64_t verifier_log_lines_ = 0;
};

constexpr PluginInfo kInfo{"test_failing", "0.1.0", "reports errors on demand", kOptions, kRequirements, kStats};

} // namespace

extern "C" SCXR_PLUGIN_EXPORT const scxr_plugin_entry scx_runner_plugin_entry = make_entry<FailingScheduler, kInfo>();
