# SPDX-License-Identifier: GPL-2.0-only
#
# error_after_enqueues makes qmap raise a scheduler error: the runner reports the reason and
# the kernel's debug dump, with qmap's "QMAP FIFO[i]:" lines in it, and exits with the
# scheduler-error code. With suppress_dump the same error comes without qmap's own lines.
. /usr/share/scxtest/scenarios/qmap-lib.sh

qmap_profile /tmp/qmap-error.toml 'error_after_enqueues = 300'
qmap_profile /tmp/qmap-error-quiet.toml 'error_after_enqueues = 300' 'suppress_dump = true'

start_workload --threads 4 --spinners 2 --seconds 60 --quiet

run_runner_bg /tmp/qmap-error.toml
expect_runner_exit scheduler_error_exit "$QMAP_ATTACH_TIMEOUT"
check "the exit names the test error" grep -q "test triggering error" "$RUNNER_OUT"
check "the exit names the error kind (scx_bpf_error)" grep -q "scx_bpf_error" "$RUNNER_OUT"
check "the debug dump is printed" grep -q "DEBUG DUMP" "$RUNNER_OUT"
check "the dump has one line per FIFO ($(count_lines "$RUNNER_OUT" "QMAP FIFO[") found)" \
    [ "$(count_lines "$RUNNER_OUT" "QMAP FIFO[")" -eq 5 ]
check "the dump has qmap's per-CPU line" grep -q "QMAP: dsp_idx=" "$RUNNER_OUT"
check "the dump has qmap's per-task lines" grep -q "QMAP: force_local=" "$RUNNER_OUT"
expect_state disabled 5
show_output "$RUNNER_OUT"
loud_out=$RUNNER_OUT

run_runner_bg /tmp/qmap-error-quiet.toml
expect_runner_exit scheduler_error_exit "$QMAP_ATTACH_TIMEOUT"
check "with suppress_dump the exit still names the test error" grep -q "test triggering error" "$RUNNER_OUT"
check "with suppress_dump the kernel's dump is still printed" grep -q "DEBUG DUMP" "$RUNNER_OUT"
check "with suppress_dump no QMAP line is in the dump" [ "$(count_lines "$RUNNER_OUT" "QMAP")" -eq 0 ]
expect_state disabled 5
show_output "$RUNNER_OUT"

kill "$WORKLOAD_PID" 2>/dev/null
info "first run's output was $loud_out"
finish
