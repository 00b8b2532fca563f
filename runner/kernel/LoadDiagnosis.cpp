// SPDX-License-Identifier: GPL-2.0-only
#include "kernel/LoadDiagnosis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

namespace scxr {

namespace {

constexpr std::string_view kBeginMarker = "-- BEGIN PROG LOAD LOG --";
constexpr std::string_view kEndMarker = "-- END PROG LOAD LOG --";
constexpr std::string_view kReportMarker = "Verification failed:";
// Sections of the kernel's report that trace back to causes; the tail leaves them to -v.
constexpr std::string_view kReportBackTrace = "Causal path:";

std::vector<std::string> split_lines(std::string_view text)
{
	std::vector<std::string> lines;
	size_t start = 0;
	while (start < text.size()) {
		size_t end = text.find('\n', start);
		if (end == std::string_view::npos)
			end = text.size();
		lines.emplace_back(text.substr(start, end - start));
		start = end + 1;
	}
	return lines;
}

// Lines of a verifier log that describe state rather than the failure: instructions
// ("12: (7b) *(u64 *)(r7 +0) = r1"), register states, source lines, the closing statistics.
bool is_verifier_noise(const std::string &line)
{
	static const std::regex noise(
		R"(^\s*$|^\d+: |^\d+:\s*$|^; |^processed \d+ insns|^verification time|^stack depth|^mark_precise|^from \d+ to \d+|^func#\d+|^last_idx|^regs=|^\s*R\d+(_\w+)?=|^Validating |^Func#|^-- )");
	return std::regex_search(line, noise);
}

} // namespace

LoadDiagnosis LoadDiagnosis::analyse(std::string_view libbpf_output)
{
	LoadDiagnosis diagnosis;
	const std::vector<std::string> lines = split_lines(libbpf_output);
	// A kfunc mismatch stops libbpf before anything reaches the verifier, so it explains the
	// failure better than any verifier log that might also be there.
	diagnosis.find_mismatch(lines);
	if (diagnosis.kind_ == Kind::unknown)
		diagnosis.find_verifier_log(lines);
	if (diagnosis.kind_ == Kind::unknown) {
		const size_t keep = std::min<size_t>(lines.size(), 10);
		diagnosis.other_lines_.assign(lines.end() - static_cast<std::ptrdiff_t>(keep), lines.end());
	}
	return diagnosis;
}

void LoadDiagnosis::find_mismatch(const std::vector<std::string> &lines)
{
	struct Pattern {
		std::regex expression;
		const char *explanation; // {} is the first capture
	};
	static const Pattern patterns[] = {
		{std::regex(R"(extern \(func ksym\) '([^']+)': func_proto .* incompatible with)"),
		 "kfunc {} has a different signature in this kernel"},
		{std::regex(R"(extern \(func ksym\) '([^']+)': not found in kernel)"), "kfunc {} does not exist in this kernel"},
		{std::regex(R"(extern \(var ksym\) '([^']+)': not found in kernel)"),
		 "kernel symbol {} does not exist in this kernel"},
		{std::regex(R"(extern \(var ksym\) '([^']+)': incompatible types)"),
		 "kernel symbol {} has a different type in this kernel"},
		{std::regex(R"(struct_ops init_kern: struct (\S+) is not found in kernel BTF)"),
		 "struct {} does not exist in this kernel"},
		{std::regex(R"(struct_ops init_kern \S+: Cannot find member (\S+) in kernel BTF)"),
		 "struct_ops member {} does not exist in this kernel"},
		{std::regex(R"(struct_ops init_kern \S+: Unmatched member type (\S+))"),
		 "struct_ops member {} has a different type in this kernel"},
		{std::regex(R"(struct_ops init_kern \S+: Error in size of member (\S+):)"),
		 "struct_ops member {} has a different size in this kernel"},
	};
	for (const std::string &line : lines) {
		// Verifier logs run to many thousands of lines: only try the patterns on lines that
		// can match.
		if (line.find("extern (") == std::string::npos && line.find("struct_ops init_kern") == std::string::npos)
			continue;
		for (const Pattern &pattern : patterns) {
			std::smatch match;
			if (std::regex_search(line, match, pattern.expression)) {
				kind_ = Kind::kernel_mismatch;
				hint_ = fmt::format(fmt::runtime(pattern.explanation), match[1].str());
				return;
			}
		}
	}
}

void LoadDiagnosis::find_verifier_log(const std::vector<std::string> &lines)
{
	static const std::regex begin_line(R"(prog '([^']+)': -- BEGIN PROG LOAD LOG --)");
	// The last log is the one that failed: libbpf stops at the first rejected program.
	auto begin = std::find_if(lines.rbegin(), lines.rend(),
				  [](const std::string &line) { return line.find(kBeginMarker) != std::string::npos; });
	if (begin == lines.rend())
		return;
	std::smatch match;
	if (std::regex_search(*begin, match, begin_line))
		program_ = match[1].str();
	for (auto line = begin.base(); line != lines.end(); ++line) {
		const size_t end = line->find(kEndMarker);
		if (end != std::string::npos) {
			if (end > 0)
				verifier_log_.push_back(line->substr(0, end));
			break;
		}
		verifier_log_.push_back(*line);
	}
	kind_ = Kind::verifier_rejection;
	// Newer kernels (7.3) follow the classic one-line complaint with a report in prose
	// ("Verification failed: ...", "Reason:", "At:", "Causal path:", "Suggestion:"). The
	// complaint is still the last line that is not noise before that report.
	const auto report = std::find_if(verifier_log_.begin(), verifier_log_.end(), [](const std::string &line) {
		return line.starts_with(kReportMarker);
	});
	if (report != verifier_log_.end())
		report_begin_ = static_cast<size_t>(report - verifier_log_.begin());
	const auto before_report = std::make_reverse_iterator(report);
	auto error_line = std::find_if(before_report, verifier_log_.rend(),
				       [](const std::string &line) { return !is_verifier_noise(line); });
	hint_ = error_line != verifier_log_.rend() ? *error_line : "the verifier log gives no reason";
}

std::vector<std::string> LoadDiagnosis::tail_lines(size_t line_count) const
{
	if (!report_begin_) {
		const size_t keep = std::min(line_count, verifier_log_.size());
		return {verifier_log_.end() - static_cast<std::ptrdiff_t>(keep), verifier_log_.end()};
	}
	// The instructions up to the complaint, then the report's verdict, reason and location.
	const size_t begin = *report_begin_;
	const size_t keep = std::min(line_count, begin);
	std::vector<std::string> lines(verifier_log_.begin() + static_cast<std::ptrdiff_t>(begin - keep),
				       verifier_log_.begin() + static_cast<std::ptrdiff_t>(begin));
	for (size_t index = begin; index < verifier_log_.size() && index < begin + line_count; ++index) {
		if (verifier_log_[index].starts_with(kReportBackTrace))
			break;
		lines.push_back(verifier_log_[index]);
	}
	while (!lines.empty() && lines.back().find_first_not_of(" \t") == std::string::npos)
		lines.pop_back();
	return lines;
}

std::string LoadDiagnosis::verifier_log_tail(size_t line_count) const
{
	std::string tail;
	for (const std::string &line : tail_lines(line_count))
		tail += "  " + line + "\n";
	return tail;
}

RunnerError LoadDiagnosis::explain(const RunnerError &original, const std::string &plugin_id,
				   const std::string &kernel_release, bool full_log) const
{
	switch (kind_) {
	case Kind::kernel_mismatch:
		return RunnerError(ExitCode::kernel_feature_missing,
				   fmt::format("kernel too old or too new for plugin '{}': {} (kernel {})", plugin_id, hint_,
					       kernel_release),
				   fmt::format("{}\nhint: run a kernel this plugin was built for, or rebuild the plugin "
					       "against this kernel's vmlinux.h",
					       original.what()));
	case Kind::verifier_rejection: {
		const std::vector<std::string> shown = full_log ? verifier_log_ : tail_lines(kTailLines);
		std::string details = fmt::format("verifier log{} ({} of {} lines{}):\n",
						  program_.empty() ? "" : fmt::format(" of program '{}'", program_),
						  shown.size(), verifier_log_.size(), full_log ? "" : "; -v prints all of it");
		for (const std::string &line : shown)
			details += "  " + line + "\n";
		details += original.what();
		return RunnerError(ExitCode::verifier_rejected,
				   fmt::format("the kernel's verifier rejected plugin '{}'{}: {}", plugin_id,
					       program_.empty() ? "" : fmt::format(" (program '{}')", program_), hint_),
				   details);
	}
	case Kind::unknown: break;
	}
	std::string details = original.details();
	if (!other_lines_.empty()) {
		details += details.empty() || details.back() == '\n' ? "" : "\n";
		details += "libbpf said:\n";
		for (const std::string &line : other_lines_)
			details += "  " + line + "\n";
	}
	return RunnerError(original.code(), original.what(), details);
}

} // namespace scxr
