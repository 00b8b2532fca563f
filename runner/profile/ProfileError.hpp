// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "profile/ProfileDiagnostic.hpp"
#include "base/RunnerError.hpp"

#include <vector>

namespace scxr {

// Every problem found in a profile at once, so one run shows all of them (exit code 2).
class ProfileError : public RunnerError {
public:
	explicit ProfileError(std::vector<ProfileDiagnostic> diagnostics);

	const std::vector<ProfileDiagnostic> &diagnostics() const noexcept { return diagnostics_; }

private:
	std::vector<ProfileDiagnostic> diagnostics_;
};

} // namespace scxr
