# SPDX-License-Identifier: GPL-2.0-only
#
# The VM benchmark behind `scripts/dev bench`: our runner against the kernel's own C loaders
# (tools/sched_ext's scx_qmap and scx_simple, built by tests/vm/build-kernel-loaders), all in
# this one boot, interleaved over REPS repetitions so that drifts of the emulated machine hit
# both sides alike. sched-probe does the measuring; every figure is one "BENCH ..." line, shown
# as INFO so the host's tests/vm/bench-table can turn them into medians and ratios. Nothing
# here judges a figure: the scenario fails only when a measurement could not be taken.
#
#   bench.sh [REPS [IDLE_SECONDS [WORKLOAD_SECONDS [PARTS]]]]  3, 10, 5 and all unless told otherwise
#
# PARTS qmap-hot-path skips start, memory and switch figures and keeps the workloads with qmap's
# bpf_stats: a quicker run for work on qmap's BPF side.
. /usr/share/scxtest/scenarios/swap-lib.sh

REPS=${1:-3}
IDLE_SECONDS=${2:-10}
WORKLOAD_SECONDS=${3:-5}
PARTS=${4:-all}
LOADERS=/usr/lib/scx-bench
require_file /usr/bin/sched-probe "the benchmark's probe is built (tests/vm/probe)"
require_file "$LOADERS/scx_qmap" "the kernel's scx_qmap loader is built (tests/vm/build-kernel-loaders)"
require_file "$LOADERS/scx_simple" "the kernel's scx_simple loader is built"
require_file /usr/lib/scx-runner/plugins/qmap.so "the qmap plugin is built"

# Every loader prints stats every second: our profiles say so, scx_simple does by itself, and
# the kernel's scx_qmap is told to (-i 1; it prints every 5 s otherwise, though it still wakes
# every second), so that the idle CPU compares the same work.
KERNEL_QMAP="$LOADERS/scx_qmap -i 1" # word-split where used (busybox sh has no arrays)
for plugin in qmap simple; do
    printf 'plugin = "%s"\n[runner]\nstats_interval = "1s"\n' "$plugin" >"/tmp/$plugin.toml"
done

measurements=0
failures=0
# probe ARGS...: one measurement; its BENCH line goes to the console as INFO.
probe() {
    measurements=$((measurements + 1))
    sched-probe "$@" >/tmp/probe.line 2>&1 || failures=$((failures + 1))
    sed 's/^/INFO: /' /tmp/probe.line
}

# with_runner MODE: our runner with qmap attached in the background, for switch measurements.
with_runner() {
    run_runner_bg --swap-mode "$1" /tmp/qmap.toml
    expect_state enabled "$QMAP_LOAD_TIMEOUT"
}

# workloads NAME: the three workloads under whatever is attached now, as ops per second.
workloads() {
    for shape in "pingpong 2 0" "cpu 0 2" "mixed 2 2"; do
        set -- $shape
        sched-workload --threads "$2" --spinners "$3" --seconds "$WORKLOAD_SECONDS" --quiet >/tmp/workload.out 2>&1
        done_line=$(grep '^workload: done' /tmp/workload.out || true)
        pingpong=$(echo "$done_line" | sed -n 's/.*pingpong_ops_per_sec=\([0-9]*\).*/\1/p')
        spin=$(echo "$done_line" | sed -n 's/.*spin_loops_per_sec=\([0-9]*\).*/\1/p')
        measurements=$((measurements + 1))
        if [ -z "$done_line" ]; then failures=$((failures + 1)); show_output /tmp/workload.out; fi
        info "BENCH kind=workload name=$NAME workload=$1 pingpong_ops_per_sec=${pingpong:-0} spin_loops_per_sec=${spin:-0}"
    done
}

rep=1
while [ "$rep" -le "$REPS" ]; do
    info "repetition $rep of $REPS at $(uptime_seconds) s uptime"
    if [ "$PARTS" = all ]; then
        # Cold start, memory, idle CPU and stop, ours and the kernel's alternating.
        probe start runner-qmap "$IDLE_SECONDS" -- scx-runner /tmp/qmap.toml
        probe start kernel-qmap "$IDLE_SECONDS" -- $KERNEL_QMAP
        probe start runner-simple "$IDLE_SECONDS" -- scx-runner /tmp/simple.toml
        probe start kernel-simple "$IDLE_SECONDS" -- "$LOADERS/scx_simple"
        # The runner's exec floor: exec, dynamic loading, static initialisation and the command
        # line, then exit. (The kernel's loaders have no such command: their -h opens the BPF
        # skeleton and reads the kernel's BTF before it prints the usage.)
        probe exec runner-version -- scx-runner --version

        # Switches qmap -> simple: ours pre-verified and stop-start, the kernel's by restart.
        for mode in pre-verified stop-start; do
            with_runner "$mode"
            probe switch "runner-$mode" -- scx-runner switch /tmp/simple.toml
            stop_runner
        done
        probe restart kernel-restart -- $KERNEL_QMAP -- "$LOADERS/scx_simple"
    fi

    # The workloads under EEVDF, our qmap and the kernel's, with BPF run statistics on.
    NAME=eevdf workloads
    echo 1 >/proc/sys/kernel/bpf_stats_enabled
    with_runner pre-verified
    NAME=runner-qmap workloads
    probe bpf-stats runner-qmap
    stop_runner
    $KERNEL_QMAP >/tmp/kernel-qmap.out 2>&1 &
    loader=$!
    expect_state enabled "$QMAP_LOAD_TIMEOUT"
    NAME=kernel-qmap workloads
    probe bpf-stats kernel-qmap
    kill -INT "$loader"
    wait_pid_exit "$loader" 30
    expect_state disabled 10
    echo 0 >/proc/sys/kernel/bpf_stats_enabled
    rep=$((rep + 1))
done

check "all $measurements measurements were taken ($failures could not be)" [ "$failures" -eq 0 ]
check "no scheduler is left attached" [ "$(scx_state)" = disabled ]
finish
