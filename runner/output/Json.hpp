// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// Every JSON the runner writes or reads goes through nlohmann::json and the policy below: stats
// lines, `plugins --json`, `status --json` and the control socket's replies. This header only
// names the type (nlohmann's forward header); a file that builds or reads a document also
// includes <nlohmann/json.hpp>.
#include "plugin/StatSample.hpp"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace scxr {

// Objects keep their keys in the order they were added, so output reads in the order it is
// built ("timestamp", "plugin", "stats"; "ok" first in a reply) and not sorted.
using Json = nlohmann::ordered_json;

// The one way a document becomes text: compact, on one line, UTF-8 written as it is (not
// \u-escaped), and bytes that are not UTF-8 replaced by U+FFFD, so that whatever a profile path
// or a plugin's message holds, the output is valid JSON and never throws.
std::string json_text(const Json &document);

// A reading as a JSON number. An integral value within 64 bits is written as an integer
// ("120", "1000000", never "1e+06" or "120.0"), because counters are read back as integers;
// NaN and the infinities, which JSON lacks, as null; anything else in the shortest form that
// reads back as the same double ("0.5").
Json json_number(double value);

// A stat value as JSON: integers exact, doubles through json_number().
Json stat_json(const StatValue &value);

// A whole JSON document held by value where only the forward header is included (a control
// reply's nested field: `stats`'s nodes). Copies are deep; a default one holds null. Headers
// that name it need not pull in all of nlohmann/json.hpp, which most of the runner never uses.
// A moved-from tree holds null too.
class JsonTree {
public:
	JsonTree();
	explicit JsonTree(Json document);
	JsonTree(const JsonTree &other);
	JsonTree(JsonTree &&other) noexcept;
	JsonTree &operator=(const JsonTree &other);
	JsonTree &operator=(JsonTree &&other) noexcept;
	~JsonTree();

	const Json &document() const;

	bool operator==(const JsonTree &other) const;

private:
	std::unique_ptr<Json> document_; // nullptr stands for null
};

// Whether text is UTF-8 (RFC 3629), by the same rules as json_text() applies.
bool is_utf8(std::string_view text);

} // namespace scxr
