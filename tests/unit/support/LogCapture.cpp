// SPDX-License-Identifier: GPL-2.0-only
#include "LogCapture.hpp"

#include <catch2/catch_test_case_info.hpp>
#include <catch2/reporters/catch_reporter_event_listener.hpp>
#include <catch2/reporters/catch_reporter_registrars.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

namespace scxr::test {

namespace {

std::ostringstream &stream()
{
	static std::ostringstream text;
	return text;
}

class LogCaptureListener : public Catch::EventListenerBase {
public:
	using Catch::EventListenerBase::EventListenerBase;

	void testRunStarting(const Catch::TestRunInfo &) override
	{
		auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream(), true);
		auto logger = std::make_shared<spdlog::logger>("test", sink);
		spdlog::set_default_logger(logger);
		spdlog::set_level(spdlog::level::trace);
	}

	void testCaseStarting(const Catch::TestCaseInfo &) override
	{
		LogCapture::clear();
		// Application::main sets the level from its command line; start every test equal.
		spdlog::set_level(spdlog::level::trace);
		spdlog::set_pattern("%l: %v");
	}
};

} // namespace

CATCH_REGISTER_LISTENER(LogCaptureListener)

std::string LogCapture::text() { return stream().str(); }

void LogCapture::clear()
{
	stream().str("");
	stream().clear();
}

} // namespace scxr::test
