// SPDX-License-Identifier: GPL-2.0-only
// The one JSON policy (output/Json.hpp) that stats lines, `plugins --json`, `status --json` and
// the control socket's replies all write through.
#include "output/Json.hpp"

#include <catch2/catch_test_macros.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>

using scxr::is_utf8;
using scxr::Json;
using scxr::json_number;
using scxr::json_text;

TEST_CASE("documents are one compact line with keys in the order they were added", "[json]")
{
	Json document;
	document["zebra"] = 1;
	document["apple"] = Json::array({"x", true, nullptr, Json::object()});
	document["empty"] = Json::array();
	CHECK(json_text(document) == R"({"zebra":1,"apple":["x",true,null,{}],"empty":[]})");
}

TEST_CASE("control characters are escaped, UTF-8 is written as it is", "[json]")
{
	CHECK(json_text("a\"b\\c/") == R"("a\"b\\c/")");
	CHECK(json_text("line\nnext\ttab\r\b\f") == R"("line\nnext\ttab\r\b\f")");
	CHECK(json_text(std::string("nul\0bell\x07\x1f", 10)) == R"("nul\u0000bell\u0007\u001f")");
	// DEL is not a control character to JSON: it stays a raw byte (the hand-written writer of
	// the control socket escaped it as \u007f).
	CHECK(json_text("del\x7f") == "\"del\x7f\"");
	CHECK(json_text("caf\xc3\xa9 \xf0\x9f\x90\xa7") == "\"caf\xc3\xa9 \xf0\x9f\x90\xa7\"");
}

TEST_CASE("bytes that are not UTF-8 become U+FFFD, so the text is always valid JSON", "[json]")
{
	const std::string replacement = "\xef\xbf\xbd";
	CHECK(json_text("bad\xff") == "\"bad" + replacement + "\"");
	// A sequence cut short is one U+FFFD, also at the end of the text.
	CHECK(json_text("cut\xe2\x82" "a") == "\"cut" + replacement + "a\"");
	CHECK(json_text("cut\xc3") == "\"cut" + replacement + "\"");
	// Each byte of a surrogate or an overlong form is one, as in the Unicode standard's practice.
	CHECK(json_text("\xed\xa0\x80") == "\"" + replacement + replacement + replacement + "\"");
	CHECK(json_text("\xc0\xaf") == "\"" + replacement + replacement + "\"");
	// Keys too.
	Json document;
	document["\xfe" "key"] = "value\xff";
	CHECK(json_text(document) == "{\"" + replacement + "key\":\"value" + replacement + "\"}");
	CHECK(Json::parse(json_text(document)).begin().key() == replacement + "key");
}

TEST_CASE("is_utf8 follows the same rules", "[json]")
{
	CHECK(is_utf8(""));
	CHECK(is_utf8("plain ascii"));
	CHECK(is_utf8("caf\xc3\xa9 \xf0\x9f\x90\xa7"));
	CHECK_FALSE(is_utf8("bad\xff"));
	CHECK_FALSE(is_utf8("cut\xc3"));
	CHECK_FALSE(is_utf8("\xed\xa0\x80")); // a surrogate
	CHECK_FALSE(is_utf8("\xc0\xaf"));     // overlong '/'
	CHECK_FALSE(is_utf8("\xf4\x90\x80\x80")); // above U+10FFFF
}

TEST_CASE("readings: integers stay exact integers, non-finite values become null", "[json]")
{
	const auto text = [](double value) { return json_text(json_number(value)); };
	CHECK(text(120.0) == "120");
	CHECK(text(1e6) == "1000000");
	CHECK(text(-3.0) == "-3");
	CHECK(text(-0.0) == "0");
	CHECK(text(0.25) == "0.25");
	CHECK(text(0.1) == "0.1");
	// Beyond 2^53 every double is an integer; written with all its digits, not as 1e+16.
	CHECK(text(9007199254740992.0) == "9007199254740992");
	CHECK(text(1e16) == "10000000000000000");
	CHECK(text(-9223372036854775808.0) == "-9223372036854775808");
	// Beyond 64 bits there is no integer to write: the double's shortest form.
	CHECK(text(9223372036854775808.0) == "9.223372036854776e+18");
	CHECK(text(1e300) == "1e+300");
	CHECK(text(std::numeric_limits<double>::quiet_NaN()) == "null");
	CHECK(text(std::numeric_limits<double>::infinity()) == "null");
	CHECK(text(-std::numeric_limits<double>::infinity()) == "null");
	// Integers given as integers are exact over the whole 64 bits, signed and unsigned.
	CHECK(json_text(Json(uint64_t{18446744073709551615ULL})) == "18446744073709551615");
	CHECK(json_text(Json(int64_t{-9223372036854775807 - 1})) == "-9223372036854775808");
}
