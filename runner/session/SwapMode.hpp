// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <optional>
#include <string_view>

namespace scxr {

// How a swap replaces the running scheduler.
enum class SwapMode {
	// Verify the new scheduler while the old one runs; the kernel is without a sched_ext
	// scheduler only from the old one's detach to the new one's attach.
	pre_verified,
	// Detach the old scheduler, then load and attach the new one, as loaders that stop one
	// process and start another do: the whole verification is a gap. For comparison only.
	stop_start,
};

constexpr std::string_view swap_mode_name(SwapMode mode)
{
	return mode == SwapMode::pre_verified ? "pre-verified" : "stop-start";
}

constexpr std::optional<SwapMode> parse_swap_mode(std::string_view text)
{
	if (text == "pre-verified")
		return SwapMode::pre_verified;
	if (text == "stop-start")
		return SwapMode::stop_start;
	return std::nullopt;
}

} // namespace scxr
