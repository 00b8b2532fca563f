// SPDX-License-Identifier: GPL-2.0-only
#include "kernel/SystemKernelProbe.hpp"

#include "base/RunnerError.hpp"

#include <scx_runner/sdk/KernelBtf.hpp>
#include <scx_runner/sdk/PluginError.hpp>

#include <spdlog/spdlog.h>

#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

namespace scxr {

SystemKernelProbe::SystemKernelProbe(std::filesystem::path sched_ext_directory)
	: sched_ext_directory_(std::move(sched_ext_directory))
{
}

SystemKernelProbe::~SystemKernelProbe() = default;

bool SystemKernelProbe::is_root() const { return geteuid() == 0; }

bool SystemKernelProbe::has_sched_ext() const
{
	std::error_code error;
	return std::filesystem::is_directory(sched_ext_directory_, error);
}

std::string SystemKernelProbe::read_first_line(const std::filesystem::path &path) const
{
	std::ifstream stream(path);
	std::string line;
	std::getline(stream, line);
	while (!line.empty() && (line.back() == '\n' || line.back() == ' '))
		line.pop_back();
	return line;
}

std::string SystemKernelProbe::sched_ext_state() const { return read_first_line(sched_ext_directory_ / "state"); }

std::string SystemKernelProbe::attached_scheduler() const
{
	return read_first_line(sched_ext_directory_ / "root" / "ops");
}

std::string SystemKernelProbe::enable_seq() const { return read_first_line(sched_ext_directory_ / "enable_seq"); }

std::string SystemKernelProbe::kernel_release() const
{
	struct utsname names {};
	if (uname(&names) != 0)
		return "(unknown)";
	return names.release;
}

const sdk::KernelBtf &SystemKernelProbe::btf() const
{
	if (!btf_) {
		try {
			const auto started = std::chrono::steady_clock::now();
			btf_ = sdk::KernelBtf::load_running();
			spdlog::debug("kernel BTF: parsed in {} ms", std::chrono::duration_cast<std::chrono::milliseconds>(
									     std::chrono::steady_clock::now() - started)
									     .count());
		} catch (const sdk::PluginError &error) {
			throw RunnerError(ExitCode::kernel_feature_missing, error.what());
		}
	}
	return *btf_;
}

void SystemKernelProbe::forget_kernel_btf() const
{
	const std::lock_guard lock(btf_mutex_);
	if (btf_)
		spdlog::debug("kernel BTF: freed after the requirement check");
	btf_.reset();
}

bool SystemKernelProbe::has(const scxr_requirement &requirement) const
{
	const std::string key = describe(requirement);
	const std::lock_guard lock(btf_mutex_);
	if (auto cached = answers_.find(key); cached != answers_.end())
		return cached->second;
	bool present = false;
	switch (requirement.kind) {
	case SCXR_REQ_KFUNC: present = btf().has_kfunc(requirement.name); break;
	case SCXR_REQ_TYPE: present = btf().has_type(requirement.name); break;
	case SCXR_REQ_MEMBER: present = btf().has_member(requirement.name, requirement.member); break;
	case SCXR_REQ_ENUM_VALUE: present = btf().has_enum_value(requirement.name); break;
	}
	spdlog::debug("kernel BTF: {} {}", key, present ? "present" : "missing");
	answers_[key] = present;
	return present;
}

} // namespace scxr
