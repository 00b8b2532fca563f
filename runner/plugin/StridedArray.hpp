// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

namespace scxr {

// Copies an array the plugin publishes, count elements stride bytes apart (plugin_abi.h:
// strides), into elements of this runner's header. A newer plugin's longer elements lose only
// the fields this runner does not know; an older plugin's shorter ones get the fields it did not
// know zeroed (NULL strings, false flags), which the header defines as "none". first is
// [static] plugin data; the strings the copies point to stay in the plugin.
template <typename Element>
std::vector<Element> copy_strided(const void *first, size_t count, size_t stride)
{
	std::vector<Element> elements(first ? count : 0);
	const auto *bytes = static_cast<const unsigned char *>(first);
	const size_t known = std::min(stride, sizeof(Element));
	for (size_t index = 0; index < elements.size(); ++index)
		std::memcpy(&elements[index], bytes + index * stride, known);
	return elements;
}

} // namespace scxr
