// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <string>
#include <vector>

namespace scxr::bench {

// A table of figures printed with aligned columns: text left-aligned, numbers right-aligned.
class BenchTable {
public:
	explicit BenchTable(std::vector<std::string> headings);

	void add_row(std::vector<std::string> cells);
	void print(const std::string &title) const;

	// Figures as the table shows them: "1234567" -> "1,234,567"; fixed decimals for the rest.
	static std::string count(unsigned long long value);
	static std::string decimal(double value, int decimals);

private:
	std::vector<std::string> headings_;
	std::vector<std::vector<std::string>> rows_;
};

} // namespace scxr::bench
