// SPDX-License-Identifier: GPL-2.0-only
#include "session/SwapDecision.hpp"

#include <fmt/format.h>

namespace scxr {

namespace {

std::string describe_option_changes(const ResolvedProfile &current, const ResolvedProfile &candidate,
				    const std::vector<std::string> &names)
{
	std::string text;
	for (const std::string &name : names) {
		const OptionSettings::Setting *before = current.root.options.find(name);
		const OptionSettings::Setting *after = candidate.root.options.find(name);
		const std::string was = before ? OptionSettings::format(*before, current.root.plugin->schema()) : "(none)";
		const std::string now = after ? OptionSettings::format(*after, candidate.root.plugin->schema()) : "(none)";
		text += fmt::format("{}{} {} -> {}", text.empty() ? "" : ", ", name, was, now);
	}
	return text;
}

} // namespace

SwapDecision SwapDecision::between(const ResolvedProfile &current, const ResolvedProfile &candidate)
{
	SwapDecision decision;
	if (current.root.plugin->id() != candidate.root.plugin->id()) {
		decision.reasons.push_back(fmt::format("plugin {} -> {}", current.root.plugin->id(), candidate.root.plugin->id()));
		decision.swap = true;
		// Another plugin's options are not comparable with these.
		return decision;
	}
	if (current.root.plugin != candidate.root.plugin) {
		std::string versions = current.root.plugin->version() == candidate.root.plugin->version()
					       ? fmt::format("version {} unchanged", candidate.root.plugin->version())
					       : fmt::format("version {} -> {}", current.root.plugin->version(),
							     candidate.root.plugin->version());
		decision.reasons.push_back(
			fmt::format("plugin file {} changed on disk ({})", candidate.root.plugin->path().string(), versions));
		decision.swap = true;
	}
	const std::vector<std::string> changed = current.root.options.differences(candidate.root.options);
	if (!changed.empty()) {
		decision.reasons.push_back("options: " + describe_option_changes(current, candidate, changed));
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
