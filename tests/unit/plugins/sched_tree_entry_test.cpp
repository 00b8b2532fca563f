// SPDX-License-Identifier: GPL-2.0-only
// The sched-tree/1 extension (scx_runner/sched_tree.h) of a real plugin's entry, through the C ABI
// as the runner calls it: what the plugin says it can be, and place() on an instance, which the
// SDK checks against those roles before the scheduler class sees it. Built into each plugin's
// test binary together with that plugin's plugin_entry.cpp (no dlopen, no kernel: configure()
// only opens the skeleton).
#include <scx_runner/plugin_abi.h>
#include <scx_runner/sched_tree.h>

#include <catch2/catch_test_macros.hpp>

#include <cstring>
#include <string>
#include <vector>

extern "C" const scxr_plugin_entry scx_runner_plugin_entry;

namespace {

const scxr_plugin_entry &entry = scx_runner_plugin_entry;

bool is_qmap() { return std::strcmp(entry.id, "qmap") == 0; }

const scxr_sched_tree_extension *tree_extension()
{
	return static_cast<const scxr_sched_tree_extension *>(entry.get_extension(SCXR_SCHED_TREE_EXTENSION));
}

// An instance created and, unless told otherwise, configured with every option's default.
class Instance {
public:
	explicit Instance(bool configure = true)
	{
		scxr_host host{};
		host.struct_size = sizeof(host);
		host.abi_major = SCXR_ABI_MAJOR;
		host.abi_minor = SCXR_ABI_MINOR;
		host.setting_stride = sizeof(scxr_option_setting);
		REQUIRE(entry.create(&host, &instance_) == SCXR_OK);
		if (!configure)
			return;
		std::vector<scxr_option_setting> settings;
		for (size_t index = 0; index < entry.option_count; ++index) {
			const auto *desc = reinterpret_cast<const scxr_option_desc *>(
				reinterpret_cast<const char *>(entry.options) + index * entry.option_stride);
			settings.push_back({desc->name, desc->type, desc->default_value, false});
		}
		REQUIRE(entry.configure(instance_, settings.data(), settings.size()) == SCXR_OK);
	}
	~Instance() { entry.destroy(instance_); }
	Instance(const Instance &) = delete;
	Instance &operator=(const Instance &) = delete;

	scxr_status place(uint32_t depth, uint64_t cgroup_id, const char *cgroup_path, uint32_t children)
	{
		const scxr_tree_place where{sizeof(scxr_tree_place), depth, cgroup_id, cgroup_path, children};
		return tree_extension()->place(instance_, &where);
	}
	std::string last_error() const { return entry.last_error(instance_); }
	scxr_instance *handle() { return instance_; }

private:
	scxr_instance *instance_ = nullptr;
};

} // namespace

TEST_CASE("the plugin answers the sched-tree extension with its roles", "[tree][extension]")
{
	const scxr_sched_tree_extension *tree = tree_extension();
	REQUIRE(tree != nullptr);
	CHECK(tree->struct_size == sizeof(scxr_sched_tree_extension));
	CHECK(tree->place != nullptr);
	REQUIRE(tree->kernel_needs != nullptr);
	CHECK(std::string(tree->kernel_needs).find("Linux 7.3") != std::string::npos);
	if (is_qmap()) {
		CHECK(tree->roles == (SCXR_TREE_CAN_HOST | SCXR_TREE_CAN_BE_CHILD));
		CHECK(tree->max_children == 8);
	} else {
		CHECK(tree->roles == SCXR_TREE_CAN_BE_CHILD);
		CHECK(tree->max_children == 0);
	}
	// The query is by exact id: a later version of the extension is another id.
	CHECK(entry.get_extension("scx-runner.sched-tree/2") == nullptr);
}

TEST_CASE("place() takes a child's cgroup once, after configure", "[tree][extension]")
{
	SECTION("a child with its cgroup is placed, once")
	{
		Instance instance;
		CHECK(instance.place(1, 4242, "/sys/fs/cgroup/a", 0) == SCXR_OK);
		CHECK(instance.place(1, 4242, "/sys/fs/cgroup/a", 0) == SCXR_ERR_INVALID_ARGUMENT);
		CHECK(instance.last_error().find("placed already") != std::string::npos);
	}

	SECTION("the root of a single scheduler is a valid place too")
	{
		Instance instance;
		CHECK(instance.place(0, 0, nullptr, 0) == SCXR_OK);
	}

	SECTION("before configure the call is out of state")
	{
		Instance instance(false);
		CHECK(instance.place(1, 4242, "/sys/fs/cgroup/a", 0) == SCXR_ERR_STATE);
	}

	SECTION("a host with an older, shorter struct is refused")
	{
		Instance instance;
		const scxr_tree_place where{sizeof(scxr_tree_place) - 8, 1, 4242, "/sys/fs/cgroup/a", 0};
		CHECK(tree_extension()->place(instance.handle(), &where) == SCXR_ERR_INVALID_ARGUMENT);
		CHECK(tree_extension()->place(instance.handle(), nullptr) == SCXR_ERR_INVALID_ARGUMENT);
	}
}

TEST_CASE("place() refuses what the plugin or the kernel's tree cannot be", "[tree][extension]")
{
	Instance instance;

	SECTION("a child without a cgroup")
	{
		CHECK(instance.place(1, 0, nullptr, 0) == SCXR_ERR_INVALID_ARGUMENT);
		CHECK(instance.last_error().find("cgroup") != std::string::npos);
		// A refused place leaves the instance unplaced: a valid one is taken afterwards.
		CHECK(instance.place(1, 4242, "/sys/fs/cgroup/a", 0) == SCXR_OK);
	}

	SECTION("a root that names a cgroup")
	{
		CHECK(instance.place(0, 4242, "/sys/fs/cgroup/a", 0) == SCXR_ERR_INVALID_ARGUMENT);
		CHECK(instance.last_error().find("root") != std::string::npos);
	}

	SECTION("depth 4: the kernel nests at most four levels")
	{
		CHECK(instance.place(4, 4242, "/sys/fs/cgroup/a/b/c/d", 0) == SCXR_ERR_INVALID_ARGUMENT);
		CHECK(instance.last_error().find("too deep") != std::string::npos);
	}

	SECTION("children: more than max_children, or any for a plugin that cannot host")
	{
		if (is_qmap()) {
			CHECK(instance.place(0, 0, nullptr, 8) == SCXR_OK);
		} else {
			CHECK(instance.place(0, 0, nullptr, 1) == SCXR_ERR_INVALID_ARGUMENT);
			CHECK(instance.last_error().find("cannot host") != std::string::npos);
		}
	}

	SECTION("a ninth child for qmap")
	{
		const scxr_status status = instance.place(1, 4242, "/sys/fs/cgroup/a", 9);
		CHECK(status == SCXR_ERR_INVALID_ARGUMENT);
		if (is_qmap())
			CHECK(instance.last_error().find("at most 8") != std::string::npos);
	}
}
