// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "top/Sparkline.hpp"
#include "top/TopLayout.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

// ncurses' screen type, named here so that only TopScreen.cpp includes <curses.h> (its macros,
// such as `timeout` and `erase`, would clash with names elsewhere).
struct screen;

namespace scxr {

// The terminal `scx-runner top` draws on, through ncurses: whole lines laid out by TopLayout
// (bold headings, the picked node in reverse video), a footer of keys on the last row, keys
// read with a time limit. No mouse and no colours: it must work the same over ssh, in tmux and
// on a serial console, with whatever TERM they set. ncurses handles resizes (SIGWINCH) and
// reports them as a key.
//
// One at a time, on the thread that made it; the destructor gives the terminal back as it was.
class TopScreen {
public:
	enum class Key { none, quit, pause, next, previous, refresh, resize };

	// Takes over the terminal on stdin/stdout. Throws std::runtime_error naming TERM when
	// ncurses cannot drive it (terminfo does not know it).
	TopScreen();
	~TopScreen();
	TopScreen(const TopScreen &) = delete;
	TopScreen &operator=(const TopScreen &) = delete;

	size_t width() const;
	size_t height() const;
	// What the locale can show: the block characters in a UTF-8 one.
	Sparkline::Charset charset() const { return charset_; }

	// Draws lines from the top and footer on the last row; what does not fit is left out.
	void draw(const std::vector<TopLine> &lines, const std::string &footer);
	// The next key within timeout (Key::none when none came, or a signal interrupted).
	Key wait_key(std::chrono::milliseconds timeout);

private:
	struct screen *screen_ = nullptr;
	Sparkline::Charset charset_;
};

} // namespace scxr
