// SPDX-License-Identifier: GPL-2.0-only
#include "Logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace scxr {

void Logging::install()
{
	auto logger = spdlog::stderr_color_mt("scx-runner");
	spdlog::set_default_logger(logger);
	set_level(spdlog::level::info);
}

void Logging::set_level(spdlog::level::level_enum level)
{
	spdlog::set_level(level);
	spdlog::set_pattern(level <= spdlog::level::debug ? "[%H:%M:%S.%e] %^%l%$: %v" : "%^%l%$: %v");
	// Lines must reach a journal or a pipe as they happen, not when a buffer fills.
	spdlog::flush_on(spdlog::level::trace);
}

} // namespace scxr
