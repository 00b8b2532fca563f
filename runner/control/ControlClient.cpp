// SPDX-License-Identifier: GPL-2.0-only
#include "control/ControlClient.hpp"

#include "base/FileDescriptor.hpp"
#include "base/RunnerError.hpp"

#include <fmt/format.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace scxr {

namespace {

using Clock = std::chrono::steady_clock;

class Exchange {
public:
	Exchange(const std::filesystem::path &path, std::chrono::milliseconds timeout)
		: path_(path), timeout_(timeout), deadline_(Clock::now() + timeout)
	{
	}

	void connect()
	{
		sockaddr_un address{};
		address.sun_family = AF_UNIX;
		if (path_.native().size() >= sizeof(address.sun_path))
			throw failure(fmt::format("the control socket path {} is too long for a Unix socket", path_.string()));
		std::memcpy(address.sun_path, path_.c_str(), path_.native().size() + 1);

		socket_ = FileDescriptor(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
		if (!socket_)
			throw failure(fmt::format("cannot create a socket: {}", std::strerror(errno)));
		for (;;) {
			if (::connect(socket_.get(), reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0)
				return;
			// EAGAIN: the runner's backlog is full; it is busy, not gone. Retry until the deadline.
			if (errno == EAGAIN && Clock::now() < deadline_) {
				::poll(nullptr, 0, 10);
				continue;
			}
			break;
		}
		const int error = errno;
		switch (error) {
		case ENOENT:
			throw failure(fmt::format("no runner is running (no socket at {})", path_.string()),
				      "start one with 'scx-runner PROFILE'");
		case ECONNREFUSED:
			throw failure(fmt::format("no runner is running (the socket {} is stale: nobody accepts on it)",
						  path_.string()),
				      "start one with 'scx-runner PROFILE'; it removes the stale file");
		case EACCES:
		case EPERM:
			throw failure(fmt::format("permission denied on the control socket {}", path_.string()),
				      "the control socket is root's only: run this command as root");
		case EAGAIN:
			throw timed_out();
		default:
			throw failure(fmt::format("cannot connect to the control socket {}: {}", path_.string(),
						  std::strerror(error)));
		}
	}

	void send(std::string_view data)
	{
		while (!data.empty()) {
			const ssize_t sent = ::send(socket_.get(), data.data(), data.size(), MSG_NOSIGNAL);
			if (sent >= 0) {
				data.remove_prefix(static_cast<size_t>(sent));
				continue;
			}
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				wait_for(POLLOUT);
				continue;
			}
			throw failure(fmt::format("cannot send the request: {}", std::strerror(errno)));
		}
	}

	std::string receive_line()
	{
		std::string reply;
		std::array<char, 4096> buffer{};
		for (;;) {
			const ssize_t received = ::recv(socket_.get(), buffer.data(), buffer.size(), 0);
			if (received > 0) {
				const size_t searched_from = reply.size();
				reply.append(buffer.data(), static_cast<size_t>(received));
				const size_t newline = reply.find('\n', searched_from);
				if (newline != std::string::npos)
					return reply.substr(0, newline);
				if (reply.size() > ControlProtocol::kMaxReplyBytes)
					throw failure(fmt::format("the runner's reply is longer than {} bytes",
								  ControlProtocol::kMaxReplyBytes));
				continue;
			}
			if (received == 0) {
				if (reply.empty())
					throw failure("the runner closed the connection without a reply");
				return reply;
			}
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				wait_for(POLLIN);
				continue;
			}
			throw failure(fmt::format("cannot read the reply: {}", std::strerror(errno)));
		}
	}

private:
	RunnerError failure(std::string message, std::string details = {}) const
	{
		return RunnerError(ExitCode::control_failed, std::move(message), std::move(details));
	}

	RunnerError timed_out() const
	{
		return failure(fmt::format("the runner did not answer within {} ms (control socket {})", timeout_.count(),
					   path_.string()),
			       "it may be busy verifying a scheduler; try again, or check its log");
	}

	void wait_for(short events)
	{
		for (;;) {
			const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
			if (left.count() <= 0)
				throw timed_out();
			pollfd descriptor{socket_.get(), events, 0};
			const int ready = ::poll(&descriptor, 1, static_cast<int>(left.count()) + 1);
			if (ready > 0)
				return;
			if (ready < 0 && errno != EINTR)
				throw failure(fmt::format("waiting for the runner failed: {}", std::strerror(errno)));
		}
	}

	const std::filesystem::path &path_;
	std::chrono::milliseconds timeout_;
	Clock::time_point deadline_;
	FileDescriptor socket_;
};

} // namespace

ControlClient::ControlClient(std::filesystem::path socket_path, std::chrono::milliseconds timeout)
	: socket_path_(std::move(socket_path)), timeout_(timeout)
{
}

ControlReply ControlClient::request(const ControlRequest &request) const
{
	std::string line;
	try {
		line = ControlProtocol::format_request(request);
	} catch (const std::invalid_argument &error) {
		throw RunnerError(ExitCode::usage, fmt::format("cannot send this request: {}", error.what()));
	}
	Exchange exchange(socket_path_, timeout_);
	exchange.connect();
	exchange.send(line);
	const std::string reply = exchange.receive_line();
	try {
		return ControlProtocol::parse_reply(reply);
	} catch (const std::invalid_argument &error) {
		throw RunnerError(ExitCode::control_failed, fmt::format("the runner sent an unreadable reply: {}", error.what()),
				  "is the runner the same version as this command?");
	}
}

bool ControlClient::runner_is_running() const
{
	try {
		return request(ControlRequest{ControlRequest::Command::ping, {}}).ok();
	} catch (const RunnerError &) {
		return false;
	}
}

} // namespace scxr
