# SPDX-License-Identifier: GPL-2.0-only
#
# The runner answers while it verifies. Part 1: a runner of simple is told to switch to qmap;
# while qmap verifies (seconds under TCG) `scx-runner status` answers and names the verify in
# progress, a second switch is refused as busy, and the first switch then completes. Part 2:
# another qmap verify is under way when SIGINT arrives: the runner detaches the running
# scheduler at once and exits 0 without waiting for the verify, sched_ext is disabled as it
# exits, and the waiting switch client is told why. Status is polled until it reports the
# verify, so no timing is assumed; part 2's exit time is printed beside part 1's verify time.
. /usr/share/scxtest/scenarios/swap-lib.sh

require_file /usr/lib/scx-runner/plugins/qmap.so "the qmap plugin is built"
require_file /usr/lib/scx-runner/plugins/simple.so "the simple plugin is built"

profile=/tmp/simple.toml
write_profile "$profile" simple '[options]' 'mode = "fifo"'
write_profile /tmp/qmap.toml qmap '[options]' 'slice = "10ms"'
write_profile /tmp/qmap-other.toml qmap '[options]' 'dispatch_batch = 8'
write_profile /tmp/simple-other.toml simple '[options]' 'slice = "5ms"'

# milliseconds since boot, from /proc/uptime's hundredths
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# status_says_verifying PLUGIN OUT: status answered, and names a verify of PLUGIN in progress.
status_says_verifying() {
    scx-runner status >"$2" 2>&1 && grep -q "^  swap: swapping to $1 " "$2"
}

run_runner_bg "$profile"
expect_state enabled "$SMALL_LOAD_TIMEOUT"
expect_ops simple
seq=$(scx_enable_seq)

info "1. switch simple -> qmap; status and a second switch while qmap verifies"
scx-runner switch /tmp/qmap.toml >/tmp/switch.1 2>&1 &
switch_pid=$!
if wait_until "$QMAP_LOAD_TIMEOUT" status_says_verifying qmap /tmp/status.during; then
    pass "status answered while qmap verified"
else
    fail "status answered while qmap verified"
fi
scx-runner switch /tmp/simple-other.toml >/tmp/switch.busy 2>&1
busy_rc=$?
show_output /tmp/status.during
show_output /tmp/switch.busy
check "status named the verify in progress" \
    grep -qE '^  swap: swapping to qmap \(/tmp/qmap.toml\): verifying since [0-9]+ ms' /tmp/status.during
check "status: the kernel still ran simple meanwhile" grep -q '^kernel: sched_ext enabled, root/ops simple' /tmp/status.during
check "status: the runner's scheduler was still simple" grep -q '^  plugin: simple ' /tmp/status.during
check "the second switch failed (exit $busy_rc)" [ "$busy_rc" -ne 0 ]
check "the second switch was refused as busy, naming the swap" \
    grep -qF 'busy, swapping to qmap (/tmp/qmap.toml): verifying since' /tmp/switch.busy
wait_pid_exit "$switch_pid" "$QMAP_LOAD_TIMEOUT"
show_output /tmp/switch.1
check "the first switch exited 0 once its swap was done" [ "$WAIT_RC" -eq 0 ]
check "the first switch answered with the swap" grep -qE '^switch: simple -> qmap, gap [0-9.]+ ms' /tmp/switch.1
expect_ops qmap 10
check "enable_seq counted exactly one attach, qmap's ($seq -> $(scx_enable_seq))" \
    [ "$(scx_enable_seq)" -eq $((seq + 1)) ]
verify_ms=$(last_log_line 'qmap: loaded and verified in' | sed -n 's/.*verified in \([0-9]*\) ms.*/\1/p')
info "qmap's verify took ${verify_ms:-?} ms"

info "2. SIGINT while qmap verifies again (qmap -> qmap with other options)"
scx-runner switch /tmp/qmap-other.toml >/tmp/switch.2 2>&1 &
switch_pid=$!
if wait_until "$QMAP_LOAD_TIMEOUT" status_says_verifying qmap /tmp/status.during2; then
    pass "status reported the second qmap verify"
else
    fail "status reported the second qmap verify"
fi
signalled_ms=$(now_ms)
kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 30
exit_ms=$(( $(now_ms) - signalled_ms ))
state_at_exit=$(scx_state)
show_output "$RUNNER_OUT"
info "the runner exited ${exit_ms} ms after SIGINT (a whole qmap verify took ${verify_ms:-?} ms)"
check "the runner exited 0 after SIGINT during the verify" [ "$WAIT_RC" -eq 0 ]
check "sched_ext was disabled when the runner had exited (state: $state_at_exit)" [ "$state_at_exit" = disabled ]
check "the runner exited within 3 s of SIGINT (${exit_ms} ms)" [ "$exit_ms" -le 3000 ]
if [ -n "$verify_ms" ]; then
    check "it did not wait for the verify (${exit_ms} ms < ${verify_ms} ms)" [ "$exit_ms" -lt "$verify_ms" ]
fi
check "the runner said it detached qmap at once without waiting" \
    grep -qF 'received SIGINT while qmap verified: detached qmap at once; not waiting for the verify' "$RUNNER_OUT"
check "no second qmap was ever attached" [ "$(scx_enable_seq)" -eq $((seq + 1)) ]
check "the control socket is gone" [ ! -e /run/scx-runner/control.sock ]
wait_pid_exit "$switch_pid" 10
show_output /tmp/switch.2
check "the waiting switch failed (exit $WAIT_RC)" [ "$WAIT_RC" -ne 0 ]
check "the waiting switch was told why" grep -qF 'received SIGINT while qmap verified' /tmp/switch.2
finish
