// SPDX-License-Identifier: GPL-2.0-only
#include "base/Logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace scxr {

namespace {

// A serial line or the kernel's console is a terminal to isatty(), but what reads it is
// usually a log file (QEMU's console log, a BMC's serial log) where escape codes are noise.
bool is_serial_console(int fd)
{
	const char *name = ::ttyname(fd);
	if (!name)
		return false;
	const std::string_view path(name);
	for (std::string_view prefix : {"/dev/console", "/dev/ttyS", "/dev/ttyAMA", "/dev/ttyUSB", "/dev/hvc"})
		if (path.starts_with(prefix))
			return true;
	return false;
}

} // namespace

bool Logging::colours_wanted()
{
	if (std::getenv("NO_COLOR"))
		return false;
	const char *term = std::getenv("TERM");
	if (!term || !*term || std::strcmp(term, "dumb") == 0)
		return false;
	return ::isatty(STDERR_FILENO) == 1 && !is_serial_console(STDERR_FILENO);
}

void Logging::install()
{
	// Colours only for a person at a terminal: never on a pipe, a file, the journal or a
	// serial console.
	auto logger = spdlog::stderr_color_mt("scx-runner", colours_wanted() ? spdlog::color_mode::always
									       : spdlog::color_mode::never);
	spdlog::set_default_logger(logger);
	set_level(spdlog::level::info);
}

void Logging::set_level(spdlog::level::level_enum level)
{
	spdlog::set_level(level);
	// Compiling a pattern is a start's worth of cold code: only when the level changes it
	// (install() sets info's, and the command line usually keeps info).
	static const char *current_pattern = nullptr;
	const char *pattern = level <= spdlog::level::debug ? "[%H:%M:%S.%e] %^%l%$: %v" : "%^%l%$: %v";
	if (pattern != current_pattern) {
		spdlog::set_pattern(pattern);
		current_pattern = pattern;
	}
	// Lines must reach a journal or a pipe as they happen, not when a buffer fills.
	spdlog::flush_on(spdlog::level::trace);
}

} // namespace scxr
