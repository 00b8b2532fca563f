// SPDX-License-Identifier: GPL-2.0-only
#include "profile/ProfileError.hpp"

namespace scxr {

namespace {

// The first problem is the message; the others (and every hint) are the details, so a plain
// "catch RunnerError, print message and details" shows everything.
std::string first_headline(const std::vector<ProfileDiagnostic> &diagnostics)
{
	return diagnostics.empty() ? std::string("invalid profile") : diagnostics.front().headline();
}

std::string render_details(const std::vector<ProfileDiagnostic> &diagnostics)
{
	std::string details;
	for (size_t index = 0; index < diagnostics.size(); ++index) {
		const ProfileDiagnostic &diagnostic = diagnostics[index];
		if (index > 0)
			details += diagnostic.headline() + "\n";
		if (!diagnostic.hint.empty())
			details += "  hint: " + diagnostic.hint + "\n";
	}
	return details;
}

} // namespace

ProfileError::ProfileError(std::vector<ProfileDiagnostic> diagnostics)
	: RunnerError(ExitCode::bad_profile, first_headline(diagnostics), render_details(diagnostics)),
	  diagnostics_(std::move(diagnostics))
{
}

} // namespace scxr
