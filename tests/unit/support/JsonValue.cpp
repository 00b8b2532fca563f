// SPDX-License-Identifier: GPL-2.0-only
#include "JsonValue.hpp"

#include <charconv>
#include <stdexcept>

namespace scxr::test {

class JsonParser {
public:
	explicit JsonParser(std::string_view text) : text_(text) {}

	JsonValue document()
	{
		JsonValue value = parse_value();
		skip_space();
		if (position_ != text_.size())
			fail("trailing characters");
		return value;
	}

private:
	[[noreturn]] void fail(const std::string &what) const
	{
		throw std::invalid_argument("JSON error at offset " + std::to_string(position_) + ": " + what);
	}

	void skip_space()
	{
		while (position_ < text_.size() &&
		       (text_[position_] == ' ' || text_[position_] == '\n' || text_[position_] == '\r' || text_[position_] == '\t'))
			++position_;
	}

	bool consume(std::string_view word)
	{
		if (text_.substr(position_, word.size()) != word)
			return false;
		position_ += word.size();
		return true;
	}

	JsonValue parse_value()
	{
		skip_space();
		if (position_ >= text_.size())
			fail("unexpected end");
		JsonValue value;
		const char c = text_[position_];
		if (c == '{')
			value.data_ = parse_object();
		else if (c == '[')
			value.data_ = parse_array();
		else if (c == '"')
			value.data_ = parse_string();
		else if (consume("true"))
			value.data_ = true;
		else if (consume("false"))
			value.data_ = false;
		else if (consume("null"))
			value.data_ = std::monostate();
		else
			value.data_ = parse_number();
		return value;
	}

	std::shared_ptr<JsonValue::Object> parse_object()
	{
		auto object = std::make_shared<JsonValue::Object>();
		++position_;
		skip_space();
		if (consume("}"))
			return object;
		for (;;) {
			skip_space();
			if (position_ >= text_.size() || text_[position_] != '"')
				fail("expected a key");
			std::string key = parse_string();
			skip_space();
			if (!consume(":"))
				fail("expected ':'");
			if (object->count(key))
				fail("duplicate key '" + key + "'");
			(*object)[key] = parse_value();
			skip_space();
			if (consume("}"))
				return object;
			if (!consume(","))
				fail("expected ',' or '}'");
		}
	}

	std::shared_ptr<JsonValue::Array> parse_array()
	{
		auto array = std::make_shared<JsonValue::Array>();
		++position_;
		skip_space();
		if (consume("]"))
			return array;
		for (;;) {
			array->push_back(parse_value());
			skip_space();
			if (consume("]"))
				return array;
			if (!consume(","))
				fail("expected ',' or ']'");
		}
	}

	std::string parse_string()
	{
		++position_;
		std::string result;
		while (position_ < text_.size()) {
			const char c = text_[position_++];
			if (c == '"')
				return result;
			if (static_cast<unsigned char>(c) < 0x20)
				fail("control character in a string");
			if (c != '\\') {
				result += c;
				continue;
			}
			if (position_ >= text_.size())
				break;
			const char escape = text_[position_++];
			switch (escape) {
			case '"': result += '"'; break;
			case '\\': result += '\\'; break;
			case '/': result += '/'; break;
			case 'b': result += '\b'; break;
			case 'f': result += '\f'; break;
			case 'n': result += '\n'; break;
			case 'r': result += '\r'; break;
			case 't': result += '\t'; break;
			case 'u': {
				unsigned code = 0;
				const auto digits = text_.substr(position_, 4);
				auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), code, 16);
				if (error != std::errc() || end != digits.data() + 4)
					fail("bad \\u escape");
				position_ += 4;
				if (code < 0x80)
					result += static_cast<char>(code);
				else
					result += '?';
				break;
			}
			default: fail("bad escape");
			}
		}
		fail("unterminated string");
	}

	double parse_number()
	{
		const size_t start = position_;
		if (position_ < text_.size() && text_[position_] == '-')
			++position_;
		while (position_ < text_.size() && std::string_view("0123456789.eE+-").find(text_[position_]) != std::string_view::npos)
			++position_;
		double number = 0;
		auto [end, error] = std::from_chars(text_.data() + start, text_.data() + position_, number);
		if (start == position_ || error != std::errc() || end != text_.data() + position_)
			fail("not a value");
		return number;
	}

	std::string_view text_;
	size_t position_ = 0;
};

JsonValue JsonValue::parse(std::string_view text) { return JsonParser(text).document(); }

} // namespace scxr::test
