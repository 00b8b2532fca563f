// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "profile/SourcePosition.hpp"

#include <cstdint>
#include <string>
#include <variant>

namespace scxr {

// One option value as the profile wrote it, before it is checked against a plugin's schema.
// Kept independent of the TOML library so the validator can be tested with hand-made values.
class ProfileValue {
public:
	// A TOML value no option type accepts (array, table, date, time); holds its type's name.
	struct Unsupported {
		std::string type_name;
	};
	using Data = std::variant<bool, int64_t, double, std::string, Unsupported>;

	ProfileValue(Data data, SourcePosition position) : data_(std::move(data)), position_(std::move(position)) {}

	const Data &data() const { return data_; }
	const SourcePosition &position() const { return position_; }

	// For messages: "the string \"yes\"", "the integer 5", "an array".
	std::string describe() const;

private:
	Data data_;
	SourcePosition position_;
};

// A key of the profile's [options] table with its value.
struct ProfileOption {
	std::string name;
	SourcePosition key_position;
	ProfileValue value;
};

} // namespace scxr
