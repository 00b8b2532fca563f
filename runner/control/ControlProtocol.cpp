// SPDX-License-Identifier: GPL-2.0-only
#include "control/ControlProtocol.hpp"

#include <fmt/format.h>

#include <charconv>
#include <limits>
#include <optional>
#include <stdexcept>

namespace scxr {

namespace {

constexpr std::string_view kReplacementCharacter = "\xef\xbf\xbd"; // U+FFFD
constexpr std::string_view kCommandsHelp = "use ping, status or switch /absolute/profile.toml";

// The length of the well-formed UTF-8 sequence at the start of text (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 when there is none.
size_t utf8_sequence_length(std::string_view text)
{
	const auto byte = [&](size_t index) { return static_cast<unsigned char>(text[index]); };
	const auto continuation = [&](size_t index) { return index < text.size() && (byte(index) & 0xc0) == 0x80; };
	const unsigned char lead = byte(0);
	if (lead < 0x80)
		return 1;
	if (lead >= 0xc2 && lead <= 0xdf)
		return continuation(1) ? 2 : 0;
	if (lead >= 0xe0 && lead <= 0xef) {
		if (!continuation(1) || !continuation(2))
			return 0;
		if ((lead == 0xe0 && byte(1) < 0xa0) || (lead == 0xed && byte(1) >= 0xa0))
			return 0;
		return 3;
	}
	if (lead >= 0xf0 && lead <= 0xf4) {
		if (!continuation(1) || !continuation(2) || !continuation(3))
			return 0;
		if ((lead == 0xf0 && byte(1) < 0x90) || (lead == 0xf4 && byte(1) >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

bool is_valid_utf8(std::string_view text)
{
	while (!text.empty()) {
		const size_t length = utf8_sequence_length(text);
		if (length == 0)
			return false;
		text.remove_prefix(length);
	}
	return true;
}

bool has_control_characters(std::string_view text)
{
	for (char c : text)
		if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
			return true;
	return false;
}

void append_utf8(std::string &out, uint32_t code_point)
{
	if (code_point < 0x80) {
		out += static_cast<char>(code_point);
	} else if (code_point < 0x800) {
		out += static_cast<char>(0xc0 | (code_point >> 6));
		out += static_cast<char>(0x80 | (code_point & 0x3f));
	} else if (code_point < 0x10000) {
		out += static_cast<char>(0xe0 | (code_point >> 12));
		out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
		out += static_cast<char>(0x80 | (code_point & 0x3f));
	} else {
		out += static_cast<char>(0xf0 | (code_point >> 18));
		out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
		out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
		out += static_cast<char>(0x80 | (code_point & 0x3f));
	}
}

// The start of a request's text, for an error message. The request is valid UTF-8 by now; the
// cut steps back to a character boundary so that the message stays valid UTF-8 too (cut inside
// a character, it would reach the client as U+FFFD).
std::string printable(std::string_view text)
{
	constexpr size_t kShown = 40;
	if (text.size() <= kShown)
		return std::string(text);
	size_t cut = kShown;
	while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80)
		--cut;
	return std::string(text.substr(0, cut)) + "...";
}

// A reader for the replies ControlReply::to_line() writes: one object whose values are
// strings, integers, booleans, null, or objects of those.
class ReplyReader {
public:
	explicit ReplyReader(std::string_view text) : text_(text) {}

	void read_top_level(std::vector<std::pair<std::string, ControlReply::Value>> &fields)
	{
		skip_whitespace();
		expect('{');
		skip_whitespace();
		if (peek() == '}') {
			++position_;
		} else {
			for (;;) {
				skip_whitespace();
				std::string name = read_string();
				skip_whitespace();
				expect(':');
				skip_whitespace();
				ControlReply::Value value = read_value(true);
				store(fields, std::move(name), std::move(value));
				skip_whitespace();
				if (peek() == ',') {
					++position_;
					continue;
				}
				expect('}');
				break;
			}
		}
		skip_whitespace();
		if (position_ != text_.size())
			fail("unexpected text after the reply object");
	}

private:
	[[noreturn]] void fail(std::string_view what) const
	{
		throw std::invalid_argument(fmt::format("{} at byte {}", what, position_));
	}

	char peek() const { return position_ < text_.size() ? text_[position_] : '\0'; }

	void expect(char wanted)
	{
		if (position_ >= text_.size())
			fail(fmt::format("expected '{}' but the reply ended", wanted));
		if (text_[position_] != wanted)
			fail(fmt::format("expected '{}'", wanted));
		++position_;
	}

	void skip_whitespace()
	{
		while (position_ < text_.size() &&
		       (text_[position_] == ' ' || text_[position_] == '\t' || text_[position_] == '\n' ||
			text_[position_] == '\r'))
			++position_;
	}

	static void store(std::vector<std::pair<std::string, ControlReply::Value>> &fields, std::string name,
			  ControlReply::Value value)
	{
		for (auto &field : fields)
			if (field.first == name) {
				field.second = std::move(value);
				return;
			}
		fields.emplace_back(std::move(name), std::move(value));
	}

	ControlReply::Value read_value(bool objects_allowed)
	{
		const char next = peek();
		if (next == '"')
			return read_string();
		if (next == '{') {
			if (!objects_allowed)
				fail("objects nested deeper than one level are not supported");
			return read_object();
		}
		if (next == '[')
			fail("arrays are not supported in replies");
		if (next == '-' || (next >= '0' && next <= '9'))
			return read_integer();
		if (consume_word("true"))
			return true;
		if (consume_word("false"))
			return false;
		if (consume_word("null"))
			return std::string();
		fail("expected a value");
	}

	bool consume_word(std::string_view word)
	{
		if (text_.substr(position_, word.size()) != word)
			return false;
		position_ += word.size();
		return true;
	}

	ControlReply::Object read_object()
	{
		expect('{');
		ControlReply::Object object;
		skip_whitespace();
		if (peek() == '}') {
			++position_;
			return object;
		}
		for (;;) {
			skip_whitespace();
			std::string name = read_string();
			skip_whitespace();
			expect(':');
			skip_whitespace();
			const ControlReply::Value value = read_value(false);
			std::string text;
			if (const auto *string = std::get_if<std::string>(&value))
				text = *string;
			else if (const auto *integer = std::get_if<int64_t>(&value))
				text = std::to_string(*integer);
			else if (const auto *boolean = std::get_if<bool>(&value))
				text = *boolean ? "true" : "false";
			object.emplace_back(std::move(name), std::move(text));
			skip_whitespace();
			if (peek() == ',') {
				++position_;
				continue;
			}
			expect('}');
			return object;
		}
	}

	int64_t read_integer()
	{
		const size_t start = position_;
		if (peek() == '-')
			++position_;
		while (position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9')
			++position_;
		if (peek() == '.' || peek() == 'e' || peek() == 'E')
			fail("only integer numbers are expected");
		int64_t value = 0;
		const auto [end, error] = std::from_chars(text_.data() + start, text_.data() + position_, value);
		if (error != std::errc() || end != text_.data() + position_)
			fail("invalid or too large integer");
		return value;
	}

	uint32_t read_hex4()
	{
		if (position_ + 4 > text_.size())
			fail("truncated \\u escape");
		uint32_t value = 0;
		for (int digit = 0; digit < 4; ++digit) {
			const char c = text_[position_++];
			value <<= 4;
			if (c >= '0' && c <= '9')
				value |= static_cast<uint32_t>(c - '0');
			else if (c >= 'a' && c <= 'f')
				value |= static_cast<uint32_t>(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				value |= static_cast<uint32_t>(c - 'A' + 10);
			else
				fail("invalid \\u escape");
		}
		return value;
	}

	void read_unicode_escape(std::string &out)
	{
		uint32_t code_point = read_hex4();
		if (code_point >= 0xdc00 && code_point <= 0xdfff) {
			out += kReplacementCharacter; // a low surrogate without its high half
			return;
		}
		if (code_point >= 0xd800 && code_point <= 0xdbff) {
			if (text_.substr(position_, 2) != "\\u") {
				out += kReplacementCharacter;
				return;
			}
			const size_t low_start = position_;
			position_ += 2;
			const uint32_t low = read_hex4();
			if (low < 0xdc00 || low > 0xdfff) {
				out += kReplacementCharacter;
				position_ = low_start; // read the second escape on its own
				return;
			}
			code_point = 0x10000 + ((code_point - 0xd800) << 10) + (low - 0xdc00);
		}
		append_utf8(out, code_point);
	}

	std::string read_string()
	{
		expect('"');
		std::string out;
		for (;;) {
			if (position_ >= text_.size())
				fail("unterminated string");
			const char c = text_[position_++];
			if (c == '"')
				return out;
			if (static_cast<unsigned char>(c) < 0x20)
				fail("control character inside a string");
			if (static_cast<unsigned char>(c) >= 0x80) {
				// Bytes that are not UTF-8 become U+FFFD here, as quote_json() writes them:
				// two names that differ only in such bytes are one field on both sides
				// (found by the control fuzz target: they became duplicate keys when written).
				const size_t length = utf8_sequence_length(text_.substr(position_ - 1));
				if (length == 0) {
					out += kReplacementCharacter;
				} else {
					out += text_.substr(position_ - 1, length);
					position_ += length - 1;
				}
				continue;
			}
			if (c != '\\') {
				out += c;
				continue;
			}
			if (position_ >= text_.size())
				fail("unterminated escape");
			const char escaped = text_[position_++];
			switch (escaped) {
			case '"': out += '"'; break;
			case '\\': out += '\\'; break;
			case '/': out += '/'; break;
			case 'b': out += '\b'; break;
			case 'f': out += '\f'; break;
			case 'n': out += '\n'; break;
			case 'r': out += '\r'; break;
			case 't': out += '\t'; break;
			case 'u': read_unicode_escape(out); break;
			default: --position_; fail("invalid escape");
			}
		}
	}

	std::string_view text_;
	size_t position_ = 0;
};

void append_json_value(std::string &out, const ControlReply::Value &value)
{
	if (const auto *string = std::get_if<std::string>(&value)) {
		out += ControlProtocol::quote_json(*string);
	} else if (const auto *integer = std::get_if<int64_t>(&value)) {
		out += std::to_string(*integer);
	} else if (const auto *boolean = std::get_if<bool>(&value)) {
		out += *boolean ? "true" : "false";
	} else {
		const auto &object = std::get<ControlReply::Object>(value);
		out += '{';
		for (size_t index = 0; index < object.size(); ++index) {
			if (index > 0)
				out += ',';
			out += ControlProtocol::quote_json(object[index].first);
			out += ':';
			out += ControlProtocol::quote_json(object[index].second);
		}
		out += '}';
	}
}

} // namespace

ControlReply ControlReply::failure(std::string error)
{
	ControlReply reply(false);
	reply.put("error", std::move(error));
	return reply;
}

std::string ControlReply::error() const
{
	const std::string *message = find_string("error");
	return message ? *message : std::string();
}

ControlReply &ControlReply::set(std::string name, Value value)
{
	if (name == "ok" || name == "error")
		throw std::invalid_argument(fmt::format("reply field '{}' is reserved", name));
	put(std::move(name), std::move(value));
	return *this;
}

void ControlReply::put(std::string name, Value value)
{
	for (auto &field : fields_)
		if (field.first == name) {
			field.second = std::move(value);
			return;
		}
	fields_.emplace_back(std::move(name), std::move(value));
}

const ControlReply::Value *ControlReply::find(std::string_view name) const
{
	for (const auto &field : fields_)
		if (field.first == name)
			return &field.second;
	return nullptr;
}

const std::string *ControlReply::find_string(std::string_view name) const
{
	const Value *value = find(name);
	return value ? std::get_if<std::string>(value) : nullptr;
}

const int64_t *ControlReply::find_integer(std::string_view name) const
{
	const Value *value = find(name);
	return value ? std::get_if<int64_t>(value) : nullptr;
}

const bool *ControlReply::find_bool(std::string_view name) const
{
	const Value *value = find(name);
	return value ? std::get_if<bool>(value) : nullptr;
}

const ControlReply::Object *ControlReply::find_object(std::string_view name) const
{
	const Value *value = find(name);
	return value ? std::get_if<Object>(value) : nullptr;
}

std::string ControlReply::to_line() const
{
	std::string line = ok_ ? "{\"ok\":true" : "{\"ok\":false";
	for (const auto &[name, value] : fields_) {
		line += ',';
		line += ControlProtocol::quote_json(name);
		line += ':';
		append_json_value(line, value);
	}
	line += "}\n";
	return line;
}

std::variant<ControlRequest, std::string> ControlProtocol::parse_request(std::string_view line)
{
	if (!line.empty() && line.back() == '\r')
		line.remove_suffix(1);
	if (line.size() > kMaxRequestBytes)
		return fmt::format("the request is too long ({} bytes, at most {})", line.size(), kMaxRequestBytes);
	if (has_control_characters(line))
		return std::string("the request contains control characters; send one text line");
	if (!is_valid_utf8(line))
		return std::string("the request is not UTF-8 text");
	if (line.empty())
		return fmt::format("empty request ({})", kCommandsHelp);

	const size_t space = line.find(' ');
	const std::string_view command = line.substr(0, space);
	const std::string_view argument = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
	const bool has_argument = space != std::string_view::npos;

	ControlRequest request;
	if (command == "ping" || command == "status") {
		if (has_argument)
			return fmt::format("'{}' takes no argument", command);
		request.command = command == "ping" ? ControlRequest::Command::ping : ControlRequest::Command::status;
		return request;
	}
	if (command == "switch") {
		if (argument.empty())
			return std::string("'switch' needs a profile path: switch /absolute/profile.toml");
		// The runner's working directory is not the client's, so a relative path would
		// silently name another file.
		if (argument.front() != '/')
			return fmt::format("the profile path must be absolute, got '{}'", printable(argument));
		request.command = ControlRequest::Command::switch_profile;
		request.profile_path = std::string(argument);
		return request;
	}
	return fmt::format("unknown command '{}' ({})", printable(command), kCommandsHelp);
}

std::string ControlProtocol::format_request(const ControlRequest &request)
{
	switch (request.command) {
	case ControlRequest::Command::ping: return "ping\n";
	case ControlRequest::Command::status: return "status\n";
	case ControlRequest::Command::switch_profile:
		if (has_control_characters(request.profile_path))
			throw std::invalid_argument("the profile path contains control characters (a newline?)");
		if (request.profile_path.empty() || request.profile_path.front() != '/')
			throw std::invalid_argument("the profile path must be absolute");
		return "switch " + request.profile_path + "\n";
	}
	throw std::invalid_argument("unknown control command");
}

ControlReply ControlProtocol::parse_reply(std::string_view line)
{
	std::vector<std::pair<std::string, ControlReply::Value>> fields;
	ReplyReader(line).read_top_level(fields);
	std::optional<bool> ok;
	ControlReply reply(false);
	for (auto &[name, value] : fields) {
		if (name == "ok") {
			const bool *flag = std::get_if<bool>(&value);
			if (!flag)
				throw std::invalid_argument("\"ok\" is not a boolean");
			ok = *flag;
			continue;
		}
		reply.put(std::move(name), std::move(value));
	}
	if (!ok)
		throw std::invalid_argument("the reply has no \"ok\" field");
	reply.ok_ = *ok;
	if (!reply.ok_ && !reply.find_string("error"))
		throw std::invalid_argument("a failed reply has no \"error\" message");
	return reply;
}

std::string ControlProtocol::quote_json(std::string_view text)
{
	std::string out;
	out.reserve(text.size() + 2);
	out += '"';
	while (!text.empty()) {
		const size_t length = utf8_sequence_length(text);
		if (length == 0) {
			out += kReplacementCharacter;
			text.remove_prefix(1);
			continue;
		}
		if (length > 1) {
			out += text.substr(0, length);
			text.remove_prefix(length);
			continue;
		}
		const char c = text.front();
		text.remove_prefix(1);
		switch (c) {
		case '"': out += "\\\""; break;
		case '\\': out += "\\\\"; break;
		case '\n': out += "\\n"; break;
		case '\r': out += "\\r"; break;
		case '\t': out += "\\t"; break;
		case '\b': out += "\\b"; break;
		case '\f': out += "\\f"; break;
		default:
			if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
				out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
			else
				out += c;
		}
	}
	out += '"';
	return out;
}

} // namespace scxr
