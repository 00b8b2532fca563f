# SPDX-License-Identifier: GPL-2.0-only
#
# The runner attaches the simple scheduler: the kernel reports it enabled under its own name, a
# workload runs to completion under it, the stats move, and SIGINT detaches it cleanly (exit 0,
# the kernel back on its own scheduler).
. /usr/share/scxtest/scenarios/lib.sh

require_file /usr/bin/scx-runner "the runner is built"
require_file /usr/lib/scx-runner/plugins/simple.so "the simple plugin is built"
require_file /etc/scx-runner/vm-simple-stats.toml "tests/vm/profiles is packed"

# The first number after the counter's name, in whatever format the runner prints stats.
counter_values() {
    sed -n "s/.*$1[^0-9]*\([0-9][0-9]*\).*/\1/p" "$RUNNER_OUT"
}
# Succeeds once either dispatch counter has taken two different values.
stats_moved() {
    for counter in global_dispatches local_dispatches; do
        [ "$(counter_values "$counter" | sort -u | wc -l)" -ge 2 ] && return 0
    done
    return 1
}

check "no scheduler attached before the runner starts" [ "$(scx_state)" = disabled ]
seq_before=$(scx_enable_seq)
run_runner_bg /etc/scx-runner/vm-simple-stats.toml
expect_state enabled 60
expect_ops simple
check "enable_seq counted exactly one attach" [ "$(scx_enable_seq)" -eq $((seq_before + 1)) ]

start_workload --threads 4 --spinners 2 --seconds 5
expect_workload_done 90
check "the simple scheduler is still the one attached after the workload" \
    [ "$(scx_state) $(scx_root_ops)" = "enabled simple" ]
if wait_until 20 stats_moved; then
    pass "stats moved: global_dispatches $(counter_values global_dispatches | tr '\n' ' ')"
else
    fail "a dispatch counter took two different values (saw: global_dispatches" \
        "'$(counter_values global_dispatches | tr '\n' ' ')', local_dispatches" \
        "'$(counter_values local_dispatches | tr '\n' ' ')')"
fi
check "the runner is still running before SIGINT" [ -d "/proc/$RUNNER_PID" ]

kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 30
check "the runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
expect_state disabled 5
show_output "$RUNNER_OUT"
finish
