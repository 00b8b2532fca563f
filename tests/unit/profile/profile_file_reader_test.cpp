// SPDX-License-Identifier: GPL-2.0-only
// The bound on profile files is exact: a file of the limit's size is read whole, one byte more
// is refused with the limit in the message; the CLI tests show the FIFO, device and directory
// cases through the real binary.
#include "profile/ProfileError.hpp"
#include "profile/ProfileFileReader.hpp"

#include "TemporaryDirectory.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

using Catch::Matchers::ContainsSubstring;
using scxr::ExitCode;
using scxr::ProfileError;
using scxr::ProfileFileReader;
using scxr::test::TemporaryDirectory;

TEST_CASE("a profile of exactly the limit is read whole, one byte more is refused", "[profile-file]")
{
	const TemporaryDirectory directory;
	const std::string at_limit(ProfileFileReader::kMaxBytes, '#');
	const std::filesystem::path fits = directory.write("fits.toml", at_limit);
	CHECK(ProfileFileReader::read(fits.string()) == at_limit);

	const std::filesystem::path over = directory.write("over.toml", at_limit + "#");
	try {
		ProfileFileReader::read(over.string());
		FAIL("a file one byte over the limit was read");
	} catch (const ProfileError &error) {
		CHECK(error.code() == ExitCode::bad_profile);
		CHECK_THAT(error.what(), ContainsSubstring(over.string() + ": the profile is too large (1048577 bytes)"));
		CHECK_THAT(error.what(), ContainsSubstring("limited to 1048576 bytes (1 MiB)"));
	}
}

TEST_CASE("a symlink to a regular profile is followed and read", "[profile-file]")
{
	const TemporaryDirectory directory;
	const std::filesystem::path target = directory.write("real.toml", "plugin = \"x\"\n");
	const std::filesystem::path link = directory.path() / "link.toml";
	std::filesystem::create_symlink(target, link);
	CHECK(ProfileFileReader::read(link.string()) == "plugin = \"x\"\n");
}

TEST_CASE("a missing profile names the file and the reason", "[profile-file]")
{
	CHECK_THROWS_WITH(ProfileFileReader::read("/nonexistent/p.toml"),
			  ContainsSubstring("/nonexistent/p.toml: cannot read the profile: No such file or directory"));
}

TEST_CASE("a file whose size stat does not tell is read whole, growing the buffer as it arrives", "[profile-file]")
{
	// /proc files report size 0, as a file that grows after the fstat would have: the reader
	// must not trust the size it was told.
	const std::string text = ProfileFileReader::read("/proc/self/maps");
	CHECK(text.size() > 100);
	CHECK_THAT(text, ContainsSubstring("runner-unit-tests"));
}
