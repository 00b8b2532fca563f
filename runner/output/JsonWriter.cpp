// SPDX-License-Identifier: GPL-2.0-only
#include "output/JsonWriter.hpp"

#include <fmt/format.h>

#include <cmath>

namespace scxr {

void JsonWriter::before_value()
{
	if (after_key_) {
		after_key_ = false;
		return;
	}
	if (!needs_comma_.empty()) {
		if (needs_comma_.back())
			text_ += ',';
		needs_comma_.back() = true;
	}
}

JsonWriter &JsonWriter::begin_object()
{
	before_value();
	text_ += '{';
	needs_comma_.push_back(false);
	return *this;
}

JsonWriter &JsonWriter::end_object()
{
	text_ += '}';
	needs_comma_.pop_back();
	return *this;
}

JsonWriter &JsonWriter::begin_array()
{
	before_value();
	text_ += '[';
	needs_comma_.push_back(false);
	return *this;
}

JsonWriter &JsonWriter::end_array()
{
	text_ += ']';
	needs_comma_.pop_back();
	return *this;
}

JsonWriter &JsonWriter::key(std::string_view name)
{
	before_value();
	text_ += quote(name);
	text_ += ':';
	after_key_ = true;
	return *this;
}

JsonWriter &JsonWriter::value(std::string_view text)
{
	before_value();
	text_ += quote(text);
	return *this;
}

JsonWriter &JsonWriter::value(bool flag)
{
	before_value();
	text_ += flag ? "true" : "false";
	return *this;
}

JsonWriter &JsonWriter::value(int64_t number)
{
	before_value();
	text_ += fmt::format("{}", number);
	return *this;
}

JsonWriter &JsonWriter::value(uint64_t number)
{
	before_value();
	text_ += fmt::format("{}", number);
	return *this;
}

JsonWriter &JsonWriter::value(double number)
{
	before_value();
	if (!std::isfinite(number))
		text_ += "null";
	else if (std::trunc(number) == number && std::fabs(number) < 9.007199254740992e15)
		text_ += fmt::format("{}", static_cast<int64_t>(number));
	else
		text_ += fmt::format("{}", number);
	return *this;
}

JsonWriter &JsonWriter::null()
{
	before_value();
	text_ += "null";
	return *this;
}

std::string JsonWriter::quote(std::string_view text)
{
	std::string quoted = "\"";
	for (char c : text) {
		switch (c) {
		case '"': quoted += "\\\""; break;
		case '\\': quoted += "\\\\"; break;
		case '\n': quoted += "\\n"; break;
		case '\r': quoted += "\\r"; break;
		case '\t': quoted += "\\t"; break;
		case '\b': quoted += "\\b"; break;
		case '\f': quoted += "\\f"; break;
		default:
			if (static_cast<unsigned char>(c) < 0x20)
				quoted += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
			else
				quoted += c;
		}
	}
	quoted += '"';
	return quoted;
}

} // namespace scxr
