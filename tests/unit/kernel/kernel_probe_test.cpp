// SPDX-License-Identifier: GPL-2.0-only
// The checks before a scheduler is loaded, against a fake machine, and the real probe's sysfs
// reading against a prepared directory.
#include "kernel/KernelProbe.hpp"
#include "plugin/PluginLibrary.hpp"
#include "base/RunnerError.hpp"
#include "kernel/SystemKernelProbe.hpp"

#include "FakeKernelProbe.hpp"
#include "TemporaryDirectory.hpp"
#include "TestPlugins.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <sys/utsname.h>
#include <unistd.h>

using Catch::Matchers::ContainsSubstring;
using scxr::ExitCode;
using scxr::RunnerError;
using scxr::test::FakeKernelProbe;
using scxr::test::TestPlugins;

namespace {

template <typename Call>
RunnerError error_from(Call &&call)
{
	try {
		call();
	} catch (const RunnerError &error) {
		return error;
	}
	FAIL("expected the check to fail");
	return RunnerError(ExitCode::ok, "");
}

} // namespace

TEST_CASE("a root shell on a sched_ext kernel passes", "[kernel]")
{
	const FakeKernelProbe kernel;
	CHECK_NOTHROW(kernel.check_can_run());
	CHECK_NOTHROW(kernel.check_not_busy());
}

TEST_CASE("not being root is exit code 6 and points at check", "[kernel]")
{
	FakeKernelProbe kernel;
	kernel.root = false;
	const RunnerError error = error_from([&] { kernel.check_can_run(); });
	CHECK(error.code() == ExitCode::permission);
	CHECK_THAT(error.what(), ContainsSubstring("must run as root"));
	CHECK_THAT(error.details(), ContainsSubstring("scx-runner check PROFILE"));
}

TEST_CASE("a kernel without sched_ext is exit code 7 and names the kernel", "[kernel]")
{
	FakeKernelProbe kernel;
	kernel.sched_ext = false;
	kernel.release = "6.1.0-old";
	const RunnerError error = error_from([&] { kernel.check_can_run(); });
	CHECK(error.code() == ExitCode::no_sched_ext);
	CHECK(std::string(error.what()) == "kernel 6.1.0-old has no sched_ext: /sys/kernel/sched_ext does not exist");
	CHECK_THAT(error.details(), ContainsSubstring("CONFIG_SCHED_CLASS_EXT=y"));
}

TEST_CASE("another attached scheduler is exit code 9 and is named", "[kernel]")
{
	FakeKernelProbe kernel;
	kernel.state = "enabled";
	kernel.attached = "scx_lavd";
	RunnerError error = error_from([&] { kernel.check_not_busy(); });
	CHECK(error.code() == ExitCode::scheduler_busy);
	CHECK(std::string(error.what()) == "another sched_ext scheduler is attached ('scx_lavd'; state 'enabled')");
	kernel.state = "disabling";
	kernel.attached = "";
	error = error_from([&] { kernel.check_not_busy(); });
	CHECK_THAT(error.what(), ContainsSubstring("name unknown; state 'disabling'"));
}

TEST_CASE("missing requirements are exit code 8 with the feature, the version and the kernel", "[kernel]")
{
	const auto plugin = scxr::PluginLibrary::open(TestPlugins::file("test_good"), "test_good");
	FakeKernelProbe kernel;
	kernel.release = "6.6.0-lts";
	kernel.every_requirement_present = false;
	const RunnerError error = error_from([&] { kernel.check_requirements(*plugin); });
	CHECK(error.code() == ExitCode::kernel_feature_missing);
	CHECK(std::string(error.what()) == "kernel 6.6.0-lts lacks a feature that plugin 'test_good' needs");
	CHECK_THAT(error.details(), ContainsSubstring("type sched_ext_ops (sched_ext), in Linux 6.12 and newer"));
	CHECK_THAT(error.details(), ContainsSubstring("hint: run Linux 6.12 or newer"));

	kernel.present.insert("type sched_ext_ops");
	CHECK_NOTHROW(kernel.check_requirements(*plugin));
}

TEST_CASE("a requirement check frees the parsed BTF whether it passes or fails", "[kernel]")
{
	const auto plugin = scxr::PluginLibrary::open(TestPlugins::file("test_good"), "test_good");
	FakeKernelProbe kernel;
	CHECK_NOTHROW(kernel.check_requirements(*plugin));
	CHECK(kernel.btf_releases == 1);
	kernel.every_requirement_present = false;
	CHECK(error_from([&] { kernel.check_requirements(*plugin); }).code() == ExitCode::kernel_feature_missing);
	CHECK(kernel.btf_releases == 2);
}

TEST_CASE("requirements are described by kind", "[kernel]")
{
	using scxr::KernelProbe;
	CHECK(KernelProbe::describe({SCXR_REQ_KFUNC, "bpf_res_spin_lock", nullptr, "6.15", ""}) == "kfunc bpf_res_spin_lock");
	CHECK(KernelProbe::describe({SCXR_REQ_MEMBER, "sched_ext_ops", "sub_attach", "7.1", ""}) ==
	      "member sched_ext_ops.sub_attach");
	CHECK(KernelProbe::describe({SCXR_REQ_ENUM_VALUE, "SCX_ENQ_IMMED", nullptr, "7.1", ""}) == "enum value SCX_ENQ_IMMED");
}

TEST_CASE("the system probe reads state and the attached scheduler from sysfs", "[kernel]")
{
	const scxr::test::TemporaryDirectory sysfs;
	const scxr::SystemKernelProbe missing(sysfs.path() / "sched_ext");
	CHECK_FALSE(missing.has_sched_ext());

	sysfs.write("sched_ext/state", "enabled\n");
	sysfs.write("sched_ext/root/ops", "qmap\n");
	const scxr::SystemKernelProbe probe(sysfs.path() / "sched_ext");
	CHECK(probe.has_sched_ext());
	CHECK(probe.sched_ext_state() == "enabled");
	CHECK(probe.attached_scheduler() == "qmap");
	CHECK_THAT(error_from([&] { probe.check_not_busy(); }).what(), ContainsSubstring("'qmap'"));
	CHECK(probe.is_root() == (geteuid() == 0));
	struct utsname names {};
	uname(&names);
	CHECK(probe.kernel_release() == names.release);

	sysfs.write("sched_ext/state", "disabled\n");
	CHECK_NOTHROW(probe.check_not_busy());
}
