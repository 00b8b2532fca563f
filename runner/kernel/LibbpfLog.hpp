// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <bpf/libbpf.h>

#include <cstdarg>
#include <mutex>
#include <string>

namespace scxr {

// The runner owns libbpf's print callback (a process-wide setting shared with every plugin,
// since they link the same libbpf). Lines go to spdlog: libbpf's debug output at trace level,
// its info and warnings at debug level, because what matters to a user is summarised by the
// runner's own error (see LoadDiagnosis). While a Capture exists, lines are also collected,
// so a failed load can be explained from what libbpf said.
//
// At most one LibbpfLog exists at a time; it restores the previous callback when destroyed.
class LibbpfLog {
public:
	// Collects libbpf output from construction to destruction (one at a time).
	class Capture {
	public:
		explicit Capture(LibbpfLog &log);
		~Capture();
		Capture(const Capture &) = delete;
		Capture &operator=(const Capture &) = delete;

		// Everything libbpf printed so far, complete lines.
		std::string text() const;

	private:
		LibbpfLog &log_;
	};

	LibbpfLog();
	~LibbpfLog();
	LibbpfLog(const LibbpfLog &) = delete;
	LibbpfLog &operator=(const LibbpfLog &) = delete;

	// Feeds text as if libbpf had printed it (the callback's work, minus the formatting).
	void receive(libbpf_print_level level, const std::string &text);

private:
	static int print(libbpf_print_level level, const char *format, va_list arguments);
	void emit_line(libbpf_print_level level, const std::string &line);

	libbpf_print_fn_t previous_ = nullptr;
	mutable std::mutex mutex_;
	std::string partial_line_;
	bool capturing_ = false;
	std::string captured_;
};

} // namespace scxr
