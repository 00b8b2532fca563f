// SPDX-License-Identifier: GPL-2.0-only
// The runner executes plugin code as root: a plugin file or directory that others can write,
// or that someone untrusted owns, is refused with the command that fixes it. The tests make
// their own files and modes in a temporary directory.
#include "PluginFileSafety.hpp"
#include "RunnerError.hpp"

#include "TemporaryDirectory.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <sys/stat.h>
#include <unistd.h>

using Catch::Matchers::ContainsSubstring;
using scxr::ExitCode;
using scxr::PluginFileSafety;
using scxr::RunnerError;
using scxr::test::TemporaryDirectory;

namespace {

struct Layout {
	TemporaryDirectory root;
	std::filesystem::path directory = root.path() / "plugins";
	std::filesystem::path file = directory / "x.so";

	Layout()
	{
		std::filesystem::create_directory(directory);
		chmod(directory.c_str(), 0755);
		root.write("plugins/x.so", "code");
		chmod(file.c_str(), 0755);
	}
};

RunnerError check_error(const PluginFileSafety &safety, const std::filesystem::path &file)
{
	try {
		safety.check(file);
	} catch (const RunnerError &error) {
		return error;
	}
	FAIL("expected " << file << " to be refused");
	return RunnerError(ExitCode::ok, "");
}

} // namespace

TEST_CASE("a file and directory owned by us and writable only by us pass", "[safety]")
{
	const Layout layout;
	CHECK_NOTHROW(PluginFileSafety().check(layout.file));
	chmod(layout.file.c_str(), 0444);
	chmod(layout.directory.c_str(), 0555);
	CHECK_NOTHROW(PluginFileSafety().check(layout.file));
}

TEST_CASE("a group- or world-writable plugin file is refused with chmod go-w", "[safety]")
{
	const Layout layout;
	chmod(layout.file.c_str(), 0775);
	RunnerError error = check_error(PluginFileSafety(), layout.file);
	CHECK(error.code() == ExitCode::unsafe_plugin_file);
	CHECK_THAT(error.what(), ContainsSubstring("plugin file " + layout.file.string() + " is writable by its group (mode 0775)"));
	CHECK(error.details() == "fix: chmod go-w " + layout.file.string());

	chmod(layout.file.c_str(), 0757);
	error = check_error(PluginFileSafety(), layout.file);
	CHECK_THAT(error.what(), ContainsSubstring("is writable by others (mode 0757)"));
	chmod(layout.file.c_str(), 0777);
	error = check_error(PluginFileSafety(), layout.file);
	CHECK_THAT(error.what(), ContainsSubstring("is writable by group and others (mode 0777)"));
}

TEST_CASE("a writable plugin directory is refused, also a sticky one", "[safety]")
{
	const Layout layout;
	chmod(layout.directory.c_str(), 0777);
	RunnerError error = check_error(PluginFileSafety(), layout.file);
	CHECK(error.code() == ExitCode::unsafe_plugin_file);
	CHECK_THAT(error.what(), ContainsSubstring("plugin directory " + layout.directory.string() + " is writable"));
	CHECK(error.details() == "fix: chmod go-w " + layout.directory.string());
	chmod(layout.directory.c_str(), 01777);
	error = check_error(PluginFileSafety(), layout.file);
	CHECK_THAT(error.what(), ContainsSubstring("mode 1777"));
}

TEST_CASE("an owner that is neither root nor the invoking user is refused with chown", "[safety]")
{
	const Layout layout;
	// Trust only a uid that owns nothing here, so no chown (and no root) is needed.
	const uid_t stranger = getuid() == 4242 ? 4243 : 4242;
	const PluginFileSafety safety({stranger});
	const RunnerError error = check_error(safety, layout.file);
	CHECK(error.code() == ExitCode::unsafe_plugin_file);
	CHECK_THAT(error.what(), ContainsSubstring("plugin file " + layout.file.string() + " is owned by uid " +
						   std::to_string(getuid())));
	CHECK_THAT(error.what(), ContainsSubstring("not by root or the user running scx-runner"));
	CHECK_THAT(error.details(), ContainsSubstring("fix: chown root " + layout.file.string()));
}

TEST_CASE("a symlink is judged by its target and by the directory it was found in", "[safety]")
{
	const Layout layout;
	const TemporaryDirectory other;
	const std::filesystem::path link = other.path() / "x.so";
	std::filesystem::create_symlink(layout.file, link);
	CHECK_NOTHROW(PluginFileSafety().check(link));
	// The target's directory becomes unsafe: the link is refused too.
	chmod(layout.directory.c_str(), 0777);
	CHECK(check_error(PluginFileSafety(), link).code() == ExitCode::unsafe_plugin_file);
	chmod(layout.directory.c_str(), 0755);
	// The lookup directory becomes unsafe: someone could swap the link.
	chmod(other.path().c_str(), 0777);
	const RunnerError error = check_error(PluginFileSafety(), link);
	CHECK_THAT(error.what(), ContainsSubstring("plugin directory " + other.path().string()));
}

TEST_CASE("a directory named like a plugin is not a plugin file", "[safety]")
{
	const TemporaryDirectory root;
	std::filesystem::create_directory(root.path() / "x.so");
	chmod((root.path() / "x.so").c_str(), 0755);
	const RunnerError error = check_error(PluginFileSafety(), root.path() / "x.so");
	CHECK_THAT(error.what(), ContainsSubstring("is not a regular file"));
}
