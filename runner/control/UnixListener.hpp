// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/FileDescriptor.hpp"

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace scxr {

// A listening Unix stream socket that only root (and the runner's own user) may use: the
// socket file is created mode 0600 (never, even for an instant, wider), in a directory the
// listener creates mode 0700 if it is missing. A stale socket file, which nobody accepts on, is
// replaced; a live one means another program serves that path. The file is removed again when
// the listener goes, unless another file has replaced it meanwhile. The control socket and the
// scx_stats socket are both served through one.
class UnixListener {
public:
	// How errors name the socket and what answering on its path means.
	struct Naming {
		std::string what;        // "control socket"
		std::string someone;     // who a live socket at the path belongs to: "another scx-runner"
		std::string busy_hint;   // what to do about that
	};

	// Binds and listens (non-blocking, close-on-exec). Throws RunnerError: scheduler_busy when
	// someone answers on path, control_failed when the socket cannot be set up.
	UnixListener(std::filesystem::path path, Naming naming);
	~UnixListener();
	UnixListener(const UnixListener &) = delete;
	UnixListener &operator=(const UnixListener &) = delete;

	int fd() const { return socket_.get(); }
	const std::filesystem::path &path() const { return path_; }

	// The socket's mode already keeps others out; this also holds when someone loosened it.
	static bool peer_is_trusted(int socket);

private:
	void prepare_directory() const;
	void remove_stale_socket() const;
	void bind_and_listen();

	std::filesystem::path path_;
	Naming naming_;
	FileDescriptor socket_;
	dev_t socket_device_ = 0;
	ino_t socket_inode_ = 0;
};

} // namespace scxr
