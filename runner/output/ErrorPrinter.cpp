// SPDX-License-Identifier: GPL-2.0-only
#include "output/ErrorPrinter.hpp"

#include "profile/ProfileError.hpp"
#include "base/RunnerError.hpp"

#include <spdlog/spdlog.h>

namespace scxr {

void ErrorPrinter::print(const RunnerError &error, std::ostream &err, const std::string &prefix)
{
	if (const auto *profile_error = dynamic_cast<const ProfileError *>(&error)) {
		for (const ProfileDiagnostic &diagnostic : profile_error->diagnostics()) {
			spdlog::error("{}{}", prefix, diagnostic.headline());
			if (!diagnostic.hint.empty())
				err << "  hint: " << diagnostic.hint << '\n';
			err.flush();
		}
		return;
	}
	spdlog::error("{}{}", prefix, error.what());
	if (!error.details().empty()) {
		err << error.details();
		if (error.details().back() != '\n')
			err << '\n';
		err.flush();
	}
}

std::string ErrorPrinter::summary(const RunnerError &error)
{
	const auto *profile_error = dynamic_cast<const ProfileError *>(&error);
	if (!profile_error)
		return error.what();
	std::string text;
	for (const ProfileDiagnostic &diagnostic : profile_error->diagnostics())
		text += (text.empty() ? "" : "; ") + diagnostic.headline();
	return text;
}

} // namespace scxr
