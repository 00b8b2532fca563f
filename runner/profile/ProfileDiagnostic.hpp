// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "profile/SourcePosition.hpp"

#include <string>

namespace scxr {

// One problem in a profile: where, what is wrong (and what was expected), and how to fix it.
struct ProfileDiagnostic {
	SourcePosition position;
	std::string message; // "option 'slice' expects a duration such as \"20ms\", got ..."
	std::string hint;    // "did you mean 'slice'?"; may be empty

	// "file:line:column: message"
	std::string headline() const { return position.to_string() + ": " + message; }
};

} // namespace scxr
