// SPDX-License-Identifier: GPL-2.0-only
// Colours in the log only for a person at a terminal: a pseudo-terminal on stderr with a real
// TERM gets them; NO_COLOR, TERM=dumb or no TERM, and anything that is not a terminal do not.
#include "base/Logging.hpp"

#include <catch2/catch_test_macros.hpp>

#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace {

// Sets an environment variable for one scope, restoring what was there.
class ScopedVariable {
public:
	ScopedVariable(const char *name, const char *value) : name_(name)
	{
		if (const char *old = std::getenv(name))
			previous_ = old;
		if (value)
			setenv(name, value, 1);
		else
			unsetenv(name);
	}
	~ScopedVariable()
	{
		if (previous_)
			setenv(name_, previous_->c_str(), 1);
		else
			unsetenv(name_);
	}

private:
	const char *name_;
	std::optional<std::string> previous_;
};

// stderr on a pseudo-terminal for one scope.
class StderrOnTerminal {
public:
	StderrOnTerminal()
	{
		REQUIRE(openpty(&master_, &slave_, nullptr, nullptr, nullptr) == 0);
		saved_ = dup(STDERR_FILENO);
		dup2(slave_, STDERR_FILENO);
	}
	~StderrOnTerminal()
	{
		dup2(saved_, STDERR_FILENO);
		close(saved_);
		close(slave_);
		close(master_);
	}

private:
	int master_ = -1;
	int slave_ = -1;
	int saved_ = -1;
};

} // namespace

TEST_CASE("colours only on a terminal with a real TERM and no NO_COLOR", "[logging]")
{
	const ScopedVariable no_color("NO_COLOR", nullptr);
	{
		const StderrOnTerminal terminal;
		const ScopedVariable term("TERM", "xterm-256color");
		CHECK(scxr::Logging::colours_wanted());
		{
			const ScopedVariable off("NO_COLOR", "1");
			CHECK_FALSE(scxr::Logging::colours_wanted());
		}
		{
			const ScopedVariable dumb("TERM", "dumb");
			CHECK_FALSE(scxr::Logging::colours_wanted());
		}
		{
			const ScopedVariable none("TERM", nullptr);
			CHECK_FALSE(scxr::Logging::colours_wanted());
		}
	}
	// A pipe, whatever TERM says.
	int pipe_ends[2];
	REQUIRE(pipe(pipe_ends) == 0);
	const int saved = dup(STDERR_FILENO);
	dup2(pipe_ends[1], STDERR_FILENO);
	const ScopedVariable term("TERM", "xterm-256color");
	const bool on_pipe = scxr::Logging::colours_wanted();
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(pipe_ends[0]);
	close(pipe_ends[1]);
	CHECK_FALSE(on_pipe);
}
