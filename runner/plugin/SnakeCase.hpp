// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <algorithm>
#include <string_view>

namespace scxr {

// The form of every name a plugin publishes (options, stats, stat groups): it is a TOML key or
// a field of the stats output, where anything else would need quoting.
inline bool is_snake_case(std::string_view name)
{
	if (name.empty() || !(name.front() >= 'a' && name.front() <= 'z'))
		return false;
	return std::all_of(name.begin(), name.end(),
			   [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

} // namespace scxr
