# SPDX-License-Identifier: GPL-2.0-only
#
# How long the kernel runs without a sched_ext scheduler during a swap, pre-verified (the
# default: qmap is verified while simple still runs) beside stop-start (--swap-mode stop-start:
# simple is detached first, as a loader that stops one scheduler process and starts another
# does). Both are measured by the runner the same way, from the old scheduler's detach to the
# new one's attach returning, and printed side by side; times are never asserted.
. /usr/share/scxtest/scenarios/swap-lib.sh

require_file /usr/lib/scx-runner/plugins/qmap.so "the qmap plugin is built"
require_file /usr/lib/scx-runner/plugins/simple.so "the simple plugin is built"

write_profile /tmp/simple.toml simple
write_profile /tmp/qmap.toml qmap
start_workload --threads 2 --spinners 1 --seconds 900 --quiet

# measure MODE_FLAGS...: simple, then `scx-runner switch` to qmap; sets GAP_LINE.
measure() {
    run_runner_bg "$@" /tmp/simple.toml
    expect_state enabled "$SMALL_LOAD_TIMEOUT"
    expect_ops simple
    seq=$(scx_enable_seq)
    scx-runner switch /tmp/qmap.toml >/tmp/switch.out 2>&1
    switch_rc=$?
    show_output /tmp/switch.out
    check "the switch to qmap succeeded" [ "$switch_rc" -eq 0 ]
    expect_ops qmap 10
    check "enable_seq counted one attach" [ "$(scx_enable_seq)" -eq $((seq + 1)) ]
    GAP_LINE=$(last_log_line 'swap: simple -> qmap, gap')
    check "the runner logged the swap's gap" [ -n "$GAP_LINE" ]
    stop_runner
}

measure
pre_verified=$(echo "$GAP_LINE" | sed 's/.*swap: //')
measure --swap-mode stop-start
stop_start=$(echo "$GAP_LINE" | sed 's/.*swap: //')

info "GAP pre-verified: $pre_verified"
info "GAP stop-start:   $stop_start"
info "GAP without sched_ext: pre-verified $(echo "$pre_verified" | sed -n 's/.*gap \([0-9.]* ms\).*/\1/p')," \
    "stop-start $(echo "$stop_start" | sed -n 's/.*gap \([0-9.]* ms\).*/\1/p')"
says() { echo "$1" | grep -q -- "$2"; }
check "the pre-verified swap verified qmap while simple ran" says "$pre_verified" 'done while simple ran'
check "the stop-start swap verified qmap while no scheduler ran" \
    says "$stop_start" 'stop-start: verify .* done while no scheduler ran'

kill "$WORKLOAD_PID"
finish
