// SPDX-License-Identifier: GPL-2.0-only
// Whether the runner's process grows when it creates and destroys plugin instances over and
// over, as a long-running runner does on every swap and restart: resident memory, open file
// descriptors and memory mappings after N cycles of tests/plugins/test_good.so (a fake
// scheduler without BPF), through the runner's own PluginLoader and PluginInstance. Two kinds of
// cycle: instances of one loaded library, and a fresh dlopen of the file for every instance
// (what a swap to a rebuilt plugin does). Prints figures; asserts nothing.
//
//   plugin-cycle-bench PATH/test_good.so [INSTANCE_CYCLES [LIBRARY_CYCLES]]
#include "BenchTable.hpp"

#include "profile/OptionValidator.hpp"
#include "plugin/PluginInstance.hpp"
#include "plugin/PluginLibrary.hpp"
#include "plugin/PluginLoader.hpp"
#include "base/RunnerError.hpp"

#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace scxr;
using bench::BenchTable;
using Clock = std::chrono::steady_clock;

struct ProcessFigures {
	long rss_kib = 0;
	long file_descriptors = 0;
	long mappings = 0;
};

long rss_kib()
{
	std::ifstream status("/proc/self/status");
	std::string key;
	while (status >> key) {
		if (key == "VmRSS:") {
			long value = 0;
			status >> value;
			return value;
		}
		status.ignore(4096, '\n');
	}
	return -1;
}

long count_lines(const char *path)
{
	std::ifstream file(path);
	long lines = 0;
	for (std::string line; std::getline(file, line);)
		++lines;
	return lines;
}

ProcessFigures measure()
{
	ProcessFigures figures;
	figures.rss_kib = rss_kib();
	for (const auto &entry : std::filesystem::directory_iterator("/proc/self/fd")) {
		(void)entry;
		++figures.file_descriptors;
	}
	--figures.file_descriptors; // the iterator's own descriptor of /proc/self/fd
	figures.mappings = count_lines("/proc/self/maps");
	return figures;
}

// A private copy of the plugin in a directory the loader's file-safety check accepts.
class PluginCopy {
public:
	explicit PluginCopy(const std::filesystem::path &plugin)
	{
		char pattern[] = "/tmp/scxr-plugin-cycle-bench-XXXXXX";
		if (!mkdtemp(pattern))
			throw std::runtime_error("mkdtemp failed");
		directory_ = pattern;
		const std::filesystem::path copy = directory_ / plugin.filename();
		std::filesystem::copy_file(plugin, copy);
		chmod(copy.c_str(), 0755);
	}
	~PluginCopy() { std::filesystem::remove_all(directory_); }
	const std::filesystem::path &directory() const { return directory_; }

private:
	std::filesystem::path directory_;
};

// The runner's lifecycle of one instance, with the default option values.
void run_instance(const std::shared_ptr<const PluginLibrary> &library)
{
	PluginInstance instance(library);
	instance.configure(OptionValidator(library->id(), library->schema()).validate({}));
	instance.load();
	instance.attach();
	instance.poll();
	instance.stats();
	instance.dump();
	instance.detach();
}

void run_cycles(BenchTable &table, const std::string &kind, long cycles, const std::function<void()> &cycle)
{
	// Warm-up: the first cycles fill allocator pools and resolve lazy symbols, once.
	for (int warm_up = 0; warm_up < 10; ++warm_up)
		cycle();
	const ProcessFigures before = measure();
	table.add_row({kind, "0", "-", BenchTable::count(before.rss_kib), "+0", BenchTable::count(before.file_descriptors),
		       BenchTable::count(before.mappings)});
	long done = 0;
	for (long checkpoint = cycles / 10; done < cycles; checkpoint *= 10) {
		const long target = std::min(checkpoint, cycles);
		const auto start = Clock::now();
		const long batch = target - done;
		for (; done < target; ++done)
			cycle();
		const double microseconds =
			std::chrono::duration<double, std::micro>(Clock::now() - start).count() / static_cast<double>(batch);
		const ProcessFigures after = measure();
		const long growth = after.rss_kib - before.rss_kib;
		table.add_row({kind, BenchTable::count(done), BenchTable::decimal(microseconds, 1),
			       BenchTable::count(after.rss_kib), (growth >= 0 ? "+" : "") + std::to_string(growth),
			       BenchTable::count(after.file_descriptors), BenchTable::count(after.mappings)});
	}
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 4) {
		std::fprintf(stderr, "usage: %s PATH/test_good.so [INSTANCE_CYCLES [LIBRARY_CYCLES]]\n", argv[0]);
		return 2;
	}
	const long instance_cycles = argc > 2 ? std::atol(argv[2]) : 100'000;
	const long library_cycles = argc > 3 ? std::atol(argv[3]) : 5'000;
	spdlog::set_level(spdlog::level::warn); // the plugin logs every load at info

	try {
		const PluginCopy copy(argv[1]);
		const std::string id = std::filesystem::path(argv[1]).stem().string();
		const PluginLoader loader({copy.directory()});

		BenchTable table({"cycle", "cycles", "us/cycle", "RSS KiB", "RSS growth", "fds", "mappings"});
		{
			const auto library = loader.load(id);
			run_cycles(table, "instance (one library)", instance_cycles, [&] { run_instance(library); });
		}
		run_cycles(table, "dlopen + instance + dlclose", library_cycles, [&] { run_instance(loader.load(id)); });
		table.print("runner process after N create/configure/load/attach/detach/destroy cycles of " + id);
	} catch (const RunnerError &error) {
		std::fprintf(stderr, "plugin-cycle-bench: %s\n%s\n", error.what(), error.details().c_str());
		return 1;
	}
	return 0;
}
