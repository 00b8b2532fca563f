// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace scxr {

// Collects one control request line from a connection's bytes as they arrive, in pieces of any
// size: a whole line at once, one byte per read from a slow client, or the line plus whatever
// followed it. Kept apart from ControlServer so that the framing can be fuzzed and tested
// without sockets (tests/fuzz/control_fuzz_target.cpp feeds it inputs split at every point).
//
// It never holds more than max_line_bytes() + 1 bytes, however much a peer sends, and its
// outcome depends only on the bytes, never on how they were split.
class ControlRequestBuffer {
public:
	enum class State {
		waiting,       // no '\n' yet: keep reading
		line_complete, // line() holds the request, without its '\n'
		too_long,      // more than max_line_bytes() before a '\n': refuse it, keep nothing
		nothing_sent,  // the peer closed its side before sending a byte
	};

	// A line may end in "\r\n" (telnet, socat with crlf), so the '\r' is allowed beyond the
	// protocol's request limit; ControlProtocol::parse_request strips it.
	static size_t max_line_bytes();

	// Takes received bytes. Once the state is no longer waiting, further bytes are ignored:
	// one request per connection.
	State append(std::string_view received);

	// The peer closed its writing side. A request without a final '\n' still counts
	// (`printf status | socat - UNIX-CONNECT:...`); with nothing buffered there is no request.
	State finish();

	State state() const { return state_; }
	const std::string &line() const { return line_; }

private:
	std::string line_;
	State state_ = State::waiting;
};

} // namespace scxr
