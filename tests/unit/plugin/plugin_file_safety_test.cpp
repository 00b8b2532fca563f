// SPDX-License-Identifier: GPL-2.0-only
// The runner executes plugin code as root: a plugin file or any directory above it that others
// can write, or that someone untrusted owns, is refused with the command that fixes it, and what
// is checked is the very file that is loaded. The tests make their own files and modes in a
// temporary directory (under /tmp: a sticky world-writable ancestor, which is allowed), so they
// pass as root and as an ordinary user.
#include "plugin/FreshLibrary.hpp"
#include "plugin/PluginFileSafety.hpp"
#include "base/RunnerError.hpp"

#include "TemporaryDirectory.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FRESH_FIXTURE_V1
#error "the build must define FRESH_FIXTURE_V1 and FRESH_FIXTURE_V2 (paths of the fixture builds)"
#endif

using Catch::Matchers::ContainsSubstring;
using scxr::ExitCode;
using scxr::FileDescriptor;
using scxr::FreshLibrary;
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

RunnerError descriptor_error(const PluginFileSafety &safety, int descriptor, const std::filesystem::path &name)
{
	try {
		safety.check_descriptor(descriptor, name);
	} catch (const RunnerError &error) {
		return error;
	}
	FAIL("expected the descriptor of " << name << " to be refused");
	return RunnerError(ExitCode::ok, "");
}

// How install(1) and an attacker replace a file: a new inode renamed over the name.
void install_by_rename(const std::filesystem::path &source, const std::filesystem::path &target, mode_t mode)
{
	const auto temporary = target.parent_path() / ("." + target.filename().string() + ".new");
	std::filesystem::copy_file(source, temporary, std::filesystem::copy_options::overwrite_existing);
	REQUIRE(chmod(temporary.c_str(), mode) == 0);
	std::filesystem::rename(temporary, target);
}

int version_of(const FreshLibrary &library)
{
	auto *function = reinterpret_cast<int (*)()>(library.symbol("fresh_fixture_version"));
	REQUIRE(function != nullptr);
	return function();
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
	CHECK_THAT(error.what(), ContainsSubstring("plugin directory " + layout.directory.string() +
						   " is writable by group and others (mode 1777)"));
	CHECK_THAT(error.what(), ContainsSubstring("the sticky bit is not enough for the plugin's own directory"));
}

TEST_CASE("an owner that is neither root nor the invoking user is refused with chown", "[safety]")
{
	const Layout layout;
	// Trust only a uid that owns nothing here, so no chown (and no root) is needed. The file
	// alone is judged, through its descriptor: a walk from / would stop at the first
	// directory (the tests below cover those).
	const uid_t stranger = getuid() == 4242 ? 4243 : 4242;
	const PluginFileSafety safety({stranger});
	const FileDescriptor opened(::open(layout.file.c_str(), O_RDONLY | O_CLOEXEC));
	REQUIRE(opened);
	const RunnerError error = descriptor_error(safety, opened.get(), layout.file);
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

TEST_CASE("every directory above the plugin is checked: group- or world-writable is refused", "[safety]")
{
	const Layout layout;
	const std::filesystem::path ancestor = layout.root.path();
	REQUIRE(chmod(ancestor.c_str(), 0775) == 0);
	RunnerError error = check_error(PluginFileSafety(), layout.file);
	CHECK(error.code() == ExitCode::unsafe_plugin_file);
	CHECK_THAT(error.what(), ContainsSubstring("directory " + ancestor.string() +
						   " (above the plugin directory) is writable by its group (mode 0775)"));
	CHECK_THAT(error.details(), ContainsSubstring("fix: chmod go-w " + ancestor.string()));

	REQUIRE(chmod(ancestor.c_str(), 0757) == 0);
	error = check_error(PluginFileSafety(), layout.file);
	CHECK_THAT(error.what(), ContainsSubstring("directory " + ancestor.string() +
						   " (above the plugin directory) is writable by others (mode 0757)"));
}

TEST_CASE("a sticky world-writable directory like /tmp is allowed above the plugin directory", "[safety]")
{
	const Layout layout;
	REQUIRE(chmod(layout.root.path().c_str(), 01777) == 0);
	CHECK_NOTHROW(PluginFileSafety().check(layout.file));
	// The same mode one level down, on the plugin's own directory, is refused (see above);
	// and without the sticky bit the ancestor is refused too.
	REQUIRE(chmod(layout.root.path().c_str(), 0777) == 0);
	CHECK(check_error(PluginFileSafety(), layout.file).code() == ExitCode::unsafe_plugin_file);
}

TEST_CASE("a directory above the plugin owned by an untrusted user is refused", "[safety]")
{
	const Layout layout;
	if (geteuid() == 0) {
		// Root can give the ancestor away; it is then owned by a stranger.
		const uid_t stranger = 4242;
		REQUIRE(chown(layout.root.path().c_str(), stranger, static_cast<gid_t>(-1)) == 0);
		const RunnerError error = check_error(PluginFileSafety(), layout.file);
		CHECK(error.code() == ExitCode::unsafe_plugin_file);
		CHECK_THAT(error.what(), ContainsSubstring("directory " + layout.root.path().string() +
							   " (above the plugin directory) is owned by uid 4242"));
		REQUIRE(chown(layout.root.path().c_str(), 0, static_cast<gid_t>(-1)) == 0);
	} else {
		// An ordinary user cannot chown; trusting only a stranger makes the first directory
		// the walk meets with a known owner the refused one (/ on a host; in a build sandbox
		// whose / belongs to an unmapped user, the build directory below it).
		const uid_t stranger = getuid() == 4242 ? 4243 : 4242;
		const RunnerError error = check_error(PluginFileSafety({stranger}), layout.file);
		CHECK(error.code() == ExitCode::unsafe_plugin_file);
		CHECK_THAT(error.what(), ContainsSubstring("(above the plugin directory) is owned by uid"));
	}
}

TEST_CASE("/ owned by a user the namespace does not map is trusted only inside a user namespace", "[safety]")
{
	const uid_t overflow = 65534;
	const std::string initial_namespace = "         0          0 4294967295\n";
	const std::string nix_sandbox = "      1000       1001          1\n";
	// The host's "nobody" owning / is not trusted.
	CHECK_FALSE(PluginFileSafety::is_unmapped_root_owner(overflow, initial_namespace, overflow));
	// In Nix's sandbox only the build user is mapped: / shows as owned by the overflow uid.
	CHECK(PluginFileSafety::is_unmapped_root_owner(overflow, nix_sandbox, overflow));
	CHECK(PluginFileSafety::is_unmapped_root_owner(70000, "0 1000 1\n1 100000 65536\n", 70000));
	CHECK_FALSE(PluginFileSafety::is_unmapped_root_owner(4242, nix_sandbox, overflow));
	// A namespace that maps the overflow uid itself has a real "nobody".
	CHECK_FALSE(PluginFileSafety::is_unmapped_root_owner(overflow, "0 100000 65536\n", overflow));
	CHECK_FALSE(PluginFileSafety::is_unmapped_root_owner(overflow, "", overflow));
}

TEST_CASE("the check judges the opened descriptor, not whatever the path names later", "[safety]")
{
	const Layout layout;
	const PluginFileSafety safety;
	SECTION("a safe file checked, then an unsafe one renamed over its path")
	{
		const FileDescriptor checked = safety.open_checked(layout.file);
		REQUIRE(checked);
		install_by_rename(layout.file, layout.file, 0666);
		CHECK_NOTHROW(safety.check_descriptor(checked.get(), layout.file));
		CHECK_THAT(check_error(safety, layout.file).what(), ContainsSubstring("is writable by group and others"));
	}
	SECTION("an unsafe file opened, then a safe one renamed over its path")
	{
		REQUIRE(chmod(layout.file.c_str(), 0666) == 0);
		const FileDescriptor opened(::open(layout.file.c_str(), O_RDONLY | O_CLOEXEC));
		REQUIRE(opened);
		install_by_rename(layout.file, layout.file, 0644);
		CHECK_NOTHROW(safety.check(layout.file));
		const RunnerError error = descriptor_error(safety, opened.get(), layout.file);
		CHECK_THAT(error.what(), ContainsSubstring("(mode 0666)"));
	}
}

// The race of issue 10: whoever owns a directory above the plugin swaps the plugin's directory
// between the check and the load. What is loaded must be what was checked.
TEST_CASE("the plugin loaded is the one checked, even when its directory is swapped in between", "[safety]")
{
	const Layout layout;
	const std::filesystem::path plugin = layout.directory / "fixture.so";
	install_by_rename(FRESH_FIXTURE_V1, plugin, 0755);
	const PluginFileSafety safety;

	SECTION("the whole directory is renamed away and replaced")
	{
		FileDescriptor checked = safety.open_checked(plugin);
		std::filesystem::rename(layout.directory, layout.root.path() / "plugins.checked");
		std::filesystem::create_directory(layout.directory);
		install_by_rename(FRESH_FIXTURE_V2, plugin, 0755);

		const FreshLibrary loaded = FreshLibrary::open(std::move(checked), plugin);
		CHECK(version_of(loaded) == 1);
		CHECK(loaded.path() == plugin);
		// The path itself now names the other build: loading by path would have run it.
		const FreshLibrary by_path = FreshLibrary::open(plugin);
		CHECK(version_of(by_path) == 2);
	}
	SECTION("a private copy (the checked inode is loaded already) is copied from the checked descriptor")
	{
		const FreshLibrary already_loaded = FreshLibrary::open(plugin);
		REQUIRE(version_of(already_loaded) == 1);
		FileDescriptor checked = safety.open_checked(plugin);
		install_by_rename(FRESH_FIXTURE_V2, plugin, 0755);

		const FreshLibrary loaded = FreshLibrary::open(std::move(checked), plugin);
		CHECK(loaded.is_private_copy());
		CHECK(version_of(loaded) == 1);
	}
}
