// SPDX-License-Identifier: GPL-2.0-only
#include "session/RestartPolicy.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace scxr {

namespace {

Duration doubled_up_to(Duration delay, Duration limit)
{
	if (delay.nanoseconds() > limit.nanoseconds() / 2)
		return limit;
	return Duration::from_nanoseconds(delay.nanoseconds() * 2);
}

RestartPolicy::TimePoint after(RestartPolicy::TimePoint start, Duration delay)
{
	return start + std::chrono::duration_cast<RestartPolicy::Clock::duration>(delay.to_chrono());
}

} // namespace

RestartPolicy::RestartPolicy(RestartSettings settings)
	: settings_(std::move(settings)), next_delay_(settings_.initial_delay)
{
}

RestartPolicy::Decision RestartPolicy::on_error_exit(TimePoint now)
{
	attached_at_.reset();
	if (!settings_.enabled)
		return budget_spent("restarts are disabled ([restart] enabled = false)");
	forget_restarts_before(now);
	if (recent_restarts_.size() >= settings_.max_restarts)
		return budget_spent(fmt::format("{} restarts within {}", recent_restarts_.size(),
						settings_.window.to_string()));
	const Duration delay = next_delay_;
	next_delay_ = doubled_up_to(next_delay_, settings_.max_delay);
	return restart(now, delay);
}

RestartPolicy::Decision RestartPolicy::on_restart_request(TimePoint now)
{
	attached_at_.reset();
	forget_restarts_before(now);
	if (recent_restarts_.size() >= settings_.max_restarts)
		return budget_spent(fmt::format("{} restarts within {}", recent_restarts_.size(),
						settings_.window.to_string()));
	return restart(now, Duration());
}

void RestartPolicy::on_attached(TimePoint now)
{
	attached_at_ = now;
	healthy_ = false;
}

bool RestartPolicy::on_running(TimePoint now)
{
	if (!attached_at_ || healthy_)
		return false;
	if (now < after(*attached_at_, healthy_after()))
		return false;
	healthy_ = true;
	const bool was_backing_off = next_delay_ != settings_.initial_delay;
	next_delay_ = settings_.initial_delay;
	return was_backing_off;
}

uint32_t RestartPolicy::restarts_in_window(TimePoint now)
{
	forget_restarts_before(now);
	return static_cast<uint32_t>(recent_restarts_.size());
}

void RestartPolicy::forget_restarts_before(TimePoint now)
{
	// A restart exactly one window ago has left the window: "5 per 60s" allows the sixth at 60s.
	while (!recent_restarts_.empty() && after(recent_restarts_.front(), settings_.window) <= now)
		recent_restarts_.pop_front();
}

RestartPolicy::Decision RestartPolicy::budget_spent(std::string_view cause)
{
	Decision decision;
	if (settings_.fallback) {
		decision.action = Decision::Action::fall_back;
		decision.fallback_profile = *settings_.fallback;
		decision.explanation = fmt::format("not restarting: {}; falling back to {}", cause,
						   settings_.fallback->string());
	} else {
		decision.action = Decision::Action::give_up;
		decision.explanation = fmt::format("not restarting: {}; no fallback profile is set", cause);
	}
	return decision;
}

RestartPolicy::Decision RestartPolicy::restart(TimePoint now, Duration delay)
{
	recent_restarts_.push_back(now);
	++total_restarts_;
	Decision decision;
	decision.action = Decision::Action::restart;
	decision.delay = delay;
	decision.restart_at = after(now, delay);
	decision.explanation = fmt::format("restart {} of {} within {}{}", recent_restarts_.size(),
					   settings_.max_restarts, settings_.window.to_string(),
					   delay.is_zero() ? std::string(" at once") : " in " + delay.to_string());
	return decision;
}

} // namespace scxr
