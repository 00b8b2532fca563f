// SPDX-License-Identifier: GPL-2.0-only
// --metrics / [runner] metrics addresses: the forms accepted, loopback by default, and what is
// refused; the profile key with its file:line:column error.
#include "profile/MetricsAddress.hpp"
#include "profile/ProfileError.hpp"
#include "profile/ProfileParser.hpp"
#include "profile/RunnerSettings.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

using Catch::Matchers::ContainsSubstring;
using scxr::MetricsAddress;
using scxr::RunnerSettings;

TEST_CASE("a bare port serves on loopback", "[metrics]")
{
	const auto address = MetricsAddress::parse("9100");
	REQUIRE(address);
	CHECK(address->host == "127.0.0.1");
	CHECK(address->port == 9100);
}

TEST_CASE("host and port, IPv4, a name and IPv6 in brackets", "[metrics]")
{
	CHECK(MetricsAddress::parse("0.0.0.0:9100") == MetricsAddress{"0.0.0.0", 9100});
	CHECK(MetricsAddress::parse("localhost:8080") == MetricsAddress{"localhost", 8080});
	CHECK(MetricsAddress::parse("[::1]:9100") == MetricsAddress{"::1", 9100});
	CHECK(MetricsAddress::parse("127.0.0.1:0") == MetricsAddress{"127.0.0.1", 0});
}

TEST_CASE("addresses that are none of the forms are refused", "[metrics]")
{
	for (const char *text : {"", ":9100", "9100x", "65536", "-1", "host:", "::1:9100", "[127.0.0.1]:9100",
				 "[::1]9100", "a b:9100", "http://localhost:9100", "localhost"})
		CHECK_FALSE(MetricsAddress::parse(text));
}

TEST_CASE("off and empty turn metrics off; the command line overrides the profile", "[metrics]")
{
	CHECK(RunnerSettings::parse_metrics("off") == RunnerSettings::Metrics{});
	CHECK(RunnerSettings::parse_metrics("") == RunnerSettings::Metrics{});
	CHECK_FALSE(RunnerSettings::parse_metrics("nine"));

	RunnerSettings profile;
	profile.metrics = RunnerSettings::parse_metrics("9100");
	CHECK(profile.effective_metrics() == MetricsAddress{"127.0.0.1", 9100});
	RunnerSettings flags;
	flags.metrics = RunnerSettings::Metrics{};
	CHECK_FALSE(profile.overridden_by(flags).effective_metrics());
	CHECK_FALSE(RunnerSettings().effective_metrics());
}

TEST_CASE("[runner] metrics takes a string or a port number", "[metrics]")
{
	const auto parse = [](const std::string &value) {
		return scxr::ProfileParser().parse_string("plugin = \"test_good\"\n[runner]\nmetrics = " + value + "\n",
							  "p.toml");
	};
	CHECK(parse("\"[::1]:9200\"").runner.effective_metrics() == MetricsAddress{"::1", 9200});
	CHECK(parse("9100").runner.effective_metrics() == MetricsAddress{"127.0.0.1", 9100});
	CHECK(parse("\"off\"").runner.metrics == RunnerSettings::Metrics{});
	CHECK_FALSE(scxr::ProfileParser().parse_string("plugin = \"test_good\"\n", "p.toml").runner.metrics);
}

TEST_CASE("a bad [runner] metrics names the file, line and column, and the forms", "[metrics]")
{
	for (const std::string bad : {"\"9100:localhost\"", "70000", "true"}) {
		CAPTURE(bad);
		try {
			scxr::ProfileParser().parse_string("plugin = \"test_good\"\n[runner]\nmetrics = " + bad + "\n", "p.toml");
			FAIL("accepted");
		} catch (const scxr::ProfileError &error) {
			REQUIRE(error.diagnostics().size() == 1);
			CHECK_THAT(error.diagnostics()[0].headline(),
				   Catch::Matchers::StartsWith("p.toml:3:11: 'metrics' must be PORT or HOST:PORT"));
			CHECK_THAT(error.diagnostics()[0].hint, ContainsSubstring("metrics = \"127.0.0.1:9100\""));
		}
	}
}
