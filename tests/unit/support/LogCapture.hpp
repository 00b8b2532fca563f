// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <string>

namespace scxr::test {

// Everything the code under test logs through spdlog, collected per test case (a Catch2
// listener installs the logger and clears the text before each test case).
class LogCapture {
public:
	static std::string text();
	static void clear();
};

} // namespace scxr::test
