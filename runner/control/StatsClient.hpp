// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/FileDescriptor.hpp"
#include "control/StatsProtocol.hpp"

#include <chrono>
#include <filesystem>
#include <string>

namespace scxr {

// The client end of an scx_stats socket (ours, or any scx scheduler's): one connection, any
// number of requests, each answered by one reply line within the timeout.
class StatsClient {
public:
	static constexpr std::chrono::milliseconds kDefaultTimeout{5000};

	// Connects. Throws RunnerError (control_failed) saying why not: no socket there, a stale
	// one, permission denied.
	explicit StatsClient(std::filesystem::path socket_path, std::chrono::milliseconds timeout = kDefaultTimeout);

	// Sends one request and returns the reply, errno and all. Throws RunnerError
	// (control_failed) when there is none: the server hung up, timed out or sent junk.
	StatsProtocol::Reply request(const StatsRequest &request);

	const std::filesystem::path &socket_path() const { return socket_path_; }

private:
	std::filesystem::path socket_path_;
	FileDescriptor socket_;
	std::string received_; // bytes after the last reply line
};

} // namespace scxr
