// SPDX-License-Identifier: GPL-2.0-only
#include "BenchTable.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace scxr::bench {

namespace {

bool looks_numeric(const std::string &cell)
{
	return !cell.empty() && (std::isdigit(static_cast<unsigned char>(cell.front())) || cell.front() == '-' ||
				 cell.front() == '+');
}

} // namespace

BenchTable::BenchTable(std::vector<std::string> headings) : headings_(std::move(headings)) {}

void BenchTable::add_row(std::vector<std::string> cells)
{
	cells.resize(headings_.size());
	rows_.push_back(std::move(cells));
}

void BenchTable::print(const std::string &title) const
{
	std::vector<size_t> widths;
	for (const std::string &heading : headings_)
		widths.push_back(heading.size());
	for (const auto &row : rows_)
		for (size_t column = 0; column < row.size(); ++column)
			widths[column] = std::max(widths[column], row[column].size());

	std::printf("\n%s\n", title.c_str());
	auto print_row = [&](const std::vector<std::string> &cells, bool heading) {
		for (size_t column = 0; column < cells.size(); ++column) {
			const int width = static_cast<int>(widths[column]);
			const bool right = column > 0 && (heading || looks_numeric(cells[column]));
			std::printf("  ");
			std::printf(right ? "%*s" : "%-*s", width, cells[column].c_str());
		}
		std::printf("\n");
	};
	print_row(headings_, true);
	for (const auto &row : rows_)
		print_row(row, false);
	std::fflush(stdout);
}

std::string BenchTable::count(unsigned long long value)
{
	const std::string digits = std::to_string(value);
	std::string grouped;
	for (size_t index = 0; index < digits.size(); ++index) {
		if (index > 0 && (digits.size() - index) % 3 == 0)
			grouped += ',';
		grouped += digits[index];
	}
	return grouped;
}

std::string BenchTable::decimal(double value, int decimals)
{
	char text[64];
	std::snprintf(text, sizeof(text), "%.*f", decimals, value);
	return text;
}

} // namespace scxr::bench
