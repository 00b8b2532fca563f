# SPDX-License-Identifier: GPL-2.0-only
#
# Linux 7.2: trees need 7.3. 7.2's cid form of sched_ext_ops differs from 7.3's (no caps, other
# sub-scheduler callbacks), so qmap and simple refuse any place in a tree there, naming 7.3,
# before anything is loaded, while a single scheduler runs as before.
#
# 1. The tree of config/tree.toml (qmap hosting a qmap and a simple child) is refused by the
#    runner with the "kernel feature missing" exit code and a message that says it needs Linux
#    7.3; nothing is attached.
# 2. With our qmap running alone as the root (enabled), a second runner whose profile places
#    qmap on a cgroup below it is refused the same way, and the root runs on: still enabled,
#    root/ops still qmap, enable_seq unchanged, no root/sub entry.
. /usr/share/scxtest/scenarios/qmap-lib.sh

lacks_sub_schedulers() { ! has_sub_schedulers; }
check "this kernel lacks Linux 7.3's sub-scheduler ABI (no sub_caps_updated in its BTF)" lacks_sub_schedulers
mount_cgroup2

# 1. A whole tree.
run_runner /etc/scx-runner/tree.toml
expect_exit_code kernel_feature_missing "$RUNNER_RC"
check "the refusal says the tree needs Linux 7.3" grep -q "needs Linux 7.3" "$RUNNER_OUT"
check "nothing is attached after the refusal" [ "$(scx_state)" = disabled ]

# 2. A child below a running root.
qmap_profile /tmp/root.toml
run_runner_bg /tmp/root.toml
ROOT_PID=$RUNNER_PID
ROOT_OUT=$RUNNER_OUT
expect_state enabled "$QMAP_ATTACH_TIMEOUT"
expect_ops qmap
seq_before=$(scx_enable_seq)
printf 'plugin = "qmap"\ncgroup = "a"\ncreate_cgroup = true\n' >/tmp/child.toml
run_runner --control-socket /run/scx-runner/child.sock --stats-socket off /tmp/child.toml
expect_exit_code kernel_feature_missing "$RUNNER_RC"
check "the child's refusal says it needs Linux 7.3" grep -q "needs Linux 7.3" "$RUNNER_OUT"
check "the root is still enabled" [ "$(scx_state)" = enabled ]
check "the root is still qmap" [ "$(scx_root_ops)" = qmap ]
check "the root's enable_seq did not move ($seq_before)" [ "$(scx_enable_seq)" = "$seq_before" ]
no_sub_entries() { [ -z "$(ls "$SCX_SYSFS/root/sub" 2>/dev/null)" ]; }
check "the kernel shows no sub-scheduler" no_sub_entries
check "the root runner is still running" kill -0 "$ROOT_PID"
kill -INT "$ROOT_PID"
wait_pid_exit "$ROOT_PID" 30
expect_exit_code ok "$WAIT_RC"
expect_state disabled 10
show_output "$ROOT_OUT"
finish
