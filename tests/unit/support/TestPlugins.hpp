// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <filesystem>
#include <string>

namespace scxr::test {

// The plugins of tests/plugins, copied once per test run into a private directory with modes
// the runner's file-safety check accepts (0755, owned by us), so the tests pass whatever umask
// the build directory was made with.
class TestPlugins {
public:
	static const std::filesystem::path &directory();
	static std::filesystem::path file(const std::string &id) { return directory() / (id + ".so"); }
	// The project's real plugins (plugins/*), copied the same way; empty when none are built.
	static const std::filesystem::path &real_directory();
	// The shipped profiles (config/).
	static std::filesystem::path config_directory();
	// The fixtures: tests/fixtures/profiles/<name>.
	static std::filesystem::path profile(const std::string &name);
	// The built runner executable.
	static std::filesystem::path runner();
};

} // namespace scxr::test
