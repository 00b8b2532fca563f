// SPDX-License-Identifier: GPL-2.0-only
#include "TemporaryDirectory.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace scxr::test {

TemporaryDirectory::TemporaryDirectory()
{
	std::string pattern = (std::filesystem::temp_directory_path() / "scxr-unit-XXXXXX").string();
	std::vector<char> buffer(pattern.begin(), pattern.end());
	buffer.push_back('\0');
	if (!mkdtemp(buffer.data()))
		throw std::runtime_error("mkdtemp failed for " + pattern);
	path_ = buffer.data();
	chmod(path_.c_str(), 0755);
}

TemporaryDirectory::~TemporaryDirectory()
{
	std::error_code ignored;
	// Tests take write permission away from some entries; give it back so removal works.
	for (const auto &entry : std::filesystem::recursive_directory_iterator(path_, ignored))
		if (entry.is_directory(ignored))
			chmod(entry.path().c_str(), 0755);
	std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TemporaryDirectory::write(const std::string &relative, const std::string &content) const
{
	const std::filesystem::path file = path_ / relative;
	std::filesystem::create_directories(file.parent_path());
	std::ofstream(file, std::ios::binary) << content;
	return file;
}

} // namespace scxr::test
