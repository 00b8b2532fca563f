// SPDX-License-Identifier: GPL-2.0-only
#include "profile/ProfileValue.hpp"

#include <fmt/format.h>

namespace scxr {

namespace {

struct Describer {
	std::string operator()(bool value) const { return fmt::format("the boolean {}", value); }
	std::string operator()(int64_t value) const { return fmt::format("the integer {}", value); }
	std::string operator()(double value) const { return fmt::format("the float {}", value); }
	std::string operator()(const std::string &value) const { return fmt::format("the string \"{}\"", value); }
	std::string operator()(const ProfileValue::Unsupported &value) const { return value.type_name; }
};

} // namespace

std::string ProfileValue::describe() const { return std::visit(Describer{}, data_); }

} // namespace scxr
