// SPDX-License-Identifier: GPL-2.0-only
#include "top/TopCommand.hpp"

#include "base/RunnerError.hpp"
#include "control/ControlClient.hpp"
#include "output/StatsFormatter.hpp"
#include "top/TopLayout.hpp"
#include "top/TopScreen.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <clocale>
#include <csignal>
#include <stdexcept>

namespace scxr {

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t stop_signal = 0;

void note_stop_signal(int signal) { stop_signal = signal; }

// SIGINT and SIGTERM end top cleanly (the terminal restored, exit 0) instead of killing it
// with the screen in curses mode. Installed for the run, the previous handlers put back after.
class StopSignals {
public:
	StopSignals()
	{
		stop_signal = 0;
		struct sigaction action {};
		action.sa_handler = note_stop_signal;
		sigemptyset(&action.sa_mask);
		// No SA_RESTART: a wait in poll() or in ncurses' key read ends at once.
		action.sa_flags = 0;
		sigaction(SIGINT, &action, &previous_interrupt_);
		sigaction(SIGTERM, &action, &previous_terminate_);
	}
	~StopSignals()
	{
		sigaction(SIGINT, &previous_interrupt_, nullptr);
		sigaction(SIGTERM, &previous_terminate_, nullptr);
	}
	StopSignals(const StopSignals &) = delete;
	StopSignals &operator=(const StopSignals &) = delete;

	static bool received() { return stop_signal != 0; }

private:
	struct sigaction previous_interrupt_ {};
	struct sigaction previous_terminate_ {};
};

constexpr const char *kNoRunnerHint =
	"hint: is scx-runner running? start it with 'scx-runner PROFILE.toml' (or 'systemctl start "
	"scx-runner'), or pass --control-socket PATH where it serves";

// Sleeps until deadline, or less when a stop signal comes.
void sleep_until(Clock::time_point deadline)
{
	while (!StopSignals::received()) {
		const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
		if (left.count() <= 0)
			return;
		::poll(nullptr, 0, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
	}
}

std::string footer_text(const TopModel &model, const Duration &interval)
{
	return fmt::format(" q quit  p pause  Tab/Up/Down pick  r refresh   {}",
			   model.paused() ? "paused: p resumes" : "every " + interval.to_string());
}

} // namespace

TopCommand::TopCommand(Settings settings, std::ostream &out) : settings_(std::move(settings)), out_(out) {}

std::string TopCommand::plain_block(const TopModel &model, const std::string &time_of_day, Sparkline::Charset charset)
{
	TopLayout::Settings layout;
	layout.width = kPlainWidth;
	layout.height = 0;
	layout.charset = charset;
	layout.picking = false;
	layout.key_stats = kPlainKeyStats;
	layout.prefix = time_of_day + " ";
	std::string text;
	for (const TopLine &line : TopLayout::lines(model, layout))
		text += line.text + '\n';
	return text;
}

TopReading TopCommand::read(bool started) const
{
	const std::string socket = settings_.socket.string();
	const ControlReply reply = [&] {
		try {
			return ControlClient(settings_.socket).request(ControlRequest{ControlRequest::Command::stats, {}});
		} catch (const RunnerError &error) {
			if (started)
				throw RunnerError(ExitCode::control_failed,
						  fmt::format("top: the runner at {} went away: {}", socket, error.what()));
			// A missing or stale socket gets the fix for top; other failures (permission, a
			// timeout) keep the client's own advice.
			const bool none_running = std::string_view(error.what()).starts_with("no runner is running");
			throw RunnerError(ExitCode::control_failed,
					  fmt::format("top: no runner answers at {}: {}", socket, error.what()),
					  none_running ? kNoRunnerHint : error.details());
		}
	}();
	try {
		return TopReading::from_reply(reply);
	} catch (const std::invalid_argument &error) {
		throw RunnerError(ExitCode::control_failed,
				  fmt::format("top: the runner at {} sent no stats reading: {}", socket, error.what()),
				  "hint: a runner older than 'scx-runner top' does not answer 'stats'; run top from the "
				  "same scx-runner version");
	}
}

ExitCode TopCommand::run()
{
	if (settings_.interval < kMinimumInterval)
		settings_.interval = kMinimumInterval;
	// The locale's character set decides the sparklines' characters (and lets ncurses write
	// UTF-8); LC_CTYPE only, so numbers keep their C spelling.
	std::setlocale(LC_CTYPE, "");
	const StopSignals signals;
	const bool terminal = ::isatty(STDOUT_FILENO) && ::isatty(STDIN_FILENO);
	return settings_.plain || !terminal ? run_plain() : run_screen();
}

ExitCode TopCommand::run_plain()
{
	const Clock::time_point end =
		settings_.run_for ? Clock::now() + settings_.run_for->to_chrono() : Clock::time_point::max();
	const Sparkline::Charset charset = Sparkline::for_locale();
	for (Clock::time_point next = Clock::now(); !StopSignals::received();) {
		model_.add(read(model_.has_reading()), Clock::now());
		out_ << plain_block(model_, StatsFormatter::time_of_day(std::chrono::system_clock::now()), charset) << '\n';
		out_.flush();
		next = std::max(next + settings_.interval.to_chrono(), Clock::now());
		if (next >= end) {
			sleep_until(end);
			break;
		}
		sleep_until(next);
	}
	return ExitCode::ok;
}

ExitCode TopCommand::run_screen()
{
	// The first reading before the screen: a missing runner is an error on a normal terminal.
	model_.add(read(false), Clock::now());
	std::optional<TopScreen> screen_holder;
	try {
		screen_holder.emplace();
	} catch (const std::runtime_error &error) {
		spdlog::warn("top: {}; printing plain text instead (as --plain does)", error.what());
		return run_plain();
	}
	TopScreen &screen = *screen_holder;
	const Clock::time_point end =
		settings_.run_for ? Clock::now() + settings_.run_for->to_chrono() : Clock::time_point::max();
	Clock::time_point next = Clock::now() + settings_.interval.to_chrono();
	bool redraw = true;
	while (!StopSignals::received() && Clock::now() < end) {
		if (redraw) {
			TopLayout::Settings layout;
			layout.width = screen.width();
			layout.height = screen.height() > 0 ? screen.height() - 1 : 0; // the footer's row
			layout.charset = screen.charset();
			layout.picking = true;
			screen.draw(TopLayout::lines(model_, layout), footer_text(model_, settings_.interval));
			redraw = false;
		}
		// Short waits, so a signal that ncurses' key read swallows is still seen soon.
		const auto wait = std::clamp(std::chrono::ceil<std::chrono::milliseconds>(next - Clock::now()),
					     std::chrono::milliseconds(0), std::chrono::milliseconds(200));
		const TopScreen::Key key = screen.wait_key(wait);
		bool read_now = !model_.paused() && Clock::now() >= next;
		switch (key) {
		case TopScreen::Key::quit: return ExitCode::ok;
		case TopScreen::Key::pause: model_.toggle_pause(); redraw = true; break;
		case TopScreen::Key::next: model_.select_next(); redraw = true; break;
		case TopScreen::Key::previous: model_.select_previous(); redraw = true; break;
		case TopScreen::Key::refresh:
			read_now = true;
			next = Clock::now(); // the next timed reading comes one interval after this one
			break;
		case TopScreen::Key::resize: redraw = true; break;
		case TopScreen::Key::none: break;
		}
		if (read_now) {
			model_.add(read(true), Clock::now());
			next = std::max(next + settings_.interval.to_chrono(), Clock::now());
			redraw = true;
		}
	}
	return ExitCode::ok;
}

} // namespace scxr
