// SPDX-License-Identifier: GPL-2.0-only
// libbpf's output goes into spdlog and, while a capture is open, into the capture.
#include "kernel/LibbpfLog.hpp"

#include "LogCapture.hpp"

#include <bpf/libbpf.h>

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

using Catch::Matchers::ContainsSubstring;
using scxr::LibbpfLog;
using scxr::test::LogCapture;

TEST_CASE("real libbpf output is routed into the log and captured", "[libbpf]")
{
	LibbpfLog log;
	std::string captured;
	{
		LibbpfLog::Capture capture(log);
		bpf_object *object = bpf_object__open_file("/nonexistent/scxr.bpf.o", nullptr);
		CHECK(object == nullptr);
		captured = capture.text();
	}
	CHECK_THAT(captured, ContainsSubstring("libbpf: "));
	CHECK_THAT(captured, ContainsSubstring("/nonexistent/scxr.bpf.o"));
	CHECK_THAT(LogCapture::text(), ContainsSubstring("debug: libbpf: "));
}

TEST_CASE("messages are split into lines, pieces are joined, levels are mapped", "[libbpf]")
{
	LibbpfLog log;
	LibbpfLog::Capture capture(log);
	log.receive(LIBBPF_WARN, "first line\nsecond ");
	log.receive(LIBBPF_WARN, "line\n");
	log.receive(LIBBPF_DEBUG, "a debug line\n");
	CHECK(capture.text() == "first line\nsecond line\na debug line\n");
	CHECK_THAT(LogCapture::text(), ContainsSubstring("debug: first line\ndebug: second line\ntrace: a debug line\n"));
}

TEST_CASE("nothing is captured outside a capture, and a new capture starts empty", "[libbpf]")
{
	LibbpfLog log;
	log.receive(LIBBPF_WARN, "before\n");
	{
		LibbpfLog::Capture capture(log);
		log.receive(LIBBPF_WARN, "during\n");
		CHECK(capture.text() == "during\n");
	}
	LibbpfLog::Capture again(log);
	CHECK(again.text().empty());
}

TEST_CASE("only one libbpf log exists at a time", "[libbpf]")
{
	LibbpfLog log;
	CHECK_THROWS_AS(LibbpfLog(), std::logic_error);
}
