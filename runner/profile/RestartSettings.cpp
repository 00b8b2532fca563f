// SPDX-License-Identifier: GPL-2.0-only
#include "profile/RestartSettings.hpp"

#include <fmt/format.h>

namespace scxr {

std::vector<std::string> RestartSettings::problems() const
{
	std::vector<std::string> problems;
	if (initial_delay < kMinimumInitialDelay)
		problems.push_back(fmt::format("'initial_delay' of {} is too short: the minimum is {}, so that a failing "
					       "scheduler cannot turn into a busy loop",
					       initial_delay.to_string(), kMinimumInitialDelay.to_string()));
	if (max_delay < initial_delay)
		problems.push_back(fmt::format("'max_delay' ({}) is shorter than 'initial_delay' ({})",
					       max_delay.to_string(), initial_delay.to_string()));
	if (window.is_zero() && max_restarts > 0)
		problems.push_back("'window' is 0s: the restart budget needs a window to count restarts in, such as \"60s\"");
	if (fallback && fallback->empty())
		problems.push_back("'fallback' is empty: name a profile file, or leave the key out");
	return problems;
}

std::filesystem::path RestartSettings::resolve_fallback(const std::filesystem::path &profile_path,
						  std::string_view written)
{
	const std::filesystem::path fallback(written);
	if (fallback.empty() || fallback.is_absolute())
		return fallback;
	return (profile_path.parent_path() / fallback).lexically_normal();
}

} // namespace scxr
