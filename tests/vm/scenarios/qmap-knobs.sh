# SPDX-License-Identifier: GPL-2.0-only
#
# Options that are off by default keep their BPF code out of what the verifier sees (rodata
# turns it into dead code), so each needs a load of its own to prove it verifies and runs:
# trace printing, IMMED inserts with the IMMED stress knob, partial switching with the runner
# disallowed, and the endless dispatch loop, which the kernel must end with an error.
. /usr/share/scxtest/scenarios/qmap-lib.sh

qmap_profile /tmp/qmap-knobs.toml 'print_dsqs_and_events = true' 'print_messages = true' \
    'always_enq_immed = true' 'immed_stress_nth = 7' 'dispatch_batch = 4' 'highpri_boosting = true'
run_runner_bg /tmp/qmap-knobs.toml
expect_state enabled "$QMAP_ATTACH_TIMEOUT"
expect_ops qmap
start_workload --threads 4 --spinners 2 --seconds 5 --quiet
expect_workload_done 90
check "qmap with tracing and IMMED stress is still attached" [ "$(scx_state) $(scx_root_ops)" = "enabled qmap" ]
check "its counters moved" wait_until 20 stat_moved dispatched
kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 30
check "the runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
expect_state disabled 5
check "print_messages printed the CPU (or, in the cid form, cid) map to the trace buffer" \
    sh -c 'mount -t tracefs none /sys/kernel/tracing 2>/dev/null; grep -qE "(CPUS|CIDS): \|" /sys/kernel/tracing/trace'

# switch_partial: only SCHED_EXT tasks move, and the runner itself (-1) may not.
qmap_profile /tmp/qmap-partial.toml 'switch_partial = true' 'disallow_tgid = -1'
run_runner_bg /tmp/qmap-partial.toml
expect_state enabled "$QMAP_ATTACH_TIMEOUT"
check "switch_all is 0 with switch_partial" [ "$(read_sysfs "$SCX_SYSFS/switch_all")" = 0 ]
kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 30
check "the partial qmap exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
expect_state disabled 5

# dispatch_loop_after: after some dispatches qmap keeps dispatching an idle task; the kernel
# must notice that no progress is made and eject it with an error the runner reports.
qmap_profile /tmp/qmap-loop.toml 'dispatch_loop_after = 200'
run_runner_bg /tmp/qmap-loop.toml
start_workload --threads 4 --spinners 2 --seconds 60 --quiet
expect_runner_exit scheduler_error_exit 150
info "the kernel's verdict: $(grep '^EXIT: ' "$RUNNER_OUT")"
check "the runner printed the exit reason" grep -q "^EXIT: ." "$RUNNER_OUT"
check "the debug dump shows qmap's FIFOs" grep -q "QMAP FIFO\[0\]:" "$RUNNER_OUT"
expect_state disabled 5
show_output "$RUNNER_OUT"
kill "$WORKLOAD_PID" 2>/dev/null
finish
