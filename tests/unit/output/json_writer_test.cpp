// SPDX-License-Identifier: GPL-2.0-only
#include "output/JsonWriter.hpp"

#include "JsonValue.hpp"

#include <catch2/catch_test_macros.hpp>

#include <limits>

using scxr::JsonWriter;
using scxr::test::JsonValue;

TEST_CASE("the writer nests objects and arrays with commas in the right places", "[json]")
{
	JsonWriter writer;
	writer.begin_object();
	writer.key("a").value(int64_t{1});
	writer.key("list").begin_array().value("x").value(true).null().begin_object().end_object().end_array();
	writer.key("empty").begin_array().end_array();
	writer.end_object();
	CHECK(writer.str() == R"({"a":1,"list":["x",true,null,{}],"empty":[]})");
	const JsonValue parsed = JsonValue::parse(writer.str());
	CHECK(parsed["list"].array().size() == 4);
}

TEST_CASE("strings are escaped", "[json]")
{
	CHECK(JsonWriter::quote("a\"b\\c\nd\te\x01") == R"("a\"b\\c\nd\te\u0001")");
	const std::string nasty = "quote\" backslash\\ newline\n tab\t bell\x07";
	JsonWriter writer;
	writer.value(nasty);
	CHECK(JsonValue::parse(writer.str()).string() == nasty);
}

TEST_CASE("numbers: integers stay integers, non-finite values become null", "[json]")
{
	auto text = [](double value) {
		JsonWriter writer;
		writer.value(value);
		return writer.str();
	};
	CHECK(text(120.0) == "120");
	CHECK(text(-3.0) == "-3");
	CHECK(text(0.25) == "0.25");
	CHECK(text(std::numeric_limits<double>::quiet_NaN()) == "null");
	CHECK(text(std::numeric_limits<double>::infinity()) == "null");
	JsonWriter writer;
	writer.value(uint64_t{18446744073709551615ULL});
	CHECK(writer.str() == "18446744073709551615");
}
