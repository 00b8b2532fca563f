// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// Builders for a plugin's option table, so each option is declared once, in one line, as
// constant data:
//
//   constexpr scxr_option_desc kOptions[] = {
//       option::duration("slice", "time slice", 20 * kMillisecond, 100 * kMicrosecond, kSecond),
//       option::boolean("suppress_dump", "leave the BPF dump callbacks out of exit dumps", false),
//   };

#include <scx_runner/plugin_abi.h>

#include <cstdint>

namespace scxr::sdk {

inline constexpr uint64_t kNanosecond = 1;
inline constexpr uint64_t kMicrosecond = 1000;
inline constexpr uint64_t kMillisecond = 1000 * kMicrosecond;
inline constexpr uint64_t kSecond = 1000 * kMillisecond;

// The kernel's default exit dump length (SCX_EXIT_DUMP_DFL_LEN), and the most a plugin asks
// for: 1 MiB stays far below the size limits of both the BPF map and the kernel's allocation.
inline constexpr uint64_t kDefaultExitDumpLength = 32768;
inline constexpr uint64_t kMaxExitDumpLength = 1u << 20;

namespace option {

constexpr scxr_option_desc boolean(const char *name, const char *help, bool default_value)
{
	scxr_option_desc desc{};
	desc.name = name;
	desc.type = SCXR_OPT_BOOL;
	desc.help = help;
	desc.default_value.b = default_value;
	return desc;
}

constexpr scxr_option_desc integer(const char *name, const char *help, const char *unit,
				   int64_t default_value, int64_t min, int64_t max)
{
	scxr_option_desc desc{};
	desc.name = name;
	desc.type = SCXR_OPT_INT;
	desc.help = help;
	desc.unit = unit;
	desc.default_value.i = default_value;
	desc.has_min = desc.has_max = true;
	desc.min.i = min;
	desc.max.i = max;
	return desc;
}

constexpr scxr_option_desc unsigned_integer(const char *name, const char *help, const char *unit,
					    uint64_t default_value, uint64_t min, uint64_t max)
{
	scxr_option_desc desc{};
	desc.name = name;
	desc.type = SCXR_OPT_UINT;
	desc.help = help;
	desc.unit = unit;
	desc.default_value.u = default_value;
	desc.has_min = desc.has_max = true;
	desc.min.u = min;
	desc.max.u = max;
	return desc;
}

constexpr scxr_option_desc floating(const char *name, const char *help, const char *unit,
				    double default_value, double min, double max)
{
	scxr_option_desc desc{};
	desc.name = name;
	desc.type = SCXR_OPT_FLOAT;
	desc.help = help;
	desc.unit = unit;
	desc.default_value.f = default_value;
	desc.has_min = desc.has_max = true;
	desc.min.f = min;
	desc.max.f = max;
	return desc;
}

// Durations are nanoseconds; profiles write them as "20ms", "500us", "2s".
constexpr scxr_option_desc duration(const char *name, const char *help, uint64_t default_ns,
				    uint64_t min_ns, uint64_t max_ns)
{
	scxr_option_desc desc{};
	desc.name = name;
	desc.type = SCXR_OPT_DURATION;
	desc.help = help;
	desc.unit = "ns";
	desc.default_value.u = default_ns;
	desc.has_min = desc.has_max = true;
	desc.min.u = min_ns;
	desc.max.u = max_ns;
	return desc;
}

// default_value may be nullptr: the option is unset unless the profile gives it.
constexpr scxr_option_desc string(const char *name, const char *help, const char *default_value)
{
	scxr_option_desc desc{};
	desc.name = name;
	desc.type = SCXR_OPT_STRING;
	desc.help = help;
	desc.default_value.s = default_value;
	return desc;
}

constexpr scxr_option_desc path(const char *name, const char *help, const char *default_value)
{
	scxr_option_desc desc = string(name, help, default_value);
	desc.type = SCXR_OPT_PATH;
	return desc;
}

// values: a NULL-terminated static array; default_value must be one of them.
constexpr scxr_option_desc enumeration(const char *name, const char *help, const char *const *values,
				       const char *default_value)
{
	scxr_option_desc desc = string(name, help, default_value);
	desc.type = SCXR_OPT_ENUM;
	desc.enum_values = values;
	return desc;
}

// The exit_dump_len option of a scheduler built on SkeletonScheduler, whose open_skeleton()
// takes its value.
constexpr scxr_option_desc exit_dump_length()
{
	return unsigned_integer("exit_dump_len", "bytes of the kernel's debug dump kept when the scheduler exits (0: none)",
				"bytes", kDefaultExitDumpLength, 0, kMaxExitDumpLength);
}

} // namespace option

namespace requirement {

constexpr scxr_requirement kfunc(const char *name, const char *since, const char *feature)
{
	return scxr_requirement{SCXR_REQ_KFUNC, name, nullptr, since, feature};
}
constexpr scxr_requirement type(const char *name, const char *since, const char *feature)
{
	return scxr_requirement{SCXR_REQ_TYPE, name, nullptr, since, feature};
}
constexpr scxr_requirement member(const char *type_name, const char *member, const char *since,
				  const char *feature)
{
	return scxr_requirement{SCXR_REQ_MEMBER, type_name, member, since, feature};
}
constexpr scxr_requirement enum_value(const char *name, const char *since, const char *feature)
{
	return scxr_requirement{SCXR_REQ_ENUM_VALUE, name, nullptr, since, feature};
}

} // namespace requirement

} // namespace scxr::sdk
