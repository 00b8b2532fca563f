// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/Duration.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scxr {

// What a profile's [restart] table says; session/RestartPolicy acts on it:
//
//   [restart]
//   enabled = true          # restart after error exits at all
//   initial_delay = "1s"    # wait before the first restart; doubles after every error exit
//   max_delay = "30s"       # the doubling stops here
//   max_restarts = 5        # the budget: at most this many restarts ...
//   window = "60s"          # ... within any window of this length
//   fallback = "simple.toml" # run this profile when the budget is spent (relative to the profile)
//
// The member initialisers are the defaults.
struct RestartSettings {
	static constexpr Duration kDefaultInitialDelay = Duration::from_nanoseconds(1'000'000'000);
	static constexpr Duration kDefaultMaxDelay = Duration::from_nanoseconds(30'000'000'000);
	static constexpr uint32_t kDefaultMaxRestarts = 5;
	static constexpr Duration kDefaultWindow = Duration::from_nanoseconds(60'000'000'000);
	// Shorter delays turn an always-failing scheduler into a busy loop of BPF verification.
	static constexpr Duration kMinimumInitialDelay = Duration::from_nanoseconds(10'000'000);

	bool enabled = true;
	Duration initial_delay = kDefaultInitialDelay;
	Duration max_delay = kDefaultMaxDelay;
	uint32_t max_restarts = kDefaultMaxRestarts;
	Duration window = kDefaultWindow;
	// Already resolved with resolve_fallback(); empty when the profile names none.
	std::optional<std::filesystem::path> fallback;

	// What is inconsistent, one sentence each naming the keys ("'initial_delay' (5s) is
	// longer than 'max_delay' (1s)"); empty when the settings are usable. The profile
	// parser turns these into diagnostics at the [restart] table's position.
	std::vector<std::string> problems() const;

	// A fallback written in a profile is relative to that profile's directory, so that a
	// set of profiles can be moved together; absolute paths stay as they are.
	static std::filesystem::path resolve_fallback(const std::filesystem::path &profile_path,
						      std::string_view written);
};

} // namespace scxr
