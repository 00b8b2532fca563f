// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "control/ControlProtocol.hpp"
#include "control/ControlRequestBuffer.hpp"
#include "control/UnixListener.hpp"
#include "base/FileDescriptor.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace scxr {

// The running runner's end of the control socket: a Unix stream socket only root can use
// (mode 0600, in a 0700 directory it creates), served from the Session's event loop.
//
// The loop polls one descriptor, fd(): an epoll set holding the listening socket and every
// client connection, readable whenever any of them has work. The loop then calls service(),
// which accepts, reads, answers and writes whatever is ready and never blocks, and sleeps no
// longer than time_until_deadline() so that slow clients are dropped in time. One request per
// connection; a client that sends too much, sends junk, or is too slow gets an error reply
// and is closed, and the scheduler never notices. The deadline runs from accept and is not
// renewed by each byte, so a client trickling a byte at a time cannot hold a slot for longer.
// A client that closes its connection in the middle of a line is dropped unanswered: its
// request may have been cut anywhere ("switch /etc/scx/qmap.toml" as "switch /etc/scx/q").
class ControlServer {
public:
	using Clock = std::chrono::steady_clock;
	using Handler = std::function<ControlReply(const ControlRequest &)>;
	// Names one waiting client, for a reply that comes later (reply_later).
	using ReplyTicket = uint64_t;
	// A handler that may answer later: nullopt means "the reply comes through
	// reply_later(ticket, ...)". A switch waits for its verify this way while the loop goes on.
	using DeferringHandler = std::function<std::optional<ControlReply>(const ControlRequest &, ReplyTicket)>;

	struct Options {
		std::filesystem::path socket_path = ControlProtocol::kDefaultSocketPath;
		// From accept to a complete request, and again from the reply to its last byte.
		std::chrono::milliseconds client_timeout{5000};
		// Connections beyond this get a "busy" reply at once; status is cheap, so few
		// clients ever overlap.
		size_t max_clients = 16;
	};

	// Binds and listens. Removes a stale socket file (no one accepts on it); throws
	// RunnerError (scheduler_busy) when another runner answers on the socket, and RunnerError
	// (control_failed) when the socket cannot be set up. handler answers status and switch
	// (the server answers ping itself, {"ok":true,"pid":N}); it runs inside service(), on the
	// loop's thread, and an exception from it becomes an error reply.
	ControlServer(Options options, Handler handler);
	// The same, for a handler that may defer its reply. A client waiting for a deferred reply
	// has no deadline (the work it waits for is bounded elsewhere); if it hangs up meanwhile it
	// is dropped, and its reply is discarded.
	ControlServer(Options options, DeferringHandler handler);
	// Closes every connection and removes the socket file, unless another file has replaced
	// it meanwhile.
	~ControlServer();
	ControlServer(const ControlServer &) = delete;
	ControlServer &operator=(const ControlServer &) = delete;

	// For the event loop's poll()/epoll: readable when service() has work.
	int fd() const { return epoll_.get(); }
	int listen_fd() const { return listener_.fd(); }

	// Does everything that is ready without blocking: accept, read, answer complete requests
	// through the handler, write replies, drop clients whose deadline is at or before now.
	void service(Clock::time_point now);

	// How long the loop may wait before service() has a deadline to enforce; nullopt when no
	// client is connected (then only fd() matters).
	std::optional<Clock::duration> time_until_deadline(Clock::time_point now) const;

	// Sends the reply a handler deferred. Does nothing when that client is gone.
	void reply_later(ReplyTicket ticket, const ControlReply &reply, Clock::time_point now);

	size_t client_count() const { return clients_.size(); }
	const std::filesystem::path &socket_path() const { return options_.socket_path; }

private:
	struct Client {
		FileDescriptor socket;
		ControlRequestBuffer request;
		std::string reply;
		size_t reply_written = 0;
		bool replying = false;
		bool awaiting_reply = false; // the handler deferred its reply
		ReplyTicket ticket = 0;
		Clock::time_point deadline;
	};

	void accept_clients(Clock::time_point now);
	// Each returns false when the client is finished and must be closed.
	bool read_request(Client &client, Clock::time_point now);
	bool write_reply(Client &client);
	void answer(Client &client, std::string_view line, Clock::time_point now);
	void start_reply(Client &client, const ControlReply &reply, Clock::time_point now);
	// True when the client can no longer read a reply, as opposed to having only ended its
	// request with shutdown(SHUT_WR).
	static bool peer_has_hung_up(int socket);

	Options options_;
	DeferringHandler handler_;
	ReplyTicket next_ticket_ = 1;
	UnixListener listener_;
	FileDescriptor epoll_;
	std::map<int, Client> clients_; // by socket descriptor
};

} // namespace scxr
