// SPDX-License-Identifier: GPL-2.0-only
#include "plugin/PluginInstance.hpp"

#include "base/RunnerError.hpp"

#include <scx_runner/exit_event.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace scxr {

namespace {

const char *status_name(scxr_status status)
{
	switch (status) {
	case SCXR_OK: return "ok";
	case SCXR_ERR_INVALID_ARGUMENT: return "invalid argument";
	case SCXR_ERR_STATE: return "wrong state";
	case SCXR_ERR_KERNEL_UNSUPPORTED: return "kernel unsupported";
	case SCXR_ERR_VERIFIER: return "verifier rejected";
	case SCXR_ERR_ATTACH: return "attach refused";
	case SCXR_ERR_BUSY: return "busy";
	case SCXR_ERR_PERMISSION: return "permission denied";
	case SCXR_ERR_NO_MEMORY: return "out of memory";
	case SCXR_ERR_INTERNAL: return "internal error";
	}
	return "unknown status";
}

// A plugin built with the SDK never throws across the ABI; one written by hand might. That is
// undefined in C, but where the compiler lets it through we turn it into an internal error
// instead of letting it unwind through the runner.
template <typename Call>
scxr_status call_plugin(const std::string &id, const char *what, Call &&call)
{
	try {
		return call();
	} catch (...) {
		spdlog::error("[{}] threw a C++ exception out of {}() (a plugin bug)", id, what);
		return SCXR_ERR_INTERNAL;
	}
}

} // namespace

ExitCode PluginInstance::exit_code_for(scxr_status status, const std::string &call)
{
	switch (status) {
	case SCXR_OK: return ExitCode::ok;
	case SCXR_ERR_INVALID_ARGUMENT:
		return call == "configure" || call == "place" ? ExitCode::bad_profile : ExitCode::internal;
	case SCXR_ERR_KERNEL_UNSUPPORTED: return ExitCode::kernel_feature_missing;
	case SCXR_ERR_VERIFIER: return ExitCode::verifier_rejected;
	case SCXR_ERR_ATTACH: return ExitCode::attach_refused;
	case SCXR_ERR_BUSY: return ExitCode::scheduler_busy;
	case SCXR_ERR_PERMISSION: return ExitCode::permission;
	case SCXR_ERR_STATE:
	case SCXR_ERR_NO_MEMORY:
	case SCXR_ERR_INTERNAL: return ExitCode::internal;
	}
	return ExitCode::internal;
}

PluginInstance::PluginInstance(std::shared_ptr<const PluginLibrary> library)
	: library_(std::move(library)), id_(library_->id())
{
	scxr_host host{};
	host.struct_size = sizeof(host);
	host.abi_major = SCXR_ABI_MAJOR;
	host.abi_minor = SCXR_ABI_MINOR;
	host.log = &PluginInstance::log_from_plugin;
	host.log_context = this;
	host.setting_stride = sizeof(scxr_option_setting);
	const scxr_plugin_entry &entry = library_->entry();
	const scxr_status status = call_plugin(id_, "create", [&] { return entry.create(&host, &handle_); });
	if (status == SCXR_OK && handle_) {
		spdlog::debug("[{}] instance created", id_);
		return;
	}
	std::string reason = status == SCXR_OK ? "it returned no instance" : status_name(status);
	// A 1.1 plugin may hand back a failed instance that says why; a 1.0 plugin's contract is
	// NULL on failure, so anything else from it is not touched.
	if (status != SCXR_OK && handle_ && library_->abi_minor() >= 1) {
		if (const std::string message = last_error(); !message.empty())
			reason = message;
		call_plugin(id_, "destroy", [&] {
			entry.destroy(handle_);
			return SCXR_OK;
		});
	}
	handle_ = nullptr;
	throw RunnerError(status == SCXR_OK ? ExitCode::internal : exit_code_for(status, "create"),
			  fmt::format("plugin '{}' could not create a scheduler instance: {}", id_, reason));
}

PluginInstance::~PluginInstance()
{
	if (!handle_)
		return;
	// destroy() detaches an attached scheduler itself; detaching here first keeps the order
	// visible in the log and never depends on the plugin getting that right.
	detach();
	call_plugin(id_, "destroy", [&] {
		library_->entry().destroy(handle_);
		return SCXR_OK;
	});
	spdlog::debug("[{}] instance destroyed", id_);
}

std::string PluginInstance::last_error() const
{
	try {
		const char *text = library_->entry().last_error(handle_);
		return text ? text : "";
	} catch (...) {
		return "";
	}
}

void PluginInstance::check(scxr_status status, const std::string &call) const
{
	if (status == SCXR_OK)
		return;
	std::string message = last_error();
	if (message.empty())
		message = status_name(status);
	throw RunnerError(exit_code_for(status, call), fmt::format("plugin '{}': {} failed: {}", id_, call, message));
}

void PluginInstance::configure(const OptionSettings &settings)
{
	const std::vector<scxr_option_setting> abi = settings.to_abi();
	check(call_plugin(id_, "configure",
			  [&] { return library_->entry().configure(handle_, abi.data(), abi.size()); }),
	      "configure");
}

void PluginInstance::place(const NodePlace &where)
{
	const scxr_sched_tree_extension *tree = library_->sched_tree();
	if (!tree)
		throw RunnerError(ExitCode::bad_profile,
				  fmt::format("plugin '{}' cannot run in a tree of schedulers (it answers no {} "
					      "extension)",
					      id_, SCXR_SCHED_TREE_EXTENSION));
	const std::string path = where.cgroup_path.string();
	scxr_tree_place abi{};
	abi.struct_size = sizeof(abi);
	abi.depth = where.depth;
	abi.cgroup_id = where.cgroup_id;
	abi.cgroup_path = path.empty() ? nullptr : path.c_str();
	abi.children = where.children;
	check(call_plugin(id_, "place", [&] { return tree->place(handle_, &abi); }), "place");
	spdlog::debug("[{}] placed at depth {}{}, {} child(ren) at first", id_, where.depth,
		      path.empty() ? std::string() : fmt::format(" on {} (cgroup id {})", path, where.cgroup_id),
		      where.children);
}

void PluginInstance::load()
{
	check(call_plugin(id_, "load", [&] { return library_->entry().load(handle_); }), "load");
	// The descriptor lives from load until destroy (exit_event.h): asked for once, not on
	// every turn of the loop.
	exit_event_fd_ = query_exit_event_fd();
}

void PluginInstance::attach()
{
	check(call_plugin(id_, "attach", [&] { return library_->entry().attach(handle_); }), "attach");
	attached_ = true;
}

void PluginInstance::detach()
{
	if (!attached_)
		return;
	// Whatever detach() reports, the instance is no longer usable as attached; destroy()
	// tears down what is left.
	attached_ = false;
	const scxr_status status = call_plugin(id_, "detach", [&] { return library_->entry().detach(handle_); });
	if (status != SCXR_OK)
		spdlog::warn("[{}] detach failed: {}", id_, last_error());
	else
		spdlog::debug("[{}] detached", id_);
}

std::optional<SchedulerExit> PluginInstance::poll()
{
	scxr_exit_report report{};
	report.struct_size = sizeof(report);
	check(call_plugin(id_, "poll", [&] { return library_->entry().poll(handle_, &report); }), "poll");
	if (!report.exited)
		return std::nullopt;
	SchedulerExit exit;
	exit.kind = report.kind;
	exit.exit_code = report.exit_code;
	exit.reason = report.reason ? report.reason : "";
	exit.message = report.message ? report.message : "";
	exit.dump = report.dump ? report.dump : "";
	return exit;
}

std::vector<StatSample> PluginInstance::stats()
{
	std::vector<StatSample> samples;
	refresh_stats(samples);
	return samples;
}

void PluginInstance::refresh_stats(std::vector<StatSample> &samples)
{
	if (library_->abi_minor() >= 1)
		read_stats(samples);
	else
		samples = stats_from_rows();
}

namespace {

// Whether sample already describes stat: then only its value needs to change.
bool describes(const StatSample &sample, const StatDescriptor &stat)
{
	return sample.name == stat.name && sample.kind == stat.kind && sample.group == stat.group &&
	       sample.unit == stat.unit && sample.help == stat.help;
}

} // namespace

void PluginInstance::read_stats(std::vector<StatSample> &samples)
{
	const StatSchema &schema = library_->stat_schema();
	if (schema.empty()) {
		samples.clear();
		return;
	}
	// Zeroed each time, as the header promises the plugin.
	values_.assign(schema.size(), scxr_stat_value{});
	check(call_plugin(id_, "read_stats",
			  [&] {
				  return library_->entry().read_stats(handle_, values_.data(), values_.size(),
								      sizeof(scxr_stat_value));
			  }),
	      "read_stats");
	size_t present = 0;
	for (size_t index = 0; index < schema.size(); ++index) {
		if (values_[index].flags & SCXR_STAT_ABSENT)
			continue;
		const StatValue value = schema.value(index, values_[index].number);
		if (present < samples.size() && describes(samples[present], schema.stats()[index]))
			samples[present].value = value;
		else if (present < samples.size())
			samples[present] = schema.sample(index, value);
		else
			samples.push_back(schema.sample(index, value));
		++present;
	}
	samples.resize(present);
}

std::vector<StatSample> PluginInstance::stats_from_rows()
{
	const scxr_stat *rows = nullptr;
	size_t count = 0;
	check(call_plugin(id_, "stats", [&] { return library_->entry().stats(handle_, &rows, &count); }), "stats");
	std::vector<StatSample> samples;
	if (!rows)
		return samples;
	// The rows resend their names each time; the schema is learnt from the first reading and
	// again only if a later one names other stats.
	if (!rows_schema_.describes(rows, count))
		rows_schema_ = StatSchema::from_rows(rows, count);
	samples.reserve(count);
	for (size_t index = 0; index < count; ++index)
		samples.push_back(rows_schema_.sample(index, rows[index].value));
	return samples;
}

std::string PluginInstance::dump()
{
	std::string text;
	const scxr_write_fn append = [](void *context, const char *piece, size_t length) {
		if (piece)
			static_cast<std::string *>(context)->append(piece, length);
	};
	check(call_plugin(id_, "dump", [&] { return library_->entry().dump(handle_, append, &text); }), "dump");
	return text;
}

int PluginInstance::query_exit_event_fd() const
{
	const auto *extension = static_cast<const scxr_exit_event_extension *>(
		library_->extension(SCXR_EXIT_EVENT_EXTENSION, sizeof(scxr_exit_event_extension)));
	if (!extension || !extension->exit_fd)
		return -1;
	try {
		return std::max(extension->exit_fd(handle_), -1);
	} catch (...) {
		spdlog::error("[{}] threw a C++ exception out of exit_fd() (a plugin bug)", id_);
		return -1;
	}
}

void PluginInstance::log_from_plugin(void *context, scxr_log_level level, const char *message) noexcept
{
	try {
		const auto *instance = static_cast<const PluginInstance *>(context);
		spdlog::level::level_enum spd_level = spdlog::level::info;
		switch (level) {
		case SCXR_LOG_DEBUG: spd_level = spdlog::level::debug; break;
		case SCXR_LOG_INFO: spd_level = spdlog::level::info; break;
		case SCXR_LOG_WARN: spd_level = spdlog::level::warn; break;
		case SCXR_LOG_ERROR: spd_level = spdlog::level::err; break;
		}
		spdlog::log(spd_level, "[{}] {}", instance ? instance->id_ : std::string("plugin"), message ? message : "");
	} catch (...) {
		// Logging must never take the plugin (or the runner) down.
	}
}

} // namespace scxr
