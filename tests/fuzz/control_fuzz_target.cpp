// SPDX-License-Identifier: GPL-2.0-only
// The fuzz target for the control socket: arbitrary bytes are what a client sends. Each input
// goes through everything that reads a peer's bytes, in the runner and in the client:
//
//   1. ControlProtocol::parse_request on the first line, as the server would see it;
//   2. ControlRequestBuffer, the server's framing, fed the bytes whole, one byte at a time, and
//      in pieces whose sizes the input itself chooses (the byte at the start of each piece), so
//      slow and truncated requests are covered; all three must agree with a plain reading;
//   3. a real ControlServer on a Unix socket in a temporary directory: the input is sent over
//      a connection in those pieces with service() between them, then the client half-closes,
//      closes, or keeps the connection open until its deadline (input length modulo 3);
//   4. ControlProtocol::parse_reply (what `scx-runner status` reads from a runner) and
//      json_text (output/Json.hpp, which every reply is written through), on the same bytes;
//   5. the scx_stats socket's StatsProtocol: parse_request on every line (what StatsServer
//      answers), parse_reply on the bytes (what `scx-runner monitor` reads).
// Built twice (tests/fuzz/meson.build): with libFuzzer by scripts/fuzz, and with
// replay_main.cpp as the unit test fuzz-control-replay.
//
// What counts as a finding: a crash or sanitizer report; an exception other than the documented
// std::invalid_argument from parse_reply; a hang (libFuzzer's -timeout); and a broken promise,
// checked below, which aborts so that libFuzzer saves the input:
//   - framing that depends on how the bytes were split, or holds more than a line's limit;
//   - a request that reaches the session although the line was invalid, truncated by a
//     closed connection, or refused; a client left connected after its deadline; a reply that
//     is not one line of JSON the client can read, or says ok for a bad request;
//   - an error message (the server's, or parse_reply's) that is not valid UTF-8 or echoes a
//     long request or reply whole;
//   - a parsed request or reply that does not survive its own writer and reader.
#include "control/ControlProtocol.hpp"
#include "control/ControlRequestBuffer.hpp"
#include "control/ControlServer.hpp"
#include "control/StatsProtocol.hpp"
#include "output/Json.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace {

using namespace scxr;
using State = ControlRequestBuffer::State;

// Error messages quote at most a short piece of the request (and the server adds a short
// prefix); anything longer means a request was echoed whole.
constexpr size_t kLongestErrorMessage = 400;

[[noreturn]] void broken_promise(const std::string &what)
{
	std::fprintf(stderr, "control fuzz target: %s\n", what.c_str());
	std::abort();
}

// Written independently of nlohmann's check (is_utf8, json_text), so that the two can disagree.
bool is_valid_utf8(std::string_view text)
{
	size_t index = 0;
	while (index < text.size()) {
		const auto byte = static_cast<unsigned char>(text[index]);
		size_t length = 0;
		uint32_t code_point = 0;
		if (byte < 0x80) {
			length = 1;
			code_point = byte;
		} else if ((byte & 0xe0) == 0xc0) {
			length = 2;
			code_point = byte & 0x1fu;
		} else if ((byte & 0xf0) == 0xe0) {
			length = 3;
			code_point = byte & 0x0fu;
		} else if ((byte & 0xf8) == 0xf0) {
			length = 4;
			code_point = byte & 0x07u;
		} else {
			return false;
		}
		if (index + length > text.size())
			return false;
		for (size_t next = 1; next < length; ++next) {
			const auto continuation = static_cast<unsigned char>(text[index + next]);
			if ((continuation & 0xc0) != 0x80)
				return false;
			code_point = (code_point << 6) | (continuation & 0x3fu);
		}
		constexpr uint32_t kSmallestOfLength[] = {0, 0, 0x80, 0x800, 0x10000};
		if (code_point < kSmallestOfLength[length] || code_point > 0x10ffff ||
		    (code_point >= 0xd800 && code_point <= 0xdfff))
			return false;
		index += length;
	}
	return true;
}

std::string_view without_carriage_return(std::string_view line)
{
	if (!line.empty() && line.back() == '\r')
		line.remove_suffix(1);
	return line;
}

void check_error_message(const std::string &message, std::string_view context)
{
	if (message.empty())
		broken_promise(std::string(context) + ": an empty error message");
	if (message.size() > kLongestErrorMessage)
		broken_promise(std::string(context) + ": an error message of " + std::to_string(message.size()) +
			       " bytes: " + message.substr(0, 80));
	if (!is_valid_utf8(message))
		broken_promise(std::string(context) + ": an error message that is not UTF-8: " + message);
}

// 1. The request parser: an error to show, or a request that its writer gives back as the line.
std::variant<ControlRequest, std::string> check_request_parser(std::string_view line)
{
	auto parsed = ControlProtocol::parse_request(line);
	if (const auto *problem = std::get_if<std::string>(&parsed)) {
		check_error_message(*problem, "parse_request");
		return parsed;
	}
	const ControlRequest &request = std::get<ControlRequest>(parsed);
	if (request.command == ControlRequest::Command::switch_profile &&
	    (request.profile_path.empty() || request.profile_path.front() != '/'))
		broken_promise("a switch request with a relative path was accepted: " + request.profile_path);
	const std::string formatted = ControlProtocol::format_request(request);
	if (formatted != std::string(without_carriage_return(line)) + "\n")
		broken_promise("format_request does not give back the accepted line '" + std::string(line) + "'");
	return parsed;
}

// 2. The framing. What the server must conclude from these bytes, read plainly.
struct Framing {
	State state = State::waiting;
	std::string line;
	bool operator==(const Framing &) const = default;
};

Framing expected_framing(std::string_view bytes, bool peer_closed)
{
	const size_t limit = ControlRequestBuffer::max_line_bytes();
	const size_t newline = bytes.find('\n');
	if (newline != std::string_view::npos)
		return newline > limit ? Framing{State::too_long, {}} : Framing{State::line_complete, std::string(bytes.substr(0, newline))};
	if (bytes.size() > limit)
		return {State::too_long, {}};
	if (!peer_closed)
		return {State::waiting, {}};
	return bytes.empty() ? Framing{State::nothing_sent, {}} : Framing{State::line_complete, std::string(bytes)};
}

// The pieces a slow or bursty client sends: the byte at the start of each piece sets its size.
std::vector<std::string_view> pieces_chosen_by(std::string_view bytes)
{
	std::vector<std::string_view> pieces;
	while (!bytes.empty()) {
		const size_t size = 1 + static_cast<unsigned char>(bytes.front()) % 64;
		pieces.push_back(bytes.substr(0, size));
		bytes.remove_prefix(pieces.back().size());
	}
	return pieces;
}

Framing frame(const std::vector<std::string_view> &pieces, bool peer_closed)
{
	ControlRequestBuffer buffer;
	for (std::string_view piece : pieces) {
		buffer.append(piece);
		if (buffer.line().size() > ControlRequestBuffer::max_line_bytes())
			broken_promise("the request buffer holds " + std::to_string(buffer.line().size()) + " bytes");
	}
	if (peer_closed)
		buffer.finish();
	Framing framing{buffer.state(), buffer.state() == State::line_complete ? buffer.line() : std::string()};
	// Once decided, bytes after the outcome change nothing: one request per connection.
	if (framing.state != State::waiting &&
	    (buffer.append("ping\n") != framing.state || (framing.state == State::line_complete && buffer.line() != framing.line)))
		broken_promise("bytes after the request changed the framing's outcome");
	return framing;
}

void check_framing(std::string_view bytes)
{
	std::vector<std::string_view> one_byte_each;
	for (size_t index = 0; index < bytes.size(); ++index)
		one_byte_each.push_back(bytes.substr(index, 1));
	const std::vector<std::vector<std::string_view>> splits{{bytes}, one_byte_each, pieces_chosen_by(bytes)};
	for (const bool peer_closed : {false, true}) {
		const Framing expected = expected_framing(bytes, peer_closed);
		for (const auto &pieces : splits)
			if (frame(pieces, peer_closed) != expected)
				broken_promise("the framing of " + std::to_string(bytes.size()) + " bytes in " +
					       std::to_string(pieces.size()) + " pieces differs from a plain reading");
	}
}

// 3. A real server. The handler records what reached the "session".
class ServerUnderTest {
public:
	static constexpr std::chrono::milliseconds kClientTimeout{1000};

	ServerUnderTest()
	{
		char pattern[] = "/tmp/scx-runner-control-fuzz-XXXXXX";
		if (!::mkdtemp(pattern))
			broken_promise(std::string("cannot create a temporary directory: ") + std::strerror(errno));
		directory_ = pattern;
		ControlServer::Options options;
		options.socket_path = directory_ / "control.sock";
		options.client_timeout = kClientTimeout;
		server_ = std::make_unique<ControlServer>(options, [this](const ControlRequest &request) {
			seen_.push_back(request);
			if (request.command == ControlRequest::Command::status)
				return ControlReply::success().set("plugin", "qmap").set("swaps", 1);
			if (request.profile_path == "/throws.toml")
				throw std::runtime_error("the session broke");
			return ControlReply::success().set("profile", request.profile_path);
		});
	}
	~ServerUnderTest()
	{
		server_.reset();
		std::error_code ignored;
		std::filesystem::remove_all(directory_, ignored);
	}

	ControlServer &server() { return *server_; }
	const std::filesystem::path &socket_path() const { return server_->socket_path(); }
	std::vector<ControlRequest> take_seen() { return std::exchange(seen_, {}); }

private:
	std::filesystem::path directory_;
	std::vector<ControlRequest> seen_;
	std::unique_ptr<ControlServer> server_;
};

enum class Ending { half_close, close, stay_until_deadline };

int connect_to(const std::filesystem::path &path)
{
	const int socket = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	sockaddr_un address{};
	address.sun_family = AF_UNIX;
	std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
	if (socket < 0 || ::connect(socket, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0)
		broken_promise(std::string("cannot connect to the server: ") + std::strerror(errno));
	return socket;
}

// Services until the server has no client left, without moving time: what the loop does while
// fd() keeps waking it. Bounded, so that a server that never finishes is a finding, not a hang.
void service_until_idle(ControlServer &server, ControlServer::Clock::time_point now)
{
	for (int round = 0; round < 8 && server.client_count() > 0; ++round)
		server.service(now);
}

std::string receive_everything(int socket)
{
	std::string received;
	char buffer[4096];
	for (;;) {
		const ssize_t count = ::recv(socket, buffer, sizeof(buffer), MSG_DONTWAIT);
		if (count <= 0)
			return received;
		received.append(buffer, static_cast<size_t>(count));
	}
}

void check_server(ServerUnderTest &rig, std::string_view bytes)
{
	ControlServer &server = rig.server();
	const Ending ending = static_cast<Ending>(bytes.size() % 3);
	const auto start = ControlServer::Clock::now();
	const int client = connect_to(rig.socket_path());
	server.service(start); // accepts
	if (server.client_count() != 1)
		broken_promise("the server did not accept a connection");
	for (std::string_view piece : pieces_chosen_by(bytes)) {
		// Refused or closed early: the rest of the input is lost, as for a real client.
		[[maybe_unused]] const ssize_t sent = ::send(client, piece.data(), piece.size(), MSG_NOSIGNAL);
		server.service(start);
	}
	if (ending == Ending::half_close)
		::shutdown(client, SHUT_WR);
	if (ending == Ending::close)
		::close(client);
	service_until_idle(server, start);

	const Framing framing = expected_framing(bytes, ending != Ending::stay_until_deadline);
	const bool needs_deadline = framing.state == State::waiting;
	if (server.client_count() != (needs_deadline ? 1u : 0u))
		broken_promise("after the request, " + std::to_string(server.client_count()) + " clients are connected");
	if (needs_deadline) {
		server.service(start + ServerUnderTest::kClientTimeout - std::chrono::milliseconds(1));
		if (server.client_count() != 1)
			broken_promise("a client was dropped before its deadline");
		server.service(start + ServerUnderTest::kClientTimeout);
		if (server.client_count() != 0)
			broken_promise("a client outlived its deadline");
	}

	// A line cut by a closed connection must not reach the session: it may be any prefix.
	const bool truncated_by_close = ending == Ending::close && bytes.find('\n') == std::string_view::npos;
	std::optional<std::variant<ControlRequest, std::string>> parsed;
	if (framing.state == State::line_complete && !truncated_by_close)
		parsed = check_request_parser(framing.line);
	const ControlRequest *request = parsed ? std::get_if<ControlRequest>(&*parsed) : nullptr;
	const bool reaches_session = request && request->command != ControlRequest::Command::ping;
	const std::vector<ControlRequest> seen = rig.take_seen();
	if (seen.size() != (reaches_session ? 1u : 0u))
		broken_promise(std::to_string(seen.size()) + " requests reached the session; expected " +
			       (reaches_session ? "1" : "0"));
	if (reaches_session && (seen[0].command != request->command || seen[0].profile_path != request->profile_path))
		broken_promise("the session got another request than the line holds");

	if (ending == Ending::close)
		return; // nobody left to read a reply
	const std::string received = receive_everything(client);
	::close(client);
	const bool reply_expected = framing.state != State::nothing_sent;
	if (!reply_expected) {
		if (!received.empty())
			broken_promise("a reply to a client that sent nothing");
		return;
	}
	if (received.empty() || received.back() != '\n' || received.find('\n') != received.size() - 1)
		broken_promise("the reply is not one line: '" + received.substr(0, 200) + "'");
	ControlReply reply = ControlReply::success();
	try {
		reply = ControlProtocol::parse_reply(std::string_view(received).substr(0, received.size() - 1));
	} catch (const std::invalid_argument &error) {
		broken_promise(std::string("the client cannot read the reply: ") + error.what() + ": " + received);
	}
	const bool ok_expected = request && !(request->command == ControlRequest::Command::switch_profile &&
					      request->profile_path == "/throws.toml");
	if (reply.ok() != ok_expected)
		broken_promise("the reply says ok=" + std::string(reply.ok() ? "true" : "false") + ": " + received);
	if (!reply.ok())
		check_error_message(reply.error(), "the server's reply");
	if (needs_deadline && reply.error().find("timed out") == std::string::npos)
		broken_promise("a client dropped at its deadline was not told so: " + received);
}

// 4. The reply reader: a clear std::invalid_argument, or a reply that its writer reproduces.
void check_reply_reader(std::string_view bytes)
{
	std::optional<ControlReply> reply;
	try {
		reply = ControlProtocol::parse_reply(bytes);
	} catch (const std::invalid_argument &error) {
		// Short and UTF-8: the message names the problem, it does not quote the peer's bytes.
		check_error_message(error.what(), "parse_reply");
	}
	if (reply) {
		if (!reply->ok() && !reply->find_string("error"))
			broken_promise("a failed reply without an error field was accepted");
		const std::string line = reply->to_line();
		if (line.back() != '\n' || line.find('\n') != line.size() - 1 || !is_valid_utf8(line))
			broken_promise("to_line() wrote more than one line of UTF-8");
		const ControlReply again = ControlProtocol::parse_reply(std::string_view(line).substr(0, line.size() - 1));
		if (again.to_line() != line)
			broken_promise("a reply does not survive its writer and reader: " + line);
	}

	if (is_utf8(bytes) != is_valid_utf8(bytes))
		broken_promise("is_utf8 and this target disagree on whether the input is UTF-8");
	const std::string quoted = json_text(Json(bytes));
	if (!is_valid_utf8(quoted))
		broken_promise("json_text wrote invalid UTF-8");
	for (const char c : quoted)
		if (static_cast<unsigned char>(c) < 0x20)
			broken_promise("json_text left a control character unescaped");
	const ControlReply carrier = ControlProtocol::parse_reply("{\"ok\":true,\"text\":" + quoted + "}");
	const std::string *text = carrier.find_string("text");
	if (!text || (is_valid_utf8(bytes) && *text != bytes))
		broken_promise("a quoted string does not read back as itself");
}

} // namespace

// Every line as a stats request: never throws; what parses survives its writer and reader.
void check_stats_protocol(std::string_view bytes)
{
	for (size_t begin = 0; begin <= bytes.size();) {
		const size_t end = std::min(bytes.find('\n', begin), bytes.size());
		const auto parsed = scxr::StatsProtocol::parse_request(bytes.substr(begin, end - begin));
		if (const auto *request = std::get_if<scxr::StatsRequest>(&parsed)) {
			const std::string line = scxr::StatsProtocol::request_line(*request);
			if (line.back() != '\n' || line.find('\n') != line.size() - 1 || !is_valid_utf8(line))
				broken_promise("a stats request_line is not one line of UTF-8");
			const auto again =
				scxr::StatsProtocol::parse_request(std::string_view(line).substr(0, line.size() - 1));
			const auto *reread = std::get_if<scxr::StatsRequest>(&again);
			if (!reread || reread->req != request->req || reread->args != request->args)
				broken_promise("a stats request does not survive its writer and reader: " + line);
		} else {
			const std::string reply = scxr::StatsProtocol::error_line(EINVAL, std::get<std::string>(parsed));
			if (reply.find('\n') != reply.size() - 1 || !is_valid_utf8(reply))
				broken_promise("a stats error reply is not one line of UTF-8");
		}
		begin = end + 1;
	}
	[[maybe_unused]] const auto reply = scxr::StatsProtocol::parse_reply(bytes);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ServerUnderTest *rig = [] {
		spdlog::set_level(spdlog::level::off); // the server logs every bad request
		static ServerUnderTest instance;
		return &instance;
	}();
	const std::string_view bytes(reinterpret_cast<const char *>(data), size);
	check_request_parser(bytes.substr(0, bytes.find('\n')));
	check_framing(bytes);
	check_server(*rig, bytes);
	check_reply_reader(bytes);
	check_stats_protocol(bytes);
	return 0;
}
