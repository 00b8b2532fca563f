// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "control/StatsSnapshot.hpp"
#include "output/Json.hpp"

namespace scxr {

// A StatsSnapshot's nodes as the control socket's `stats` reply carries them, and back:
//
//   [{"name":"","cgroup":"","plugin":"qmap","kernel_ops":"qmap",
//     "stats":[{"name":"enqueued","kind":"counter","value":7112,"unit":"","group":"queue"},...]},
//    {"name":"web","cgroup":"/sys/fs/cgroup/web","plugin":"qmap",...}]
//
// Each sample keeps the type it was read in (u64, s64 or double). The schema's help texts stay
// out: `stats` is asked every interval, and a reader that wants them has `plugins --json`.
class StatsSnapshotJson {
public:
	static JsonTree write(const StatsSnapshot &snapshot);
	// Reads what write() wrote; the schema of each node is left empty. Throws
	// std::invalid_argument naming the node and field that is missing or of the wrong type.
	static StatsSnapshot read(const JsonTree &nodes);
};

} // namespace scxr
