// SPDX-License-Identifier: GPL-2.0-only
// test_throwing: a plugin whose Scheduler methods throw ordinary C++ exceptions (not
// PluginError), to show the SDK's thunks stop them at the ABI boundary and the runner reports
// them as internal errors with the exception's text.
#include <scx_runner/sdk/Entry.hpp>
#include <scx_runner/sdk/Options.hpp>

#include <new>
#include <stdexcept>
#include <string>

namespace {

using namespace scxr::sdk;

constexpr const char *kCalls[] = {"configure", "load", "attach", "poll", "stats", "dump", nullptr};
constexpr const char *kKinds[] = {"runtime_error", "bad_alloc", "integer", nullptr};

constexpr scxr_option_desc kOptions[] = {
	option::enumeration("throw_in", "the call that throws", kCalls, "load"),
	option::enumeration("throw_what", "what it throws", kKinds, "runtime_error"),
};

class ThrowingScheduler : public Scheduler {
public:
	using Scheduler::Scheduler;

	void configure(const OptionValues &options) override
	{
		throw_in_ = options.get_string("throw_in");
		throw_what_ = options.get_string("throw_what");
		maybe_throw("configure");
	}
	void load() override { maybe_throw("load"); }
	void attach() override { maybe_throw("attach"); }
	void detach() override {}
	ExitReport poll() override
	{
		maybe_throw("poll");
		return {};
	}
	std::vector<StatRow> stats() override
	{
		maybe_throw("stats");
		return {};
	}
	std::string dump() override
	{
		maybe_throw("dump");
		return {};
	}

private:
	void maybe_throw(const char *call) const
	{
		if (throw_in_ != call)
			return;
		if (throw_what_ == "bad_alloc")
			throw std::bad_alloc();
		if (throw_what_ == "integer")
			throw 42;
		throw std::runtime_error(std::string("fake exception in ") + call);
	}

	std::string throw_in_;
	std::string throw_what_;
};

} // namespace

extern "C" SCXR_PLUGIN_EXPORT const scxr_plugin_entry scx_runner_plugin_entry = scxr::sdk::make_entry<ThrowingScheduler>(
	{"test_throwing", "0.1.0", "throws C++ exceptions from its calls", kOptions, {}});
