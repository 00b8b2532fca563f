// SPDX-License-Identifier: GPL-2.0-only
// test_throwing: a plugin whose Scheduler methods throw ordinary C++ exceptions (not
// PluginError), to show the SDK's thunks stop them at the ABI boundary and the runner reports
// them as internal errors with the exception's text. Built twice: test_throwing.so, and
// test_create_throws.so (TEST_THROWING_IN_CONSTRUCTOR), whose scheduler's constructor throws, so
// create() fails with a reason.
#include <scx_runner/sdk/Entry.hpp>
#include <scx_runner/sdk/Options.hpp>
#include <scx_runner/sdk/PluginError.hpp>

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
	explicit ThrowingScheduler(const Host &host) : Scheduler(host)
	{
#ifdef TEST_THROWING_IN_CONSTRUCTOR
		throw PluginError(SCXR_ERR_PERMISSION, "fake create failure: this scheduler cannot be created");
#endif
	}

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
	void stats(StatValues &) override { maybe_throw("stats"); }
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

#ifndef TEST_THROWING_ID
#define TEST_THROWING_ID "test_throwing"
#endif

constexpr PluginInfo kInfo{TEST_THROWING_ID, "0.1.0", "throws C++ exceptions from its calls", kOptions, {}, {}};

} // namespace

extern "C" SCXR_PLUGIN_EXPORT const scxr_plugin_entry scx_runner_plugin_entry = make_entry<ThrowingScheduler, kInfo>();
