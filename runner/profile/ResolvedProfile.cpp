// SPDX-License-Identifier: GPL-2.0-only
#include "profile/ResolvedProfile.hpp"

namespace scxr {

RestartSettings ResolvedNode::restart_settings() const
{
	if (written.restart)
		return *written.restart;
	// Without a [restart] table an error exit ends the run (a service manager may restart
	// the whole runner); a scheduler that asks the kernel for a restart still gets one.
	RestartSettings settings;
	settings.enabled = false;
	settings.max_restarts = 1;
	return settings;
}

} // namespace scxr
