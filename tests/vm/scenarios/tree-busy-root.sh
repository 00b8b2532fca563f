# SPDX-License-Identifier: GPL-2.0-only
#
# Linux 7.3: a busy root does not starve its children. Our qmap at the root hosts a qmap child on
# cgroup a (cpu.weight 100), a qmap child on cgroup b (cpu.weight 300) and a simple child on
# cgroup c (cpu.weight 100), all created by the runner. Spinners run as the root's own tasks
# (more than there are CPUs, so the root's FIFOs are never empty) and in each child's cgroup.
#
# 1. No child is ejected: the kernel still shows each child under root/sub/, the runner reports
#    no child exit, and every workload reaches its final line.
# 2. Each child's cgroup gets CPU time (cpu.stat usage_usec) the whole time: in each of three
#    10 s windows, at least a third of its share by weight.
# 3. The shares follow cpu.weight: b (300) gets at least twice what a (100) and c (100) get.
. /usr/share/scxtest/scenarios/qmap-lib.sh

require_sub_schedulers
mount_cgroup2
CHILD_TIMEOUT=150
SECONDS_TO_RUN=30

cat >/tmp/busy-root.toml <<'PROFILE'
plugin = "qmap"
[runner]
stats_interval = "1s"
stats_format = "json"

[[child]]
cgroup = "a"
create_cgroup = true
cpu_weight = 100
plugin = "qmap"

[[child]]
cgroup = "b"
create_cgroup = true
cpu_weight = 300
plugin = "qmap"

[[child]]
cgroup = "c"
create_cgroup = true
cpu_weight = 100
plugin = "simple"
PROFILE
run_runner_bg /tmp/busy-root.toml
expect_state enabled "$QMAP_ATTACH_TIMEOUT"
for child in a b c; do
    check "the runner created cgroup $child" wait_until 150 test -d "$CGROUP_ROOT/$child"
done
check "the kernel shows qmap on cgroup a" wait_until "$CHILD_TIMEOUT" _sysfs_is "$(sub_ops_file a)" qmap
check "the kernel shows qmap on cgroup b" wait_until "$CHILD_TIMEOUT" _sysfs_is "$(sub_ops_file b)" qmap
check "the kernel shows simple on cgroup c" wait_until "$CHILD_TIMEOUT" _sysfs_is "$(sub_ops_file c)" simple
check "cgroup b's cpu.weight is 300" _sysfs_is "$CGROUP_ROOT/b/cpu.weight" 300
seq_before=$(scx_enable_seq)

# usage CGROUP: CPU time the cgroup's tasks used so far, in microseconds.
usage() { sed -n 's/^usage_usec //p' "$CGROUP_ROOT/$1/cpu.stat"; }
# The workloads: four spinners and a ping-pong pair in cgroup "busy", which no child owns (so
# they are the root scheduler's own tasks, and cpu.stat counts their time), and two spinners
# and a ping-pong pair below each child. They outlast the three 10 s windows measured below.
mkdir -p "$CGROUP_ROOT/busy"
for cgroup in busy a b c; do
    spinners=2
    [ "$cgroup" != busy ] || spinners=4
    sh -c "echo \$\$ >$CGROUP_ROOT/$cgroup/cgroup.procs && exec sched-workload --threads 2 --spinners $spinners --seconds $((SECONDS_TO_RUN + 15))" \
        >"/tmp/workload-$cgroup.out" 2>&1 &
    eval "workload_pid_$cgroup=\$!"
done
sleep 2
for cgroup in busy a b c; do eval "start_$cgroup=\$(usage $cgroup); last_$cgroup=\$start_$cgroup"; done
# enough_share NAME WEIGHT TOTAL: cgroup NAME's CPU time in this window, of WEIGHT among weights
# summing to 600 (the root's own 100 with the three children's), is at least a third of its
# share of TOTAL, the time all four cgroups used.
enough_share() { eval "[ \$((now_$1 - last_$1)) -ge \$(($3 * $2 / 600 / 3)) ]"; }
for window in 1 2 3; do
    sleep 10
    total=0
    for cgroup in busy a b c; do
        eval "now_$cgroup=\$(usage $cgroup); total=\$((total + now_$cgroup - last_$cgroup))"
    done
    info "window $window: CPU time used: busy (the root's) $(((now_busy - last_busy) / 1000)) ms," \
        "a $(((now_a - last_a) / 1000)) ms, b $(((now_b - last_b) / 1000)) ms, c $(((now_c - last_c) / 1000)) ms"
    check "window $window: child a (100) got a third of its share or more" enough_share a 100 "$total"
    check "window $window: child b (300) got a third of its share or more" enough_share b 300 "$total"
    check "window $window: child c (100) got a third of its share or more" enough_share c 100 "$total"
    for cgroup in busy a b c; do eval "last_$cgroup=\$now_$cgroup"; done
done
used_a=$((now_a - start_a)); used_b=$((now_b - start_b)); used_c=$((now_c - start_c))
info "over the three windows: a $((used_a / 1000)) ms, b $((used_b / 1000)) ms, c $((used_c / 1000)) ms"
check "b (cpu.weight 300) got twice a's CPU time (100) or more" [ "$used_b" -ge $((2 * used_a)) ]
check "b (cpu.weight 300) got twice c's CPU time (100) or more" [ "$used_b" -ge $((2 * used_c)) ]
for cgroup in busy a b c; do
    eval "pid=\$workload_pid_$cgroup"
    wait_pid_exit "$pid" 60
    check "the workload in $cgroup finished" \
        sh -c "[ $WAIT_RC -eq 0 ] && grep -q '^workload: done' /tmp/workload-$cgroup.out"
done

# --- 1. nobody was ejected -------------------------------------------------------------------
check "the runner reports no child exit" sh -c "! grep -q 'the child scheduler exited' $RUNNER_OUT"
check "the kernel still shows qmap on cgroup a" _sysfs_is "$(sub_ops_file a)" qmap
check "the kernel still shows qmap on cgroup b" _sysfs_is "$(sub_ops_file b)" qmap
check "the kernel still shows simple on cgroup c" _sysfs_is "$(sub_ops_file c)" simple
check "the root is still enabled" [ "$(scx_state)" = enabled ]
check "the root's enable_seq is unchanged ($seq_before)" [ "$(scx_enable_seq)" = "$seq_before" ]
check "the kernel logged no runnable-task stall" sh -c "! dmesg | grep -q 'runnable task stall'"

kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 60
check "the runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
check "sched_ext is disabled" wait_until 10 _sysfs_is "$SCX_SYSFS/state" disabled
{ grep -v '^{"timestamp"' "$RUNNER_OUT"; grep '^{"timestamp"' "$RUNNER_OUT" | tail -n 4; } >/tmp/runner.text
show_output /tmp/runner.text
info "kernel log tail:"; dmesg | tail -n 15 | sed 's/^/  | /'
finish
