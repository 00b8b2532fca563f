// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// Generated skeletons and the headers shared with BPF name the kernel's short integer types.
// Include this before any of them.

#include <cstdint>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef int32_t s32;
typedef uint64_t u64;
typedef int64_t s64;

// Arena pointers are plain user addresses once the arena is mapped into this process.
#ifndef __arena
#define __arena
#endif
