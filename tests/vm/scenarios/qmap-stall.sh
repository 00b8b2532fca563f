# SPDX-License-Identifier: GPL-2.0-only
#
# stall_user_nth makes qmap drop every Nth enqueue of a user thread: those tasks never run, the
# kernel's watchdog ejects the scheduler, and the runner reports the stall and exits with the
# scheduler-error code.
. /usr/share/scxtest/scenarios/qmap-lib.sh

qmap_profile /tmp/qmap-stall.toml 'stall_user_nth = 10'

# The stall can eject qmap before this shell (itself a user task qmap may stall) sees state
# 'enabled', so wait for the kernel's attach counter instead: it stays counted after the exit.
attached_once() { [ "$(scx_enable_seq)" -ge 1 ] 2>/dev/null; }
run_runner_bg /tmp/qmap-stall.toml
if wait_until "$QMAP_ATTACH_TIMEOUT" attached_once; then
    pass "the kernel enabled qmap (enable_seq $(scx_enable_seq))"
else
    fail "the kernel enabled qmap (enable_seq stayed '$(scx_enable_seq)')"
fi
start_workload --threads 4 --spinners 2 --seconds 30 --quiet
# The watchdog fires after qmap's timeout (5 s) without progress; allow for TCG's slowness.
expect_runner_exit scheduler_error_exit 90
check "the exit reports a runnable task stall" grep -q "runnable task stall" "$RUNNER_OUT"
check "the exit names the stalled task and how long it waited" grep -q "failed to run for" "$RUNNER_OUT"
check "the exit kind is the stall error" grep -q "error (stall)" "$RUNNER_OUT"
check "the debug dump is printed" grep -q "DEBUG DUMP" "$RUNNER_OUT"
expect_state disabled 5
check "the kernel logged the stall" sh -c 'dmesg | grep -q "qmap.*runnable task stall"'
show_output "$RUNNER_OUT"
kill "$WORKLOAD_PID" 2>/dev/null
finish
