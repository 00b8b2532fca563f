# SPDX-License-Identifier: GPL-2.0-only
#
# A second runner while a scheduler is attached: it must say that one is attached, name it, and
# exit with the "scheduler busy" code, without disturbing the scheduler that runs.
. /usr/share/scxtest/scenarios/lib.sh

require_file /usr/bin/scx-runner "the runner is built"
require_file /usr/lib/scx-runner/plugins/simple.so "the simple plugin is built"
require_file /etc/scx-runner/simple.toml "config/simple.toml is packed"

run_runner_bg /etc/scx-runner/simple.toml
first_pid=$RUNNER_PID
first_out=$RUNNER_OUT
expect_state enabled 60
expect_ops simple
attached_ops=$(scx_root_ops)
seq_attached=$(scx_enable_seq)

run_runner --duration 5 /etc/scx-runner/simple.toml
expect_exit_code scheduler_busy "$RUNNER_RC"
# The profile's path names "simple" too; the attached scheduler must be named apart from it.
names_attached_ops() { grep -v -F '.toml' "$RUNNER_OUT" | grep -qF -- "$attached_ops"; }
check "the message names the attached scheduler '$attached_ops'" names_attached_ops
check "the first scheduler is still attached" [ "$(scx_state) $(scx_root_ops)" = "enabled $attached_ops" ]
check "no new attach happened (enable_seq unchanged)" [ "$(scx_enable_seq)" -eq "$seq_attached" ]
check "the first runner is still running" [ -d "/proc/$first_pid" ]

kill -INT "$first_pid"
wait_pid_exit "$first_pid" 30
check "the first runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
expect_state disabled 5
show_output "$first_out"
finish
