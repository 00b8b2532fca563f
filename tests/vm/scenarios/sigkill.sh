# SPDX-License-Identifier: GPL-2.0-only
#
# SIGKILL gives the runner no chance to detach; the kernel must fall back to its own scheduler
# when the struct_ops link's last reference goes away with the process, and the workload that was
# running under the BPF scheduler must still finish.
. /usr/share/scxtest/scenarios/lib.sh

require_file /usr/bin/scx-runner "the runner is built"
require_file /usr/lib/scx-runner/plugins/simple.so "the simple plugin is built"
require_file /etc/scx-runner/simple.toml "config/simple.toml is packed"

run_runner_bg /etc/scx-runner/simple.toml
expect_state enabled 60
expect_ops simple
start_workload --threads 4 --spinners 2 --seconds 6
sleep 2
check "the runner is running before SIGKILL" [ -d "/proc/$RUNNER_PID" ]
kill -KILL "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 10
check "the runner died of SIGKILL (status 137)" [ "$WAIT_RC" -eq 137 ]
expect_state disabled 15
expect_workload_done 60
show_output "$RUNNER_OUT"
finish
