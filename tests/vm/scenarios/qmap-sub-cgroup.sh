# SPDX-License-Identifier: GPL-2.0-only
#
# On kernels that run sub-schedulers only in the cid form of sched_ext_ops (7.2+, which have
# struct sched_ext_ops_cid), the runner refuses qmap's sub_scheduler_cgroup option with the
# "kernel lacks a feature" exit code and a message that names the option, before anything is
# attached. Without the option, qmap attaches as the root on the same kernel.
. /usr/share/scxtest/scenarios/qmap-lib.sh

if ! grep -q sched_ext_ops_cid /sys/kernel/btf/vmlinux 2>/dev/null; then
    fail "this scenario needs a kernel with struct sched_ext_ops_cid (7.2 or newer)"
    finish
fi

mkdir -p /sys/fs/cgroup
grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
mkdir -p /sys/fs/cgroup/qmap-child
check "a cgroup directory for the child exists" [ -d /sys/fs/cgroup/qmap-child ]

qmap_profile /tmp/qmap-child.toml 'sub_scheduler_cgroup = "/sys/fs/cgroup/qmap-child"'
check "the profile is valid on its own (scx-runner check)" scx-runner check /tmp/qmap-child.toml

seq_before=$(scx_enable_seq)
run_runner /tmp/qmap-child.toml
expect_exit_code kernel_feature_missing "$RUNNER_RC"
check "the refusal names the option" grep -q "sub_scheduler_cgroup" "$RUNNER_OUT"
check "the refusal names the cgroup" grep -q "/sys/fs/cgroup/qmap-child" "$RUNNER_OUT"
check "the refusal says why: the cid form" grep -q "cid form" "$RUNNER_OUT"
check "nothing was attached" [ "$(scx_state) $(scx_enable_seq)" = "disabled $seq_before" ]

# The same kernel runs qmap as the root scheduler.
qmap_profile /tmp/qmap-root.toml
run_runner_bg /tmp/qmap-root.toml
expect_state enabled "$QMAP_ATTACH_TIMEOUT"
expect_ops qmap
kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 30
check "the root qmap exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
show_output "$RUNNER_OUT"
finish
