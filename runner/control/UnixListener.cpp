// SPDX-License-Identifier: GPL-2.0-only
#include "control/UnixListener.hpp"

#include "base/RunnerError.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace scxr {

namespace {

constexpr int kListenBacklog = 64;

sockaddr_un socket_address(const std::filesystem::path &path, const std::string &what)
{
	sockaddr_un address{};
	address.sun_family = AF_UNIX;
	const std::string &text = path.native();
	if (text.empty() || text.size() >= sizeof(address.sun_path))
		throw RunnerError(ExitCode::control_failed,
				  fmt::format("the {} path '{}' is {} bytes long; a Unix socket path has at most {} bytes",
					      what, text, text.size(), sizeof(address.sun_path) - 1),
				  "choose a shorter path");
	std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
	return address;
}

} // namespace

UnixListener::UnixListener(std::filesystem::path path, Naming naming) : path_(std::move(path)), naming_(std::move(naming))
{
	prepare_directory();
	remove_stale_socket();
	bind_and_listen();
}

UnixListener::~UnixListener()
{
	struct stat status{};
	// Only our own socket: if someone replaced the file, it is theirs to remove.
	if (socket_ && ::lstat(path_.c_str(), &status) == 0 && status.st_dev == socket_device_ &&
	    status.st_ino == socket_inode_)
		::unlink(path_.c_str());
}

namespace {

RunnerError setup_failure(const std::string &what, const std::filesystem::path &path, const std::string &problem,
			  int error)
{
	return RunnerError(ExitCode::control_failed,
			   fmt::format("cannot serve the {} {}: {}: {}", what, path.string(), problem, std::strerror(error)));
}

} // namespace

void UnixListener::prepare_directory() const
{
	const std::filesystem::path directory = path_.parent_path();
	if (directory.empty())
		return;
	std::error_code error;
	if (std::filesystem::exists(directory, error)) {
		if (!std::filesystem::is_directory(directory, error))
			throw RunnerError(ExitCode::control_failed, fmt::format("cannot serve the {} {}: {} is not a directory",
										 naming_.what, path_.string(), directory.string()));
		return;
	}
	// The socket's directory, when we create it, is ours alone: nobody else can even look up
	// the socket in it. Directories above it (/run/scx, which other scx tools share) keep the
	// usual mode, and an existing directory (the caller's choice) is left as it is; the
	// socket's own 0600 mode keeps others out there.
	std::filesystem::create_directories(directory, error);
	if (error)
		throw setup_failure(naming_.what, path_, fmt::format("cannot create {}", directory.string()), error.value());
	if (::chmod(directory.c_str(), 0700) != 0)
		throw setup_failure(naming_.what, path_, fmt::format("cannot make {} private", directory.string()), errno);
}

void UnixListener::remove_stale_socket() const
{
	struct stat status{};
	if (::lstat(path_.c_str(), &status) != 0) {
		if (errno == ENOENT)
			return;
		throw setup_failure(naming_.what, path_, "cannot inspect the existing file", errno);
	}
	if (!S_ISSOCK(status.st_mode))
		throw RunnerError(ExitCode::control_failed,
				  fmt::format("cannot serve the {} {}: the file exists and is not a socket", naming_.what,
					      path_.string()),
				  fmt::format("remove the file, or choose another {} path", naming_.what));

	FileDescriptor probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	if (!probe)
		throw setup_failure(naming_.what, path_, "cannot create a socket", errno);
	const sockaddr_un address = socket_address(path_, naming_.what);
	if (::connect(probe.get(), reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0 ||
	    errno == EAGAIN)
		// EAGAIN: someone listens but has a full backlog; still someone.
		throw RunnerError(ExitCode::scheduler_busy,
				  fmt::format("{} is running: it serves the {} {}", naming_.someone, naming_.what, path_.string()),
				  naming_.busy_hint);
	if (errno != ECONNREFUSED)
		throw setup_failure(naming_.what, path_, "cannot check whether another program serves it", errno);
	// Refused: the file is left over from a process that did not shut down cleanly.
	if (::unlink(path_.c_str()) != 0 && errno != ENOENT)
		throw setup_failure(naming_.what, path_, "cannot remove the stale socket file", errno);
	spdlog::info("removed a stale {} {} (left by a process that did not exit cleanly)", naming_.what, path_.string());
}

void UnixListener::bind_and_listen()
{
	const sockaddr_un address = socket_address(path_, naming_.what);
	socket_ = FileDescriptor(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	if (!socket_)
		throw setup_failure(naming_.what, path_, "cannot create a socket", errno);

	// bind() creates the file with the umask's mode: narrow it so the socket is never, even
	// for an instant, usable by others. The runner is single-threaded while it sets up.
	const mode_t previous_umask = ::umask(0177);
	const int bound = ::bind(socket_.get(), reinterpret_cast<const sockaddr *>(&address), sizeof(address));
	const int bind_error = errno;
	::umask(previous_umask);
	if (bound != 0) {
		socket_ = FileDescriptor();
		if (bind_error == EADDRINUSE)
			throw RunnerError(ExitCode::scheduler_busy,
					  fmt::format("{} is running: it created the {} {} while this one started",
						      naming_.someone, naming_.what, path_.string()),
					  naming_.busy_hint);
		throw setup_failure(naming_.what, path_, "cannot bind", bind_error);
	}

	struct stat status{};
	const bool ready = ::chmod(path_.c_str(), 0600) == 0 && ::lstat(path_.c_str(), &status) == 0 &&
			   ::listen(socket_.get(), kListenBacklog) == 0;
	if (!ready) {
		const int error = errno;
		::unlink(path_.c_str());
		socket_ = FileDescriptor();
		throw setup_failure(naming_.what, path_, "cannot listen", error);
	}
	socket_device_ = status.st_dev;
	socket_inode_ = status.st_ino;
	spdlog::debug("{} {} is ready", naming_.what, path_.string());
}

bool UnixListener::peer_is_trusted(int socket)
{
	ucred credentials{};
	socklen_t length = sizeof(credentials);
	if (::getsockopt(socket, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0)
		return false;
	return credentials.uid == 0 || credentials.uid == ::geteuid();
}

} // namespace scxr
