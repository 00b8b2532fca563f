// SPDX-License-Identifier: GPL-2.0-only
#include "ResolvedProfile.hpp"

namespace scxr {

RestartPolicy::Settings ResolvedProfile::restart_settings() const
{
	if (profile.restart)
		return *profile.restart;
	// Without a [restart] table an error exit ends the run (a service manager may restart
	// the whole runner); a scheduler that asks the kernel for a restart still gets one.
	RestartPolicy::Settings settings;
	settings.enabled = false;
	settings.max_restarts = 1;
	return settings;
}

} // namespace scxr
