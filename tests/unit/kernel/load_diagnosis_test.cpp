// SPDX-License-Identifier: GPL-2.0-only
// What libbpf prints when a load fails, turned into the error a user needs.
#include "kernel/LoadDiagnosis.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using scxr::ExitCode;
using scxr::LoadDiagnosis;
using scxr::RunnerError;

namespace {

// What libbpf 1.4 prints for a verifier rejection (one message spanning the whole log).
std::string verifier_output(int instructions)
{
	std::string text = "libbpf: prog 'qmap_enqueue': BPF program load failed: Permission denied\n"
			   "libbpf: prog 'qmap_enqueue': -- BEGIN PROG LOAD LOG --\n"
			   "0: R1=ctx() R10=fp0\n"
			   "; int BPF_STRUCT_OPS(qmap_enqueue, struct task_struct *p, u64 enq_flags) @ qmap.bpf.c:200\n";
	for (int line = 1; line <= instructions; ++line)
		text += std::to_string(line) + ": (b7) r1 = 0                        ; R1_w=0\n";
	text += "R7 invalid mem access 'scalar'\n"
		"processed 60 insns (limit 1000000) max_states_per_insn 0 total_states 3 peak_states 3 mark_read 1\n"
		"-- END PROG LOAD LOG --\n"
		"libbpf: prog 'qmap_enqueue': failed to load: -13\n"
		"libbpf: failed to load object 'qmap_bpf'\n";
	return text;
}

const RunnerError kPluginError(ExitCode::verifier_rejected, "plugin 'qmap': load failed: Permission denied (errno 13)");

} // namespace

TEST_CASE("a verifier rejection gives the error line and the log tail", "[diagnosis]")
{
	const LoadDiagnosis diagnosis = LoadDiagnosis::analyse(verifier_output(40));
	REQUIRE(diagnosis.kind() == LoadDiagnosis::Kind::verifier_rejection);
	CHECK(diagnosis.program() == "qmap_enqueue");
	CHECK(diagnosis.hint() == "R7 invalid mem access 'scalar'");
	CHECK(diagnosis.verifier_log().size() == 44);
	CHECK(diagnosis.verifier_log().back() ==
	      "processed 60 insns (limit 1000000) max_states_per_insn 0 total_states 3 peak_states 3 mark_read 1");

	const RunnerError error = diagnosis.explain(kPluginError, "qmap", "7.3.4", false);
	CHECK(error.code() == ExitCode::verifier_rejected);
	CHECK(std::string(error.what()) ==
	      "the kernel's verifier rejected plugin 'qmap' (program 'qmap_enqueue'): R7 invalid mem access 'scalar'");
	CHECK_THAT(error.details(), StartsWith("verifier log of program 'qmap_enqueue' (20 of 44 lines; -v prints all of it):\n"));
	CHECK_THAT(error.details(), ContainsSubstring("  R7 invalid mem access 'scalar'\n"));
	CHECK_THAT(error.details(), ContainsSubstring("  40: (b7)"));
	CHECK_FALSE(error.details().find("  20: (b7)") != std::string::npos); // outside the tail
	CHECK_THAT(error.details(), ContainsSubstring(kPluginError.what()));
}

TEST_CASE("at -v the whole verifier log is shown", "[diagnosis]")
{
	const RunnerError error = LoadDiagnosis::analyse(verifier_output(40)).explain(kPluginError, "qmap", "7.3.4", true);
	CHECK_THAT(error.details(), StartsWith("verifier log of program 'qmap_enqueue' (44 of 44 lines):\n"));
	CHECK_THAT(error.details(), ContainsSubstring("  1: (b7)"));
	CHECK_THAT(error.details(), ContainsSubstring("; int BPF_STRUCT_OPS(qmap_enqueue"));
}

TEST_CASE("a kfunc whose signature differs means the kernel is too old or too new", "[diagnosis]")
{
	const std::string output = "libbpf: extern (func ksym) 'scx_bpf_kick_cpu': func_proto [163] incompatible with vmlinux [98765]\n"
				   "libbpf: failed to load object 'qmap_bpf'\n";
	const LoadDiagnosis diagnosis = LoadDiagnosis::analyse(output);
	REQUIRE(diagnosis.kind() == LoadDiagnosis::Kind::kernel_mismatch);
	const RunnerError error = diagnosis.explain(kPluginError, "qmap", "7.1.13-amd64", false);
	CHECK(error.code() == ExitCode::kernel_feature_missing);
	CHECK(std::string(error.what()) == "kernel too old or too new for plugin 'qmap': kfunc scx_bpf_kick_cpu has a "
					   "different signature in this kernel (kernel 7.1.13-amd64)");
	CHECK_THAT(error.details(), ContainsSubstring("rebuild the plugin against this kernel's vmlinux.h"));
}

TEST_CASE("missing kfuncs, ksyms and struct_ops members are mismatches too", "[diagnosis]")
{
	CHECK(LoadDiagnosis::analyse("libbpf: extern (func ksym) 'scx_bpf_dsq_move': not found in kernel or module BTFs\n").hint() ==
	      "kfunc scx_bpf_dsq_move does not exist in this kernel");
	CHECK(LoadDiagnosis::analyse("libbpf: extern (var ksym) 'runqueues': not found in kernel BTF\n").hint() ==
	      "kernel symbol runqueues does not exist in this kernel");
	CHECK(LoadDiagnosis::analyse("libbpf: struct_ops init_kern qmap_ops: Cannot find member sub_attach in kernel BTF\n").hint() ==
	      "struct_ops member sub_attach does not exist in this kernel");
	CHECK(LoadDiagnosis::analyse("libbpf: struct_ops init_kern: struct sched_ext_ops is not found in kernel BTF\n").hint() ==
	      "struct sched_ext_ops does not exist in this kernel");
}

TEST_CASE("a mismatch wins over a verifier log in the same output", "[diagnosis]")
{
	const std::string output = verifier_output(3) + "libbpf: extern (func ksym) 'x': not found in kernel or module BTFs\n";
	CHECK(LoadDiagnosis::analyse(output).kind() == LoadDiagnosis::Kind::kernel_mismatch);
}

TEST_CASE("unrecognised output keeps the plugin's error and adds libbpf's last lines", "[diagnosis]")
{
	const LoadDiagnosis diagnosis = LoadDiagnosis::analyse("libbpf: map 'm': failed to create: Operation not permitted\n");
	CHECK(diagnosis.kind() == LoadDiagnosis::Kind::unknown);
	const RunnerError error = diagnosis.explain(kPluginError, "qmap", "7.3.4", false);
	CHECK(error.code() == ExitCode::verifier_rejected);
	CHECK(std::string(error.what()) == kPluginError.what());
	CHECK(error.details() == "libbpf said:\n  libbpf: map 'm': failed to create: Operation not permitted\n");
	CHECK(LoadDiagnosis::analyse("").explain(kPluginError, "qmap", "7.3.4", false).details().empty());
}

TEST_CASE("a log without a recognisable error line still names the rejection", "[diagnosis]")
{
	const LoadDiagnosis diagnosis = LoadDiagnosis::analyse(
		"libbpf: prog 'p': -- BEGIN PROG LOAD LOG --\n0: (b7) r0 = 0\nprocessed 1 insns (limit 1000000)\n-- END PROG LOAD LOG --\n");
	CHECK(diagnosis.kind() == LoadDiagnosis::Kind::verifier_rejection);
	CHECK(diagnosis.hint() == "the verifier log gives no reason");
}

TEST_CASE("a 7.3 verifier report after the complaint: the complaint is the hint, the report's verdict is shown",
	  "[diagnosis]")
{
	// What Linux 7.3's verifier writes (seen for tests/plugins/test_rejected): the classic
	// complaint, then a report in prose whose last lines are generic advice.
	std::string text = "libbpf: prog 'test_sched_enqueue': -- BEGIN PROG LOAD LOG --\n"
			   "0: R1=ctx() R10=fp0\n";
	for (int line = 1; line <= 30; ++line)
		text += std::to_string(line) + ": (b7) r2 = 1                        ; R2=1\n";
	text += "31: (79) r3 = *(u64 *)(r4 +0)\n"
		"R4 invalid mem access 'scalar'\n"
		"\n"
		"Verification failed: Register Type Safety: Invalid dereference\n"
		"\n"
		"Reason:\n"
		"  R4 is an integer scalar here, not a pointer to memory.\n"
		"\n"
		"At:\n"
		"  test_sched_enqueue @ test_sched.bpf.c:35:12\n"
		"  >>> 35 |                 count += *(volatile u64 *)(unsigned long)enq_flags;\n"
		"\n"
		"Causal path:\n"
		"  test_sched_enqueue @ test_sched.bpf.c:29:6\n"
		"\n"
		"Suggestion:\n"
		"  Preserve a pointer-valued register where needed, or reload and revalidate the pointer after scalar\n"
		"  arithmetic, helper calls, or other operations that can invalidate it.\n"
		"\n"
		"processed 10 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n"
		"-- END PROG LOAD LOG --\n";
	const LoadDiagnosis diagnosis = LoadDiagnosis::analyse(text);
	REQUIRE(diagnosis.kind() == LoadDiagnosis::Kind::verifier_rejection);
	CHECK(diagnosis.hint() == "R4 invalid mem access 'scalar'");
	const RunnerError error = diagnosis.explain(kPluginError, "test_rejected", "7.3.4", false);
	CHECK(std::string(error.what()) == "the kernel's verifier rejected plugin 'test_rejected' (program "
					   "'test_sched_enqueue'): R4 invalid mem access 'scalar'");
	CHECK_THAT(error.details(), ContainsSubstring("  31: (79) r3 = *(u64 *)(r4 +0)\n  R4 invalid mem access 'scalar'\n"));
	CHECK_THAT(error.details(), ContainsSubstring("  Verification failed: Register Type Safety: Invalid dereference\n"));
	CHECK_THAT(error.details(), ContainsSubstring("test_sched.bpf.c:35:12"));
	CHECK_FALSE(error.details().find("Causal path") != std::string::npos);
	CHECK_FALSE(error.details().find("  12: (b7)") != std::string::npos); // before the 20 lines up to the complaint
	CHECK_THAT(error.details(), StartsWith("verifier log of program 'test_sched_enqueue' (28 of 51 lines; -v prints all of it):\n"));
}
