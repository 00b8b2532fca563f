# SPDX-License-Identifier: GPL-2.0-only
#
# `--duration 3`: the runner attaches, detaches by itself after three seconds and exits 0.
. /usr/share/scxtest/scenarios/lib.sh

require_file /usr/bin/scx-runner "the runner is built"
require_file /usr/lib/scx-runner/plugins/simple.so "the simple plugin is built"
require_file /etc/scx-runner/simple.toml "config/simple.toml is packed"

seq_before=$(scx_enable_seq)
start_workload --threads 2 --spinners 1 --seconds 20 --quiet
run_runner_bg --duration 3 /etc/scx-runner/simple.toml
expect_state enabled 60
enabled_at=$(uptime_seconds)
expect_ops simple
wait_pid_exit "$RUNNER_PID" 60
info "the runner exited $(awk -v a="$enabled_at" -v b="$(uptime_seconds)" 'BEGIN { printf "%.1f", b - a }') s after the kernel reported it enabled"
check "the runner ended by itself within 60 s" [ "$WAIT_RC" -ne 124 ]
check "the runner exited 0" [ "$WAIT_RC" -eq 0 ]
check "it detached: state is 'disabled' once it has exited" [ "$(scx_state)" = disabled ]
check "enable_seq counted exactly one attach" [ "$(scx_enable_seq)" -eq $((seq_before + 1)) ]
show_output "$RUNNER_OUT"
[ "$WAIT_RC" -ne 124 ] || kill -KILL "$RUNNER_PID"
kill "$WORKLOAD_PID" 2>/dev/null
finish
