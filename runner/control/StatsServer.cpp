// SPDX-License-Identifier: GPL-2.0-only
#include "control/StatsServer.hpp"

#include "base/RunnerError.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <sys/epoll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <set>

namespace scxr {

namespace {

constexpr int kEventsPerService = 64;

bool watch(int epoll, int socket, uint32_t events, int operation)
{
	epoll_event event{};
	event.events = events;
	event.data.fd = socket;
	return ::epoll_ctl(epoll, operation, socket, &event) == 0;
}

// Best effort, never blocks: for clients that are dropped anyway.
void send_parting_reply(int socket, const std::string &line)
{
	[[maybe_unused]] const ssize_t sent = ::send(socket, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

} // namespace

StatsServer::StatsServer(Options options, Source source)
	: options_(std::move(options)), source_(std::move(source)),
	  listener_(options_.socket_path,
		    UnixListener::Naming{"stats socket", "another scx_stats server (an scx scheduler?)",
					 "stop it, or give this runner another path with --stats-socket PATH or "
					 "[runner] stats_socket"}),
	  epoll_(::epoll_create1(EPOLL_CLOEXEC))
{
	if (!epoll_ || !watch(epoll_.get(), listener_.fd(), EPOLLIN, EPOLL_CTL_ADD))
		throw RunnerError(ExitCode::control_failed,
				  fmt::format("cannot serve the stats socket {}: cannot create an epoll set: {}",
					      options_.socket_path.string(), std::strerror(errno)));
}

StatsServer::~StatsServer() { clients_.clear(); }

void StatsServer::service(Clock::time_point now)
{
	std::array<epoll_event, kEventsPerService> events{};
	const int count = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), 0);
	std::set<int> served;
	for (int index = 0; index < count; ++index) {
		const int socket = events[static_cast<size_t>(index)].data.fd;
		if (socket == listener_.fd()) {
			accept_clients();
			continue;
		}
		const auto found = clients_.find(socket);
		if (found == clients_.end())
			continue;
		served.insert(socket);
		if (!serve(found->second, now))
			clients_.erase(found);
	}
	// Requests that waited in a buffer for their turn: the socket has nothing new to say.
	for (auto client = clients_.begin(); client != clients_.end();) {
		if (client->second.more_buffered && !served.contains(client->first) && !serve(client->second, now))
			client = clients_.erase(client);
		else
			++client;
	}
	for (auto client = clients_.begin(); client != clients_.end();) {
		if (!client->second.deadline || *client->second.deadline > now) {
			++client;
			continue;
		}
		if (client->second.output.empty()) {
			spdlog::debug("stats socket: a client sent no complete request within {} ms; closing it",
				      options_.client_timeout.count());
			send_parting_reply(client->first,
					   StatsProtocol::error_line(ETIMEDOUT, fmt::format("timed out: no complete request line within {} ms",
											     options_.client_timeout.count())));
		} else {
			spdlog::debug("stats socket: a client did not read its reply within {} ms; closing it",
				      options_.client_timeout.count());
		}
		client = clients_.erase(client);
	}
}

std::optional<StatsServer::Clock::duration> StatsServer::time_until_deadline(Clock::time_point now) const
{
	std::optional<Clock::duration> earliest;
	for (const auto &[socket, client] : clients_) {
		if (client.more_buffered)
			return Clock::duration::zero();
		if (!client.deadline)
			continue;
		const Clock::duration left = *client.deadline > now ? *client.deadline - now : Clock::duration::zero();
		if (!earliest || left < *earliest)
			earliest = left;
	}
	return earliest;
}

void StatsServer::accept_clients()
{
	for (;;) {
		FileDescriptor socket(::accept4(listener_.fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
		if (!socket) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				spdlog::warn("stats socket {}: accept failed: {}", options_.socket_path.string(),
					     std::strerror(errno));
			return;
		}
		if (!UnixListener::peer_is_trusted(socket.get())) {
			send_parting_reply(socket.get(),
					   StatsProtocol::error_line(EACCES, "permission denied: only root may read the stats socket"));
			continue;
		}
		if (clients_.size() >= options_.max_clients) {
			send_parting_reply(socket.get(),
					   StatsProtocol::error_line(EAGAIN, fmt::format("busy: {} clients are connected already; try again",
											  clients_.size())));
			continue;
		}
		if (!watch(epoll_.get(), socket.get(), EPOLLIN, EPOLL_CTL_ADD)) {
			spdlog::warn("stats socket {}: cannot watch a client: {}", options_.socket_path.string(),
				     std::strerror(errno));
			continue;
		}
		const int descriptor = socket.get();
		clients_[descriptor].socket = std::move(socket);
	}
}

void StatsServer::watch_for(const Client &client, bool writing)
{
	watch(epoll_.get(), client.socket.get(), writing ? EPOLLOUT : EPOLLIN, EPOLL_CTL_MOD);
}

bool StatsServer::flush(Client &client)
{
	while (client.written < client.output.size()) {
		const ssize_t sent = ::send(client.socket.get(), client.output.data() + client.written,
					    client.output.size() - client.written, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (sent < 0) {
			if (errno == EINTR)
				continue;
			// EAGAIN: the client reads slowly; epoll tells when it can take more.
			return errno == EAGAIN || errno == EWOULDBLOCK;
		}
		client.written += static_cast<size_t>(sent);
	}
	return true;
}

bool StatsServer::receive(Client &client)
{
	std::array<char, 4096> buffer{};
	for (;;) {
		const ssize_t received = ::recv(client.socket.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
		if (received < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK;
		}
		if (received == 0)
			client.peer_closed = true;
		else
			client.input.append(buffer.data(), static_cast<size_t>(received));
		return true;
	}
}

bool StatsServer::serve(Client &client, Clock::time_point now)
{
	client.more_buffered = false;
	for (size_t answered = 0;;) {
		if (!client.output.empty()) {
			if (!flush(client))
				return false;
			if (client.written < client.output.size()) {
				// Nothing more is read until this reply is out: a client that does not read
				// cannot make the server buffer more.
				watch_for(client, true);
				if (!client.deadline)
					client.deadline = now + options_.client_timeout;
				return true;
			}
			client.output.clear();
			client.written = 0;
			client.deadline.reset();
			if (client.close_after_reply)
				return false;
			watch_for(client, false);
		}
		if (const size_t newline = client.input.find('\n'); newline != std::string::npos) {
			if (answered == options_.requests_per_turn) {
				client.more_buffered = true;
				return true;
			}
			const std::string line = client.input.substr(0, newline);
			client.input.erase(0, newline + 1);
			client.output = answer(line, now);
			++answered;
			continue;
		}
		// A '\r' before the '\n' may come on top of the limit.
		if (client.input.size() > StatsProtocol::kMaxRequestBytes + 1) {
			spdlog::debug("stats socket: a request is longer than {} bytes; closing the connection",
				      StatsProtocol::kMaxRequestBytes);
			client.input.clear();
			client.output = StatsProtocol::error_line(
				E2BIG, fmt::format("the request is too long (more than {} bytes)", StatsProtocol::kMaxRequestBytes));
			client.close_after_reply = true;
			continue;
		}
		if (client.peer_closed) {
			if (client.input.empty())
				return false;
			// A last request without its '\n', ended by a half-close: answered, as
			// scx_stats' line reader does.
			client.output = answer(std::exchange(client.input, std::string()), now);
			client.close_after_reply = true;
			continue;
		}
		const size_t before = client.input.size();
		if (!receive(client))
			return false;
		if (client.input.size() == before && !client.peer_closed)
			break; // nothing more to read now
	}
	// A request line under way must end in time; an idle connection may wait.
	if (client.input.empty())
		client.deadline.reset();
	else if (!client.deadline)
		client.deadline = now + options_.client_timeout;
	return true;
}

const StatsSnapshot *StatsServer::reading(Clock::time_point now)
{
	if (!snapshot_at_ || now - *snapshot_at_ >= options_.reading_reuse || now < *snapshot_at_) {
		snapshot_ = source_();
		snapshot_at_ = now;
	}
	return snapshot_ ? &*snapshot_ : nullptr;
}

std::string StatsServer::answer(std::string_view line, Clock::time_point now)
{
	auto parsed = StatsProtocol::parse_request(line);
	if (const std::string *problem = std::get_if<std::string>(&parsed)) {
		spdlog::debug("stats socket: bad request: {}", *problem);
		return StatsProtocol::error_line(EINVAL, "bad request: " + *problem);
	}
	const StatsRequest &request = std::get<StatsRequest>(parsed);
	if (request.req != "stats" && request.req != "stats_meta")
		return StatsProtocol::error_line(
			EINVAL, fmt::format("unknown request \"{}\"; this server answers stats and stats_meta", request.req));
	try {
		const StatsSnapshot *snapshot = reading(now);
		if (!snapshot || snapshot->nodes.empty())
			return StatsProtocol::error_line(EAGAIN, "no scheduler is attached (a restart is pending); try again");
		if (request.req == "stats_meta")
			return StatsProtocol::reply_line(0, StatsProtocol::meta(*snapshot));
		const auto target = request.args.find("target");
		const std::string name = target == request.args.end() ? StatsProtocol::kTopTarget : target->second;
		const StatsSnapshot::Node *node = StatsProtocol::find_target(*snapshot, name);
		if (!node) {
			std::string known = StatsProtocol::kTopTarget;
			for (const StatsSnapshot::Node &each : snapshot->nodes)
				if (!each.name.empty())
					known += ", " + each.name;
			return StatsProtocol::error_line(EINVAL,
							 fmt::format("unknown stat target \"{}\"; targets: {}", name, known));
		}
		return StatsProtocol::reply_line(0, StatsProtocol::stats(*node));
	} catch (const std::exception &error) {
		spdlog::warn("stats socket: reading the stats failed: {}", error.what());
		snapshot_at_.reset();
		return StatsProtocol::error_line(EIO, fmt::format("reading the stats failed: {}", error.what()));
	}
}

} // namespace scxr
