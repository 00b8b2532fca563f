// SPDX-License-Identifier: GPL-2.0-only
// Replays corpus files through a libFuzzer-style target without libFuzzer, so the unit suite
// runs every seed (and every reproducer of a fixed crash) on any compiler.
//
//   fuzz-profile-replay DIR_OR_FILE...
//
// Fails when a file makes the target throw, when no input was found (a moved corpus must not
// turn the test into a no-op), or when a path cannot be read. A crash or a broken promise of
// the target aborts the process, which fails the test too; the last "replay:" line names the
// input.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

std::vector<std::filesystem::path> inputs_under(const std::filesystem::path &path)
{
	std::vector<std::filesystem::path> inputs;
	if (std::filesystem::is_directory(path)) {
		for (const auto &entry : std::filesystem::recursive_directory_iterator(path))
			if (entry.is_regular_file())
				inputs.push_back(entry.path());
	} else if (std::filesystem::is_regular_file(path)) {
		inputs.push_back(path);
	}
	std::sort(inputs.begin(), inputs.end());
	return inputs;
}

bool read_file(const std::filesystem::path &path, std::string &content)
{
	std::ifstream stream(path, std::ios::binary);
	if (!stream)
		return false;
	content.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
	return !stream.bad();
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 2) {
		std::fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	size_t replayed = 0;
	size_t failures = 0;
	for (int index = 1; index < argc; ++index) {
		const std::vector<std::filesystem::path> inputs = inputs_under(argv[index]);
		if (inputs.empty()) {
			std::fprintf(stderr, "replay: no inputs under %s\n", argv[index]);
			++failures;
		}
		for (const std::filesystem::path &input : inputs) {
			std::string content;
			if (!read_file(input, content)) {
				std::fprintf(stderr, "replay: cannot read %s\n", input.c_str());
				++failures;
				continue;
			}
			// Printed before the run: if the target crashes, this is the last line.
			std::fprintf(stderr, "replay: %s (%zu bytes)\n", input.c_str(), content.size());
			try {
				LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(content.data()), content.size());
			} catch (const std::exception &error) {
				std::fprintf(stderr, "replay: FAIL %s: the target threw: %s\n", input.c_str(), error.what());
				++failures;
			} catch (...) {
				std::fprintf(stderr, "replay: FAIL %s: the target threw a non-standard exception\n",
					     input.c_str());
				++failures;
			}
			++replayed;
		}
	}
	std::printf("replayed %zu inputs, %zu failures\n", replayed, failures);
	return failures == 0 ? 0 : 1;
}
