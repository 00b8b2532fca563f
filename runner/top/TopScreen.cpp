// SPDX-License-Identifier: GPL-2.0-only
#include "top/TopScreen.hpp"

#include <fmt/format.h>

#include <curses.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace scxr {

namespace {

attr_t attributes(TopLine::Style style)
{
	switch (style) {
	case TopLine::Style::heading: return A_BOLD;
	case TopLine::Style::node: return A_BOLD;
	case TopLine::Style::picked_node: return A_REVERSE | A_BOLD;
	case TopLine::Style::note: return A_DIM;
	case TopLine::Style::normal: break;
	}
	return A_NORMAL;
}

} // namespace

TopScreen::TopScreen() : charset_(Sparkline::for_locale())
{
	// newterm(), not initscr(): initscr() exits the process on a TERM it does not know,
	// before the caller could say what to do instead.
	screen_ = newterm(nullptr, stdout, stdin);
	if (!screen_) {
		const char *term = std::getenv("TERM");
		throw std::runtime_error(fmt::format("cannot drive this terminal (TERM={}: terminfo has no entry for it)",
						     term ? term : "unset"));
	}
	cbreak(); // keys one at a time; Ctrl-C stays a SIGINT
	noecho();
	keypad(stdscr, TRUE); // arrows and Shift-Tab as KEY_* codes
	curs_set(0);
	leaveok(stdscr, TRUE);
}

TopScreen::~TopScreen()
{
	endwin();
	delscreen(screen_);
}

size_t TopScreen::width() const { return static_cast<size_t>(COLS > 0 ? COLS : 0); }

size_t TopScreen::height() const { return static_cast<size_t>(LINES > 0 ? LINES : 0); }

void TopScreen::draw(const std::vector<TopLine> &lines, const std::string &footer)
{
	werase(stdscr);
	const size_t rows = height();
	for (size_t row = 0; row + 1 < rows && row < lines.size(); ++row) {
		const attr_t attribute = attributes(lines[row].style);
		wattrset(stdscr, attribute);
		std::string text = TopLayout::fit(lines[row].text, width(), charset_);
		if (lines[row].style == TopLine::Style::picked_node)
			// The whole row in reverse video, so the pick shows at a glance.
			text.append(width() - TopLayout::display_width(text), ' ');
		mvwaddstr(stdscr, static_cast<int>(row), 0, text.c_str());
		wattrset(stdscr, A_NORMAL);
	}
	if (rows > 0) {
		// One column short of the corner: writing the bottom-right cell scrolls some terminals.
		const std::string text = TopLayout::fit(footer, width() > 0 ? width() - 1 : 0, charset_);
		wattrset(stdscr, A_REVERSE);
		mvwaddstr(stdscr, static_cast<int>(rows - 1), 0, text.c_str());
		wattrset(stdscr, A_NORMAL);
	}
	wrefresh(stdscr);
}

TopScreen::Key TopScreen::wait_key(std::chrono::milliseconds timeout)
{
	wtimeout(stdscr, static_cast<int>(timeout.count()));
	switch (wgetch(stdscr)) {
	case 'q':
	case 'Q': return Key::quit;
	case 'p':
	case 'P':
	case ' ': return Key::pause;
	case '\t':
	case KEY_DOWN: return Key::next;
	case KEY_UP:
	case KEY_BTAB: return Key::previous;
	case 'r':
	case 'R': return Key::refresh;
	case KEY_RESIZE: return Key::resize;
	default: return Key::none;
	}
}

} // namespace scxr
