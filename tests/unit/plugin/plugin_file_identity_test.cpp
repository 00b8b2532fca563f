// SPDX-License-Identifier: GPL-2.0-only
// When a plugin file counts as changed on disk, and that a changed file really loads fresh
// while the old image is still in use: two builds of a tiny shared object (the meson file
// passes their paths as FRESH_FIXTURE_V1 and FRESH_FIXTURE_V2) are installed over one path.
#include "plugin/FreshLibrary.hpp"
#include "plugin/PluginFileIdentity.hpp"
#include "base/RunnerError.hpp"
#include "TemporaryDirectory.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#ifndef FRESH_FIXTURE_V1
#error "the build must define FRESH_FIXTURE_V1 and FRESH_FIXTURE_V2 (paths of the fixture builds)"
#endif

using Catch::Matchers::ContainsSubstring;
using scxr::FreshLibrary;
using scxr::PluginFileIdentity;
using scxr::RunnerError;
using scxr::test::TemporaryDirectory;
using namespace std::chrono_literals;

namespace {

std::string read_all(const std::filesystem::path &path)
{
	std::ifstream stream(path, std::ios::binary);
	return std::string(std::istreambuf_iterator<char>(stream), {});
}

void write_all(const std::filesystem::path &path, const std::string &content)
{
	std::ofstream stream(path, std::ios::binary | std::ios::trunc);
	stream << content;
	REQUIRE(stream.good());
}

void overwrite_without_truncating(const std::filesystem::path &path, const std::string &content)
{
	const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
	REQUIRE(fd >= 0);
	REQUIRE(::pwrite(fd, content.data(), content.size(), 0) == static_cast<ssize_t>(content.size()));
	::close(fd);
}

// How install(1) and package managers replace a file: a new inode renamed over the name.
void install_by_rename(const std::filesystem::path &source, const std::filesystem::path &target)
{
	const auto temporary = target.parent_path() / ("." + target.filename().string() + ".new");
	std::filesystem::copy_file(source, temporary, std::filesystem::copy_options::overwrite_existing);
	std::filesystem::rename(temporary, target);
}

int version_of(void *handle)
{
	auto *function = reinterpret_cast<int (*)()>(dlsym(handle, "fresh_fixture_version"));
	REQUIRE(function != nullptr);
	return function();
}

int version_of(const FreshLibrary &library)
{
	auto *function = reinterpret_cast<int (*)()>(library.symbol("fresh_fixture_version"));
	REQUIRE(function != nullptr);
	return function();
}

size_t open_descriptor_count()
{
	return static_cast<size_t>(std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
						 std::filesystem::directory_iterator()));
}

// Objects glibc has mapped whose name says they came through a descriptor (FreshLibrary's).
int loaded_through_descriptors()
{
	int count = 0;
	dl_iterate_phdr(
		[](dl_phdr_info *info, size_t, void *data) {
			if (info->dlpi_name && std::strncmp(info->dlpi_name, "/proc/self/fd/", 14) == 0)
				++*static_cast<int *>(data);
			return 0;
		},
		&count);
	return count;
}

} // namespace

TEST_CASE("a plugin file's identity changes with every kind of replacement", "[identity]")
{
	TemporaryDirectory directory;
	const auto plugin = directory.path() / "qmap.so";
	write_all(plugin, "first build");
	const PluginFileIdentity original = PluginFileIdentity::of(plugin);
	CHECK(original == PluginFileIdentity::of(plugin));
	CHECK(original.size == 11);
	CHECK(original.inode != 0);

	SECTION("reading or opening it changes nothing")
	{
		CHECK(read_all(plugin) == "first build");
		CHECK(PluginFileIdentity::of(plugin) == original);
	}
	SECTION("replaced by rename: new inode")
	{
		const auto other = directory.path() / "new.so";
		write_all(other, "first build");
		std::filesystem::rename(other, plugin);
		const auto replaced = PluginFileIdentity::of(plugin);
		CHECK(replaced.inode != original.inode);
		CHECK(replaced != original);
	}
	SECTION("rewritten in place with another size: same inode, new size")
	{
		write_all(plugin, "second, longer build");
		const auto rewritten = PluginFileIdentity::of(plugin);
		CHECK(rewritten.inode == original.inode);
		CHECK(rewritten.size != original.size);
		CHECK(rewritten != original);
	}
	SECTION("rewritten in place keeping size and mtime (cp -p): the status-change time tells")
	{
		std::this_thread::sleep_for(20ms); // coarse file system clocks
		write_all(plugin, "other build");
		const timespec times[2] = {{0, UTIME_OMIT},
					   {static_cast<time_t>(original.modified_ns / 1'000'000'000),
					    static_cast<long>(original.modified_ns % 1'000'000'000)}};
		REQUIRE(::utimensat(AT_FDCWD, plugin.c_str(), times, 0) == 0);
		const auto rewritten = PluginFileIdentity::of(plugin);
		CHECK(rewritten.size == original.size);
		CHECK(rewritten.modified_ns == original.modified_ns);
		CHECK(rewritten.status_changed_ns != original.status_changed_ns);
		CHECK(rewritten != original);
	}
	SECTION("through a symlink, the target counts")
	{
		const auto link = directory.path() / "link.so";
		std::filesystem::create_symlink(plugin, link);
		CHECK(PluginFileIdentity::of(link) == original);
	}
	SECTION("a descriptor gives the same identity as the path")
	{
		const int fd = ::open(plugin.c_str(), O_RDONLY | O_CLOEXEC);
		REQUIRE(fd >= 0);
		CHECK(PluginFileIdentity::of_descriptor(fd) == original);
		::close(fd);
	}
	SECTION("a missing file")
	{
		std::filesystem::remove(plugin);
		CHECK_FALSE(PluginFileIdentity::find(plugin).has_value());
		CHECK_THROWS_WITH(PluginFileIdentity::of(plugin), ContainsSubstring(plugin.string()));
	}
	CHECK_THAT(original.to_string(), ContainsSubstring("11 bytes"));
}

TEST_CASE("glibc's dlopen returns the old image for a replaced file at the same path", "[fresh-library]")
{
	// The problem FreshLibrary solves, shown so that a glibc that stops doing this is noticed.
	TemporaryDirectory directory;
	const auto plugin = directory.path() / "fixture.so";
	install_by_rename(FRESH_FIXTURE_V1, plugin);
	void *first = dlopen(plugin.c_str(), RTLD_NOW | RTLD_LOCAL);
	REQUIRE(first != nullptr);
	CHECK(version_of(first) == 1);

	install_by_rename(FRESH_FIXTURE_V2, plugin);
	void *second = dlopen(plugin.c_str(), RTLD_NOW | RTLD_LOCAL);
	REQUIRE(second != nullptr);
	CHECK(second == first);
	CHECK(version_of(second) == 1);
	dlclose(second);
	dlclose(first);
}

TEST_CASE("FreshLibrary loads a replaced file fresh while the old image stays usable", "[fresh-library]")
{
	TemporaryDirectory directory;
	const auto plugin = directory.path() / "fixture.so";
	const size_t descriptors_before = open_descriptor_count();
	const int loaded_before = loaded_through_descriptors();

	{
		install_by_rename(FRESH_FIXTURE_V1, plugin);
		FreshLibrary first = FreshLibrary::open(plugin);
		CHECK(version_of(first) == 1);
		CHECK(first.path() == plugin);
		CHECK(first.identity() == PluginFileIdentity::of(plugin));
		CHECK_THAT(first.loaded_name(), Catch::Matchers::StartsWith("/proc/self/fd/"));
		CHECK_FALSE(first.is_private_copy());

		install_by_rename(FRESH_FIXTURE_V2, plugin);
		CHECK(first.identity() != PluginFileIdentity::of(plugin));
		FreshLibrary second = FreshLibrary::open(plugin);
		CHECK(second.handle() != first.handle());
		CHECK(version_of(second) == 2);
		CHECK(version_of(first) == 1); // the old image is still mapped and runs its own code
		CHECK(second.loaded_name() != first.loaded_name());
		CHECK(loaded_through_descriptors() == loaded_before + 2);

		auto *text = reinterpret_cast<const char *(*)()>(second.symbol("fresh_fixture_version_text"));
		REQUIRE(text != nullptr);
		CHECK(std::string(text()) == "fixture version 2");
		CHECK(second.symbol("no_such_symbol") == nullptr);

		// The same unchanged file opened again is a separate, fresh load too.
		FreshLibrary third = FreshLibrary::open(plugin);
		CHECK(third.handle() != second.handle());
		CHECK(third.is_private_copy());
		CHECK(version_of(third) == 2);

		// Moving keeps one owner.
		FreshLibrary moved = std::move(first);
		CHECK_FALSE(first);
		CHECK(version_of(moved) == 1);
	}
	// Every image is unloaded and every descriptor closed.
	CHECK(loaded_through_descriptors() == loaded_before);
	CHECK(open_descriptor_count() == descriptors_before);
}

TEST_CASE("many replace-and-load cycles leak neither descriptors nor images", "[fresh-library]")
{
	TemporaryDirectory directory;
	const auto plugin = directory.path() / "fixture.so";
	install_by_rename(FRESH_FIXTURE_V1, plugin);
	FreshLibrary current = FreshLibrary::open(plugin);
	const size_t descriptors = open_descriptor_count();
	const int loaded = loaded_through_descriptors();
	for (int cycle = 0; cycle < 50; ++cycle) {
		const int version = cycle % 2 ? 1 : 2;
		install_by_rename(version == 1 ? FRESH_FIXTURE_V1 : FRESH_FIXTURE_V2, plugin);
		FreshLibrary next = FreshLibrary::open(plugin);
		REQUIRE(version_of(next) == version);
		current = std::move(next); // the swap: the old image goes once its user is gone
	}
	CHECK(open_descriptor_count() == descriptors);
	CHECK(loaded_through_descriptors() == loaded);
}

TEST_CASE("a file rewritten in place (same inode) still loads fresh, from a private copy", "[fresh-library]")
{
	TemporaryDirectory directory;
	const auto plugin = directory.path() / "fixture.so";
	install_by_rename(FRESH_FIXTURE_V1, plugin);
	const size_t descriptors_before = open_descriptor_count();
	{
		FreshLibrary first = FreshLibrary::open(plugin);
		REQUIRE(version_of(first) == 1);
		const ino_t inode = PluginFileIdentity::of(plugin).inode;

		// New bytes over the same inode, without truncating: truncation (what cp does)
		// would discard the old image's relocated pages and crash it at dlclose; that hazard
		// is why plugins must be installed by rename. The two builds have the same layout,
		// so the old image survives this rewrite until it is closed.
		overwrite_without_truncating(plugin, read_all(FRESH_FIXTURE_V2));
		REQUIRE(PluginFileIdentity::of(plugin).inode == inode);

		FreshLibrary second = FreshLibrary::open(plugin);
		CHECK(second.is_private_copy());
		CHECK(version_of(second) == 2);
		CHECK(second.handle() != first.handle());
	}
	CHECK(open_descriptor_count() == descriptors_before);
}

TEST_CASE("FreshLibrary reports files it cannot load", "[fresh-library]")
{
	TemporaryDirectory directory;
	SECTION("missing")
	{
		CHECK_THROWS_WITH(FreshLibrary::open(directory.path() / "missing.so"),
				  ContainsSubstring("cannot load plugin file") && ContainsSubstring("missing.so"));
	}
	SECTION("not a shared object")
	{
		const auto junk = directory.path() / "junk.so";
		write_all(junk, "this is not ELF");
		try {
			FreshLibrary::open(junk);
			FAIL("junk loaded");
		} catch (const RunnerError &error) {
			CHECK(error.code() == scxr::ExitCode::plugin_abi);
			CHECK_THAT(error.what(), ContainsSubstring(junk.string()));
		}
	}
}
