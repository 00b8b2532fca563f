// SPDX-License-Identifier: GPL-2.0-only
#include "session/Swap.hpp"

#include "control/ControlServer.hpp"
#include "output/ErrorPrinter.hpp"
#include "output/ExitReportPrinter.hpp"
#include "plugin/PluginInstance.hpp"
#include "session/InstanceLoader.hpp"
#include "session/PluginText.hpp"
#include "session/SwapGapClock.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace scxr {

namespace {

int64_t whole_milliseconds(Swap::Clock::duration duration)
{
	return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

std::string seconds_text(Swap::Clock::duration duration)
{
	return fmt::format("{:.1f} s", std::chrono::duration<double>(duration).count());
}

} // namespace

Swap::Swap(ResolvedProfile candidate, std::string trigger, SwapMode mode, const InstanceLoader &loader)
	: candidate_(std::move(candidate)), trigger_(std::move(trigger)), mode_(mode), loader_(loader)
{
	if (mode_ != SwapMode::pre_verified)
		return;
	// Everything that can fail slowly or for a reason in the new profile happens on the
	// worker, while the old scheduler keeps the machine scheduled and the loop keeps answering.
	try {
		verify_ = std::make_unique<BackgroundVerify>(loader_.work(candidate_.root));
	} catch (const RunnerError &error) {
		verify_not_started_ = error;
	}
}

Swap::~Swap() = default;

bool Swap::verify_ended() const { return !verify_ || verify_->finished(); }

int Swap::fd() const { return verify_ ? verify_->fd() : -1; }

std::string Swap::describe(Clock::time_point now) const
{
	const std::string target = fmt::format("swapping to {} ({})", candidate_.root.plugin->id(), candidate_.profile.path);
	if (!verify_)
		return target;
	return fmt::format("{}: {} {} ms", target, verify_->finished() ? "verified in" : "verifying since",
			   whole_milliseconds(verify_->elapsed(now)));
}

void Swap::answer_waiting_clients(ControlServer *server, const ControlReply &reply)
{
	if (server)
		for (const uint64_t ticket : waiting_clients_)
			server->reply_later(ticket, reply, Clock::now());
	waiting_clients_.clear();
}

Swap::Result Swap::finish(std::unique_ptr<PluginInstance> &running, const ResolvedProfile &current,
			  SwapGapClock &gap_clock, std::ostream &err, const std::function<void()> &before_detach)
{
	const std::string old_id = running->id();
	const std::string &new_id = candidate_.root.plugin->id();
	if (verify_not_started_)
		return kept(*verify_not_started_, "could not be verified", old_id, err);

	std::unique_ptr<PluginInstance> fresh;
	Clock::duration verify{};
	if (verify_) {
		verify = verify_->elapsed(Clock::now());
		try {
			fresh = verify_->take();
		} catch (const RunnerError &error) {
			return kept(error, "failed before the swap", old_id, err);
		}
		spdlog::info("{}: loaded and verified in {} ms", new_id, whole_milliseconds(verify));
		// The old scheduler may have ended by itself while the new one verified.
		if (std::optional<SchedulerExit> exit = running->poll()) {
			spdlog::warn("{}: the scheduler exited while its successor verified: {} (kind {})", old_id,
				     exit->kind_name(), exit->kind);
			ExitReportPrinter::print(err, *exit);
		}
	}

	before_detach();
	const auto detach_started = Clock::now();
	gap_clock.detaching(detach_started);
	running->detach();
	const auto detached = Clock::now();
	if (mode_ == SwapMode::stop_start)
		running.reset();
	try {
		if (!fresh) {
			const auto verify_started = Clock::now();
			fresh = loader_.load(candidate_.root);
			verify = Clock::now() - verify_started;
		}
		const auto attach_started = Clock::now();
		fresh->attach();
		spdlog::debug("swap: detaching {} took {}, attaching {} took {}", old_id,
			      SwapGapClock::format(detached - detach_started), new_id,
			      SwapGapClock::format(Clock::now() - attach_started));
	} catch (const RunnerError &error) {
		// The failed new instance goes only after the old one is back, out of the gap.
		return roll_back(error, running, current, old_id, gap_clock, err);
	}
	const Clock::duration gap = gap_clock.attached(Clock::now()).value_or(Clock::duration::zero());
	Result result = swapped(gap, verify, current);
	// The old instance goes first; the Session then drops the last reference to its plugin.
	running = std::move(fresh);
	return result;
}

Swap::Result Swap::kept(const RunnerError &error, const std::string &what, const std::string &old_id,
			std::ostream &err) const
{
	const std::string &new_id = candidate_.root.plugin->id();
	ErrorPrinter::print(error, err, fmt::format("{}: preparing {}: ", trigger_, new_id));
	Result result;
	result.outcome.message = fmt::format("{} {}, {} keeps running: {}", new_id, what, old_id, error.what());
	spdlog::warn("swap: {}", result.outcome.message);
	return result;
}

Swap::Result Swap::roll_back(const RunnerError &error, std::unique_ptr<PluginInstance> &running,
			     const ResolvedProfile &current, const std::string &old_id, SwapGapClock &gap_clock,
			     std::ostream &err) const
{
	// A pre-verified swap kept the old instance through the detach and attaches it again; a
	// stop-start swap dropped it and starts it afresh. The log says which.
	const bool old_instance_kept = running != nullptr;
	const std::string failed = old_instance_kept ? "attaching" : "starting";
	const std::string restore = old_instance_kept ? "re-attaching" : "restarting";
	const std::string &new_id = candidate_.root.plugin->id();
	ErrorPrinter::print(error, err, fmt::format("{}: {} {}: ", trigger_, failed, new_id));
	Result result;
	try {
		if (!running)
			running = loader_.load(current.root);
		running->attach();
	} catch (const RunnerError &again) {
		ErrorPrinter::print(again, err, fmt::format("{}: {} {}: ", trigger_, restore, old_id));
		gap_clock.abandoned();
		running.reset();
		spdlog::error("swap: {} {} failed and {} {} failed too; no sched_ext scheduler is attached", failed,
			      new_id, restore, old_id);
		result.end = End::lost_both;
		result.outcome.message = fmt::format("{} {} failed ({}) and {} {} failed too ({})", failed, new_id,
						     error.what(), restore, old_id, again.what());
		return result;
	}
	const Clock::duration gap = gap_clock.attached(Clock::now()).value_or(Clock::duration::zero());
	result.end = End::rolled_back;
	result.outcome.gap = gap;
	result.outcome.message = fmt::format("{} {} failed, {} is attached again (gap {}): {}", failed, new_id, old_id,
					     SwapGapClock::format(gap), error.what());
	spdlog::warn("swap: {}", result.outcome.message);
	return result;
}

Swap::Result Swap::swapped(Clock::duration gap, Clock::duration verify, const ResolvedProfile &current) const
{
	const PluginLibrary &old_plugin = *current.root.plugin;
	const PluginLibrary &new_plugin = *candidate_.root.plugin;
	Result result;
	result.end = End::swapped;
	result.outcome.ok = true;
	result.outcome.swapped = true;
	result.outcome.gap = gap;
	result.outcome.message = fmt::format(
		"{} -> {}, gap {} ({})", old_plugin.id(), new_plugin.id(), SwapGapClock::format(gap),
		mode_ == SwapMode::pre_verified
			? fmt::format("verify {} done while {} ran", seconds_text(verify), old_plugin.id())
			: fmt::format("stop-start: verify {} done while no scheduler ran", seconds_text(verify)));
	spdlog::info("swap: {}", result.outcome.message);
	if (old_plugin.id() == new_plugin.id() && old_plugin.version() != new_plugin.version())
		spdlog::info("{}: plugin version {} -> {} ({})", new_plugin.id(), old_plugin.version(), new_plugin.version(),
			     new_plugin.path().string());
	else if (old_plugin.id() != new_plugin.id())
		spdlog::info("{}: running plugin {}", candidate_.profile.path, plugin_text(new_plugin));
	return result;
}

bool Swap::abandon(const std::string &why, std::unique_ptr<PluginInstance> &running, ControlServer *server)
{
	const std::string &new_id = candidate_.root.plugin->id();
	const std::string old_id = running ? running->id() : std::string("nothing");
	// The old scheduler goes at once: a stop must not wait for a verify that libbpf cannot
	// interrupt, and the new scheduler is never attached.
	if (running) {
		running->detach();
		running.reset();
	}
	answer_waiting_clients(server, ControlReply::failure(fmt::format(
					       "{} while {} verified: {} is detached, nothing is attached, the runner stops",
					       why, new_id, old_id)));
	if (verify_ended()) {
		spdlog::info("{} while {} verified: detached {}; {} is not attached", why, new_id, old_id, new_id);
		return false;
	}
	spdlog::info("{} while {} verified: detached {} at once; not waiting for the verify ({} is never attached)",
		     why, new_id, old_id, new_id);
	return true;
}

} // namespace scxr
