// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <filesystem>
#include <string>

namespace scxr::test {

// A fresh directory under $TMPDIR (mode 0755 whatever the umask), removed with everything in it
// when the object goes away.
class TemporaryDirectory {
public:
	TemporaryDirectory();
	~TemporaryDirectory();
	TemporaryDirectory(const TemporaryDirectory &) = delete;
	TemporaryDirectory &operator=(const TemporaryDirectory &) = delete;

	const std::filesystem::path &path() const { return path_; }
	// Writes a file (creating parent directories) and returns its path.
	std::filesystem::path write(const std::string &relative, const std::string &content) const;

private:
	std::filesystem::path path_;
};

} // namespace scxr::test
