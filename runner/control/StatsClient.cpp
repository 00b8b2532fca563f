// SPDX-License-Identifier: GPL-2.0-only
#include "control/StatsClient.hpp"

#include "base/RunnerError.hpp"

#include <fmt/format.h>

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace scxr {

namespace {

RunnerError failure(std::string message, std::string hint = {})
{
	return RunnerError(ExitCode::control_failed, std::move(message), std::move(hint));
}

} // namespace

StatsClient::StatsClient(std::filesystem::path socket_path, std::chrono::milliseconds timeout)
	: socket_path_(std::move(socket_path))
{
	sockaddr_un address{};
	address.sun_family = AF_UNIX;
	if (socket_path_.native().empty() || socket_path_.native().size() >= sizeof(address.sun_path))
		throw failure(fmt::format("the stats socket path '{}' is not usable for a Unix socket", socket_path_.string()));
	std::memcpy(address.sun_path, socket_path_.c_str(), socket_path_.native().size() + 1);
	socket_ = FileDescriptor(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	if (!socket_)
		throw failure(fmt::format("cannot create a socket: {}", std::strerror(errno)));
	// Blocking with time limits: this client is a process of its own with nothing else to do.
	timeval limit{};
	limit.tv_sec = static_cast<time_t>(timeout.count() / 1000);
	limit.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
	::setsockopt(socket_.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
	::setsockopt(socket_.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
	if (::connect(socket_.get(), reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0)
		return;
	const int error = errno;
	const std::string hint = "start a runner (scx-runner PROFILE, as root) or an scx scheduler, or give the "
				 "socket's path: scx-runner monitor PATH";
	switch (error) {
	case ENOENT:
		throw failure(fmt::format("no stats socket at {}: nothing serves scx_stats there", socket_path_.string()), hint);
	case ECONNREFUSED:
		throw failure(fmt::format("the stats socket {} is stale: nobody accepts on it", socket_path_.string()), hint);
	case EACCES:
	case EPERM:
		throw failure(fmt::format("permission denied on the stats socket {}", socket_path_.string()),
			      "the stats socket is root's only: run this command as root");
	default:
		throw failure(fmt::format("cannot connect to the stats socket {}: {}", socket_path_.string(),
					  std::strerror(error)));
	}
}

StatsProtocol::Reply StatsClient::request(const StatsRequest &request)
{
	const std::string line = StatsProtocol::request_line(request);
	for (std::string_view rest = line; !rest.empty();) {
		const ssize_t sent = ::send(socket_.get(), rest.data(), rest.size(), MSG_NOSIGNAL);
		if (sent < 0) {
			if (errno == EINTR)
				continue;
			throw failure(fmt::format("the stats socket {} took no request: {}", socket_path_.string(),
						  errno == EAGAIN ? "timed out" : std::strerror(errno)));
		}
		rest.remove_prefix(static_cast<size_t>(sent));
	}
	std::array<char, 65536> buffer{};
	size_t newline;
	while ((newline = received_.find('\n')) == std::string::npos) {
		if (received_.size() > StatsProtocol::kMaxReplyBytes)
			throw failure(fmt::format("the stats socket {} sent a reply longer than {} bytes", socket_path_.string(),
						  StatsProtocol::kMaxReplyBytes));
		const ssize_t got = ::recv(socket_.get(), buffer.data(), buffer.size(), 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			throw failure(fmt::format("the stats socket {} did not answer: {}", socket_path_.string(),
						  errno == EAGAIN ? "timed out" : std::strerror(errno)));
		if (got == 0)
			throw failure(fmt::format("the stats socket {} closed the connection", socket_path_.string()));
		received_.append(buffer.data(), static_cast<size_t>(got));
	}
	const std::string reply_line = received_.substr(0, newline);
	received_.erase(0, newline + 1);
	auto parsed = StatsProtocol::parse_reply(reply_line);
	if (const std::string *problem = std::get_if<std::string>(&parsed))
		throw failure(fmt::format("the stats socket {} sent an unreadable reply: {}", socket_path_.string(), *problem));
	return std::get<StatsProtocol::Reply>(std::move(parsed));
}

} // namespace scxr
