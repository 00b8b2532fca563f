// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstddef>
#include <string>

namespace scxr {

// Reads every profile file the runner reads: the one given, `switch` targets, fallbacks and
// `--watch` targets all come through here, so all of them get the same bounds.
//
// The runner runs as root and a profile path can come from a control request, so reading one
// must never block or eat memory: a FIFO would wait forever for a writer, /dev/zero (or a link
// to it) never ends, and a huge file only costs memory before the parser rejects it. Only a
// regular file (or a symlink to one) of at most kMaxBytes is read. The file is opened
// without blocking, then judged by fstat on that very descriptor, so what is checked is what is
// read, even if the path is replaced in between.
class ProfileFileReader {
public:
	// A profile is a few hundred bytes; a megabyte leaves room for comments without letting a
	// mistaken path (a log, an image) be parsed.
	static constexpr size_t kMaxBytes = 1024 * 1024;

	// The whole text of the file at path. Throws ProfileError (exit 2) naming the file, what
	// it is, and the limit when it is too large.
	static std::string read(const std::string &path);
};

} // namespace scxr
