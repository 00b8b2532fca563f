# SPDX-License-Identifier: GPL-2.0-only
#
# SIGUSR1 makes the runner print qmap's live state, which the plugin reads from the arena
# mapping: one line per FIFO, the slab usage and one line per CPU, while qmap keeps running.
. /usr/share/scxtest/scenarios/qmap-lib.sh

qmap_profile /tmp/qmap-live.toml 'dispatch_batch = 4'

run_runner_bg /tmp/qmap-live.toml
expect_state enabled "$QMAP_ATTACH_TIMEOUT"
start_workload --threads 4 --spinners 4 --seconds 20 --quiet
sleep 3
kill -USR1 "$RUNNER_PID"
check "the live dump lists the five FIFOs" wait_for_file_text "$RUNNER_OUT" "QMAP FIFO[4]:" 20
check "the live dump has all five FIFO lines" [ "$(count_lines "$RUNNER_OUT" "QMAP FIFO[")" -eq 5 ]
check "the live dump shows the slab usage" grep -q "task contexts: [1-9][0-9]* of 16384 in use" "$RUNNER_OUT"
check "the live dump has a line for CPU 0" grep -q "QMAP CPU\[0\]: dsp_idx=" "$RUNNER_OUT"
check "the live dump has a line for CPU 1" grep -q "QMAP CPU\[1\]: dsp_idx=" "$RUNNER_OUT"
check "the live dump says the scheduler is attached" grep -q "attached: yes" "$RUNNER_OUT"
check "qmap is still attached after the dump" [ "$(scx_state) $(scx_root_ops)" = "enabled qmap" ]
check "the runner is still running after SIGUSR1" [ -d "/proc/$RUNNER_PID" ]

kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 30
check "the runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
expect_state disabled 5
kill "$WORKLOAD_PID" 2>/dev/null
show_output "$RUNNER_OUT"
finish
