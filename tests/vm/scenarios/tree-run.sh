# SPDX-License-Identifier: GPL-2.0-only
#
# Linux 7.3: one runner runs a tree of schedulers from one profile: our qmap at the root (cid
# form, hosting), our qmap as a child on each of cgroups a and b and our simple as a child on
# cgroup c, all three cgroups created by the runner.
#
# 1. `check` prints the tree and refuses a ninth child of qmap (it hosts eight).
# 2. The kernel shows root/ops = qmap and root/sub/sub-<id>/ops for each child; the runner
#    prints stats per node.
#    A workload in cgroup b moves b's counters only, then one in cgroup c moves c's only.
# 3. The qmap child errors (error_after_enqueues) while a workload runs in its cgroup: the runner
#    restarts it by its own [restart] table, then leaves it down once its budget is spent; the
#    root and child b run on, the root's stats keep moving and its enable_seq never moves.
# 4. SIGHUP after the profile changed b's slice swaps that child only.
# 5. SIGHUP after the profile changed the root's slice swaps the root: the runner stops the
#    children first and brings them back under the new root.
# 6. SIGINT detaches the whole tree: state disabled, exit code 0.
. /usr/share/scxtest/scenarios/qmap-lib.sh

require_sub_schedulers
mount_cgroup2
CHILD_TIMEOUT=150

# tree_profile FILE B_SLICE [ROOT_SLICE]: the tree, with b's slice (and the root's) given.
tree_profile() {
    cat >"$1" <<PROFILE
plugin = "qmap"
[options]
slice = "${3:-20ms}"
[runner]
stats_interval = "1s"
stats_format = "json"

[[child]]
cgroup = "a"
create_cgroup = true
plugin = "qmap"
[child.options]
error_after_enqueues = 300
[child.restart]
initial_delay = "1s"
max_restarts = 1
window = "10m"

[[child]]
cgroup = "b"
create_cgroup = true
plugin = "qmap"
[child.options]
slice = "$2"

[[child]]
cgroup = "c"
create_cgroup = true
plugin = "simple"
PROFILE
}

# --- 1. check ------------------------------------------------------------------------------
tree_profile /tmp/tree.toml 5ms
run_runner check /tmp/tree.toml
expect_exit_code ok "$RUNNER_RC"
check "check shows child a" grep -q "child a (/sys/fs/cgroup/a, created if missing)" "$RUNNER_OUT"
check "check shows child b" grep -q "child b (/sys/fs/cgroup/b" "$RUNNER_OUT"

{
    echo 'plugin = "qmap"'
    for n in 1 2 3 4 5 6 7 8 9; do
        printf '[[child]]\ncgroup = "n%s"\ncreate_cgroup = true\nplugin = "simple"\n' "$n"
    done
} >/tmp/nine.toml
run_runner check /tmp/nine.toml
expect_exit_code bad_profile "$RUNNER_RC"
check "check refuses the ninth child" grep -q "hosts at most 8 children on one node, and this one has 9" "$RUNNER_OUT"
check "check names the file" grep -q "/tmp/nine.toml" "$RUNNER_OUT"

# --- 2. the tree runs ------------------------------------------------------------------------
run_runner_bg /tmp/tree.toml
expect_state enabled "$QMAP_ATTACH_TIMEOUT"
expect_ops qmap
seq_before=$(scx_enable_seq)
# The runner creates the cgroups (create_cgroup) just before each child's load.
check "the runner created cgroups a, b and c" \
    wait_until "$CHILD_TIMEOUT" sh -c "[ -d $CGROUP_ROOT/a ] && [ -d $CGROUP_ROOT/b ] && [ -d $CGROUP_ROOT/c ]"
check "the kernel shows qmap on cgroup a" wait_until "$CHILD_TIMEOUT" _sysfs_is "$(sub_ops_file a)" qmap
check "the kernel shows qmap on cgroup b" wait_until "$CHILD_TIMEOUT" _sysfs_is "$(sub_ops_file b)" qmap
check "the kernel shows simple on cgroup c" wait_until "$CHILD_TIMEOUT" _sysfs_is "$(sub_ops_file c)" simple
check "the runner says child a attached" wait_for_file_text "$RUNNER_OUT" "qmap (a): attached below its parent" 10
check "the runner says child b attached" wait_for_file_text "$RUNNER_OUT" "qmap (b): attached below its parent" 10
check "stats lines name node a" wait_for_file_text "$RUNNER_OUT" '"node":"a"' 10
check "stats lines name node b" wait_for_file_text "$RUNNER_OUT" '"node":"b"' 10
scx-runner status >/tmp/status.tree 2>&1
show_output /tmp/status.tree
check "status shows child a as the kernel does" grep -q "child a: qmap attached (kernel: qmap)" /tmp/status.tree
check "status shows child b as the kernel does" grep -q "child b: qmap attached (kernel: qmap)" /tmp/status.tree
check "status shows child c as the kernel does" grep -q "child c: simple attached (kernel: simple)" /tmp/status.tree
check "the root qmap counts three children" wait_for_file_text "$RUNNER_OUT" '"children":3' 10

# run_in_cgroup NAME SECONDS: a workload in cgroup NAME ("" = the root cgroup), to its end.
run_in_cgroup() {
    sh -c "echo \$\$ >$CGROUP_ROOT/$1/cgroup.procs && exec sched-workload --threads 2 --spinners 1 --seconds $2" \
        >"/tmp/workload-$1.out" 2>&1
}
# stats_settled: two more stats lines from the root, so every node has printed what a workload did.
root_lines() { node_stat_values "" enqueued | wc -l; }
root_lines_reach() { [ "$(root_lines)" -ge "$1" ]; }
stats_settled() { wait_until 10 root_lines_reach $(($(root_lines) + 2)); }
simple_total() { echo $(($(node_stat_last "$1" local_dispatches) + $(node_stat_last "$1" global_dispatches))); }
# moved_alone LABEL OURS OTHERS: OURS moved by at least 50 and OTHERS by under a twentieth of it.
_moved_alone() { [ "$1" -ge 50 ] && [ "$2" -le $(($1 / 20)) ]; }
moved_alone() {
    info "$1: its own counter moved by $2, the other child's by $3"
    check "$1" _moved_alone "$2" "$3"
}
stats_settled
b0=$(node_stat_last b enqueued); c0=$(simple_total c)
run_in_cgroup b 3
stats_settled
b1=$(node_stat_last b enqueued); c1=$(simple_total c)
moved_alone "a workload in cgroup b moves b's counters only" $((b1 - b0)) $((c1 - c0))
run_in_cgroup c 3
stats_settled
b2=$(node_stat_last b enqueued); c2=$(simple_total c)
moved_alone "a workload in cgroup c moves c's counters only" $((c2 - c1)) $((b2 - b1))

# --- 3. the qmap child errors, restarts once, then stays down --------------------------------
WORKLOAD_OUT=/tmp/workload-a.out
sh -c "echo \$\$ >$CGROUP_ROOT/a/cgroup.procs && exec sched-workload --threads 2 --spinners 1 --seconds 40" \
    >"$WORKLOAD_OUT" 2>&1 &
WORKLOAD_PID=$!
check "child a exited with an error" wait_for_file_text "$RUNNER_OUT" "qmap (a): the child scheduler exited: error" 60
check "the runner restarts child a" wait_for_file_text "$RUNNER_OUT" "qmap (a): restarting (restart 1 of this child)" 30
check "child a attached again" wait_until 60 sh -c "[ \$(grep -c 'qmap (a): attached below its parent' $RUNNER_OUT) -ge 2 ]"
check "its budget is spent after the second error" \
    wait_for_file_text "$RUNNER_OUT" "qmap (a): not restarting:" 90
check "root/sub for a is gone" wait_until 10 sh -c "[ ! -e $(sub_ops_file a) ]"
check "the root is still enabled" [ "$(scx_state)" = enabled ]
check "the root is still qmap" [ "$(scx_root_ops)" = qmap ]
check "child b still runs qmap" _sysfs_is "$(sub_ops_file b)" qmap
check "child c still runs simple" _sysfs_is "$(sub_ops_file c)" simple
check "the root's enable_seq is unchanged ($seq_before)" [ "$(scx_enable_seq)" = "$seq_before" ]
check "the runner is still running" [ -d "/proc/$RUNNER_PID" ]
expect_workload_done 90
root0=$(node_stat_last "" enqueued)
run_in_cgroup "" 2
stats_settled
root1=$(node_stat_last "" enqueued)
info "the root's enqueued: $root0 -> $root1"
check "the root's stats keep moving after the child's exit" [ "$root1" -gt "$root0" ]

# --- 4. SIGHUP swaps one child ---------------------------------------------------------------
tree_profile /tmp/tree.toml 2ms
kill -HUP "$RUNNER_PID"
check "the runner swaps child b" wait_for_file_text "$RUNNER_OUT" "qmap (b): swapped qmap -> qmap" "$CHILD_TIMEOUT"
check "the kernel still shows qmap on cgroup b" wait_until 30 _sysfs_is "$(sub_ops_file b)" qmap
check "the root did not swap" sh -c "! grep -q 'SIGHUP: swapping' $RUNNER_OUT"
check "the root's enable_seq is still $seq_before" [ "$(scx_enable_seq)" = "$seq_before" ]

# --- 5. SIGHUP swaps the root, and the children come back below the new one ------------------
b_attaches=$(count_lines "$RUNNER_OUT" "qmap (b): attached below its parent")
tree_profile /tmp/tree.toml 2ms 10ms
kill -HUP "$RUNNER_PID"
check "the runner swaps the root" wait_for_file_text "$RUNNER_OUT" "SIGHUP: swapping qmap -> qmap" 30
check "it stops the children first" wait_for_file_text "$RUNNER_OUT" "swapping the root qmap" "$CHILD_TIMEOUT"
check "the root's enable_seq moved: a new root" wait_until "$CHILD_TIMEOUT" sh -c "[ \$(cat $SCX_SYSFS/enable_seq) -gt $seq_before ]"
check "the root is qmap again" wait_until "$QMAP_ATTACH_TIMEOUT" _sysfs_is "$SCX_SYSFS/root/ops" qmap
check "child b is attached again below the new root" \
    wait_until "$CHILD_TIMEOUT" sh -c "[ \$(grep -cF 'qmap (b): attached below its parent' $RUNNER_OUT) -gt $b_attaches ]"
check "the kernel shows qmap on cgroup b again" wait_until "$CHILD_TIMEOUT" _sysfs_is "$(sub_ops_file b)" qmap
check "the kernel shows simple on cgroup c again" wait_until "$CHILD_TIMEOUT" _sysfs_is "$(sub_ops_file c)" simple
info "enable_seq: $seq_before before, $(scx_enable_seq) after the root swap"

# --- 6. SIGINT stops the tree ----------------------------------------------------------------
kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 60
check "the runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
check "sched_ext is disabled" wait_until 10 _sysfs_is "$SCX_SYSFS/state" disabled
# last_line_number PATTERN: the line of RUNNER_OUT that last matched PATTERN, 0 if none.
last_line_number() { grep -n -- "$1" "$RUNNER_OUT" | tail -n 1 | cut -d: -f1 | grep . || echo 0; }
leaves_line=$(last_line_number '\(qmap (b)\|simple (c)\): .*, detaching')
root_line=$(last_line_number 'qmap: .*, detaching')
info "the last child detached at line $leaves_line of the runner's output, the root at $root_line"
_in_order() { [ "$1" -gt 0 ] && [ "$2" -gt "$1" ]; }
check "the leaves detach before the root" _in_order "$leaves_line" "$root_line"
show_output "$RUNNER_OUT"
info "kernel log tail:"; dmesg | tail -n 15 | sed 's/^/  | /'
finish
