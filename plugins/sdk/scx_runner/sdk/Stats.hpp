// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// Builders for a plugin's stats schema, so each stat is declared once, in one line, as constant
// data; the group comes first because that is how the table reads (queue/enqueued):
//
//   constexpr scxr_stat_desc kStats[] = {
//       stat::counter("queue", "enqueued", "tasks", "tasks queued on the five FIFOs"),
//       stat::signed_gauge("queue", "enqueued_minus_dispatched", "tasks", "not dispatched yet"),
//   };
//
// Counters and gauges are u64 unless their name says otherwise: a count is a whole number, and
// the host prints it exactly.

#include <scx_runner/plugin_abi.h>

namespace scxr::sdk::stat {

constexpr scxr_stat_desc describe(scxr_stat_kind kind, scxr_stat_type type, const char *group, const char *name,
				  const char *unit, const char *help)
{
	scxr_stat_desc desc{};
	desc.name = name;
	desc.kind = kind;
	desc.type = type;
	desc.unit = unit;
	desc.help = help;
	desc.group = group;
	return desc;
}

constexpr scxr_stat_desc counter(const char *group, const char *name, const char *unit, const char *help)
{
	return describe(SCXR_STAT_COUNTER, SCXR_STAT_U64, group, name, unit, help);
}

constexpr scxr_stat_desc gauge(const char *group, const char *name, const char *unit, const char *help)
{
	return describe(SCXR_STAT_GAUGE, SCXR_STAT_U64, group, name, unit, help);
}

// A gauge that can go below zero, e.g. the difference of two counters read at slightly
// different times.
constexpr scxr_stat_desc signed_gauge(const char *group, const char *name, const char *unit, const char *help)
{
	return describe(SCXR_STAT_GAUGE, SCXR_STAT_S64, group, name, unit, help);
}

// A gauge with a fraction, e.g. a ratio or an average.
constexpr scxr_stat_desc float_gauge(const char *group, const char *name, const char *unit, const char *help)
{
	return describe(SCXR_STAT_GAUGE, SCXR_STAT_F64, group, name, unit, help);
}

} // namespace scxr::sdk::stat
