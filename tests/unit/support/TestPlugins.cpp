// SPDX-License-Identifier: GPL-2.0-only
#include "TestPlugins.hpp"

#include "TemporaryDirectory.hpp"

#include <sys/stat.h>

#include <memory>

#if !defined(SCXR_TEST_PLUGIN_BUILD_DIR) || !defined(SCXR_TEST_FIXTURE_DIR) || !defined(SCXR_TEST_RUNNER)
#error "tests/unit/meson.build defines the test paths"
#endif

namespace scxr::test {

const std::filesystem::path &TestPlugins::directory()
{
	static const std::unique_ptr<TemporaryDirectory> copies = [] {
		auto temporary = std::make_unique<TemporaryDirectory>();
		for (const auto &entry : std::filesystem::directory_iterator(SCXR_TEST_PLUGIN_BUILD_DIR)) {
			if (entry.path().extension() != ".so")
				continue;
			const std::filesystem::path copy = temporary->path() / entry.path().filename();
			std::filesystem::copy_file(entry.path(), copy);
			chmod(copy.c_str(), 0755);
		}
		return temporary;
	}();
	return copies->path();
}

std::filesystem::path TestPlugins::profile(const std::string &name)
{
	return std::filesystem::path(SCXR_TEST_FIXTURE_DIR) / "profiles" / name;
}

std::filesystem::path TestPlugins::runner() { return SCXR_TEST_RUNNER; }

} // namespace scxr::test
