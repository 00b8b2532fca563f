// SPDX-License-Identifier: GPL-2.0-only
// The fuzz target for profiles: arbitrary bytes go through the runner's whole profile path
// (ProfileParser, then OptionValidator against a plugin's schema) exactly as `scx-runner check`
// runs it, minus the plugin file. Built twice (tests/fuzz/meson.build): linked with libFuzzer
// by scripts/fuzz, and with replay_main.cpp as the unit test fuzz-profile-replay.
//
// What counts as a finding:
//   - a crash or sanitizer report anywhere below the parser;
//   - any exception other than ProfileError leaving the parser or the validator (a user's bad
//     profile must come back as diagnostics, never as std::out_of_range or a terminate);
//   - a broken promise, checked below: a ProfileError without diagnostics, a diagnostic without
//     a message or in another file, an accepted profile whose settings do not match its schema.
// A broken promise aborts, so that libFuzzer saves the input as a crash.
#include "base/Duration.hpp"
#include "plugin/OptionSchema.hpp"
#include "plugin/OptionSettings.hpp"
#include "profile/OptionValidator.hpp"
#include "profile/ProfileError.hpp"
#include "profile/ProfileParser.hpp"

#include "QmapOptions.hpp"
#include "SimpleOptions.hpp"

#include "scx_runner/sdk/Options.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>

namespace {

using namespace scxr;
namespace option = scxr::sdk::option;

constexpr const char *kDisplayName = "fuzz/profile.toml";

constexpr const char *kColours[] = {"red", "green", "blue", nullptr};

// For profiles that name neither real plugin: one option of every type, with ranges, so that
// every conversion and range check of the validator is reachable.
constexpr scxr_option_desc kEveryTypeOptions[] = {
	option::boolean("flag", "a bool", false),
	option::integer("offset", "an int", "tasks", -5, -1000, 1000),
	option::unsigned_integer("count", "a uint", "tasks", 8, 1, 64),
	option::floating("ratio", "a float", "", 0.5, 0.0, 1.0),
	option::string("label", "a string", "fake"),
	option::enumeration("colour", "an enum", kColours, "red"),
	option::duration("slice", "a duration", 20 * sdk::kMillisecond, 100 * sdk::kMicrosecond, sdk::kSecond),
	option::path("trace_file", "a path", nullptr),
};

// The schema a profile is validated against: the real plugin's when it names one we know.
OptionSchema schema_for(const std::string &plugin_id)
{
	if (plugin_id == "qmap")
		return OptionSchema(qmap_plugin::kOptions, std::size(qmap_plugin::kOptions));
	if (plugin_id == "simple")
		return OptionSchema(simple_plugin::kOptions, std::size(simple_plugin::kOptions));
	return OptionSchema(kEveryTypeOptions, std::size(kEveryTypeOptions));
}

[[noreturn]] void broken_promise(const std::string &what)
{
	std::fprintf(stderr, "profile fuzz target: %s\n", what.c_str());
	std::abort();
}

void check_diagnostics(const ProfileError &error)
{
	if (error.diagnostics().empty())
		broken_promise("a ProfileError without diagnostics");
	for (const ProfileDiagnostic &diagnostic : error.diagnostics()) {
		if (diagnostic.message.empty())
			broken_promise("a diagnostic without a message at " + diagnostic.position.to_string());
		if (diagnostic.position.file != kDisplayName)
			broken_promise("a diagnostic names file '" + diagnostic.position.file + "'");
	}
}

// An accepted profile: one setting per schema option, in schema order, each within its range,
// and durations that survive the round trip through their display form.
void check_settings(const OptionSchema &schema, const OptionSettings &settings)
{
	const auto options = schema.options();
	if (settings.settings().size() != options.size())
		broken_promise("validated settings do not cover the schema");
	for (size_t index = 0; index < options.size(); ++index) {
		const scxr_option_desc &option = options[index];
		const OptionSettings::Setting &setting = settings.settings()[index];
		if (setting.name != option.name || setting.type != option.type)
			broken_promise("setting " + setting.name + " is out of schema order");
		if (!OptionSchema::is_text_type(option.type) && !OptionSchema::in_range(option, setting.value))
			broken_promise("option " + setting.name + " was accepted out of range");
		if (option.type == SCXR_OPT_DURATION) {
			const Duration duration = Duration::from_nanoseconds(setting.value.u);
			if (Duration::parse(duration.to_string()) != duration)
				broken_promise("duration " + duration.to_string() + " does not parse back");
		}
	}
	if (settings.to_abi().size() != options.size())
		broken_promise("the ABI view of the settings lost entries");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const std::string_view text(reinterpret_cast<const char *>(data), size);
	try {
		const Profile profile = ProfileParser().parse_string(text, kDisplayName);
		if (!ProfileParser::is_valid_plugin_id(profile.root.plugin_id))
			broken_promise("accepted plugin id '" + profile.root.plugin_id + "'");
		const OptionSchema schema = schema_for(profile.root.plugin_id);
		check_settings(schema, OptionValidator(profile.root.plugin_id, schema).validate(profile.root.options));
	} catch (const ProfileError &error) {
		check_diagnostics(error);
	}
	return 0;
}
