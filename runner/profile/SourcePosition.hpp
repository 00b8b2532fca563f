// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstdint>
#include <string>

namespace scxr {

// Where something is in a profile, for messages in the "file:line:column" form editors jump to.
struct SourcePosition {
	std::string file;
	uint32_t line = 0;   // 1-based; 0 when unknown
	uint32_t column = 0; // 1-based; 0 when unknown

	std::string to_string() const
	{
		if (line == 0)
			return file;
		return file + ":" + std::to_string(line) + ":" + std::to_string(column);
	}
};

} // namespace scxr
