// SPDX-License-Identifier: GPL-2.0-only
#include "SessionRig.hpp"

#include "control/ControlClient.hpp"
#include "kernel/LibbpfLog.hpp"
#include "plugin/PluginLoader.hpp"
#include "profile/ProfileResolver.hpp"
#include "session/SignalFd.hpp"

#include "TestPlugins.hpp"

#include <chrono>
#include <csignal>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace scxr::test {

SessionRig::SessionRig() : plugin_directory(TestPlugins::directory())
{
	session.poll_interval = Duration::from_nanoseconds(5'000'000);
	session.run_for = Duration::from_nanoseconds(20'000'000'000);
	overrides.stats_interval = Duration::from_nanoseconds(5'000'000);
}

std::filesystem::path SessionRig::profile(const std::string &name, const std::string &id, const std::string &options,
					  const std::string &extra) const
{
	return directory.write(name, "plugin = \"" + id + "\"\n[options]\n" + options + "\n" + extra);
}

std::filesystem::path SessionRig::serve_control_socket()
{
	const std::filesystem::path socket = directory.path() / "control.sock";
	session.control_socket = socket;
	return socket;
}

SessionRig::Outcome SessionRig::run(const std::filesystem::path &profile, const std::function<void()> &meanwhile,
				    int pending_signal)
{
	const ProfileResolver resolver(PluginLoader({plugin_directory}), overrides, kernel);
	ResolvedProfile initial = resolver.resolve(profile.string(), nullptr, false);
	LibbpfLog libbpf_log;
	SignalFd signals({SIGINT, SIGTERM, SIGUSR1, SIGHUP});
	std::ostringstream out;
	std::ostringstream err;
	Session running(resolver, std::move(initial), session, kernel, libbpf_log, signals, out, err);
	// Blocked now, so it waits for the session to read it.
	if (pending_signal)
		kill(getpid(), pending_signal);
	std::thread helper;
	if (meanwhile)
		helper = std::thread(meanwhile);
	Outcome outcome;
	try {
		outcome.code = running.run();
	} catch (...) {
		if (helper.joinable())
			helper.join();
		throw;
	}
	if (helper.joinable())
		helper.join();
	outcome.out = out.str();
	outcome.err = err.str();
	return outcome;
}

void wait_for_runner(const std::string &control_socket)
{
	const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
	while (!ControlClient(control_socket).runner_is_running() && std::chrono::steady_clock::now() < deadline)
		std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

} // namespace scxr::test
