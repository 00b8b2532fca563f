// SPDX-License-Identifier: GPL-2.0-only
#include "control/ControlRequestBuffer.hpp"

#include "control/ControlProtocol.hpp"

namespace scxr {

size_t ControlRequestBuffer::max_line_bytes() { return ControlProtocol::kMaxRequestBytes + 1; }

ControlRequestBuffer::State ControlRequestBuffer::append(std::string_view received)
{
	if (state_ != State::waiting)
		return state_;
	const size_t newline = received.find('\n');
	const std::string_view part = received.substr(0, newline);
	// Checked before copying, so a peer that streams megabytes costs no more memory than a
	// full line.
	if (part.size() > max_line_bytes() - line_.size()) {
		line_.clear();
		line_.shrink_to_fit();
		state_ = State::too_long;
		return state_;
	}
	line_.append(part);
	if (newline != std::string_view::npos)
		state_ = State::line_complete;
	return state_;
}

ControlRequestBuffer::State ControlRequestBuffer::finish()
{
	if (state_ == State::waiting)
		state_ = line_.empty() ? State::nothing_sent : State::line_complete;
	return state_;
}

} // namespace scxr
