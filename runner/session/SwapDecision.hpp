// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "profile/ResolvedProfile.hpp"

#include <string>
#include <vector>

namespace scxr {

// Whether a reloaded (or switched-to) profile needs another scheduler instance than the one
// running, and why. A swap is needed when the profile names another plugin, when the plugin
// file changed on disk (the resolver then opened a new image), or when any option value
// differs: options go into the BPF program's read-only data, which is fixed once loaded.
// Runner settings (stats) and the restart policy apply without a swap.
struct SwapDecision {
	bool swap = false;
	// One phrase per cause, in this order: "plugin qmap -> simple", "plugin file
	// /usr/lib/.../simple.so changed on disk (version 1.0.0 -> 1.0.1)", "options: slice 20ms
	// -> 5ms".
	std::vector<std::string> reasons;

	// Of the root when given profiles, of one node otherwise. A node that starts or stops
	// hosting children also needs another instance: the plugin loads a hosting form only
	// when placed with children (sched_tree.h). Changes below the node are not its own: a
	// tree's children are reloaded one by one (ChildScheduler::reload).
	static SwapDecision between(const ResolvedProfile &current, const ResolvedProfile &candidate);
	static SwapDecision between(const ResolvedNode &current, const ResolvedNode &candidate);

	// The reasons joined with "; ", or "nothing changed that needs a swap".
	std::string explanation() const;
};

} // namespace scxr
