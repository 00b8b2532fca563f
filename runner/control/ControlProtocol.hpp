// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "output/Json.hpp"

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace scxr {

// The control socket speaks one exchange per connection: the client sends one request line,
// the runner answers with one JSON object on one line, then closes.
//
//   ping\n                         -> {"ok":true,"pid":1234}
//   status\n                       -> {"ok":true,"profile":"/etc/scx/qmap.toml","plugin":"qmap",...}
//   stats\n                        -> status's fields, then "kernel_state", "monotonic_ns" and
//                                     "nodes":[{"name":"","plugin":"qmap","stats":[...]},...]
//   switch /etc/scx/simple.toml\n  -> {"ok":true,...} or {"ok":false,"error":"..."}
//
// Lines, not a binary framing, so that `socat - UNIX-CONNECT:/run/scx-runner/control.sock`
// is a debugging tool; JSON replies, so that scripts can read status without parsing prose.

struct ControlRequest {
	enum class Command { ping, status, stats, switch_profile };

	Command command = Command::ping;
	std::string profile_path; // switch_profile only: absolute
};

// One reply: "ok" plus fields in the order they were added. A field is a string, an integer, a
// boolean, a flat object of string values (a plugin's options) or a nested document (an array,
// or an object holding objects or arrays: stats' nodes and their readings), so a reader can
// hand every field to its caller as one of these few types.
class ControlReply {
public:
	using Object = std::vector<std::pair<std::string, std::string>>;
	using Value = std::variant<std::string, int64_t, bool, Object, JsonTree>;

	static ControlReply success() { return ControlReply(true); }
	static ControlReply failure(std::string error);

	bool ok() const { return ok_; }
	// The failure's message; empty for a success.
	std::string error() const;

	// Adds (or replaces) a field. "ok" and "error" are reserved.
	ControlReply &set(std::string name, Value value);
	ControlReply &set(std::string name, const char *value) { return set(std::move(name), std::string(value)); }
	// Any integer (a pid, a count of swaps) without ambiguity between the variant's types.
	template <std::integral Integer>
		requires(!std::same_as<Integer, bool>)
	ControlReply &set(std::string name, Integer value)
	{
		return set(std::move(name), Value(static_cast<int64_t>(value)));
	}

	const std::vector<std::pair<std::string, Value>> &fields() const { return fields_; }
	const Value *find(std::string_view name) const;
	// The field as that type, or nullptr when it is missing or of another type.
	const std::string *find_string(std::string_view name) const;
	const int64_t *find_integer(std::string_view name) const;
	const bool *find_bool(std::string_view name) const;
	const Object *find_object(std::string_view name) const;
	const JsonTree *find_tree(std::string_view name) const;

	// The reply as one JSON object: "ok", then the fields in their order.
	Json to_json() const;
	// to_json() as one line of text ending in '\n' (json_text(): never invalid UTF-8).
	std::string to_line() const;

	bool operator==(const ControlReply &) const = default;

private:
	friend class ControlProtocol; // parse_reply() fills in fields as read, "error" included

	explicit ControlReply(bool ok) : ok_(ok) {}
	void put(std::string name, Value value);

	bool ok_;
	std::vector<std::pair<std::string, Value>> fields_; // without "ok"; "error" included
};

class ControlProtocol {
public:
	// A request line is a command and a path; paths are at most PATH_MAX (4096) bytes.
	static constexpr size_t kMaxRequestBytes = 4096 + 64;
	// Replies carry a profile's options; a generous cap still stops a runaway peer.
	static constexpr size_t kMaxReplyBytes = 1024 * 1024;
	// Where a runner serves, and where status and switch look, unless told otherwise; the
	// server and the command line both default to this one path.
	static constexpr const char *kDefaultSocketPath = "/run/scx-runner/control.sock";

	// Parses one request line (without its '\n'; a trailing '\r' is tolerated). Returns the
	// request, or a message for the error reply: "unknown command 'stat' (use ping, status,
	// stats or switch PROFILE)", "the profile path must be absolute", "the request contains
	// control characters".
	static std::variant<ControlRequest, std::string> parse_request(std::string_view line);

	// The line a client sends for request, '\n' included.
	static std::string format_request(const ControlRequest &request);

	// Parses a reply line as to_line() writes it: any JSON spelling of one object whose values
	// are strings, integers (64-bit), booleans, objects of those (their values become text), or
	// arrays and objects that hold arrays or objects (kept as JsonTree, as read); a null value
	// counts as a field that is not there. Text that is not JSON, and so also text that is not
	// UTF-8, is refused: a runner never writes it. Throws std::invalid_argument naming what is
	// wrong and where, without echoing the peer's bytes.
	static ControlReply parse_reply(std::string_view line);
};

} // namespace scxr
