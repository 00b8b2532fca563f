// SPDX-License-Identifier: GPL-2.0-only
// The control server's framing on its own: one request line out of bytes in any pieces.
#include "control/ControlProtocol.hpp"
#include "control/ControlRequestBuffer.hpp"

#include <catch2/catch_test_macros.hpp>

#include <string>

using scxr::ControlProtocol;
using scxr::ControlRequestBuffer;
using State = ControlRequestBuffer::State;

TEST_CASE("a request line is the same whole or byte by byte", "[control][framing]")
{
	const std::string bytes = "switch /etc/scx/simple.toml\r\nstatus\n";
	ControlRequestBuffer whole;
	CHECK(whole.append(bytes) == State::line_complete);
	CHECK(whole.line() == "switch /etc/scx/simple.toml\r");

	ControlRequestBuffer slow;
	size_t index = 0;
	for (; slow.state() == State::waiting; ++index)
		slow.append(bytes.substr(index, 1));
	CHECK(index == bytes.find('\n') + 1);
	CHECK(slow.line() == whole.line());
	// One request per connection: what follows is ignored.
	CHECK(slow.append("ping\n") == State::line_complete);
	CHECK(slow.line() == whole.line());
}

TEST_CASE("a line without a newline counts when the peer ends it", "[control][framing]")
{
	ControlRequestBuffer buffer;
	CHECK(buffer.append("sta") == State::waiting);
	CHECK(buffer.append("tus") == State::waiting);
	CHECK(buffer.finish() == State::line_complete);
	CHECK(buffer.line() == "status");

	ControlRequestBuffer silent;
	CHECK(silent.finish() == State::nothing_sent);
	ControlRequestBuffer empty_line;
	CHECK(empty_line.append("\n") == State::line_complete);
	CHECK(empty_line.line().empty());
}

TEST_CASE("a line over the limit is refused without being kept", "[control][framing]")
{
	const size_t limit = ControlRequestBuffer::max_line_bytes();
	CHECK(limit == ControlProtocol::kMaxRequestBytes + 1);

	ControlRequestBuffer at_limit;
	CHECK(at_limit.append(std::string(limit, 'a')) == State::waiting);
	CHECK(at_limit.append("\n") == State::line_complete);
	CHECK(at_limit.line().size() == limit);

	ControlRequestBuffer one_more;
	CHECK(one_more.append(std::string(limit, 'a')) == State::waiting);
	CHECK(one_more.append("a") == State::too_long);
	CHECK(one_more.line().empty());
	CHECK(one_more.finish() == State::too_long);

	// A megabyte in one piece is refused before any of it is copied.
	ControlRequestBuffer flood;
	CHECK(flood.append(std::string(1024 * 1024, 'x') + "\n") == State::too_long);
	CHECK(flood.line().capacity() <= limit);
}
