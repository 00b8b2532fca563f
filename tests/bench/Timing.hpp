// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <chrono>
#include <cstdint>

namespace scxr::bench {

struct Timing {
	uint64_t calls = 0;
	double nanoseconds_per_call = 0;

	double calls_per_second() const { return nanoseconds_per_call > 0 ? 1e9 / nanoseconds_per_call : 0; }
};

// Keeps the compiler from dropping a computation whose result the benchmark does not use.
template <typename T>
inline void keep(const T &value)
{
	asm volatile("" : : "r,m"(value) : "memory");
}

// Calls body in batches that double until one batch takes at least min_time, and reports the
// cost of one call in that batch; the short batches before it warm caches and the allocator.
template <typename Body>
Timing time_calls(Body &&body, std::chrono::milliseconds min_time = std::chrono::milliseconds(300))
{
	using Clock = std::chrono::steady_clock;
	for (uint64_t batch = 1;; batch *= 2) {
		const auto start = Clock::now();
		for (uint64_t call = 0; call < batch; ++call)
			body();
		const auto elapsed = Clock::now() - start;
		if (elapsed >= min_time || batch >= (1ull << 40)) {
			const double nanoseconds = std::chrono::duration<double, std::nano>(elapsed).count();
			return Timing{batch, nanoseconds / static_cast<double>(batch)};
		}
	}
}

} // namespace scxr::bench
