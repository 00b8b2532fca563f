// SPDX-License-Identifier: GPL-2.0-only
#include "TestPlugins.hpp"

#include "TemporaryDirectory.hpp"

#include <sys/stat.h>

#include <memory>
#include <string_view>

#if !defined(SCXR_TEST_PLUGIN_BUILD_DIR) || !defined(SCXR_TEST_FIXTURE_DIR) || !defined(SCXR_TEST_RUNNER) || \
	!defined(SCXR_TEST_REAL_PLUGINS) || !defined(SCXR_TEST_CONFIG_DIR)
#error "tests/unit/meson.build defines the test paths"
#endif

namespace scxr::test {

namespace {

void copy_plugin(const std::filesystem::path &file, const TemporaryDirectory &into)
{
	const std::filesystem::path copy = into.path() / file.filename();
	std::filesystem::copy_file(file, copy);
	chmod(copy.c_str(), 0755);
}

} // namespace

const std::filesystem::path &TestPlugins::directory()
{
	static const std::unique_ptr<TemporaryDirectory> copies = [] {
		auto temporary = std::make_unique<TemporaryDirectory>();
		for (const auto &entry : std::filesystem::directory_iterator(SCXR_TEST_PLUGIN_BUILD_DIR))
			if (entry.path().extension() == ".so")
				copy_plugin(entry.path(), *temporary);
		return temporary;
	}();
	return copies->path();
}

const std::filesystem::path &TestPlugins::real_directory()
{
	static const std::unique_ptr<TemporaryDirectory> copies = [] {
		auto temporary = std::make_unique<TemporaryDirectory>();
		std::string_view files = SCXR_TEST_REAL_PLUGINS;
		while (!files.empty()) {
			const size_t colon = files.find(':');
			copy_plugin(std::string(files.substr(0, colon)), *temporary);
			files = colon == std::string_view::npos ? std::string_view() : files.substr(colon + 1);
		}
		return temporary;
	}();
	return copies->path();
}

std::filesystem::path TestPlugins::config_directory() { return SCXR_TEST_CONFIG_DIR; }

std::filesystem::path TestPlugins::profile(const std::string &name)
{
	return std::filesystem::path(SCXR_TEST_FIXTURE_DIR) / "profiles" / name;
}

std::filesystem::path TestPlugins::runner() { return SCXR_TEST_RUNNER; }

} // namespace scxr::test
