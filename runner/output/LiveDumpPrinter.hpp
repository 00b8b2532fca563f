// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <ostream>
#include <string>

namespace scxr {

// What SIGUSR1 prints on out: the running scheduler's own dump between fixed markers,
//
//   --- LIVE DUMP <plugin> ---
//   <the plugin's dump>
//   --- END LIVE DUMP ---
//
// so that it can be cut out of the stats lines around it.
class LiveDumpPrinter {
public:
	static void print(std::ostream &out, const std::string &plugin_id, std::string dump);
};

} // namespace scxr
