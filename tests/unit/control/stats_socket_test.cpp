// SPDX-License-Identifier: GPL-2.0-only
// The scx_stats socket inside one process: a StatsServer in a temporary directory driven by
// hand (service() at chosen times), raw clients that send what a broken or hostile client
// would, and the blocking StatsClient with `monitor`'s formatting on top.
#include "app/Monitor.hpp"
#include "base/RunnerError.hpp"
#include "control/StatsClient.hpp"
#include "control/StatsProtocol.hpp"
#include "control/StatsServer.hpp"
#include "TemporaryDirectory.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using scxr::StatsProtocol;
using scxr::StatsServer;
using scxr::StatsSnapshot;
using scxr::test::TemporaryDirectory;
using namespace std::chrono_literals;

namespace {

using Clock = StatsServer::Clock;

StatsSnapshot qmap_snapshot(uint64_t enqueued)
{
	StatsSnapshot::Node node;
	node.plugin_id = "qmap";
	node.plugin_description = "arena-backed qmap";
	node.schema = {
		{"enqueued", SCXR_STAT_COUNTER, SCXR_STAT_U64, "tasks", "tasks queued", "queue"},
		{"balance", SCXR_STAT_GAUGE, SCXR_STAT_S64, "tasks", "queued minus dispatched", "queue"},
		{"load", SCXR_STAT_GAUGE, SCXR_STAT_F64, "", "", ""},
		{"cpuperf_cur_min", SCXR_STAT_GAUGE, SCXR_STAT_U64, "1/1024", "lowest level", "cpuperf"},
	};
	// cpuperf_cur_min is absent from this reading.
	node.samples = {
		{"enqueued", SCXR_STAT_COUNTER, enqueued, "tasks", "tasks queued", "queue"},
		{"balance", SCXR_STAT_GAUGE, int64_t{-2}, "tasks", "", "queue"},
		{"load", SCXR_STAT_GAUGE, 0.5, "", "", ""},
	};
	StatsSnapshot snapshot;
	snapshot.nodes.push_back(std::move(node));
	return snapshot;
}

struct Rig {
	TemporaryDirectory directory;
	std::filesystem::path path = directory.path() / "scx" / "root" / "stats";
	std::atomic<int> reads = 0;
	std::atomic<bool> attached = true;
	std::atomic<uint64_t> enqueued = 100;
	StatsServer::Options options()
	{
		StatsServer::Options result;
		result.socket_path = path;
		return result;
	}
	StatsServer::Source source()
	{
		return [this]() -> std::optional<StatsSnapshot> {
			++reads;
			if (!attached)
				return std::nullopt;
			return qmap_snapshot(enqueued);
		};
	}
};

int connect_to(const std::filesystem::path &path)
{
	const int socket = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sockaddr_un address{};
	address.sun_family = AF_UNIX;
	std::strcpy(address.sun_path, path.c_str());
	REQUIRE(::connect(socket, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0);
	return socket;
}

void send_text(int socket, const std::string &text)
{
	REQUIRE(::send(socket, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size()));
}

// Everything the server sent so far, without waiting.
std::string drain(int socket)
{
	std::string text;
	char buffer[65536];
	for (;;) {
		const ssize_t got = ::recv(socket, buffer, sizeof(buffer), MSG_DONTWAIT);
		if (got <= 0)
			return text;
		text.append(buffer, static_cast<size_t>(got));
	}
}

std::vector<nlohmann::json> replies(const std::string &text)
{
	std::vector<nlohmann::json> result;
	size_t begin = 0;
	for (size_t end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1)
		result.push_back(nlohmann::json::parse(text.substr(begin, end - begin)));
	CHECK(begin == text.size()); // only whole lines
	return result;
}

bool peer_closed(int socket)
{
	pollfd descriptor{socket, POLLIN, 0};
	char byte;
	return ::poll(&descriptor, 1, 0) == 1 && ::recv(socket, &byte, 1, MSG_DONTWAIT | MSG_PEEK) == 0;
}

} // namespace

TEST_CASE("stats and stats_meta answer in the scx_stats shapes", "[stats-socket]")
{
	Rig rig;
	StatsServer server(rig.options(), rig.source());
	const int client = connect_to(rig.path);
	const Clock::time_point now = Clock::now();
	server.service(now);
	send_text(client, R"({"req":"stats","args":{"target":"top"}})" "\n");
	server.service(now);
	auto got = replies(drain(client));
	REQUIRE(got.size() == 1);
	CHECK(got[0] == nlohmann::json::parse(R"({"errno":0,"args":{"resp":{"enqueued":100,"balance":-2,"load":0.5}}})"));

	// No args at all, and args without a target, mean the top struct too.
	send_text(client, "{\"req\":\"stats\"}\n{\"req\":\"stats\",\"args\":{}}\n{\"req\":\"stats\",\"args\":{\"target\":\"qmap\"}}\n");
	server.service(now);
	got = replies(drain(client));
	REQUIRE(got.size() == 3);
	for (const auto &reply : got)
		CHECK(reply.at("args").at("resp").at("enqueued") == 100);

	send_text(client, "{\"req\":\"stats_meta\"}\n");
	server.service(now);
	got = replies(drain(client));
	REQUIRE(got.size() == 1);
	CHECK(got[0].at("errno") == 0);
	const auto &meta = got[0].at("args").at("resp").at("qmap");
	CHECK(meta.at("name") == "qmap");
	CHECK(meta.at("top") == "true");
	CHECK(meta.at("desc") == "arena-backed qmap");
	CHECK(meta.at("user").at("_om_prefix") == "qmap_");
	const auto &fields = meta.at("fields");
	CHECK(fields.size() == 4); // the schema, also what this reading left out
	CHECK(fields.at("enqueued") == nlohmann::json::parse(
		R"({"datum":"u64","desc":"tasks queued","user":{"_kind":"counter","_unit":"tasks","_group":"queue"}})"));
	CHECK(fields.at("balance").at("datum") == "i64");
	CHECK(fields.at("load") == nlohmann::json::parse(R"({"datum":"float","user":{"_kind":"gauge"}})"));
	CHECK(fields.at("cpuperf_cur_min").at("user").at("_unit") == "1/1024");
	::close(client);
}

TEST_CASE("bad requests get EINVAL and the connection stays usable", "[stats-socket]")
{
	Rig rig;
	StatsServer server(rig.options(), rig.source());
	const int client = connect_to(rig.path);
	const Clock::time_point now = Clock::now();
	server.service(now);
	const std::vector<std::pair<std::string, std::string>> bad{
		{"not json", "not JSON"},
		{"", "not JSON"},
		{"[1,2]", "not a JSON object"},
		{"{\"args\":{}}", "no \"req\" string"},
		{"{\"req\":7}", "no \"req\" string"},
		{"{\"req\":\"stats\",\"args\":[]}", "\"args\" is not an object"},
		{"{\"req\":\"stats\",\"args\":{\"target\":1}}", "argument \"target\" is not a string"},
		{"{\"req\":\"stats\",\"args\":{\"target\":\"nope\"}}", "unknown stat target \"nope\"; targets: top"},
		{"{\"req\":\"reboot\"}", "unknown request \"reboot\""},
		{"{\"req\":\"stats\"", "not JSON"},
		{"\xff\xfe", "not JSON"},
	};
	for (const auto &[request, problem] : bad) {
		CAPTURE(request);
		send_text(client, request + "\n");
		server.service(now);
		const auto got = replies(drain(client));
		REQUIRE(got.size() == 1);
		CHECK(got[0].at("errno") == EINVAL);
		CHECK_THAT(got[0].at("args").at("resp").get<std::string>(), ContainsSubstring(problem));
	}
	// A "\r\n" line end (telnet, socat crlf) is fine.
	send_text(client, "{\"req\":\"stats\"}\r\n");
	server.service(now);
	CHECK(replies(drain(client)).at(0).at("errno") == 0);
	CHECK(server.client_count() == 1);
	::close(client);
	server.service(now);
	CHECK(server.client_count() == 0);
}

TEST_CASE("a request longer than the limit gets E2BIG and the connection closes", "[stats-socket]")
{
	Rig rig;
	StatsServer server(rig.options(), rig.source());
	const int client = connect_to(rig.path);
	const Clock::time_point now = Clock::now();
	server.service(now);
	// Over the limit without a newline: refused as soon as the bytes pass it.
	const std::string huge(StatsProtocol::kMaxRequestBytes + 100, 'x');
	send_text(client, huge);
	server.service(now);
	const auto got = replies(drain(client));
	REQUIRE(got.size() == 1);
	CHECK(got[0].at("errno") == E2BIG);
	CHECK(peer_closed(client));
	CHECK(server.client_count() == 0);
	CHECK(rig.reads == 0); // the plugin was never asked
	::close(client);
}

TEST_CASE("a trickling client is cut off at its deadline; an idle one may stay", "[stats-socket]")
{
	Rig rig;
	StatsServer server(rig.options(), rig.source());
	const int idle = connect_to(rig.path);
	const int slow = connect_to(rig.path);
	const Clock::time_point start = Clock::now();
	server.service(start);
	CHECK_FALSE(server.time_until_deadline(start)); // nothing is due while both are idle
	send_text(slow, "{\"req\":");
	server.service(start);
	REQUIRE(server.time_until_deadline(start));
	CHECK(*server.time_until_deadline(start) == 5000ms);
	// More bytes do not renew the deadline.
	send_text(slow, "\"st");
	server.service(start + 4s);
	CHECK(server.client_count() == 2);
	server.service(start + 5s);
	const auto got = replies(drain(slow));
	REQUIRE(got.size() == 1);
	CHECK(got[0].at("errno") == ETIMEDOUT);
	CHECK(server.client_count() == 1);
	// The idle one is still served, an hour later.
	send_text(idle, "{\"req\":\"stats\"}\n");
	server.service(start + 1h);
	CHECK(replies(drain(idle)).at(0).at("errno") == 0);
	::close(idle);
	::close(slow);
}

TEST_CASE("a client that floods requests without reading is dropped; others are served", "[stats-socket]")
{
	Rig rig;
	StatsServer server(rig.options(), rig.source());
	const int flood = connect_to(rig.path);
	const int polite = connect_to(rig.path);
	int small = 4096;
	::setsockopt(flood, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	const Clock::time_point start = Clock::now();
	server.service(start);
	// Send requests until the socket's buffers are full: the server reads only while it can
	// write the replies, so the flood backs up into the client's own socket.
	const std::string request = "{\"req\":\"stats_meta\"}\n";
	size_t sent_requests = 0;
	for (int round = 0; round < 2000; ++round) {
		const ssize_t sent = ::send(flood, request.data(), request.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (sent < 0)
			break;
		++sent_requests;
		if (round % 16 == 0)
			server.service(start);
	}
	server.service(start);
	CHECK(sent_requests < 2000); // the client got stuck, not the server
	CHECK(server.client_count() == 2);
	// Meanwhile the polite client gets its answer at once.
	send_text(polite, "{\"req\":\"stats\"}\n");
	server.service(start);
	CHECK(replies(drain(polite)).at(0).at("errno") == 0);
	// The flooder never reads: dropped once its reply has waited the client timeout.
	server.service(start + 5s);
	CHECK(server.client_count() == 1);
	::close(flood);
	::close(polite);
}

TEST_CASE("requests share one reading within reading_reuse; nothing attached is EAGAIN", "[stats-socket]")
{
	Rig rig;
	StatsServer server(rig.options(), rig.source());
	const int client = connect_to(rig.path);
	const Clock::time_point start = Clock::now();
	server.service(start);
	send_text(client, "{\"req\":\"stats\"}\n{\"req\":\"stats\"}\n{\"req\":\"stats_meta\"}\n");
	server.service(start);
	CHECK(replies(drain(client)).size() == 3);
	CHECK(rig.reads == 1);
	rig.enqueued = 250;
	send_text(client, "{\"req\":\"stats\"}\n");
	server.service(start + 100ms);
	CHECK(replies(drain(client)).at(0).at("args").at("resp").at("enqueued") == 250);
	CHECK(rig.reads == 2);

	rig.attached = false;
	send_text(client, "{\"req\":\"stats\"}\n");
	server.service(start + 300ms);
	const auto got = replies(drain(client));
	CHECK(got.at(0).at("errno") == EAGAIN);
	CHECK_THAT(got.at(0).at("args").at("resp").get<std::string>(), ContainsSubstring("no scheduler is attached"));
	::close(client);
}

TEST_CASE("many requests in one write are answered over several turns, in order", "[stats-socket]")
{
	Rig rig;
	StatsServer::Options options = rig.options();
	options.requests_per_turn = 4;
	StatsServer server(options, rig.source());
	const int client = connect_to(rig.path);
	const Clock::time_point now = Clock::now();
	server.service(now);
	std::string batch;
	for (int index = 0; index < 10; ++index)
		batch += index % 2 ? "{\"req\":\"stats\"}\n" : "{\"req\":\"nope\"}\n";
	send_text(client, batch);
	server.service(now);
	CHECK(replies(drain(client)).size() == 4);
	// The rest waits in the buffer, so the loop must not sleep.
	REQUIRE(server.time_until_deadline(now));
	CHECK(*server.time_until_deadline(now) == Clock::duration::zero());
	server.service(now);
	server.service(now);
	const auto rest = replies(drain(client));
	REQUIRE(rest.size() == 6);
	for (size_t index = 0; index < rest.size(); ++index)
		CHECK(rest[index].at("errno") == ((index + 4) % 2 ? 0 : EINVAL));
	CHECK_FALSE(server.time_until_deadline(now));
	::close(client);
}

TEST_CASE("the stats socket is root's: 0600 in a directory it makes 0700", "[stats-socket]")
{
	Rig rig;
	{
		StatsServer server(rig.options(), rig.source());
		struct stat status{};
		REQUIRE(::stat(rig.path.c_str(), &status) == 0);
		CHECK((status.st_mode & 0777) == 0600);
		REQUIRE(::stat(rig.path.parent_path().c_str(), &status) == 0);
		CHECK((status.st_mode & 0777) == 0700);
		// A second server on the same path finds this one alive.
		try {
			StatsServer second(rig.options(), rig.source());
			FAIL("a second server started");
		} catch (const scxr::RunnerError &error) {
			CHECK(error.code() == scxr::ExitCode::scheduler_busy);
			CHECK_THAT(error.what(), ContainsSubstring("serves the stats socket"));
		}
	}
	CHECK_FALSE(std::filesystem::exists(rig.path)); // removed on the way out
}

TEST_CASE("StatsClient and monitor read a served socket", "[stats-socket][monitor]")
{
	Rig rig;
	StatsServer server(rig.options(), rig.source());
	std::atomic<bool> stop = false;
	std::thread loop([&] {
		while (!stop) {
			pollfd descriptor{server.fd(), POLLIN, 0};
			::poll(&descriptor, 1, 10);
			server.service(Clock::now());
		}
	});
	{
		scxr::StatsClient client(rig.path);
		const StatsProtocol::Reply stats = client.request({"stats", {{"target", "top"}}});
		CHECK(stats.error_number == 0);
		CHECK(stats.resp.at("enqueued") == 100);
		const StatsProtocol::Reply bad = client.request({"stats", {{"target", "nope"}}});
		CHECK(bad.error_number == EINVAL);

		std::ostringstream out;
		scxr::Monitor::Settings settings;
		settings.socket = rig.path;
		settings.interval = scxr::Duration(); // one reading
		CHECK(scxr::Monitor(settings, out).run() == scxr::ExitCode::ok);
		CHECK_THAT(out.str(), ContainsSubstring(" qmap at " + rig.path.string() + ": totals\n"));
		CHECK_THAT(out.str(), ContainsSubstring("\n  queue  enqueued=100 balance=-2\n"));
		CHECK_THAT(out.str(), ContainsSubstring("\n  qmap   load=0.5\n"));
	}
	stop = true;
	loop.join();

	try {
		scxr::StatsClient missing(rig.directory.path() / "nothing");
		FAIL("connected to nothing");
	} catch (const scxr::RunnerError &error) {
		CHECK(error.code() == scxr::ExitCode::control_failed);
		CHECK_THAT(error.what(), StartsWith("no stats socket at "));
	}
}

TEST_CASE("monitor shows counters as rates, and any scx scheduler's nested stats", "[monitor]")
{
	scxr::Monitor::Settings settings;
	settings.socket = "/var/run/scx/root/stats";
	std::ostringstream unused;
	scxr::Monitor monitor(settings, unused);
	const auto meta = nlohmann::ordered_json::parse(StatsProtocol::meta(qmap_snapshot(0)).dump());
	const auto when = std::chrono::system_clock::now();
	const auto start = std::chrono::steady_clock::now();
	std::string text = monitor.format(when, start, nlohmann::ordered_json::parse(R"({"enqueued":100,"load":0.5})"), meta);
	CHECK_THAT(text, ContainsSubstring(": totals\n  queue  enqueued=100\n"));
	text = monitor.format(when, start + 2s, nlohmann::ordered_json::parse(R"({"enqueued":300,"load":0.25})"), meta);
	CHECK_THAT(text, ContainsSubstring(": rates over 2.0s\n  queue  enqueued=100/s\n  qmap   load=0.25"));

	// scx_layered-like: a top struct without our attributes, a dict of structs, strings.
	scxr::Monitor foreign(settings, unused);
	const auto foreign_meta = nlohmann::ordered_json::parse(
		R"({"SysStats":{"name":"SysStats","top":"true","fields":{"at":{"datum":"float"}}},"LayerStats":{"name":"LayerStats","fields":{}}})");
	text = foreign.format(when, start,
			      nlohmann::ordered_json::parse(
				      R"({"at":1.5,"mode":"auto","layers":{"batch":{"util":12,"tasks":3},"normal":{"util":40}}})"),
			      foreign_meta);
	CHECK_THAT(text, ContainsSubstring(" SysStats at /var/run/scx/root/stats: totals\n"));
	CHECK_THAT(text, ContainsSubstring("\n  SysStats       at=1.5 mode=\"auto\"\n"));
	CHECK_THAT(text, ContainsSubstring("\n  layers.batch   util=12 tasks=3\n"));
	CHECK_THAT(text, ContainsSubstring("\n  layers.normal  util=40"));

	settings.format = scxr::StatsFormat::json;
	scxr::Monitor json(settings, unused);
	const auto line = nlohmann::json::parse(json.format(when, start, nlohmann::ordered_json::parse(R"({"enqueued":1})"), meta));
	CHECK(line.at("stats").at("enqueued") == 1);
	CHECK(line.at("socket") == "/var/run/scx/root/stats");
	CHECK_FALSE(line.contains("rates"));
}
