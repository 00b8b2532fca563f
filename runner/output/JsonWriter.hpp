// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace scxr {

// Builds compact JSON text (stats lines, `plugins --json`). Only what the runner emits:
// objects, arrays, strings, numbers, booleans, null. The caller nests calls correctly.
class JsonWriter {
public:
	JsonWriter &begin_object();
	JsonWriter &end_object();
	JsonWriter &begin_array();
	JsonWriter &end_array();
	// The key of the next value inside an object.
	JsonWriter &key(std::string_view name);
	JsonWriter &value(std::string_view text);
	JsonWriter &value(const char *text) { return value(std::string_view(text)); }
	JsonWriter &value(const std::string &text) { return value(std::string_view(text)); }
	JsonWriter &value(bool flag);
	JsonWriter &value(int64_t number);
	JsonWriter &value(uint64_t number);
	// Integral values print as integers; NaN and infinities as null (JSON has neither).
	JsonWriter &value(double number);
	JsonWriter &null();

	const std::string &str() const { return text_; }

	static std::string quote(std::string_view text);

private:
	void before_value();

	std::string text_;
	// Per open object/array: whether a comma must precede the next element.
	std::vector<bool> needs_comma_;
	bool after_key_ = false;
};

} // namespace scxr
