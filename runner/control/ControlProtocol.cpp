// SPDX-License-Identifier: GPL-2.0-only
#include "control/ControlProtocol.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <limits>
#include <optional>
#include <stdexcept>

namespace scxr {

namespace {

constexpr std::string_view kCommandsHelp = "use ping, status, stats or switch /absolute/profile.toml";

bool has_control_characters(std::string_view text)
{
	for (char c : text)
		if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
			return true;
	return false;
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

// nlohmann's message without its "[json.exception.parse_error.101] " tag and without the
// "; last read: '...'" that quotes the peer's bytes: they may be megabytes, or not UTF-8.
std::string parse_error_message(const Json::parse_error &error)
{
	std::string_view message = error.what();
	if (const size_t tag_end = message.find("] "); tag_end != std::string_view::npos)
		message.remove_prefix(tag_end + 2);
	if (const size_t quoted = message.find("; last read: "); quoted != std::string_view::npos)
		message = message.substr(0, quoted);
	return std::string(message);
}

Json value_json(const ControlReply::Value &value)
{
	if (const auto *string = std::get_if<std::string>(&value))
		return *string;
	if (const auto *integer = std::get_if<int64_t>(&value))
		return *integer;
	if (const auto *flag = std::get_if<bool>(&value))
		return *flag;
	if (const auto *tree = std::get_if<JsonTree>(&value))
		return tree->document();
	Json object = Json::object();
	for (const auto &[name, text] : std::get<ControlReply::Object>(value))
		object[name] = text;
	return object;
}

// A field's name for an error message: quoted and escaped (it is the peer's text), unless it
// is too long to be worth showing.
std::string field_label(std::string_view name)
{
	constexpr size_t kShown = 64;
	const std::string quoted = json_text(Json(name));
	return quoted.size() <= kShown ? "field " + quoted : "a field";
}

int64_t reply_integer(const Json &value, std::string_view name)
{
	constexpr auto kLargest = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
	// nlohmann reads a non-negative integer as unsigned, and one beyond 64 bits as floating
	// point: one message covers both that and a fraction.
	if (value.is_number_unsigned() ? value.get<uint64_t>() <= kLargest : value.is_number_integer())
		return value.get<int64_t>();
	throw std::invalid_argument(
		fmt::format("{}: only integer numbers that fit in 64 bits are expected", field_label(name)));
}

// Whether a reply's value is a nested document rather than a flat object: an array, or an
// object with an array or object inside.
bool is_nested(const Json &value)
{
	if (value.is_array())
		return true;
	if (!value.is_object())
		return false;
	for (const auto &[key, inner] : value.items())
		if (inner.is_structured())
			return true;
	return false;
}

// One value of a reply as its ControlReply type; flat objects (a plugin's options) hold
// scalars only, which become text. Null values were dropped before.
ControlReply::Value reply_value(const Json &value, std::string_view name)
{
	if (value.is_string())
		return value.get<std::string>();
	if (value.is_boolean())
		return value.get<bool>();
	if (value.is_number())
		return reply_integer(value, name);
	if (is_nested(value))
		return JsonTree(value);
	ControlReply::Object object;
	for (const auto &[key, inner] : value.items()) {
		if (inner.is_null())
			continue;
		const ControlReply::Value text = reply_value(inner, name);
		if (const auto *string = std::get_if<std::string>(&text))
			object.emplace_back(key, *string);
		else if (const auto *integer = std::get_if<int64_t>(&text))
			object.emplace_back(key, std::to_string(*integer));
		else
			object.emplace_back(key, std::get<bool>(text) ? "true" : "false");
	}
	return object;
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

const JsonTree *ControlReply::find_tree(std::string_view name) const
{
	const Value *value = find(name);
	return value ? std::get_if<JsonTree>(value) : nullptr;
}

Json ControlReply::to_json() const
{
	Json json;
	json["ok"] = ok_;
	for (const auto &[name, value] : fields_)
		json[name] = value_json(value);
	return json;
}

std::string ControlReply::to_line() const
{
	return json_text(to_json()) + '\n';
}

std::variant<ControlRequest, std::string> ControlProtocol::parse_request(std::string_view line)
{
	if (!line.empty() && line.back() == '\r')
		line.remove_suffix(1);
	if (line.size() > kMaxRequestBytes)
		return fmt::format("the request is too long ({} bytes, at most {})", line.size(), kMaxRequestBytes);
	if (has_control_characters(line))
		return std::string("the request contains control characters; send one text line");
	if (!is_utf8(line))
		return std::string("the request is not UTF-8 text");
	if (line.empty())
		return fmt::format("empty request ({})", kCommandsHelp);

	const size_t space = line.find(' ');
	const std::string_view command = line.substr(0, space);
	const std::string_view argument = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
	const bool has_argument = space != std::string_view::npos;

	ControlRequest request;
	const std::pair<std::string_view, ControlRequest::Command> plain_commands[] = {
		{"ping", ControlRequest::Command::ping},
		{"status", ControlRequest::Command::status},
		{"stats", ControlRequest::Command::stats},
	};
	for (const auto &[name, plain] : plain_commands) {
		if (command != name)
			continue;
		if (has_argument)
			return fmt::format("'{}' takes no argument", command);
		request.command = plain;
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
	case ControlRequest::Command::stats: return "stats\n";
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
	Json document;
	try {
		// Duplicate names keep the first one's place and the last one's value, as put() does.
		document = Json::parse(line);
	} catch (const Json::parse_error &error) {
		throw std::invalid_argument(parse_error_message(error));
	} catch (const Json::out_of_range &) {
		// nlohmann's message quotes the number, which may be the whole reply.
		throw std::invalid_argument("a number in the reply is beyond what a double holds");
	}
	if (!document.is_object())
		throw std::invalid_argument(fmt::format("the reply is a JSON {}, not an object", document.type_name()));
	std::optional<bool> ok;
	ControlReply reply(false);
	for (const auto &[name, value] : document.items()) {
		if (name == "ok") {
			if (!value.is_boolean())
				throw std::invalid_argument("\"ok\" is not a boolean");
			ok = value.get<bool>();
			continue;
		}
		// A runner never writes null; a field that is null is a field that is not there.
		if (value.is_null())
			continue;
		reply.put(name, reply_value(value, name));
	}
	if (!ok)
		throw std::invalid_argument("the reply has no \"ok\" field");
	reply.ok_ = *ok;
	if (!reply.ok_ && !reply.find_string("error"))
		throw std::invalid_argument("a failed reply has no \"error\" message");
	return reply;
}

} // namespace scxr
