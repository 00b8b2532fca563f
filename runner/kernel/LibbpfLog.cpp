// SPDX-License-Identifier: GPL-2.0-only
#include "kernel/LibbpfLog.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace scxr {

namespace {

// libbpf's callback has no context argument.
std::atomic<LibbpfLog *> active_log{nullptr};

} // namespace

LibbpfLog::LibbpfLog()
{
	LibbpfLog *expected = nullptr;
	if (!active_log.compare_exchange_strong(expected, this))
		throw std::logic_error("only one LibbpfLog may exist at a time");
	previous_ = libbpf_set_print(&LibbpfLog::print);
}

LibbpfLog::~LibbpfLog()
{
	libbpf_set_print(previous_);
	active_log.store(nullptr);
}

int LibbpfLog::print(libbpf_print_level level, const char *format, va_list arguments)
{
	LibbpfLog *log = active_log.load();
	if (!log || !format)
		return 0;
	va_list measure;
	va_copy(measure, arguments);
	const int length = std::vsnprintf(nullptr, 0, format, measure);
	va_end(measure);
	if (length <= 0)
		return length;
	std::vector<char> buffer(static_cast<size_t>(length) + 1);
	std::vsnprintf(buffer.data(), buffer.size(), format, arguments);
	try {
		log->receive(level, std::string(buffer.data(), static_cast<size_t>(length)));
	} catch (...) {
		// Never unwind into libbpf's C code.
	}
	return length;
}

void LibbpfLog::receive(libbpf_print_level level, const std::string &text)
{
	std::lock_guard lock(mutex_);
	// libbpf prints a verifier log as one multi-line message and sometimes a line in pieces.
	size_t start = 0;
	while (start < text.size()) {
		const size_t newline = text.find('\n', start);
		if (newline == std::string::npos) {
			partial_line_ += text.substr(start);
			break;
		}
		partial_line_ += text.substr(start, newline - start);
		emit_line(level, partial_line_);
		partial_line_.clear();
		start = newline + 1;
	}
}

void LibbpfLog::emit_line(libbpf_print_level level, const std::string &line)
{
	if (capturing_) {
		captured_ += line;
		captured_ += '\n';
	}
	spdlog::log(level == LIBBPF_DEBUG ? spdlog::level::trace : spdlog::level::debug, "{}", line);
}

LibbpfLog::Capture::Capture(LibbpfLog &log) : log_(log)
{
	std::lock_guard lock(log_.mutex_);
	log_.capturing_ = true;
	log_.captured_.clear();
}

LibbpfLog::Capture::~Capture()
{
	std::lock_guard lock(log_.mutex_);
	log_.capturing_ = false;
	log_.captured_.clear();
}

std::string LibbpfLog::Capture::text() const
{
	std::lock_guard lock(log_.mutex_);
	return log_.captured_;
}

} // namespace scxr
