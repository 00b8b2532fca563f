# SPDX-License-Identifier: GPL-2.0-only
#
# A task context slab smaller than the number of tasks is a clean scheduler error, not a crash:
# qmap's init_task finds the slab empty, raises an error that names max_tasks, the kernel
# disables qmap, and the runner reports it with the scheduler-error code.
. /usr/share/scxtest/scenarios/qmap-lib.sh

qmap_profile /tmp/qmap-tiny.toml 'max_tasks = 8'

run_runner_bg /tmp/qmap-tiny.toml
expect_runner_exit scheduler_error_exit "$QMAP_ATTACH_TIMEOUT"
check "the exit says the slab is exhausted and names max_tasks" \
    grep -q "task_ctx slab exhausted (max_tasks=8)" "$RUNNER_OUT"
check "the exit kind is a BPF error" grep -q "error (BPF)" "$RUNNER_OUT"
expect_state disabled 5
# No fork failed while qmap went down, and the kernel schedules normally afterwards.
start_workload --threads 2 --spinners 1 --seconds 2 --quiet
expect_workload_done 60
show_output "$RUNNER_OUT"
finish
