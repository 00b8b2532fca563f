// SPDX-License-Identifier: GPL-2.0-only
#include "session/SwapDecision.hpp"

#include <fmt/format.h>

namespace scxr {

namespace {

std::string describe_option_changes(const ResolvedNode &current, const ResolvedNode &candidate,
				    const std::vector<std::string> &names)
{
	std::string text;
	for (const std::string &name : names) {
		const OptionSettings::Setting *before = current.options.find(name);
		const OptionSettings::Setting *after = candidate.options.find(name);
		const std::string was = before ? OptionSettings::format(*before, current.plugin->schema()) : "(none)";
		const std::string now = after ? OptionSettings::format(*after, candidate.plugin->schema()) : "(none)";
		text += fmt::format("{}{} {} -> {}", text.empty() ? "" : ", ", name, was, now);
	}
	return text;
}

} // namespace

SwapDecision SwapDecision::between(const ResolvedProfile &current, const ResolvedProfile &candidate)
{
	return between(current.root, candidate.root);
}

SwapDecision SwapDecision::between(const ResolvedNode &current, const ResolvedNode &candidate)
{
	SwapDecision decision;
	if (current.plugin->id() != candidate.plugin->id()) {
		decision.reasons.push_back(fmt::format("plugin {} -> {}", current.plugin->id(), candidate.plugin->id()));
		decision.swap = true;
		// Another plugin's options are not comparable with these.
		return decision;
	}
	if (current.plugin != candidate.plugin) {
		std::string versions = current.plugin->version() == candidate.plugin->version()
					       ? fmt::format("version {} unchanged", candidate.plugin->version())
					       : fmt::format("version {} -> {}", current.plugin->version(),
							     candidate.plugin->version());
		decision.reasons.push_back(
			fmt::format("plugin file {} changed on disk ({})", candidate.plugin->path().string(), versions));
		decision.swap = true;
	}
	const std::vector<std::string> changed = current.options.differences(candidate.options);
	if (!changed.empty()) {
		decision.reasons.push_back("options: " + describe_option_changes(current, candidate, changed));
		decision.swap = true;
	}
	if (current.children.empty() != candidate.children.empty()) {
		decision.reasons.push_back(fmt::format("child schedulers: {} -> {}", current.children.size(),
						       candidate.children.size()));
		decision.swap = true;
	}
	return decision;
}

std::string SwapDecision::explanation() const
{
	if (reasons.empty())
		return "nothing changed that needs a swap";
	std::string text;
	for (const std::string &reason : reasons)
		text += (text.empty() ? "" : "; ") + reason;
	return text;
}

} // namespace scxr
