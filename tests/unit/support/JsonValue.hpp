// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace scxr::test {

// A parsed JSON document, to check that what the runner prints as JSON is JSON and holds
// what it should. A small strict parser (RFC 8259 without \u surrogate pairs): parse() throws
// std::invalid_argument with the offset of the first error.
class JsonValue {
public:
	using Array = std::vector<JsonValue>;
	using Object = std::map<std::string, JsonValue>;

	static JsonValue parse(std::string_view text);

	bool is_null() const { return std::holds_alternative<std::monostate>(data_); }
	bool is_bool() const { return std::holds_alternative<bool>(data_); }
	bool is_number() const { return std::holds_alternative<double>(data_); }
	bool is_string() const { return std::holds_alternative<std::string>(data_); }
	bool is_array() const { return std::holds_alternative<std::shared_ptr<Array>>(data_); }
	bool is_object() const { return std::holds_alternative<std::shared_ptr<Object>>(data_); }

	// These throw std::bad_variant_access on a type mismatch, std::out_of_range for a
	// missing key or index.
	bool boolean() const { return std::get<bool>(data_); }
	double number() const { return std::get<double>(data_); }
	const std::string &string() const { return std::get<std::string>(data_); }
	const Array &array() const { return *std::get<std::shared_ptr<Array>>(data_); }
	const Object &object() const { return *std::get<std::shared_ptr<Object>>(data_); }
	const JsonValue &operator[](const std::string &key) const { return object().at(key); }
	const JsonValue &operator[](size_t index) const { return array().at(index); }
	bool contains(const std::string &key) const { return is_object() && object().count(key) > 0; }

private:
	friend class JsonParser;
	std::variant<std::monostate, bool, double, std::string, std::shared_ptr<Array>, std::shared_ptr<Object>> data_;
};

} // namespace scxr::test
