// SPDX-License-Identifier: GPL-2.0-only
// scx-runner: runs sched_ext schedulers from plugins, as a TOML profile says. Everything lives
// in the scx-runner-core library (see Application); this only wires up the real process.
#include "app/Application.hpp"
#include "plugin/PluginLoader.hpp"
#include "base/Logging.hpp"
#include "kernel/SystemKernelProbe.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>

#ifndef SCXR_PLUGIN_DIR
#error "the build defines SCXR_PLUGIN_DIR, the directory plugins are installed to"
#endif

int main(int argc, char **argv)
{
	// A closed stdout (stats piped into `head`) must end in an orderly detach, not a kill.
	std::signal(SIGPIPE, SIG_IGN);
	scxr::Logging::install();
	const scxr::SystemKernelProbe kernel;
	scxr::Application application(kernel, std::cout, std::cerr, SCXR_PLUGIN_DIR, std::getenv(scxr::PluginLoader::kPluginPathVariable));
	return application.main(std::vector<std::string>(argv + 1, argv + argc));
}
