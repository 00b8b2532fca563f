// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "base/RunnerError.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scxr {

// Reads what libbpf printed while a scheduler failed to load and says why, in the words a
// user needs: the verifier's complaint with the log tail, or the kfunc or struct_ops member
// this kernel does not have in the form the plugin was built for.
class LoadDiagnosis {
public:
	enum class Kind {
		unknown,            // nothing recognisable; keep the plugin's own error
		verifier_rejection, // the verifier log between libbpf's PROG LOAD LOG markers
		kernel_mismatch,    // a kfunc, ksym or struct_ops member differs from the kernel's
	};

	static LoadDiagnosis analyse(std::string_view libbpf_output);

	Kind kind() const { return kind_; }
	// The verifier's error line ("R7 invalid mem access 'scalar'") or the mismatch, in words.
	const std::string &hint() const { return hint_; }
	// The program the verifier rejected, when libbpf named it.
	const std::string &program() const { return program_; }
	const std::vector<std::string> &verifier_log() const { return verifier_log_; }
	// The last line_count lines of the verifier log, indented, one per line. When the kernel
	// added its report in prose, the line_count lines up to the complaint and the report's
	// verdict, reason and location instead.
	std::string verifier_log_tail(size_t line_count) const;

	// The error to report for a failed load: original (the plugin's error) refined by what
	// libbpf said. full_log prints the whole verifier log instead of its tail.
	RunnerError explain(const RunnerError &original, const std::string &plugin_id, const std::string &kernel_release,
			    bool full_log) const;

	static constexpr size_t kTailLines = 20;

private:
	void find_verifier_log(const std::vector<std::string> &lines);
	void find_mismatch(const std::vector<std::string> &lines);
	std::vector<std::string> tail_lines(size_t line_count) const;

	Kind kind_ = Kind::unknown;
	std::string hint_;
	std::string program_;
	std::vector<std::string> verifier_log_;
	std::optional<size_t> report_begin_; // where the kernel's prose report starts, if it wrote one
	std::vector<std::string> other_lines_; // libbpf's last words when nothing matched
};

} // namespace scxr
