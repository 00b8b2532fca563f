// SPDX-License-Identifier: GPL-2.0-only
#include "AllocationCounter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<uint64_t> allocations{0};
std::atomic<uint64_t> allocated_bytes{0};

void *counted_allocation(std::size_t size) noexcept
{
	allocations.fetch_add(1, std::memory_order_relaxed);
	allocated_bytes.fetch_add(size, std::memory_order_relaxed);
	return std::malloc(size == 0 ? 1 : size);
}

} // namespace

// The replaceable allocation functions without alignment; the default operator delete frees
// with free(), which matches malloc() here.
void *operator new(std::size_t size)
{
	if (void *memory = counted_allocation(size))
		return memory;
	throw std::bad_alloc();
}

void *operator new[](std::size_t size)
{
	if (void *memory = counted_allocation(size))
		return memory;
	throw std::bad_alloc();
}

void *operator new(std::size_t size, const std::nothrow_t &) noexcept { return counted_allocation(size); }
void *operator new[](std::size_t size, const std::nothrow_t &) noexcept { return counted_allocation(size); }

namespace scxr::bench {

AllocationCounter::AllocationCounter() : start_(now()) {}

AllocationCounter::Totals AllocationCounter::since_start() const
{
	const Totals current = now();
	return Totals{current.allocations - start_.allocations, current.bytes - start_.bytes};
}

AllocationCounter::Totals AllocationCounter::now()
{
	return Totals{allocations.load(std::memory_order_relaxed), allocated_bytes.load(std::memory_order_relaxed)};
}

} // namespace scxr::bench
