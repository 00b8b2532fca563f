// SPDX-License-Identifier: GPL-2.0-only
#include "profile/ProfileCgroup.hpp"

#include <fmt/format.h>

namespace scxr {

std::optional<std::string> ProfileCgroup::relative_path(std::string_view written, std::string &problem)
{
	std::string_view rest = written;
	if (rest.starts_with('/')) {
		if (!rest.starts_with(kMount) || (rest.size() > kMount.size() && rest[kMount.size()] != '/')) {
			problem = fmt::format("an absolute cgroup path must lie below {}", kMount);
			return std::nullopt;
		}
		rest.remove_prefix(kMount.size());
	}
	std::string relative;
	while (!rest.empty()) {
		const size_t slash = rest.find('/');
		const std::string_view component = rest.substr(0, slash);
		rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
		if (component.empty())
			continue; // "a//b", a leading or trailing '/'
		if (component == "." || component == "..") {
			problem = "'.' and '..' are not allowed in a cgroup path";
			return std::nullopt;
		}
		if (component.find('\0') != std::string_view::npos || component.find('\n') != std::string_view::npos) {
			problem = "control characters are not allowed in a cgroup path";
			return std::nullopt;
		}
		if (!relative.empty())
			relative += '/';
		relative += component;
	}
	if (relative.empty()) {
		problem = fmt::format("that is the cgroup root {}, which the root scheduler has", kMount);
		return std::nullopt;
	}
	return relative;
}

bool ProfileCgroup::is_inside(std::string_view inner, std::string_view outer)
{
	return inner.size() > outer.size() && inner.starts_with(outer) && inner[outer.size()] == '/';
}

} // namespace scxr
