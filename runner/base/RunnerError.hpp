// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/ExitCode.hpp"

#include <stdexcept>
#include <string>

namespace scxr {

// A failure the user should see: a one-line message, optional detail lines (a verifier log
// tail, a list of searched directories) and the exit code that classifies it. Everything
// below main() throws these; main() prints them and exits with the code.
class RunnerError : public std::runtime_error {
public:
	RunnerError(ExitCode code, const std::string &message, std::string details = {})
		: std::runtime_error(message), code_(code), details_(std::move(details))
	{
	}

	ExitCode code() const noexcept { return code_; }
	// Extra lines printed after the message; may be empty.
	const std::string &details() const noexcept { return details_; }

private:
	ExitCode code_;
	std::string details_;
};

} // namespace scxr
