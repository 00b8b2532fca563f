// SPDX-License-Identifier: GPL-2.0-only
#include "base/SpellingSuggestion.hpp"

#include <catch2/catch_test_macros.hpp>

using scxr::SpellingSuggestion;

TEST_CASE("near misses find the name that was meant", "[suggestion]")
{
	const SpellingSuggestion names({"slice", "mode", "stats_interval", "stats_format", "plugin"});
	CHECK(names.closest("slise") == "slice");
	CHECK(names.closest("SLICE") == "slice");
	CHECK(names.closest("plugn") == "plugin");
	CHECK(names.closest("stats_intervall") == "stats_interval");
	CHECK(names.closest("stats_fromat") == "stats_format"); // a swap of neighbours is one edit
	CHECK(names.closest("stats") == "stats_interval");      // a prefix counts as an abbreviation
}

TEST_CASE("unrelated names get no suggestion", "[suggestion]")
{
	const SpellingSuggestion names({"slice", "mode"});
	CHECK_FALSE(names.closest("verbose").has_value());
	CHECK_FALSE(names.closest("x").has_value());
	CHECK_FALSE(SpellingSuggestion({}).closest("slice").has_value());
}

TEST_CASE("edit distance counts single edits", "[suggestion]")
{
	CHECK(SpellingSuggestion::edit_distance("slice", "slice") == 0);
	CHECK(SpellingSuggestion::edit_distance("slice", "slise") == 1);
	CHECK(SpellingSuggestion::edit_distance("slice", "silce") == 1);
	CHECK(SpellingSuggestion::edit_distance("", "abc") == 3);
	CHECK(SpellingSuggestion::edit_distance("kitten", "sitting") == 3);
}
