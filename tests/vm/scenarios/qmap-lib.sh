# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers shared by the qmap scenarios (busybox sh), on top of lib.sh. The scenarios write their
# profiles into the guest's /tmp, so each one shows the exact options it runs with.
. /usr/share/scxtest/scenarios/lib.sh

require_file /usr/bin/scx-runner "the runner is built"
require_file /usr/lib/scx-runner/plugins/qmap.so "the qmap plugin is built"

# Loading qmap means verifying tens of thousands of BPF instructions; under TCG that alone can
# take a minute on a busy host. Timeouts in these scenarios are generous for that reason.
QMAP_ATTACH_TIMEOUT=150

# qmap_profile FILE [OPTION_LINES...]: writes a qmap profile with JSON stats every second (the
# machine-readable lines: text is for people, with rates). Each further argument is one line of
# the [options] table, e.g. 'max_tasks = 8'.
qmap_profile() {
    _file=$1
    shift
    {
        echo 'plugin = "qmap"'
        echo '[options]'
        for _line in "$@"; do echo "$_line"; done
        echo '[runner]'
        echo 'stats_interval = "1s"'
        echo 'stats_format = "json"'
    } >"$_file"
    info "profile $_file: $(grep -v '^\[' "$_file" | grep -v '^plugin' | tr '\n' ' ')"
}

# stat_values NAME: every total the runner printed for stat NAME, one per JSON stats line
# ({"timestamp":...,"plugin":"qmap","stats":{...,"NAME":VALUE,...},"rates":{...}}).
stat_values() {
    sed -n 's/^{"timestamp":.*"plugin":"qmap".*"stats":{\([^}]*\)}.*/\1/p' "$RUNNER_OUT" \
        | sed -n "s/.*\"$1\":\(-\{0,1\}[0-9][0-9]*\).*/\1/p"
}

# node_stat_values NODE NAME: stat_values for one node of a tree: the child on cgroup NODE, or
# the root when NODE is empty (its lines carry no "node" key).
node_stat_values() {
    if [ -z "$1" ]; then
        grep '^{"timestamp"' "$RUNNER_OUT" | grep -v '"node":'
    else
        grep "^{\"timestamp\".*\"node\":\"$1\"" "$RUNNER_OUT"
    fi | sed -n 's/.*"stats":{\([^}]*\)}.*/\1/p' | sed -n "s/.*\"$2\":\(-\{0,1\}[0-9][0-9]*\).*/\1/p"
}

# node_stat_last NODE NAME: the last value printed for NAME by that node, 0 before any.
node_stat_last() {
    _value=$(node_stat_values "$1" "$2" | tail -n 1)
    echo "${_value:-0}"
}

# stat_last NAME: the last value printed for stat NAME, or empty.
stat_last() { stat_values "$1" | tail -n 1; }

# stat_moved NAME: NAME took at least two different values.
stat_moved() { [ "$(stat_values "$1" | sort -u | wc -l)" -ge 2 ]; }

# stat_positive NAME: the last printed value of NAME is above zero.
stat_positive() {
    _value=$(stat_last "$1")
    [ -n "$_value" ] && [ "$_value" -gt 0 ]
}

# count_lines FILE TEXT: how many lines of FILE contain TEXT.
count_lines() { grep -cF -- "$2" "$1" 2>/dev/null || true; }

# expect_runner_exit NAME TIMEOUT: the background runner ends by itself with exit code NAME.
expect_runner_exit() {
    wait_pid_exit "$RUNNER_PID" "$2"
    if [ "$WAIT_RC" -eq 124 ]; then
        fail "the runner ended by itself within $2 s (it is still running)"
        kill -INT "$RUNNER_PID" 2>/dev/null
        wait_pid_exit "$RUNNER_PID" 30
        return
    fi
    expect_exit_code "$1" "$WAIT_RC"
}

# report_verified_insns LABEL: prints the verified instructions of every struct_ops program
# loaded now (tests/vm/probe's bpf-stats) and their sum, as INFO lines: the verifier's cost of
# what is loaded, for the README's figures. Nothing is judged.
report_verified_insns() {
    sched-probe bpf-stats "$1" >"/tmp/bpf-stats.$1" 2>&1
    sed -n 's/^BENCH kind=bpf name=[^ ]* prog=\([^ ]*\) .*verified_insns=\([0-9]*\).*/\1 \2/p' \
        "/tmp/bpf-stats.$1" | while read -r _prog _insns; do info "$1: $_prog $_insns"; done
    info "$1: $(grep -c verified_insns= "/tmp/bpf-stats.$1") struct_ops programs," \
        "$(sed -n 's/.*verified_insns=\([0-9]*\).*/\1/p' "/tmp/bpf-stats.$1" | awk '{ s += $1 } END { print s + 0 }')" \
        "verified instructions"
}

# Trees: the cgroup2 mount the children's cgroups live under (mounted here when the guest's init
# did not), and sub_ops_file NAME: the kernel's ops file for the child on cgroup NAME.
CGROUP_ROOT=/sys/fs/cgroup
mount_cgroup2() {
    mkdir -p "$CGROUP_ROOT"
    grep -q " $CGROUP_ROOT cgroup2 " /proc/mounts || mount -t cgroup2 none "$CGROUP_ROOT"
}
# has_sub_schedulers: the kernel has Linux 7.3's sub-scheduler ABI (struct sched_ext_ops_cid with
# sub_caps_updated); require_sub_schedulers fails and ends the scenario when it has not.
has_sub_schedulers() { grep -q sub_caps_updated /sys/kernel/btf/vmlinux 2>/dev/null; }
require_sub_schedulers() {
    has_sub_schedulers && return 0
    fail "this scenario needs Linux 7.3 (struct sched_ext_ops_cid with sub_caps_updated)"
    finish
}
sub_ops_file() { echo "$SCX_SYSFS/root/sub/sub-$(stat -c %i "$CGROUP_ROOT/$1")/ops"; }

# start_small_tree FILE [RUNNER_LINE...]: writes FILE, a tree of our qmap at the root, our qmap on
# cgroup b and our simple on cgroup c (both created by the runner), with JSON stats every second
# and each further argument as a line of its [runner] table; starts it (run_runner_bg) and
# checks that the kernel shows both children.
start_small_tree() {
    _file=$1
    shift
    mount_cgroup2
    {
        echo 'plugin = "qmap"'
        echo '[runner]'
        echo 'stats_interval = "1s"'
        echo 'stats_format = "json"'
        for _line in "$@"; do echo "$_line"; done
        printf '[[child]]\ncgroup = "b"\ncreate_cgroup = true\nplugin = "qmap"\n'
        printf '[[child]]\ncgroup = "c"\ncreate_cgroup = true\nplugin = "simple"\n'
    } >"$_file"
    run_runner_bg "$_file"
    expect_state enabled "$QMAP_ATTACH_TIMEOUT"
    check "the runner created cgroups b and c" \
        wait_until 150 sh -c "[ -d $CGROUP_ROOT/b ] && [ -d $CGROUP_ROOT/c ]"
    check "the kernel shows qmap on cgroup b" wait_until 150 _sysfs_is "$(sub_ops_file b)" qmap
    check "the kernel shows simple on cgroup c" wait_until 150 _sysfs_is "$(sub_ops_file c)" simple
}
