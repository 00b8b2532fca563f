// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "top/Sparkline.hpp"
#include "top/TopModel.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace scxr {

// One line `scx-runner top` shows, cut to the width it was laid out for, and how it looks.
struct TopLine {
	enum class Style {
		normal,
		heading,     // the runner's facts
		node,        // a node's title
		picked_node, // the picked node's title (reverse video on a terminal)
		note,        // what is left out, what is awaited
	};
	std::string text;
	Style style = Style::normal;

	bool operator==(const TopLine &) const = default;
};

// Lays a TopModel out as lines of at most settings.width columns (never wrapped: cut, with an
// ellipsis), for the terminal (TopScreen) and for the plain text printed when stdout is not
// one. The same lines serve both, so the two show the same thing:
//
//   scx-runner pid 812: /etc/scx-runner/tree.toml
//   attached, sched_ext enabled, up 1m 3s, swaps 0 (0 failed), restarts 0
//   > root: qmap (kernel: qmap)
//       dispatched          45662/s ▁▂▃▅▇█▇▆  enqueued            45662/s ▁▂▃▅▇█▇▆
//       ...
//     a: qmap on /sys/fs/cgroup/a (kernel: qmap)
//       enqueued              120/s ___.-=#=  dispatched            120/s ___.-=#=
//
// Each node shows its stats as cells (name, value, sparkline), as many per row as fit: the
// counters with the highest rates first (value/s), then the gauges. On a terminal the picked
// node shows all of its stats and the others their key_stats first ones, shrinking to fit
// the height; the plain text shows key_stats of every node.
class TopLayout {
public:
	struct Settings {
		size_t width = 80;
		size_t height = 0; // 0: as many lines as there are (plain text)
		Sparkline::Charset charset = Sparkline::Charset::ascii;
		bool picking = true;  // mark the picked node and show all its stats
		size_t key_stats = 4; // per node, apart from the picked one
		std::string prefix;   // before the first line (plain text: the time of day)
	};

	// A stat's cell: name, value, sparkline.
	static constexpr size_t kNameWidth = 18;
	static constexpr size_t kValueWidth = 8;
	static constexpr size_t kSparklineWidth = 8;
	static constexpr size_t kCellWidth = kNameWidth + 1 + kValueWidth + 1 + kSparklineWidth;

	static std::vector<TopLine> lines(const TopModel &model, const Settings &settings);

	// The columns text takes on a terminal: one per character (the layout's own characters
	// are all one column wide; wider ones in a cgroup's name only cut a line early).
	static size_t display_width(std::string_view text);
	// text cut to width columns, its last one an ellipsis when something was cut.
	static std::string fit(std::string_view text, size_t width, Sparkline::Charset charset);
};

} // namespace scxr
