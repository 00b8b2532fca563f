// SPDX-License-Identifier: GPL-2.0-only
// How fast the runner reads a profile: ProfileParser (TOML and the runner's own tables), then
// OptionValidator against the schema of the plugin the profile names, for every shipped
// profile. The schemas are the real plugins' tables (header-only constant data), so no plugin
// file is opened. Prints figures; asserts nothing about time.
//
//   profile-parse-bench CONFIG_DIR
#include "AllocationCounter.hpp"
#include "BenchTable.hpp"
#include "Timing.hpp"

#include "plugin/OptionSchema.hpp"
#include "profile/OptionValidator.hpp"
#include "profile/ProfileError.hpp"
#include "profile/ProfileParser.hpp"

#include "QmapOptions.hpp"
#include "SimpleOptions.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace scxr;
using bench::BenchTable;

OptionSchema schema_for(const std::string &plugin_id)
{
	if (plugin_id == "qmap")
		return OptionSchema(qmap_plugin::kOptions, std::size(qmap_plugin::kOptions));
	if (plugin_id == "simple")
		return OptionSchema(simple_plugin::kOptions, std::size(simple_plugin::kOptions));
	throw std::runtime_error("no schema for plugin '" + plugin_id + "'");
}

std::string read_file(const std::filesystem::path &path)
{
	std::ifstream stream(path, std::ios::binary);
	if (!stream)
		throw std::runtime_error("cannot read " + path.string());
	std::ostringstream text;
	text << stream.rdbuf();
	return text.str();
}

OptionSettings parse_and_validate(const std::string &text, const std::string &name)
{
	const Profile profile = ProfileParser().parse_string(text, name);
	return OptionValidator(profile.root.plugin_id, schema_for(profile.root.plugin_id)).validate(profile.root.options);
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "usage: %s CONFIG_DIR\n", argv[0]);
		return 2;
	}
	std::vector<std::filesystem::path> profiles;
	for (const auto &entry : std::filesystem::directory_iterator(argv[1]))
		if (entry.path().extension() == ".toml")
			profiles.push_back(entry.path());
	std::sort(profiles.begin(), profiles.end());
	if (profiles.empty()) {
		std::fprintf(stderr, "no profiles in %s\n", argv[1]);
		return 1;
	}

	BenchTable table({"profile", "bytes", "options", "parse us", "parse+validate us", "profiles/s", "allocs",
			  "alloc bytes"});
	for (const std::filesystem::path &path : profiles) {
		const std::string text = read_file(path);
		const std::string name = path.filename().string();
		OptionSettings settings;
		try {
			settings = parse_and_validate(text, name);
		} catch (const ProfileError &error) {
			std::fprintf(stderr, "%s does not validate: %s\n", name.c_str(),
				     error.diagnostics().front().headline().c_str());
			return 1;
		}

		const bench::Timing parse = bench::time_calls([&] { bench::keep(ProfileParser().parse_string(text, name)); });
		const bench::Timing full = bench::time_calls([&] { bench::keep(parse_and_validate(text, name)); });
		const bench::AllocationCounter counter;
		bench::keep(parse_and_validate(text, name));
		const auto allocated = counter.since_start();

		table.add_row({name, BenchTable::count(text.size()), BenchTable::count(settings.settings().size()),
			       BenchTable::decimal(parse.nanoseconds_per_call / 1000, 1),
			       BenchTable::decimal(full.nanoseconds_per_call / 1000, 1),
			       BenchTable::count(static_cast<unsigned long long>(full.calls_per_second())),
			       BenchTable::count(allocated.allocations), BenchTable::count(allocated.bytes)});
	}
	table.print("profile parse + validate (ProfileParser::parse_string, OptionValidator::validate), per profile");
	return 0;
}
