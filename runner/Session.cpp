// SPDX-License-Identifier: GPL-2.0-only
#include "Session.hpp"

#include "KernelProbe.hpp"
#include "LibbpfLog.hpp"
#include "LoadDiagnosis.hpp"
#include "PluginInstance.hpp"
#include "RunnerError.hpp"
#include "SignalFd.hpp"
#include "StatsFormatter.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <cstring>

namespace scxr {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds until(Clock::time_point deadline, Clock::time_point now)
{
	if (deadline <= now)
		return std::chrono::milliseconds(0);
	// Round up, so the wait never ends a moment before the deadline and spins.
	return std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
}

} // namespace

Session::Session(std::shared_ptr<const PluginLibrary> plugin, OptionSettings options, SessionSettings settings,
		 const KernelProbe &kernel, LibbpfLog &libbpf_log, SignalFd &signals, std::ostream &out,
		 std::ostream &err)
	: plugin_(std::move(plugin)), options_(std::move(options)), settings_(settings), kernel_(kernel),
	  libbpf_log_(libbpf_log), signals_(signals), out_(out), err_(err)
{
}

Session::~Session() = default;

void Session::load(PluginInstance &instance)
{
	LibbpfLog::Capture capture(libbpf_log_);
	try {
		instance.load();
	} catch (const RunnerError &error) {
		const LoadDiagnosis diagnosis = LoadDiagnosis::analyse(capture.text());
		throw diagnosis.explain(error, instance.id(), kernel_.kernel_release(), settings_.full_verifier_log);
	}
}

std::unique_ptr<PluginInstance> Session::start()
{
	const std::string id = plugin_->id();
	auto instance = std::make_unique<PluginInstance>(plugin_);
	instance->configure(options_);
	const auto load_started = Clock::now();
	load(*instance);
	spdlog::info("{}: loaded and verified in {} ms", id,
		     std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - load_started).count());
	// A load takes seconds for a large scheduler; a stop asked for meanwhile must not be
	// answered by attaching first.
	if (const std::optional<int> stop = take_signals(*instance, std::chrono::milliseconds(0))) {
		spdlog::info("{}: received SIG{} before attaching; not attaching", id, sigabbrev_np(*stop));
		return nullptr;
	}
	// Attach failures are explained by the plugin (busy, refused); what libbpf says about
	// them is in the debug log.
	instance->attach();
	spdlog::info("{}: attached", id);
	return instance;
}

void Session::print_stats(PluginInstance &instance)
{
	const std::vector<StatSample> samples = instance.stats();
	out_ << StatsFormatter(settings_.stats_format).format(std::chrono::system_clock::now(), instance.id(), samples)
	     << '\n';
	out_.flush();
}

void Session::print_live_dump(PluginInstance &instance)
{
	std::string text = instance.dump();
	if (!text.empty() && text.back() != '\n')
		text += '\n';
	out_ << "--- LIVE DUMP " << instance.id() << " ---\n" << text << "--- END LIVE DUMP ---\n";
	out_.flush();
}

void Session::report_exit(const SchedulerExit &exit)
{
	const std::string reason = exit.reason.empty() ? exit.kind_name() : exit.reason;
	err_ << "EXIT: " << reason;
	if (!exit.message.empty())
		err_ << " (" << exit.message << ")";
	err_ << '\n';
	if (!exit.dump.empty()) {
		err_ << "--- DEBUG DUMP ---\n" << exit.dump;
		if (exit.dump.back() != '\n')
			err_ << '\n';
		err_ << "--- END DEBUG DUMP ---\n";
	}
	err_.flush();
}

std::optional<int> Session::take_signals(PluginInstance &instance, std::chrono::milliseconds wait)
{
	for (int signal : signals_.wait(wait)) {
		switch (signal) {
		case SIGINT:
		case SIGTERM: return signal;
		case SIGUSR1: print_live_dump(instance); break;
		case SIGHUP: spdlog::warn("SIGHUP: reloading the profile is not supported yet; ignoring it"); break;
		default: spdlog::debug("ignoring signal {}", signal);
		}
	}
	return std::nullopt;
}

ExitCode Session::run()
{
	// The instance is destroyed (and so detached) on every way out of this function, also
	// when an exception passes through: no scheduler stays attached behind the runner's back.
	std::unique_ptr<PluginInstance> instance = start();
	if (!instance)
		return ExitCode::ok;
	unsigned restarts_left = settings_.restart_budget;
	const auto poll_interval = settings_.poll_interval.to_chrono();
	const auto stats_interval = settings_.stats_interval.to_chrono();
	const bool stats_enabled = !settings_.stats_interval.is_zero();

	const Clock::time_point started = Clock::now();
	const Clock::time_point deadline =
		settings_.run_for ? started + settings_.run_for->to_chrono() : Clock::time_point::max();
	Clock::time_point next_poll = started + poll_interval;
	Clock::time_point next_stats = started + stats_interval;

	for (;;) {
		const Clock::time_point now = Clock::now();
		Clock::time_point wake = std::min(next_poll, deadline);
		if (stats_enabled)
			wake = std::min(wake, next_stats);
		if (const std::optional<int> stop = take_signals(*instance, until(wake, now))) {
			spdlog::info("{}: received SIG{}, detaching", instance->id(), sigabbrev_np(*stop));
			instance->detach();
			return ExitCode::ok;
		}

		if (Clock::now() >= next_poll) {
			next_poll = Clock::now() + poll_interval;
			if (std::optional<SchedulerExit> exit = instance->poll()) {
				instance->detach();
				spdlog::log(exit->is_error() ? spdlog::level::err : spdlog::level::info,
					    "{}: the scheduler exited: {} (kind {}, exit code {:#x})", instance->id(),
					    exit->kind_name(), exit->kind, static_cast<uint64_t>(exit->exit_code));
				report_exit(*exit);
				if (exit->restart_requested() && restarts_left > 0) {
					--restarts_left;
					spdlog::info("{}: the scheduler asked for a restart: loading and attaching it again",
						     instance->id());
					instance.reset();
					instance = start();
					if (!instance)
						return ExitCode::ok;
					next_stats = Clock::now() + stats_interval;
					continue;
				}
				if (exit->restart_requested())
					spdlog::warn("{}: the scheduler asked for another restart; its restart budget ({}) is spent",
						     instance->id(), settings_.restart_budget);
				return exit->is_error() ? ExitCode::scheduler_error_exit : ExitCode::ok;
			}
		}
		if (Clock::now() >= deadline) {
			spdlog::info("{}: --duration of {} elapsed, detaching", instance->id(), settings_.run_for->to_string());
			instance->detach();
			return ExitCode::ok;
		}
		if (stats_enabled && Clock::now() >= next_stats) {
			print_stats(*instance);
			// Keep the cadence, but never try to catch up on missed intervals.
			next_stats = std::max(next_stats + stats_interval, Clock::now());
		}
	}
}

} // namespace scxr
