// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <ostream>
#include <string>

namespace scxr {

class RunnerError;

// How a RunnerError reaches the user: its headline (or, for a profile, one headline per
// problem with file:line:column) through the logger at error level, its hints and details
// unprefixed on err. Used for the error that ends the runner and for the errors a running
// runner survives (a reload with a bad profile, a swap that failed).
class ErrorPrinter {
public:
	// prefix goes before each headline ("reload: ").
	static void print(const RunnerError &error, std::ostream &err, const std::string &prefix = {});
	// The headlines in one line, "; "-separated, for a control reply.
	static std::string summary(const RunnerError &error);
};

} // namespace scxr
