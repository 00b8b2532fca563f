// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/FileDescriptor.hpp"
#include "control/StatsProtocol.hpp"
#include "control/StatsSnapshot.hpp"
#include "control/UnixListener.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace scxr {

// The runner's scx_stats socket: what scx tools (scxtop, scx schedulers' --monitor, the
// OpenMetrics converter) and `scx-runner monitor` read a scheduler's stats from. A Unix
// stream socket, root's only (UnixListener: 0600, SO_PEERCRED), served from the Session's
// event loop like the control socket: fd() is an epoll set of the listener and the clients,
// service() does what is ready without blocking.
//
// As in scx_stats, a connection carries any number of requests, one JSON line each, answered
// in order: `stats` (args.target: "top", the default, or a node) and `stats_meta`; anything
// else gets errno EINVAL. Hostile or broken clients cost little and never the scheduler:
//   - a request line is at most StatsProtocol::kMaxRequestBytes; a longer one gets E2BIG and
//     the connection is closed, so a client's buffer never holds more than that and a read;
//   - a started line must end, and a reply be read, within client_timeout (from its first
//     byte, not renewed by each): a trickling or a non-reading client is closed; an idle
//     connection between requests may stay (monitors ask once per interval);
//   - the next request is read only once the previous reply is written, so a client that
//     floods requests without reading replies fills its own socket and is dropped;
//   - at most requests_per_turn requests per client per service(), then the others' turn;
//   - the plugin is read at most once per reading_reuse: requests in between share a reading.
class StatsServer {
public:
	using Clock = std::chrono::steady_clock;
	// A fresh snapshot of the running tree; nullopt while no scheduler is attached (a restart
	// is pending), which a stats request is told as EAGAIN. Called on the loop's thread.
	using Source = std::function<std::optional<StatsSnapshot>()>;

	struct Options {
		std::filesystem::path socket_path = StatsProtocol::kDefaultSocketPath;
		std::chrono::milliseconds client_timeout{5000};
		size_t max_clients = 16;
		std::chrono::milliseconds reading_reuse{100};
		size_t requests_per_turn = 16;
	};

	// Binds and listens; throws RunnerError as UnixListener does.
	StatsServer(Options options, Source source);
	~StatsServer();
	StatsServer(const StatsServer &) = delete;
	StatsServer &operator=(const StatsServer &) = delete;

	int fd() const { return epoll_.get(); }
	void service(Clock::time_point now);
	// How long the loop may sleep before service() has a deadline to enforce or buffered
	// requests to answer; nullopt when nothing is due.
	std::optional<Clock::duration> time_until_deadline(Clock::time_point now) const;

	size_t client_count() const { return clients_.size(); }
	const std::filesystem::path &socket_path() const { return options_.socket_path; }

private:
	struct Client {
		FileDescriptor socket;
		std::string input;  // received, not answered yet
		std::string output; // the reply being written
		size_t written = 0;
		bool close_after_reply = false;
		bool peer_closed = false;
		bool more_buffered = false; // a complete request waits in input for the next turn
		std::optional<Clock::time_point> deadline;
	};

	void accept_clients();
	// False when the client is finished and must be closed.
	bool serve(Client &client, Clock::time_point now);
	bool flush(Client &client);
	// Reads what the socket has, up to the line limit. False on an error or a hang-up with
	// nothing left to answer.
	bool receive(Client &client);
	std::string answer(std::string_view line, Clock::time_point now);
	const StatsSnapshot *reading(Clock::time_point now);
	void watch_for(const Client &client, bool writing);

	Options options_;
	Source source_;
	UnixListener listener_;
	FileDescriptor epoll_;
	std::map<int, Client> clients_; // by socket descriptor
	std::optional<StatsSnapshot> snapshot_;
	std::optional<Clock::time_point> snapshot_at_;
};

} // namespace scxr
