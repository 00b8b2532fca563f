# SPDX-License-Identifier: GPL-2.0-only
#
# 100 swaps in a row (a scheduler to itself with another slice, alternating; by editing the
# profile and SIGHUP, after two warm-up swaps by `scx-runner switch`): every one succeeds, the
# kernel's enable_seq counts every attach, and the runner does not grow: the same number of
# open file descriptors and about the same VmRSS after as before (both printed). The warm-up
# swaps come first so that one-time allocations (the first swap's code paths, libbpf's caches)
# do not count as growth.
#
#   swap-soak.sh [SWAPS [PLUGIN [RUNNER ARGS...]]]   100 swaps of test_sched unless told otherwise
#
# test_sched by default: the smallest real scheduler, so that 100 verifications fit the suite's
# time under TCG; `swap-soak 100 simple` soaks the simple scheduler instead.
. /usr/share/scxtest/scenarios/swap-lib.sh

SWAPS=${1:-100}
PLUGIN=${2:-test_sched}
if [ $# -ge 2 ]; then shift 2; else set --; fi
require_file "/usr/lib/scx-runner/plugins/$PLUGIN.so" "the $PLUGIN plugin is built"
# Generous: the heap may settle into a few more pages, but a leaked BPF object or skeleton per
# swap would be far more than this over 100 swaps.
RSS_GROWTH_LIMIT_KB=4096

write_profile /tmp/a.toml "$PLUGIN" '[options]' 'slice = "5ms"'
write_profile /tmp/b.toml "$PLUGIN" '[options]' 'slice = "10ms"'
cp /tmp/a.toml /tmp/current.toml
run_runner_bg "$@" /tmp/current.toml
expect_state enabled "$SMALL_LOAD_TIMEOUT"
expect_ops "$PLUGIN"
# Wakeups to schedule, without spinners that would slow the emulated CPUs down.
start_workload --threads 2 --spinners 0 --seconds 1800 --quiet

failures=0
swaps_logged=0
# switch_to FILE: `scx-runner switch`, which returns once the swap is done.
switch_to() {
    swaps_logged=$((swaps_logged + 1))
    if ! scx-runner switch "$1" >/tmp/switch.out 2>&1; then
        failures=$((failures + 1))
        show_output /tmp/switch.out
    fi
}
# reload_to FILE: FILE's content replaces the running profile, SIGHUP, wait for the swap's line.
reload_to() {
    cp "$1" /tmp/current.toml.new && mv /tmp/current.toml.new /tmp/current.toml
    kill -HUP "$RUNNER_PID"
    swaps_logged=$((swaps_logged + 1))
    wait_log_count "swap: $PLUGIN -> $PLUGIN, gap" "$swaps_logged" 60 || failures=$((failures + 1))
}

switch_to /tmp/b.toml
switch_to /tmp/current.toml

fds_before=$(runner_fd_count)
rss_before=$(runner_rss_kb)
seq_before=$(scx_enable_seq)
started=$(uptime_seconds)
info "before: $fds_before open descriptors, VmRSS $rss_before kB, enable_seq $seq_before"
i=1
while [ "$i" -le "$SWAPS" ]; do
    if [ $((i % 2)) -eq 1 ]; then reload_to /tmp/b.toml; else reload_to /tmp/a.toml; fi
    [ $((i % 20)) -ne 0 ] || info "$i swaps done at $(uptime_seconds)s uptime"
    i=$((i + 1))
done
fds_after=$(runner_fd_count)
rss_after=$(runner_rss_kb)
seq_after=$(scx_enable_seq)
info "after $SWAPS swaps in $(awk -v a="$started" -v b="$(uptime_seconds)" 'BEGIN { printf "%.1f", b - a }') s:" \
    "$fds_after open descriptors, VmRSS $rss_after kB ($((rss_after - rss_before)) kB more), enable_seq $seq_after"
info_swap_gaps

check "all $((SWAPS + 2)) swaps succeeded ($failures failed)" [ "$failures" -eq 0 ]
check "the runner logged every swap" [ "$(log_count "swap: $PLUGIN -> $PLUGIN, gap")" -eq $((SWAPS + 2)) ]
check "enable_seq counted every attach ($seq_before -> $seq_after)" [ "$seq_after" -eq $((seq_before + SWAPS)) ]
check "no file descriptor growth ($fds_before -> $fds_after)" [ "$fds_after" -eq "$fds_before" ]
check "VmRSS grew less than $RSS_GROWTH_LIMIT_KB kB ($rss_before -> $rss_after kB)" \
    [ $((rss_after - rss_before)) -lt "$RSS_GROWTH_LIMIT_KB" ]
check "$PLUGIN is attached at the end" [ "$(scx_state) $(scx_root_ops)" = "enabled $PLUGIN" ]
check "the workload ran through all swaps" [ -d "/proc/$WORKLOAD_PID" ]

kill "$WORKLOAD_PID"
stop_runner
if [ "$SWAPS" -le 10 ]; then show_output "$RUNNER_OUT"; else info "runner output: $(wc -l <"$RUNNER_OUT") lines (not shown)"; fi
finish
