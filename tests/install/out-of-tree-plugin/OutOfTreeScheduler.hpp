// SPDX-License-Identifier: GPL-2.0-only
#pragma once

// A scheduler plugin with options but without a BPF program: enough to prove that the installed
// ABI header, SDK headers and SDK library build a plugin the installed runner accepts
// (listing, profile validation). load() says plainly that there is nothing to load.

#include <scx_runner/sdk/Scheduler.hpp>

#include <cstdint>
#include <string>

namespace out_of_tree {

class OutOfTreeScheduler : public scxr::sdk::Scheduler {
public:
	explicit OutOfTreeScheduler(const scxr::sdk::Host &host) : Scheduler(host) {}

	void configure(const scxr::sdk::OptionValues &options) override;
	void load() override;
	void attach() override;
	void detach() override;
	scxr::sdk::ExitReport poll() override;
	void stats(scxr::sdk::StatValues &values) override;
	std::string dump() override;

private:
	uint64_t slice_ns_ = 0;
	std::string greeting_;
};

} // namespace out_of_tree
