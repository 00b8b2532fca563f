# SPDX-License-Identifier: GPL-2.0-only
#
# Linux 7.3: our qmap, run by the runner as the root in the cid form, hosts the kernel's own
# scx_qmap (tools/sched_ext, run-scenario --kernel-loaders) as sub-schedulers on cgroups.
#
# 1. One child on /sys/fs/cgroup/a: the kernel shows it as root/sub/sub-<cgroup id>/ops = qmap, a
#    workload in that cgroup runs to its end, our qmap's per-slot stats count the dispatches it
#    offered the child, and the child's SIGINT leaves our root enabled (enable_seq unchanged).
# 2. Eight children on eight cgroups are all accepted; a ninth is refused by our sub_attach
#    (-ENOSPC, the kernel's "parent rejected"), its scheduler exits with that error, and the root
#    and the eight keep running. Stopping the runner then takes the children with it (SCX_EXIT_PARENT).
. /usr/share/scxtest/scenarios/qmap-lib.sh

LOADERS=/usr/lib/scx-bench
require_file "$LOADERS/scx_qmap" "the kernel's scx_qmap is in the guest (run-scenario --kernel-loaders)"
require_sub_schedulers

mount_cgroup2
echo +cpu >"$CGROUP_ROOT/cgroup.subtree_control" 2>/dev/null || info "no cpu controller: every child weighs 100"

# The kernel's qmap loads in several seconds under TCG (about 100k verified instructions).
CHILD_TIMEOUT=150

# start_child NAME: creates cgroup NAME and starts the kernel's scx_qmap on it. Sets CHILD_PID.
start_child() {
    mkdir -p "$CGROUP_ROOT/$1"
    "$LOADERS/scx_qmap" -c "$CGROUP_ROOT/$1" -i 1 >"/tmp/child-$1.out" 2>&1 &
    CHILD_PID=$!
    eval "CHILD_PID_$1=$CHILD_PID"
}

qmap_profile /tmp/qmap-root.toml
run_runner_bg /tmp/qmap-root.toml
expect_state enabled "$QMAP_ATTACH_TIMEOUT"
expect_ops qmap
seq_before=$(scx_enable_seq)
report_verified_insns qmap-cid
check "the runner loaded qmap in the cid form" \
    wait_for_file_text "$RUNNER_OUT" '"children":0' 30

# --- 1. one child, with a workload in its cgroup ---------------------------------------------
start_child a
check "the kernel shows the child on cgroup a: $(sub_ops_file a)" \
    wait_until "$CHILD_TIMEOUT" _sysfs_is "$(sub_ops_file a)" qmap
check "dmesg says a sub-scheduler was enabled" wait_until 10 sh -c 'dmesg | grep -q "sub-scheduler \"qmap\" enabled"'
if [ ! -e "$(sub_ops_file a)" ]; then
    # Nothing below can work without the child: show why it is not there and stop.
    show_output /tmp/child-a.out
    show_output "$RUNNER_OUT"
    finish
fi
info "the child's caps: $(tr '\n' ' ' <"$(dirname "$(sub_ops_file a)")/caps" 2>/dev/null)"

WORKLOAD_OUT=/tmp/workload-a.out
info "starting sched-workload --threads 2 --spinners 1 --seconds 6 in cgroup a"
sh -c "echo \$\$ >$CGROUP_ROOT/a/cgroup.procs && exec sched-workload --threads 2 --spinners 1 --seconds 6" \
    >"$WORKLOAD_OUT" 2>&1 &
WORKLOAD_PID=$!
expect_workload_done 90
check "our qmap reports one child" wait_for_file_text "$RUNNER_OUT" '"children":1' 10
cgid_a=$(stat -c %i "$CGROUP_ROOT/a")
check "slot 0 holds cgroup a ($cgid_a)" wait_for_file_text "$RUNNER_OUT" "\"child0_cgroup\":$cgid_a" 10
check "our qmap offered the child CPU time: child0_dispatches above 0" stat_positive child0_dispatches
check "child0_dispatches moved while the workload ran" stat_moved child0_dispatches
info "child0_dispatches: $(stat_values child0_dispatches | tr '\n' ' ')"

kill -INT "$CHILD_PID_a"
wait_pid_exit "$CHILD_PID_a" 30
check "the child's loader exited after SIGINT" [ "$WAIT_RC" -ne 124 ]
check "root/sub/sub-$cgid_a is gone" wait_until 10 sh -c "[ ! -e $(sub_ops_file a) ]"
check "the root is still enabled" [ "$(scx_state)" = enabled ]
check "the root is still qmap" [ "$(scx_root_ops)" = qmap ]
check "enable_seq is unchanged ($seq_before)" [ "$(scx_enable_seq)" = "$seq_before" ]
check "our qmap freed the slot" wait_for_file_text "$RUNNER_OUT" '"children":0,"children_attached":1' 10
check "the runner is still running" [ -d "/proc/$RUNNER_PID" ]

# --- 2. eight children are accepted, the ninth refused --------------------------------------
for name in c1 c2 c3 c4 c5 c6 c7 c8; do
    start_child "$name"
    if ! wait_until "$CHILD_TIMEOUT" _sysfs_is "$(sub_ops_file "$name")" qmap; then
        fail "the kernel shows the child on cgroup $name"
        show_output "/tmp/child-$name.out"
        show_output "$RUNNER_OUT"
        finish
    fi
done
check "eight children are attached below the root" [ "$(ls "$SCX_SYSFS/root/sub" | wc -l)" -eq 8 ]
check "our qmap reports eight children" wait_for_file_text "$RUNNER_OUT" '"children":8' 10

start_child c9
wait_pid_exit "$CHILD_PID" "$CHILD_TIMEOUT"
check "the ninth child's loader ended by itself" [ "$WAIT_RC" -ne 124 ]
show_output /tmp/child-c9.out
# The kernel's loader reports the scheduler's exit and returns 0 even for an error exit.
check "its exit says why: parent rejected (-ENOSPC, -28)" grep -q "runtime error (parent rejected (-28))" /tmp/child-c9.out
check "the kernel logged the parent's refusal" sh -c 'dmesg | grep -q "parent rejected (-28)"'
check "no root/sub/sub-<id> for cgroup c9" [ ! -e "$(sub_ops_file c9)" ]
check "our qmap counted the refusal" wait_for_file_text "$RUNNER_OUT" '"children_refused":1' 10
check "the eight children still run" [ "$(ls "$SCX_SYSFS/root/sub" | wc -l)" -eq 8 ]
for name in c1 c2 c3 c4 c5 c6 c7 c8; do
    eval "pid=\$CHILD_PID_$name"
    [ -d "/proc/$pid" ] || fail "the child on cgroup $name still runs"
done
check "the root is still enabled with enable_seq $seq_before" \
    [ "$(scx_state) $(scx_enable_seq)" = "enabled $seq_before" ]
check "the runner is still running" [ -d "/proc/$RUNNER_PID" ]

# --- stop: the root goes, the kernel ejects the children ------------------------------------
kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 60
check "the runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
expect_state disabled 30
check "no child is left below the root" sh -c "[ ! -d $SCX_SYSFS/root/sub ] || [ -z \"\$(ls $SCX_SYSFS/root/sub)\" ]"
for name in c1 c2 c3 c4 c5 c6 c7 c8; do
    eval "pid=\$CHILD_PID_$name"
    wait_pid_exit "$pid" 30
    [ "$WAIT_RC" -ne 124 ] || { fail "the child loader on $name ended with its parent"; kill -KILL "$pid"; }
done
show_output "$RUNNER_OUT"
finish
