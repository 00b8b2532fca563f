// SPDX-License-Identifier: GPL-2.0-only
#include "kernel/KernelProbe.hpp"

#include "plugin/PluginLibrary.hpp"
#include "base/RunnerError.hpp"

#include <fmt/format.h>

#include <charconv>
#include <vector>

namespace scxr {

namespace {

// "6.15" < "7.1": versions compare by their numeric parts.
bool version_less(const std::string &left, const std::string &right)
{
	auto parts = [](const std::string &text) {
		std::vector<int> numbers;
		const char *cursor = text.data();
		const char *end = text.data() + text.size();
		while (cursor < end) {
			int number = 0;
			auto [next, error] = std::from_chars(cursor, end, number);
			if (error != std::errc())
				break;
			numbers.push_back(number);
			cursor = next;
			if (cursor < end && *cursor == '.')
				++cursor;
			else
				break;
		}
		return numbers;
	};
	return parts(left) < parts(right);
}

} // namespace

std::string KernelProbe::describe(const scxr_requirement &requirement)
{
	switch (requirement.kind) {
	case SCXR_REQ_KFUNC: return fmt::format("kfunc {}", requirement.name);
	case SCXR_REQ_TYPE: return fmt::format("type {}", requirement.name);
	case SCXR_REQ_MEMBER: return fmt::format("member {}.{}", requirement.name, requirement.member ? requirement.member : "?");
	case SCXR_REQ_ENUM_VALUE: return fmt::format("enum value {}", requirement.name);
	}
	return fmt::format("requirement {}", requirement.name);
}

void KernelProbe::check_can_run() const
{
	if (!is_root())
		throw RunnerError(ExitCode::permission,
				  "scx-runner must run as root to load a sched_ext scheduler (it needs CAP_BPF and CAP_SYS_ADMIN)",
				  "hint: run it with sudo; 'scx-runner check PROFILE' validates a profile without root");
	if (!has_sched_ext())
		throw RunnerError(ExitCode::no_sched_ext,
				  fmt::format("kernel {} has no sched_ext: /sys/kernel/sched_ext does not exist", kernel_release()),
				  "hint: boot a kernel built with CONFIG_SCHED_CLASS_EXT=y (Linux 6.12 or newer)");
}

void KernelProbe::check_not_busy() const
{
	const std::string state = sched_ext_state();
	if (state.empty() || state == "disabled")
		return;
	const std::string name = attached_scheduler();
	throw RunnerError(ExitCode::scheduler_busy,
			  fmt::format("another sched_ext scheduler is attached ({}; state '{}')",
				      name.empty() ? "name unknown" : "'" + name + "'", state),
			  "hint: stop it first (stop its loader, or its service); only one root scheduler can run");
}

void KernelProbe::check_requirements(const PluginLibrary &plugin) const
{
	std::string missing;
	std::string newest_since;
	size_t missing_count = 0;
	for (const scxr_requirement &requirement : plugin.requirements()) {
		bool present = false;
		try {
			present = has(requirement);
		} catch (...) {
			forget_kernel_btf();
			throw;
		}
		if (present)
			continue;
		++missing_count;
		const std::string since = requirement.since ? requirement.since : "";
		missing += fmt::format("  {}{}{}\n", describe(requirement),
				       requirement.feature ? fmt::format(" ({})", requirement.feature) : "",
				       since.empty() ? "" : fmt::format(", in Linux {} and newer", since));
		if (!since.empty() && (newest_since.empty() || version_less(newest_since, since)))
			newest_since = since;
	}
	forget_kernel_btf();
	if (missing_count == 0)
		return;
	throw RunnerError(ExitCode::kernel_feature_missing,
			  fmt::format("kernel {} lacks {} that plugin '{}' needs", kernel_release(),
				      missing_count == 1 ? "a feature" : fmt::format("{} features", missing_count), plugin.id()),
			  "missing:\n" + missing +
				  (newest_since.empty() ? std::string("hint: run a newer kernel")
							: fmt::format("hint: run Linux {} or newer", newest_since)));
}

} // namespace scxr
