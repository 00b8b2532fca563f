// SPDX-License-Identifier: GPL-2.0-only
#include "output/Json.hpp"

#include <variant>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>

namespace scxr {

namespace {

// -2^63 and 2^63, exactly representable as doubles; every integral double in [-2^63, 2^63)
// converts to int64_t without loss.
constexpr double kSmallestInt64 = -9223372036854775808.0;
constexpr double kInt64Limit = 9223372036854775808.0;

std::string dump(const Json &document, Json::error_handler_t on_invalid_utf8)
{
	return document.dump(-1, ' ', false, on_invalid_utf8);
}

} // namespace

std::string json_text(const Json &document)
{
	return dump(document, Json::error_handler_t::replace);
}

Json json_number(double value)
{
	if (!std::isfinite(value))
		return nullptr;
	if (std::trunc(value) == value && value >= kSmallestInt64 && value < kInt64Limit)
		return static_cast<int64_t>(value);
	return value;
}

bool is_utf8(std::string_view text)
{
	try {
		dump(Json(text), Json::error_handler_t::strict);
		return true;
	} catch (const Json::type_error &) {
		return false;
	}
}

Json stat_json(const StatValue &value)
{
	return std::visit(
		[](auto number) -> Json {
			if constexpr (std::is_floating_point_v<decltype(number)>)
				return json_number(number);
			else
				return number;
		},
		value);
}

namespace {

const Json &null_document()
{
	static const Json null;
	return null;
}

} // namespace

JsonTree::JsonTree() = default;

JsonTree::JsonTree(Json document) : document_(std::make_unique<Json>(std::move(document))) {}

JsonTree::JsonTree(const JsonTree &other)
	: document_(other.document_ ? std::make_unique<Json>(*other.document_) : nullptr)
{
}

JsonTree::JsonTree(JsonTree &&other) noexcept = default;

JsonTree &JsonTree::operator=(const JsonTree &other)
{
	if (this != &other)
		document_ = other.document_ ? std::make_unique<Json>(*other.document_) : nullptr;
	return *this;
}

JsonTree &JsonTree::operator=(JsonTree &&other) noexcept = default;

JsonTree::~JsonTree() = default;

const Json &JsonTree::document() const { return document_ ? *document_ : null_document(); }

bool JsonTree::operator==(const JsonTree &other) const { return document() == other.document(); }

} // namespace scxr
