# SPDX-License-Identifier: GPL-2.0-only
#
# Switching schedulers on a running runner, four ways round: qmap -> simple and back by editing
# the profile and sending SIGHUP, then qmap -> simple and back with `scx-runner switch`. Each
# time the kernel reports the new root/ops and counts one attach, the runner logs the swap with
# its gap, and a workload started before the first swap keeps running (alive, using CPU) through
# all four. `scx-runner status` reports the profile, plugin and swaps the running runner has.
. /usr/share/scxtest/scenarios/swap-lib.sh

require_file /usr/lib/scx-runner/plugins/qmap.so "the qmap plugin is built"
require_file /usr/lib/scx-runner/plugins/simple.so "the simple plugin is built"

profile=/tmp/sched.toml
write_profile "$profile" qmap '[options]' 'slice = "10ms"'
write_profile /tmp/simple-switch.toml simple '[options]' 'mode = "fifo"'
write_profile /tmp/qmap-switch.toml qmap '[options]' 'dispatch_batch = 8'

run_runner_bg "$profile"
expect_state enabled "$QMAP_LOAD_TIMEOUT"
expect_ops qmap
seq=$(scx_enable_seq)

# Long enough for all four swaps however slow the host; stopped at the end.
start_workload --threads 4 --spinners 2 --seconds 900 --quiet
ticks=$(cpu_ticks "$WORKLOAD_PID")

swaps=0
workload_progressed() { [ -d "/proc/$WORKLOAD_PID" ] && [ "$2" -gt "$1" ]; }
# after_swap PLUGIN TIMEOUT: the swap to PLUGIN happened, the kernel agrees, the workload ran on.
after_swap() {
    swaps=$((swaps + 1))
    if wait_log_count "swap: " "$swaps" "$2"; then
        pass "the runner logged swap $swaps: $(last_log_line 'swap: ' | sed 's/^[a-z]*: //')"
    else
        fail "the runner logged swap $swaps"
    fi
    expect_ops "$1" 10
    check "enable_seq counted one more attach ($seq -> $(scx_enable_seq))" [ "$(scx_enable_seq)" -eq $((seq + 1)) ]
    seq=$(scx_enable_seq)
    _ticks=$(cpu_ticks "$WORKLOAD_PID")
    check "the workload is alive and kept using CPU ($ticks -> $_ticks ticks)" \
        workload_progressed "$ticks" "$_ticks"
    ticks=$_ticks
}

info "1. edit the profile to simple, SIGHUP"
write_profile "$profile" simple '[options]' 'slice = "5ms"'
kill -HUP "$RUNNER_PID"
after_swap simple "$SMALL_LOAD_TIMEOUT"
check "the swap line names both schedulers and the pre-verified gap" \
    grep -qE 'swap: qmap -> simple, gap [0-9]+\.[0-9]+ ms \(verify [0-9.]+ s done while qmap ran\)' "$RUNNER_OUT"
scx-runner status >/tmp/status.1 2>&1
show_output /tmp/status.1
check "status: the kernel runs simple" grep -q "^kernel: sched_ext enabled, root/ops simple, enable_seq $seq" /tmp/status.1
check "status: the runner runs simple from $profile" grep -q "^  plugin: simple " /tmp/status.1
check "status: the profile is $profile" grep -qF "  profile: $profile" /tmp/status.1
check "status: one swap" grep -q "^  swaps: 1 (0 failed" /tmp/status.1
check "status: the options are the new ones" grep -q 'slice = 5ms' /tmp/status.1

info "2. edit the profile back to qmap, SIGHUP"
write_profile "$profile" qmap '[options]' 'slice = "10ms"'
kill -HUP "$RUNNER_PID"
after_swap qmap "$QMAP_LOAD_TIMEOUT"

info "3. scx-runner switch to simple"
scx-runner switch /tmp/simple-switch.toml >/tmp/switch.3 2>&1
switch_rc=$?
show_output /tmp/switch.3
check "switch exited 0" [ "$switch_rc" -eq 0 ]
check "switch printed the runner's answer" grep -qE '^switch: qmap -> simple, gap [0-9.]+ ms' /tmp/switch.3
after_swap simple 10

info "4. scx-runner switch to qmap"
scx-runner switch /tmp/qmap-switch.toml >/tmp/switch.4 2>&1
switch_rc=$?
show_output /tmp/switch.4
check "switch exited 0" [ "$switch_rc" -eq 0 ]
after_swap qmap 10

scx-runner status --json >/tmp/status.json 2>&1
show_output /tmp/status.json
check "status --json: qmap from the switched-to profile" \
    grep -qF '"profile":"/tmp/qmap-switch.toml","plugin":"qmap"' /tmp/status.json
check "status --json: four swaps, none failed" grep -qF '"swaps":4,"failed_swaps":0' /tmp/status.json
check "status --json: the options of the switched-to profile" grep -qF '"dispatch_batch":"8"' /tmp/status.json
check "the runner is still running" runner_alive

kill "$WORKLOAD_PID"
stop_runner
show_output "$RUNNER_OUT"
finish
