// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstdint>

namespace scxr::bench {

// Counts what this process allocates through operator new (AllocationCounter.cpp replaces the
// global operator new for the benchmark programs that link it).
class AllocationCounter {
public:
	struct Totals {
		uint64_t allocations = 0;
		uint64_t bytes = 0;
	};

	// Starts counting from now.
	AllocationCounter();
	// What was allocated since construction (frees are not subtracted).
	Totals since_start() const;

	static Totals now();

private:
	Totals start_;
};

} // namespace scxr::bench
