// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstddef>
#include <string>

namespace scxr::test {

// How often needle occurs in text (overlapping occurrences count): how the session tests count
// log lines of one kind.
inline size_t count_occurrences(const std::string &text, const std::string &needle)
{
	size_t found = 0;
	for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
		++found;
	return found;
}

} // namespace scxr::test
