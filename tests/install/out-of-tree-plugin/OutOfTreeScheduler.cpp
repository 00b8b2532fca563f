// SPDX-License-Identifier: GPL-2.0-only
#include "OutOfTreeScheduler.hpp"

#include <scx_runner/sdk/PluginError.hpp>

namespace out_of_tree {

using scxr::sdk::PluginError;

// OptionValues lives in the SDK's static library: calling it proves that library links.
void OutOfTreeScheduler::configure(const scxr::sdk::OptionValues &options)
{
	slice_ns_ = options.get_duration_ns("slice");
	greeting_ = options.get_string("greeting");
	host().info("out_of_tree configured: slice " + std::to_string(slice_ns_) + " ns, greeting '" +
		    greeting_ + "'");
}

void OutOfTreeScheduler::load()
{
	throw PluginError(SCXR_ERR_KERNEL_UNSUPPORTED,
			  "out_of_tree has no BPF scheduler to load: it only tests building plugins "
			  "against an installed scx-runner");
}

// The SDK calls these only after a successful load(), which never happens.
void OutOfTreeScheduler::attach() { throw PluginError(SCXR_ERR_STATE, "out_of_tree is never loaded"); }
void OutOfTreeScheduler::detach() { throw PluginError(SCXR_ERR_STATE, "out_of_tree is never attached"); }
scxr::sdk::ExitReport OutOfTreeScheduler::poll() { return {}; }

void OutOfTreeScheduler::stats(scxr::sdk::StatValues &values) { values.set("slice_ns", slice_ns_); }

std::string OutOfTreeScheduler::dump() { return "greeting: " + greeting_ + "\n"; }

} // namespace out_of_tree
