# SPDX-License-Identifier: GPL-2.0-only
#
# The long soak (a benchmark, not in the test suites): the runner swaps between two different
# plugins SWAPS times by `scx-runner switch` (qmap <-> simple, 1,000 times, unless told
# otherwise) under a workload, and prints every EVERY swaps its open descriptors, threads,
# VmRSS and the kernel's enable_seq. Nothing may grow: the descriptors and threads must be the
# same as after the warm-up, VmRSS within a few pages, enable_seq up by exactly one per swap.
#
#   soak-two-plugins.sh [SWAPS [PLUGIN_A [PLUGIN_B [EVERY]]]]
. /usr/share/scxtest/scenarios/swap-lib.sh

SWAPS=${1:-1000}
PLUGIN_A=${2:-qmap}
PLUGIN_B=${3:-simple}
EVERY=${4:-50}
require_file "/usr/lib/scx-runner/plugins/$PLUGIN_A.so" "the $PLUGIN_A plugin is built"
require_file "/usr/lib/scx-runner/plugins/$PLUGIN_B.so" "the $PLUGIN_B plugin is built"
# Same bound as swap-soak: a leaked skeleton or BPF object per swap would exceed it many times.
RSS_GROWTH_LIMIT_KB=4096

write_profile /tmp/a.toml "$PLUGIN_A"
write_profile /tmp/b.toml "$PLUGIN_B"
run_runner_bg /tmp/a.toml
expect_state enabled "$QMAP_LOAD_TIMEOUT"
expect_ops "$PLUGIN_A"
start_workload --threads 2 --spinners 0 --seconds 36000 --quiet

report() {
    info "soak $1: swaps $2, descriptors $(runner_fd_count), threads $(runner_thread_count), VmRSS $(runner_rss_kb) kB," \
        "enable_seq $(scx_enable_seq), root/ops $(scx_root_ops), uptime $(uptime_seconds) s"
}

failures=0
# switch_to FILE: returns once the swap is done (or failed).
switch_to() {
    if ! scx-runner switch "$1" >/tmp/switch.out 2>&1; then
        failures=$((failures + 1))
        [ "$failures" -gt 3 ] || show_output /tmp/switch.out
    fi
}

# Warm-up: one round trip, so that first-use allocations do not count as growth.
switch_to /tmp/b.toml
switch_to /tmp/a.toml
fds_before=$(runner_fd_count)
threads_before=$(runner_thread_count)
rss_before=$(runner_rss_kb)
seq_before=$(scx_enable_seq)
started=$(uptime_seconds)
report start 0
i=1
while [ "$i" -le "$SWAPS" ]; do
    if [ $((i % 2)) -eq 1 ]; then switch_to /tmp/b.toml; else switch_to /tmp/a.toml; fi
    [ $((i % EVERY)) -ne 0 ] || report progress "$i"
    i=$((i + 1))
done
fds_after=$(runner_fd_count)
threads_after=$(runner_thread_count)
rss_after=$(runner_rss_kb)
seq_after=$(scx_enable_seq)
report end "$SWAPS"
info "$SWAPS swaps in $(awk -v a="$started" -v b="$(uptime_seconds)" 'BEGIN { printf "%.0f", b - a }') s"
info_swap_gaps

expected_ops=$PLUGIN_A
[ $((SWAPS % 2)) -eq 0 ] || expected_ops=$PLUGIN_B
check "all $((SWAPS + 2)) swaps succeeded ($failures failed)" [ "$failures" -eq 0 ]
check "enable_seq counted every attach ($seq_before -> $seq_after)" [ "$seq_after" -eq $((seq_before + SWAPS)) ]
check "no descriptor growth ($fds_before -> $fds_after)" [ "$fds_after" -eq "$fds_before" ]
check "no thread growth ($threads_before -> $threads_after)" [ "$threads_after" -eq "$threads_before" ]
check "VmRSS grew less than $RSS_GROWTH_LIMIT_KB kB ($rss_before -> $rss_after kB)" \
    [ $((rss_after - rss_before)) -lt "$RSS_GROWTH_LIMIT_KB" ]
check "$expected_ops is attached at the end" [ "$(scx_state) $(scx_root_ops)" = "enabled $expected_ops" ]
check "the workload ran through all swaps" [ -d "/proc/$WORKLOAD_PID" ]

kill "$WORKLOAD_PID"
stop_runner
info "runner output: $(wc -l <"$RUNNER_OUT") lines (not shown)"
finish
