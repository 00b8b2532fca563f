// SPDX-License-Identifier: GPL-2.0-only
// The restart policy decides from injected times, so crash loops of minutes run here in
// microseconds: backoff doubling and its cap, the budget per sliding window, the kernel's
// restart requests, the reset after a healthy run, the fallback, and the settings checks.
#include "session/RestartPolicy.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <chrono>

using scxr::Duration;
using scxr::RestartPolicy;
using scxr::RestartSettings;
using Action = RestartPolicy::Decision::Action;
using namespace std::chrono_literals;

namespace {

Duration seconds(uint64_t count) { return Duration::from_nanoseconds(count * 1'000'000'000); }
Duration milliseconds(uint64_t count) { return Duration::from_nanoseconds(count * 1'000'000); }

// An arbitrary epoch: the policy must not care where steady_clock starts.
const RestartPolicy::TimePoint kStart = RestartPolicy::TimePoint() + 1000h;

RestartSettings settings_with(uint32_t max_restarts, Duration window)
{
	RestartSettings settings;
	settings.max_restarts = max_restarts;
	settings.window = window;
	return settings;
}

} // namespace

TEST_CASE("defaults are the documented ones", "[restart]")
{
	const RestartSettings settings;
	CHECK(settings.enabled);
	CHECK(settings.initial_delay == seconds(1));
	CHECK(settings.max_delay == seconds(30));
	CHECK(settings.max_restarts == 5);
	CHECK(settings.window == seconds(60));
	CHECK_FALSE(settings.fallback.has_value());
	CHECK(settings.problems().empty());
}

TEST_CASE("error exits back off exponentially up to max_delay", "[restart]")
{
	RestartSettings settings = settings_with(100, seconds(3600));
	settings.initial_delay = seconds(1);
	settings.max_delay = seconds(10);
	RestartPolicy policy(settings);

	const Duration expected[] = {seconds(1), seconds(2), seconds(4), seconds(8), seconds(10), seconds(10)};
	auto now = kStart;
	for (const Duration delay : expected) {
		const auto decision = policy.on_error_exit(now);
		REQUIRE(decision.action == Action::restart);
		CHECK(decision.delay == delay);
		CHECK(decision.restart_at == now + std::chrono::nanoseconds(delay.nanoseconds()));
		now = decision.restart_at + 1ms;
	}
	CHECK(policy.total_restarts() == 6);
	CHECK(policy.next_delay() == seconds(10));
}

TEST_CASE("a max_delay that is not a power-of-two multiple caps exactly", "[restart]")
{
	RestartSettings settings = settings_with(100, seconds(3600));
	settings.initial_delay = milliseconds(300);
	settings.max_delay = seconds(1);
	RestartPolicy policy(settings);
	CHECK(policy.on_error_exit(kStart).delay == milliseconds(300));
	CHECK(policy.on_error_exit(kStart + 1s).delay == milliseconds(600));
	CHECK(policy.on_error_exit(kStart + 2s).delay == seconds(1));
	CHECK(policy.on_error_exit(kStart + 3s).delay == seconds(1));
}

TEST_CASE("the budget counts restarts within a sliding window", "[restart]")
{
	RestartPolicy policy(settings_with(3, seconds(60)));

	SECTION("the fourth error within the window gives up without a fallback")
	{
		for (int restart = 0; restart < 3; ++restart)
			REQUIRE(policy.on_error_exit(kStart + restart * 10s).action == Action::restart);
		CHECK(policy.restarts_in_window(kStart + 30s) == 3);
		const auto decision = policy.on_error_exit(kStart + 30s);
		CHECK(decision.action == Action::give_up);
		CHECK_THAT(decision.explanation, Catch::Matchers::ContainsSubstring("3 restarts within 1m"));
		CHECK_THAT(decision.explanation, Catch::Matchers::ContainsSubstring("no fallback"));
		CHECK(policy.total_restarts() == 3);
	}

	SECTION("restarts older than the window stop counting")
	{
		for (int restart = 0; restart < 3; ++restart)
			REQUIRE(policy.on_error_exit(kStart + restart * 10s).action == Action::restart);
		// The first restart (at 0s) leaves the window exactly at 60s.
		CHECK(policy.restarts_in_window(kStart + 60s - 1ns) == 3);
		CHECK(policy.restarts_in_window(kStart + 60s) == 2);
		const auto decision = policy.on_error_exit(kStart + 60s);
		CHECK(decision.action == Action::restart);
		CHECK(policy.restarts_in_window(kStart + 60s) == 3);
		CHECK_THAT(decision.explanation, Catch::Matchers::ContainsSubstring("restart 3 of 3"));
	}

	SECTION("a budget of zero never restarts")
	{
		RestartPolicy none(settings_with(0, seconds(60)));
		CHECK(none.on_error_exit(kStart).action == Action::give_up);
		CHECK(none.on_restart_request(kStart).action == Action::give_up);
		CHECK(none.total_restarts() == 0);
	}
}

TEST_CASE("a spent budget falls back to the fallback profile", "[restart]")
{
	RestartSettings settings = settings_with(2, seconds(60));
	settings.fallback = "/etc/scx-runner/simple.toml";
	RestartPolicy policy(settings);
	REQUIRE(policy.on_error_exit(kStart).action == Action::restart);
	REQUIRE(policy.on_error_exit(kStart + 2s).action == Action::restart);
	const auto decision = policy.on_error_exit(kStart + 5s);
	CHECK(decision.action == Action::fall_back);
	CHECK(decision.fallback_profile == "/etc/scx-runner/simple.toml");
	CHECK_THAT(decision.explanation, Catch::Matchers::ContainsSubstring("falling back to /etc/scx-runner/simple.toml"));
}

TEST_CASE("disabled restarts give up or fall back at the first error", "[restart]")
{
	RestartSettings settings;
	settings.enabled = false;

	SECTION("without a fallback")
	{
		RestartPolicy policy(settings);
		const auto decision = policy.on_error_exit(kStart);
		CHECK(decision.action == Action::give_up);
		CHECK_THAT(decision.explanation, Catch::Matchers::ContainsSubstring("disabled"));
	}
	SECTION("with a fallback")
	{
		settings.fallback = "/profiles/simple.toml";
		RestartPolicy policy(settings);
		CHECK(policy.on_error_exit(kStart).action == Action::fall_back);
	}
	SECTION("a kernel restart request is still honoured")
	{
		RestartPolicy policy(settings);
		const auto decision = policy.on_restart_request(kStart);
		CHECK(decision.action == Action::restart);
		CHECK(decision.delay.is_zero());
	}
}

TEST_CASE("a kernel restart request restarts at once but counts against the budget", "[restart]")
{
	RestartPolicy policy(settings_with(3, seconds(60)));
	REQUIRE(policy.on_error_exit(kStart).delay == seconds(1));

	const auto request = policy.on_restart_request(kStart + 2s);
	CHECK(request.action == Action::restart);
	CHECK(request.delay.is_zero());
	CHECK(request.restart_at == kStart + 2s);
	CHECK_THAT(request.explanation, Catch::Matchers::ContainsSubstring("at once"));
	// A request is no failure: the backoff neither grows nor resets.
	CHECK(policy.next_delay() == seconds(2));
	CHECK(policy.restarts_in_window(kStart + 2s) == 2);

	REQUIRE(policy.on_restart_request(kStart + 3s).action == Action::restart);
	CHECK(policy.on_restart_request(kStart + 4s).action == Action::give_up);
	CHECK(policy.on_error_exit(kStart + 5s).action == Action::give_up);
}

TEST_CASE("a healthy run resets the backoff", "[restart]")
{
	RestartPolicy policy(settings_with(100, seconds(60)));
	REQUIRE(policy.on_error_exit(kStart).delay == seconds(1));
	REQUIRE(policy.on_error_exit(kStart + 2s).delay == seconds(2));
	REQUIRE(policy.next_delay() == seconds(4));

	SECTION("not before it stayed attached for a whole window")
	{
		policy.on_attached(kStart + 10s);
		CHECK_FALSE(policy.on_running(kStart + 69s));
		CHECK(policy.next_delay() == seconds(4));
		CHECK(policy.on_error_exit(kStart + 69s).delay == seconds(4));
	}
	SECTION("after a whole window the next error waits initial_delay again")
	{
		policy.on_attached(kStart + 10s);
		CHECK(policy.on_running(kStart + 70s));
		CHECK(policy.next_delay() == seconds(1));
		// Only once per attach.
		CHECK_FALSE(policy.on_running(kStart + 80s));
		CHECK(policy.on_error_exit(kStart + 90s).delay == seconds(1));
	}
	SECTION("running without an attach does nothing")
	{
		CHECK_FALSE(policy.on_running(kStart + 1h));
		CHECK(policy.next_delay() == seconds(4));
	}
	SECTION("an exit stops the healthy clock")
	{
		policy.on_attached(kStart + 10s);
		REQUIRE(policy.on_error_exit(kStart + 20s).delay == seconds(4));
		CHECK_FALSE(policy.on_running(kStart + 2h));
		CHECK(policy.next_delay() == seconds(8));
	}
}

TEST_CASE("settings problems name the keys", "[restart]")
{
	RestartSettings settings;

	SECTION("initial_delay longer than max_delay")
	{
		settings.initial_delay = seconds(5);
		settings.max_delay = seconds(1);
		const auto problems = settings.problems();
		REQUIRE(problems.size() == 1);
		CHECK_THAT(problems[0], Catch::Matchers::ContainsSubstring("'max_delay' (1s) is shorter than 'initial_delay' (5s)"));
	}
	SECTION("a busy-loop initial_delay")
	{
		settings.initial_delay = Duration();
		const auto problems = settings.problems();
		REQUIRE(problems.size() == 1);
		CHECK_THAT(problems[0], Catch::Matchers::ContainsSubstring("'initial_delay' of 0s is too short"));
	}
	SECTION("a zero window with a budget")
	{
		settings.window = Duration();
		REQUIRE(settings.problems().size() == 1);
		settings.max_restarts = 0;
		CHECK(settings.problems().empty());
	}
	SECTION("an empty fallback")
	{
		settings.fallback = std::filesystem::path();
		CHECK(settings.problems().size() == 1);
	}
}

TEST_CASE("a fallback is resolved relative to its profile's directory", "[restart]")
{
	using Settings = RestartSettings;
	CHECK(Settings::resolve_fallback("/etc/scx/qmap.toml", "simple.toml") == "/etc/scx/simple.toml");
	CHECK(Settings::resolve_fallback("/etc/scx/qmap.toml", "../other/simple.toml") == "/etc/other/simple.toml");
	CHECK(Settings::resolve_fallback("/etc/scx/qmap.toml", "/srv/simple.toml") == "/srv/simple.toml");
	CHECK(Settings::resolve_fallback("config/qmap.toml", "simple.toml") == "config/simple.toml");
	CHECK(Settings::resolve_fallback("qmap.toml", "simple.toml") == "simple.toml");
}
