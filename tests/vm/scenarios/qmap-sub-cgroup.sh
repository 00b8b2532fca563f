# SPDX-License-Identifier: GPL-2.0-only
#
# qmap's old sub_scheduler_cgroup option is retired: whether qmap is a child, and of which
# cgroup, is the tree's to say (the sched-tree/1 extension's place()), not an option. A profile
# that still sets it is refused by `scx-runner check` and by the runner, before anything is
# attached, with the "bad profile" exit code and a message that names the option. The same
# kernel then runs qmap as the root, in the cid form on 7.3, which hosts children (the
# qmap-hosts-children scenario attaches some).
. /usr/share/scxtest/scenarios/qmap-lib.sh

mkdir -p /sys/fs/cgroup
grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
mkdir -p /sys/fs/cgroup/qmap-child

qmap_profile /tmp/qmap-child.toml 'sub_scheduler_cgroup = "/sys/fs/cgroup/qmap-child"'
run_runner check /tmp/qmap-child.toml
expect_exit_code bad_profile "$RUNNER_RC"
check "check names the retired option" grep -q "unknown option 'sub_scheduler_cgroup'" "$RUNNER_OUT"
check "check names the profile file and line" grep -q "/tmp/qmap-child.toml:[0-9]" "$RUNNER_OUT"

seq_before=$(scx_enable_seq)
run_runner /tmp/qmap-child.toml
expect_exit_code bad_profile "$RUNNER_RC"
check "nothing was attached" [ "$(scx_state) $(scx_enable_seq)" = "disabled $seq_before" ]

# Without the option qmap attaches as the root; on 7.3 in the cid form, whose stats have the
# children group.
qmap_profile /tmp/qmap-root.toml
run_runner_bg /tmp/qmap-root.toml
expect_state enabled "$QMAP_ATTACH_TIMEOUT"
expect_ops qmap
report_verified_insns qmap
if has_sub_schedulers; then
    check "7.3: qmap runs in the cid form (its stats count children)" \
        wait_for_file_text "$RUNNER_OUT" '"children":0' 30
else
    check "not 7.3: qmap runs in the classic form (no children stats)" \
        sh -c "sleep 3; ! grep -q '\"children\"' $RUNNER_OUT"
fi
kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 30
check "the root qmap exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
show_output "$RUNNER_OUT"
finish
