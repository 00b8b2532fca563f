// SPDX-License-Identifier: GPL-2.0-only
// FileWatcher against a real directory: the ways editors and tools save a file (in place,
// rename over, delete and create) each give exactly one change after the debounce period;
// neighbours in the directory give none. Times are injected, so the debounce is exact.
#include "session/FileWatcher.hpp"
#include "base/RunnerError.hpp"
#include "TemporaryDirectory.hpp"

#include <catch2/catch_test_macros.hpp>

#include <poll.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using scxr::FileWatcher;
using scxr::test::TemporaryDirectory;
using namespace std::chrono_literals;

namespace {

void write_file(const std::filesystem::path &path, const std::string &text)
{
	std::ofstream stream(path, std::ios::trunc);
	stream << text;
}

bool readable(int fd)
{
	pollfd descriptor{fd, POLLIN, 0};
	return ::poll(&descriptor, 1, 0) > 0;
}

constexpr std::chrono::milliseconds kDebounce{100};
const FileWatcher::Clock::time_point kStart = FileWatcher::Clock::time_point() + 1000h;

} // namespace

TEST_CASE("each way of saving the file gives one change after the debounce", "[watch]")
{
	TemporaryDirectory directory;
	const auto profile = directory.path() / "profile.toml";
	write_file(profile, "plugin = \"qmap\"\n");
	FileWatcher watcher(profile, kDebounce);
	CHECK_FALSE(readable(watcher.fd()));
	CHECK_FALSE(watcher.changed(kStart));
	CHECK_FALSE(watcher.time_until_due(kStart).has_value());

	SECTION("written in place")
	{
		write_file(profile, "plugin = \"simple\"\n");
	}
	SECTION("a new file renamed over it")
	{
		const auto temporary = directory.path() / ".profile.toml.swp";
		write_file(temporary, "plugin = \"simple\"\n");
		std::filesystem::rename(temporary, profile);
	}
	SECTION("deleted and created again")
	{
		std::filesystem::remove(profile);
		write_file(profile, "plugin = \"simple\"\n");
	}
	SECTION("made unreadable")
	{
		std::filesystem::permissions(profile, std::filesystem::perms::none);
	}

	CHECK(readable(watcher.fd()));
	CHECK_FALSE(watcher.changed(kStart));
	CHECK_FALSE(readable(watcher.fd())); // drained
	REQUIRE(watcher.time_until_due(kStart).has_value());
	CHECK(*watcher.time_until_due(kStart) == kDebounce);
	CHECK(*watcher.time_until_due(kStart + 30ms) == kDebounce - 30ms);
	CHECK_FALSE(watcher.changed(kStart + kDebounce - 1ms));
	CHECK(watcher.changed(kStart + kDebounce));
	// Reported once.
	CHECK_FALSE(watcher.changed(kStart + 10 * kDebounce));
	CHECK_FALSE(watcher.time_until_due(kStart + 10 * kDebounce).has_value());
}

TEST_CASE("a burst of writes is one change, due after the last write", "[watch]")
{
	TemporaryDirectory directory;
	const auto profile = directory.path() / "profile.toml";
	write_file(profile, "a\n");
	FileWatcher watcher(profile, kDebounce);

	write_file(profile, "b\n");
	CHECK_FALSE(watcher.changed(kStart));
	write_file(profile, "c\n");
	CHECK_FALSE(watcher.changed(kStart + 80ms));
	CHECK_FALSE(watcher.changed(kStart + 150ms)); // 70 ms after the last write
	CHECK(watcher.changed(kStart + 180ms));
	CHECK_FALSE(watcher.changed(kStart + 1s));
}

TEST_CASE("other files in the directory are ignored", "[watch]")
{
	TemporaryDirectory directory;
	const auto profile = directory.path() / "profile.toml";
	write_file(profile, "a\n");
	FileWatcher watcher(profile, kDebounce);

	write_file(directory.path() / "other.toml", "x\n");
	write_file(directory.path() / "profile.toml.bak", "x\n");
	std::filesystem::rename(directory.path() / "other.toml", directory.path() / "renamed.toml");
	std::filesystem::create_directory(directory.path() / "profile.d");
	CHECK(readable(watcher.fd()));
	CHECK_FALSE(watcher.changed(kStart));
	CHECK_FALSE(watcher.time_until_due(kStart).has_value());
	CHECK_FALSE(watcher.changed(kStart + 1s));
	CHECK_FALSE(readable(watcher.fd()));

	SECTION("the file moved away counts: it is gone")
	{
		std::filesystem::rename(profile, directory.path() / "moved.toml");
		CHECK_FALSE(watcher.changed(kStart + 2s));
		CHECK(watcher.changed(kStart + 2s + kDebounce));
	}
}

TEST_CASE("a watch on a file whose directory goes away reports a change", "[watch]")
{
	TemporaryDirectory directory;
	const auto subdirectory = directory.path() / "profiles";
	std::filesystem::create_directory(subdirectory);
	const auto profile = subdirectory / "profile.toml";
	write_file(profile, "a\n");
	FileWatcher watcher(profile, kDebounce);

	std::filesystem::rename(subdirectory, directory.path() / "elsewhere");
	CHECK_FALSE(watcher.changed(kStart));
	CHECK(watcher.changed(kStart + kDebounce));
}

TEST_CASE("a relative path watches the working directory's file", "[watch]")
{
	TemporaryDirectory directory;
	// Other tests share this process: give the working directory back whatever happens.
	struct WorkingDirectory {
		std::filesystem::path previous = std::filesystem::current_path();
		~WorkingDirectory() { std::filesystem::current_path(previous); }
	} restore;
	std::filesystem::current_path(directory.path());
	write_file("profile.toml", "a\n");
	FileWatcher watcher("profile.toml", kDebounce);
	write_file("profile.toml", "b\n");
	CHECK_FALSE(watcher.changed(kStart));
	CHECK(watcher.changed(kStart + kDebounce));
}

TEST_CASE("a file in a missing directory cannot be watched", "[watch]")
{
	TemporaryDirectory directory;
	CHECK_THROWS_AS(FileWatcher(directory.path() / "missing" / "profile.toml"), scxr::RunnerError);
	CHECK_THROWS_AS(FileWatcher(directory.path() / ""), scxr::RunnerError);
}
