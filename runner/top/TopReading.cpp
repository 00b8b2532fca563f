// SPDX-License-Identifier: GPL-2.0-only
#include "top/TopReading.hpp"

#include "control/StatsSnapshotJson.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace scxr {

namespace {

std::string text_field(const ControlReply &reply, std::string_view name)
{
	if (!reply.find(name))
		return {};
	if (const std::string *text = reply.find_string(name))
		return *text;
	throw std::invalid_argument(fmt::format("\"{}\" is not a string", name));
}

int64_t integer_field(const ControlReply &reply, std::string_view name)
{
	if (!reply.find(name))
		return 0;
	if (const int64_t *number = reply.find_integer(name))
		return *number;
	throw std::invalid_argument(fmt::format("\"{}\" is not an integer", name));
}

} // namespace

TopReading TopReading::from_reply(const ControlReply &reply)
{
	if (!reply.ok())
		throw std::invalid_argument("the runner refused: " + reply.error());
	TopReading reading;
	reading.pid = integer_field(reply, "pid");
	reading.profile = text_field(reply, "profile");
	reading.plugin = text_field(reply, "plugin");
	reading.state = text_field(reply, "state");
	reading.kernel_state = text_field(reply, "kernel_state");
	reading.uptime_seconds = integer_field(reply, "uptime_seconds");
	reading.swaps = integer_field(reply, "swaps");
	reading.failed_swaps = integer_field(reply, "failed_swaps");
	reading.restarts = integer_field(reply, "restarts");
	if (const int64_t *nanoseconds = reply.find_integer("monotonic_ns"))
		reading.taken_at = Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(*nanoseconds)));
	if (const ControlReply::Object *children = reply.find_object("children"))
		reading.children = *children;
	if (const JsonTree *nodes = reply.find_tree("nodes"))
		reading.snapshot = StatsSnapshotJson::read(*nodes);
	else if (reply.find("nodes"))
		// An empty array is still a document; anything else is not what a runner writes.
		throw std::invalid_argument("\"nodes\" is not an array");
	else
		throw std::invalid_argument("the reply has no \"nodes\" (is the runner older than 'scx-runner top'?)");
	return reading;
}

} // namespace scxr
