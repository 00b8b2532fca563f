// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "control/StatsSnapshot.hpp"
#include "output/Json.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <variant>

namespace scxr {

// One request of the scx_stats protocol (sched-ext/scx, rust/scx_stats): a JSON object on one
// line, {"req":"stats","args":{"target":"top"}}; args map strings to strings and may be left
// out.
struct StatsRequest {
	std::string req;
	std::map<std::string, std::string> args;
};

// The scx_stats protocol as the runner speaks it, on both ends: the server's requests and
// replies, the meta (schema) and stats documents it builds from a StatsSnapshot, and the
// client's side of both for `scx-runner monitor`. A reply is {"errno":N,"args":{"resp":R}}:
// errno 0 and the document, or an errno value and a message saying why.
//
// The meta document describes one struct per plugin, named after its id, the root's marked
// "top"; each field has its kind ("datum": "u64", "i64" or "float"), its help as "desc", and
// user attributes "_kind" (counter or gauge), "_unit" and "_group" from the plugin's schema.
class StatsProtocol {
public:
	// Where scx schedulers serve their stats, and so where scx tools look first.
	static constexpr const char *kDefaultSocketPath = "/var/run/scx/root/stats";
	// A request line longer than this (a target name is short) is refused and the client
	// dropped.
	static constexpr size_t kMaxRequestBytes = 4096;
	// What a client accepts as one reply line; a runner's reply is a few kB per scheduler.
	static constexpr size_t kMaxReplyBytes = 4 * 1024 * 1024;
	// The target that names the top struct, also when no target is given.
	static constexpr const char *kTopTarget = "top";

	// A request line (without its '\n'; a final '\r' is ignored), or what is wrong with it.
	static std::variant<StatsRequest, std::string> parse_request(std::string_view line);
	static std::string request_line(const StatsRequest &request);

	// A reply line with its '\n'.
	static std::string reply_line(int error_number, const Json &resp);
	static std::string error_line(int error_number, const std::string &message);

	// A reply line read back: its errno and resp, or what is wrong with it.
	struct Reply {
		int error_number = 0;
		Json resp;
	};
	static std::variant<Reply, std::string> parse_reply(std::string_view line);

	// The stats_meta document of a snapshot.
	static Json meta(const StatsSnapshot &snapshot);
	// The stats document of one node: {"name": value, ...}.
	static Json stats(const StatsSnapshot::Node &node);
	// The node a stats target names: "top" (or none) the root, else a node's name or its
	// plugin's struct name. nullptr when nothing matches.
	static const StatsSnapshot::Node *find_target(const StatsSnapshot &snapshot, std::string_view target);
	// A struct's name in the meta document.
	static std::string struct_name(const StatsSnapshot::Node &node);

	// What the meta document calls a stat's type: "u64", "i64", "float".
	static std::string_view datum_name(scxr_stat_type type);
};

} // namespace scxr
