// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/Duration.hpp"
#include "profile/RestartSettings.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scxr {

// What the runner does after the attached scheduler ends by itself, as a profile's [restart]
// table (profile/RestartSettings) says.
//
// The policy only decides; the Session acts (waits, restarts, switches, exits). Every call
// takes the current time, so tests and the Session's event loop drive it without sleeping.
class RestartPolicy {
public:
	using Clock = std::chrono::steady_clock;
	using TimePoint = Clock::time_point;


	struct Decision {
		enum class Action {
			// Load and attach the same profile again at restart_at.
			restart,
			// The budget is spent (or restarts are disabled): switch to fallback_profile now.
			fall_back,
			// The budget is spent and there is no fallback: stop with the scheduler-error code.
			give_up,
		};

		Action action = Action::give_up;
		Duration delay;       // restart only; zero for a restart the kernel asked for
		TimePoint restart_at; // restart only: the time the delay ends
		std::filesystem::path fallback_profile; // fall_back only
		// One line for the log: "restart 2 of 5 within 1m in 2s", "restart budget spent:
		// 5 restarts within 1m; falling back to /etc/scx/simple.toml".
		std::string explanation;
	};

	explicit RestartPolicy(RestartSettings settings);

	// The attached scheduler exited with an error (not a user detach, not a restart request).
	// Restarts after the current backoff delay, which then doubles up to max_delay.
	Decision on_error_exit(TimePoint now);

	// The scheduler's exit code carries the kernel's restart bit: restart at once, without
	// backoff, even when restarts are disabled (the scheduler asked for it; it is not a
	// failure). Counted against the budget all the same, so a scheduler that asks for ever
	// still ends in fall_back or give_up.
	Decision on_restart_request(TimePoint now);

	// A (re)started scheduler is attached. Starts the clock for on_running().
	void on_attached(TimePoint now);

	// Called from the event loop while the scheduler runs. Once it has stayed attached for
	// healthy_after(), the backoff delay returns to initial_delay: an error after a long good
	// run is a new problem, not the next step of a crash loop. Returns true when it reset now.
	bool on_running(TimePoint now);

	// How long a scheduler must stay attached to count as healthy: one budget window, the
	// time after which its earlier restarts stop counting anyway.
	Duration healthy_after() const { return settings_.window; }

	// The delay the next error exit will wait.
	Duration next_delay() const { return next_delay_; }
	// Restarts (of either kind) within the window that ends at now.
	uint32_t restarts_in_window(TimePoint now);
	// All restarts since the policy was made, for `scx-runner status`.
	uint64_t total_restarts() const { return total_restarts_; }
	const RestartSettings &settings() const { return settings_; }

private:
	void forget_restarts_before(TimePoint now);
	Decision budget_spent(std::string_view cause);
	Decision restart(TimePoint now, Duration delay);

	RestartSettings settings_;
	Duration next_delay_;
	std::deque<TimePoint> recent_restarts_; // oldest first, within the window
	uint64_t total_restarts_ = 0;
	std::optional<TimePoint> attached_at_;
	bool healthy_ = false;
};

} // namespace scxr
