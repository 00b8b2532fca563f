// SPDX-License-Identifier: GPL-2.0-only
#include "base/SpellingSuggestion.hpp"

#include <algorithm>
#include <cctype>

namespace scxr {

namespace {

std::string lower(std::string_view text)
{
	std::string result(text);
	for (char &c : result)
		c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	return result;
}

} // namespace

SpellingSuggestion::SpellingSuggestion(std::vector<std::string> known_names)
	: known_names_(std::move(known_names))
{
}

size_t SpellingSuggestion::edit_distance(std::string_view from, std::string_view to)
{
	const size_t rows = from.size() + 1;
	const size_t columns = to.size() + 1;
	std::vector<size_t> cost(rows * columns);
	auto at = [columns, &cost](size_t row, size_t column) -> size_t & {
		return cost[row * columns + column];
	};
	for (size_t row = 0; row < rows; ++row)
		at(row, 0) = row;
	for (size_t column = 0; column < columns; ++column)
		at(0, column) = column;
	for (size_t row = 1; row < rows; ++row) {
		for (size_t column = 1; column < columns; ++column) {
			const size_t substitution = from[row - 1] == to[column - 1] ? 0 : 1;
			size_t best = std::min({at(row - 1, column) + 1, at(row, column - 1) + 1,
						at(row - 1, column - 1) + substitution});
			if (row > 1 && column > 1 && from[row - 1] == to[column - 2] &&
			    from[row - 2] == to[column - 1])
				best = std::min(best, at(row - 2, column - 2) + 1);
			at(row, column) = best;
		}
	}
	return at(rows - 1, columns - 1);
}

std::optional<std::string> SpellingSuggestion::closest(std::string_view misspelt) const
{
	const std::string wanted = lower(misspelt);
	// A third of the length, at least one: "slise" (1 edit) matches "slice", but "foo" does
	// not match every three-letter name.
	const size_t tolerance = std::max<size_t>(1, wanted.size() / 3);
	std::optional<std::string> best;
	size_t best_distance = tolerance + 1;
	for (const std::string &name : known_names_) {
		const std::string candidate = lower(name);
		size_t distance = edit_distance(wanted, candidate);
		// "stats" for "stats_interval": a prefix is a plausible abbreviation.
		if (wanted.size() >= 3 && candidate.starts_with(wanted))
			distance = std::min(distance, tolerance);
		if (distance < best_distance) {
			best_distance = distance;
			best = name;
		}
	}
	return best;
}

} // namespace scxr
