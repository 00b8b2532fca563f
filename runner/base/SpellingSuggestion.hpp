// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scxr {

// Finds the known name a misspelt one was probably meant to be ("slise" -> "slice"), for
// "did you mean ...?" hints.
class SpellingSuggestion {
public:
	explicit SpellingSuggestion(std::vector<std::string> known_names);

	// The closest known name, if it is close enough to be a plausible typo.
	std::optional<std::string> closest(std::string_view misspelt) const;

	// Optimal string alignment distance (insertions, deletions, substitutions and swaps of
	// two neighbours each cost one).
	static size_t edit_distance(std::string_view from, std::string_view to);

private:
	std::vector<std::string> known_names_;
};

} // namespace scxr
