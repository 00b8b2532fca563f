// SPDX-License-Identifier: GPL-2.0-only
#include "control/ControlServer.hpp"

#include "base/RunnerError.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace scxr {

namespace {

constexpr int kEventsPerService = 64;

std::string errno_text(int error) { return std::strerror(error); }

// Best effort, never blocks: for clients that are dropped anyway (too many, too slow).
void send_parting_reply(int socket, const ControlReply &reply)
{
	const std::string line = reply.to_line();
	[[maybe_unused]] const ssize_t sent = ::send(socket, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

bool watch(int epoll, int socket, uint32_t events, int operation)
{
	epoll_event event{};
	event.events = events;
	event.data.fd = socket;
	return ::epoll_ctl(epoll, operation, socket, &event) == 0;
}

} // namespace

ControlServer::ControlServer(Options options, Handler handler)
	: ControlServer(std::move(options),
			DeferringHandler([answer = std::move(handler)](const ControlRequest &request, ReplyTicket) {
				return std::optional<ControlReply>(answer(request));
			}))
{
}

ControlServer::ControlServer(Options options, DeferringHandler handler)
	: options_(std::move(options)), handler_(std::move(handler)),
	  listener_(options_.socket_path,
		    UnixListener::Naming{"control socket", "another scx-runner",
					 "stop it first, or ask it to change schedulers with 'scx-runner switch PROFILE'"}),
	  epoll_(::epoll_create1(EPOLL_CLOEXEC))
{
	if (!epoll_ || !watch(epoll_.get(), listener_.fd(), EPOLLIN, EPOLL_CTL_ADD))
		throw RunnerError(ExitCode::control_failed,
				  fmt::format("cannot serve the control socket {}: cannot create an epoll set: {}",
					      options_.socket_path.string(), errno_text(errno)));
}

ControlServer::~ControlServer() { clients_.clear(); }

void ControlServer::service(Clock::time_point now)
{
	std::array<epoll_event, kEventsPerService> events{};
	const int count = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), 0);
	for (int index = 0; index < count; ++index) {
		const int socket = events[static_cast<size_t>(index)].data.fd;
		if (socket == listener_.fd()) {
			accept_clients(now);
			continue;
		}
		const auto found = clients_.find(socket);
		if (found == clients_.end())
			continue; // closed earlier in this round
		Client &client = found->second;
		if (client.awaiting_reply) {
			// Only a hang-up wakes a waiting client (it is watched for nothing else).
			spdlog::debug("control: a client hung up before its deferred reply");
			clients_.erase(found);
			continue;
		}
		const bool keep = client.replying ? write_reply(client) : read_request(client, now);
		if (!keep)
			clients_.erase(found);
	}

	for (auto client = clients_.begin(); client != clients_.end();) {
		if (client->second.awaiting_reply || client->second.deadline > now) {
			++client;
			continue;
		}
		if (!client->second.replying) {
			spdlog::debug("control: a client sent no complete request within {} ms; closing it",
				      options_.client_timeout.count());
			send_parting_reply(client->first,
					   ControlReply::failure(fmt::format("timed out: no complete request line within {} ms",
									     options_.client_timeout.count())));
		}
		client = clients_.erase(client);
	}
}

std::optional<ControlServer::Clock::duration> ControlServer::time_until_deadline(Clock::time_point now) const
{
	std::optional<Clock::duration> earliest;
	for (const auto &[socket, client] : clients_) {
		if (client.awaiting_reply)
			continue;
		const Clock::duration left = client.deadline > now ? client.deadline - now : Clock::duration::zero();
		if (!earliest || left < *earliest)
			earliest = left;
	}
	return earliest;
}

void ControlServer::accept_clients(Clock::time_point now)
{
	for (;;) {
		FileDescriptor socket(::accept4(listener_.fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
		if (!socket) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				spdlog::warn("control socket {}: accept failed: {}", options_.socket_path.string(),
					     errno_text(errno));
			return;
		}
		if (clients_.size() >= options_.max_clients) {
			send_parting_reply(socket.get(),
					   ControlReply::failure(fmt::format("busy: {} clients are connected already; try again",
									     clients_.size())));
			continue;
		}
		if (!watch(epoll_.get(), socket.get(), EPOLLIN, EPOLL_CTL_ADD)) {
			spdlog::warn("control socket {}: cannot watch a client: {}", options_.socket_path.string(),
				     errno_text(errno));
			continue;
		}
		const int descriptor = socket.get();
		Client &client = clients_[descriptor];
		client.socket = std::move(socket);
		client.ticket = next_ticket_++;
		client.deadline = now + options_.client_timeout;
		if (!UnixListener::peer_is_trusted(descriptor)) {
			start_reply(client, ControlReply::failure("permission denied: only root may use the control socket"),
				    now);
			if (!write_reply(client))
				clients_.erase(descriptor);
		}
	}
}

bool ControlServer::read_request(Client &client, Clock::time_point now)
{
	std::array<char, 4096> buffer{};
	for (;;) {
		const ssize_t received = ::recv(client.socket.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
		if (received < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK;
		}
		using State = ControlRequestBuffer::State;
		if (received == 0 && client.request.state() == State::waiting && !client.request.line().empty() &&
		    peer_has_hung_up(client.socket.get())) {
			spdlog::debug("control: a client closed its connection in the middle of a request; ignoring "
				      "its {} bytes",
				      client.request.line().size());
			return false;
		}
		const State state = received == 0
					    ? client.request.finish()
					    : client.request.append(std::string_view(buffer.data(), static_cast<size_t>(received)));
		switch (state) {
		case State::waiting: continue;
		case State::nothing_sent: return false;
		case State::line_complete: {
			const std::string line = client.request.line();
			answer(client, line, now);
			return client.awaiting_reply || write_reply(client);
		}
		case State::too_long:
			spdlog::debug("control: a request is longer than {} bytes; refusing it", ControlProtocol::kMaxRequestBytes);
			start_reply(client,
				    ControlReply::failure(fmt::format("the request is too long (more than {} bytes)",
								      ControlProtocol::kMaxRequestBytes)),
				    now);
			return write_reply(client);
		}
	}
}

bool ControlServer::peer_has_hung_up(int socket)
{
	// A Unix stream socket reports POLLHUP once its peer has closed both directions (close(),
	// a crash, shutdown(SHUT_RDWR)); shutdown(SHUT_WR) alone, the way `socat` and `nc -N` end
	// a request, leaves the peer waiting for the reply and gives only POLLRDHUP.
	pollfd descriptor{socket, 0, 0};
	return ::poll(&descriptor, 1, 0) > 0 && (descriptor.revents & (POLLHUP | POLLERR)) != 0;
}

void ControlServer::answer(Client &client, std::string_view line, Clock::time_point now)
{
	auto parsed = ControlProtocol::parse_request(line);
	if (auto *problem = std::get_if<std::string>(&parsed)) {
		spdlog::debug("control: bad request: {}", *problem);
		start_reply(client, ControlReply::failure("bad request: " + *problem), now);
		return;
	}
	const ControlRequest &request = std::get<ControlRequest>(parsed);
	if (request.command == ControlRequest::Command::ping) {
		// Answered here, so that "is a runner alive?" never depends on the Session's state.
		start_reply(client, ControlReply::success().set("pid", ::getpid()), now);
		return;
	}
	try {
		std::optional<ControlReply> reply = handler_(request, client.ticket);
		if (reply) {
			start_reply(client, *reply, now);
			return;
		}
		client.awaiting_reply = true;
		// Watched for nothing but a hang-up (always reported) until the reply is ready.
		watch(epoll_.get(), client.socket.get(), 0, EPOLL_CTL_MOD);
	} catch (const std::exception &error) {
		spdlog::error("control: answering a request failed: {}", error.what());
		start_reply(client, ControlReply::failure(fmt::format("internal error: {}", error.what())), now);
	}
}

void ControlServer::reply_later(ReplyTicket ticket, const ControlReply &reply, Clock::time_point now)
{
	for (auto found = clients_.begin(); found != clients_.end(); ++found) {
		Client &client = found->second;
		if (client.ticket != ticket || !client.awaiting_reply)
			continue;
		client.awaiting_reply = false;
		start_reply(client, reply, now);
		if (!write_reply(client))
			clients_.erase(found);
		return;
	}
	spdlog::debug("control: the client of a deferred reply is gone; dropping the reply");
}

void ControlServer::start_reply(Client &client, const ControlReply &reply, Clock::time_point now)
{
	client.replying = true;
	client.reply = reply.to_line();
	client.reply_written = 0;
	client.deadline = now + options_.client_timeout;
	watch(epoll_.get(), client.socket.get(), EPOLLOUT, EPOLL_CTL_MOD);
}

bool ControlServer::write_reply(Client &client)
{
	while (client.reply_written < client.reply.size()) {
		const ssize_t sent = ::send(client.socket.get(), client.reply.data() + client.reply_written,
					    client.reply.size() - client.reply_written, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (sent < 0) {
			if (errno == EINTR)
				continue;
			// EAGAIN: the client reads slowly; epoll tells when it can take more.
			return errno == EAGAIN || errno == EWOULDBLOCK;
		}
		client.reply_written += static_cast<size_t>(sent);
	}
	return false;
}

} // namespace scxr
