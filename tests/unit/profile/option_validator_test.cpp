// SPDX-License-Identifier: GPL-2.0-only
// A profile's [options] against a plugin's schema: values of every type convert, defaults fill
// the gaps in schema order, and every kind of mistake is reported at its position with what
// was expected and a way to fix it.
#include "profile/OptionValidator.hpp"
#include "plugin/PluginLibrary.hpp"
#include "profile/ProfileError.hpp"
#include "profile/ProfileParser.hpp"

#include "TestPlugins.hpp"

#include <scx_runner/sdk/Options.hpp>

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <cstring>

using Catch::Matchers::ContainsSubstring;
using scxr::OptionSchema;
using scxr::OptionSettings;
using scxr::OptionValidator;
using scxr::ProfileDiagnostic;
using scxr::ProfileError;
using scxr::ProfileParser;
using scxr::test::TestPlugins;
namespace option = scxr::sdk::option;
using scxr::sdk::kMicrosecond;
using scxr::sdk::kMillisecond;
using scxr::sdk::kSecond;

namespace {

constexpr const char *kModes[] = {"fifo", "weighted", nullptr};
constexpr scxr_option_desc kOptions[] = {
	option::boolean("verbose", "", false),
	option::integer("offset", "", "", -5, -100, 100),
	option::unsigned_integer("batch", "", "tasks", 8, 1, 64),
	option::floating("ratio", "", "", 0.5, 0.0, 1.0),
	option::string("label", "", "fake"),
	option::enumeration("mode", "", kModes, "fifo"),
	option::duration("slice", "", 20 * kMillisecond, 100 * kMicrosecond, kSecond),
	option::path("trace_file", "", nullptr),
};

OptionSettings validate(const std::string &options_table)
{
	const auto profile = ProfileParser().parse_string("plugin = \"fake\"\n[options]\n" + options_table, "p.toml");
	return OptionValidator("fake", OptionSchema(kOptions, std::size(kOptions))).validate(profile.root.options);
}

std::vector<ProfileDiagnostic> problems(const std::string &options_table)
{
	try {
		validate(options_table);
	} catch (const ProfileError &error) {
		return error.diagnostics();
	}
	FAIL("expected the options to be rejected:\n" << options_table);
	return {};
}

} // namespace

TEST_CASE("every option type converts, in schema order, with defaults filled in", "[options]")
{
	const OptionSettings settings = validate("slice = \"1.5ms\"\nverbose = true\noffset = -7\nbatch = 64\nratio = 1\n"
						 "mode = \"weighted\"\ntrace_file = \"/tmp/t\"\n");
	const auto &all = settings.settings();
	REQUIRE(all.size() == std::size(kOptions));
	for (size_t index = 0; index < all.size(); ++index)
		CHECK(all[index].name == kOptions[index].name);
	CHECK(all[0].value.b == true);
	CHECK(all[1].value.i == -7);
	CHECK(all[2].value.u == 64);
	CHECK(all[3].value.f == 1.0); // an integer is accepted for a float
	CHECK(all[4].text == "fake");
	CHECK_FALSE(all[4].from_profile);
	CHECK(all[5].text == "weighted");
	CHECK(all[6].value.u == 1'500'000);
	CHECK(all[6].from_profile);
	CHECK(all[7].text == "/tmp/t");

	const std::vector<scxr_option_setting> abi = settings.to_abi();
	REQUIRE(abi.size() == all.size());
	CHECK(std::strcmp(abi[5].value.s, "weighted") == 0);
	CHECK(abi[6].type == SCXR_OPT_DURATION);
	CHECK(abi[6].value.u == 1'500'000);
}

TEST_CASE("an unset string option stays unset", "[options]")
{
	const OptionSettings settings = validate("");
	const OptionSettings::Setting *trace = settings.find("trace_file");
	REQUIRE(trace != nullptr);
	CHECK_FALSE(trace->text.has_value());
	CHECK(settings.to_abi()[7].value.s == nullptr);
	CHECK(settings.find("slice")->value.u == 20 * kMillisecond);
}

TEST_CASE("unknown options suggest the option that was meant", "[options]")
{
	auto found = problems("slise = \"5ms\"\n");
	REQUIRE(found.size() == 1);
	CHECK(found[0].headline() == "p.toml:3:1: unknown option 'slise': plugin 'fake' has no option of that name");
	CHECK_THAT(found[0].hint, ContainsSubstring("did you mean 'slice'?"));
	found = problems("completely_different = 1\n");
	REQUIRE(found.size() == 1);
	CHECK_THAT(found[0].hint, ContainsSubstring("the options of 'fake' are: verbose, offset, batch"));
}

TEST_CASE("wrong types say what was expected and what was given", "[options]")
{
	auto found = problems("verbose = \"true\"\n");
	REQUIRE(found.size() == 1);
	CHECK(found[0].headline() == "p.toml:3:11: option 'verbose' expects true or false, got the string \"true\"");
	CHECK(found[0].hint == "write verbose = true without quotes");

	found = problems("batch = -1\n");
	CHECK(found.at(0).message == "option 'batch' expects a non-negative integer, got the integer -1");
	found = problems("offset = 1.5\n");
	CHECK(found.at(0).message == "option 'offset' expects an integer, got the float 1.5");
	found = problems("slice = 20\n");
	CHECK(found.at(0).message == "option 'slice' expects a duration string such as \"20ms\", got the integer 20");
	CHECK_THAT(found.at(0).hint, ContainsSubstring("a bare number has no unit"));
	CHECK_THAT(found.at(0).hint, ContainsSubstring("slice = \"20ms\""));
	found = problems("label = [1, 2]\n");
	CHECK(found.at(0).message == "option 'label' expects a string, got an array");
	found = problems("mode = 1\n");
	CHECK(found.at(0).message == "option 'mode' expects one of \"fifo\", \"weighted\", got the integer 1");
}

TEST_CASE("values outside the range give the range and the default", "[options]")
{
	auto found = problems("batch = 100\n");
	REQUIRE(found.size() == 1);
	CHECK(found[0].headline() == "p.toml:3:9: option 'batch' = 100 is out of range: it must be between 1 and 64 tasks");
	CHECK(found[0].hint == "pick a value between 1 and 64 (default: 8)");
	found = problems("slice = \"5s\"\n");
	CHECK(found.at(0).message == "option 'slice' = 5s is out of range: it must be between 100us and 1s");
	found = problems("ratio = 1.5\n");
	CHECK(found.at(0).message == "option 'ratio' = 1.5 is out of range: it must be between 0 and 1");
	found = problems("offset = -101\n");
	CHECK_THAT(found.at(0).message, ContainsSubstring("between -100 and 100"));
}

TEST_CASE("bad enum values and durations are explained", "[options]")
{
	auto found = problems("mode = \"weighed\"\n");
	REQUIRE(found.size() == 1);
	CHECK(found[0].message == "option 'mode' must be one of \"fifo\", \"weighted\", got \"weighed\"");
	CHECK(found[0].hint == "did you mean \"weighted\"?");
	found = problems("slice = \"20 parsecs\"\n");
	REQUIRE(found.size() == 1);
	CHECK(found[0].headline() ==
	      "p.toml:3:9: invalid duration \"20 parsecs\" for option 'slice': unknown unit 'parsecs' (use ns, us, ms, s, m or h)");
	CHECK_THAT(found[0].hint, ContainsSubstring("slice = \"20ms\""));
	found = problems("trace_file = \"\"\n");
	CHECK(found.at(0).message == "option 'trace_file' must be a non-empty path, got an empty string");
}

TEST_CASE("all problems are reported at once, in file order", "[options]")
{
	const auto found = problems("mode = \"x\"\nbatch = 0\nnope = 1\n");
	REQUIRE(found.size() == 3);
	CHECK(found[0].position.line == 3);
	CHECK(found[1].position.line == 4);
	CHECK(found[2].position.line == 5);
}

TEST_CASE("the fixtures fail against the real test plugin's schema", "[options]")
{
	const auto plugin = scxr::PluginLibrary::open(TestPlugins::file("test_good"), "test_good");
	const OptionValidator validator(plugin->id(), plugin->schema());
	auto diagnostics = [&](const std::string &fixture) {
		const auto profile = ProfileParser().parse_file(TestPlugins::profile(fixture).string());
		try {
			validator.validate(profile.root.options);
		} catch (const ProfileError &error) {
			return error.diagnostics();
		}
		return std::vector<ProfileDiagnostic>{};
	};
	const std::string fixtures = TestPlugins::profile("").string();
	auto found = diagnostics("wrong_types.toml");
	REQUIRE(found.size() == 6);
	CHECK(found[0].headline() == fixtures + "wrong_types.toml:4:11: option 'verbose' expects true or false, got the string \"true\"");
	CHECK(found[5].headline() == fixtures + "wrong_types.toml:9:8: option 'mode' expects one of \"fifo\", \"weighted\", \"random\", got the integer 1");
	found = diagnostics("out_of_range.toml");
	CHECK(found.size() == 4);
	found = diagnostics("bad_enum.toml");
	REQUIRE(found.size() == 1);
	CHECK(found[0].hint == "did you mean \"weighted\"?");
	found = diagnostics("bad_duration.toml");
	REQUIRE(found.size() == 1);
	CHECK_THAT(found[0].message, ContainsSubstring("unknown unit 'parsecs'"));
	found = diagnostics("unknown_option.toml");
	REQUIRE(found.size() == 1);
	CHECK_THAT(found[0].hint, ContainsSubstring("did you mean 'slice'?"));
	CHECK(diagnostics("good.toml").empty());
}
