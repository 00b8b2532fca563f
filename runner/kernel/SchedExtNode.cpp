// SPDX-License-Identifier: GPL-2.0-only
#include "kernel/SchedExtNode.hpp"

#include <fmt/format.h>

#include <fstream>

namespace scxr {

SchedExtNode SchedExtNode::child(uint64_t cgroup_id) const
{
	return SchedExtNode(path_ / "sub" / fmt::format("sub-{}", cgroup_id));
}

std::string SchedExtNode::ops() const
{
	std::string name;
	std::ifstream(path_ / "ops") >> name;
	return name;
}

} // namespace scxr
