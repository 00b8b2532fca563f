# SPDX-License-Identifier: GPL-2.0-only
#
# The runner attaches qmap: the kernel reports it enabled under its own name, the arena counters
# move while workloads run, a nice -20 workload with highpri_boosting moves the expedite
# counters, a nice 19 workload gets through the low-priority path, the plugin says once which
# form of the ops it loaded (cid on 7.3, classic elsewhere), and SIGINT detaches cleanly.
. /usr/share/scxtest/scenarios/qmap-lib.sh

qmap_profile /tmp/qmap-boost.toml 'highpri_boosting = true' 'dispatch_batch = 8'

check "no scheduler attached before the runner starts" [ "$(scx_state)" = disabled ]
seq_before=$(scx_enable_seq)
run_runner_bg /tmp/qmap-boost.toml
expect_state enabled "$QMAP_ATTACH_TIMEOUT"
expect_ops qmap
check "enable_seq counted exactly one attach" [ "$(scx_enable_seq)" -eq $((seq_before + 1)) ]

# One spinner at nice -20 competes with nice-0 work for the two CPUs, so the boosted task waits
# behind others on the shared queue and gets expedited. One, not more: boosting serves nice -20
# tasks before everything else, and as many boosted hogs as CPUs would starve the kernel's own
# watchdog work until sched_ext ejects the scheduler (qmap's boost is a demonstration, not a
# fair policy).
sched-workload --threads 0 --spinners 1 --seconds 8 --nice -20 >/tmp/workload-boost.out 2>&1 &
boost_pid=$!
# A nice 19 spinner takes the low-priority path: qmap parks it on its LOWPRI DSQ and a 10 ms
# timer re-enqueues it (scx_bpf_dsq_reenq). Were that path broken, it would never run again and
# the watchdog would eject qmap.
sched-workload --threads 0 --spinners 1 --seconds 8 --nice 19 >/tmp/workload-lowpri.out 2>&1 &
lowpri_pid=$!
start_workload --threads 4 --spinners 3 --seconds 8
expect_workload_done 120
wait_pid_exit "$boost_pid" 60
check "the nice -20 workload finished" [ "$WAIT_RC" -eq 0 ]
wait_pid_exit "$lowpri_pid" 60
check "the nice 19 workload finished ($(grep '^workload: done' /tmp/workload-lowpri.out))" \
    [ "$WAIT_RC" -eq 0 ]

check "qmap is still the attached scheduler after the workloads" \
    [ "$(scx_state) $(scx_root_ops)" = "enabled qmap" ]
if wait_until 20 stat_moved enqueued && wait_until 20 stat_moved dispatched; then
    pass "enqueued and dispatched moved: dispatched $(stat_values dispatched | tail -n 4 | tr '\n' ' ')"
else
    fail "enqueued and dispatched moved (saw: enqueued '$(stat_values enqueued | tr '\n' ' ')'," \
        "dispatched '$(stat_values dispatched | tr '\n' ' ')')"
fi
check "task contexts are in use ($(stat_last task_ctxs_in_use) of $(stat_last task_ctx_capacity))" \
    stat_positive task_ctxs_in_use
expedited=0
for counter in expedited_local expedited_remote expedited_from_timer; do
    value=$(stat_last "$counter")
    expedited=$((expedited + ${value:-0}))
done
check "boosting expedited nice -20 tasks (local $(stat_last expedited_local), remote $(stat_last expedited_remote), timer $(stat_last expedited_from_timer))" \
    [ "$expedited" -gt 0 ]
check "cpuperf figures are reported (the kernel has scx_bpf_cpuperf_cur)" \
    [ -n "$(stat_last cpuperf_target_max)" ]

# 7.3 runs qmap in the cid form (and its stats count children); 7.2, whose cid ABI differs, in
# the classic form.
if has_sub_schedulers; then
    check "qmap said once that it runs in the cid form" [ "$(count_lines "$RUNNER_OUT" "qmap: cid form")" -eq 1 ]
    check "the cid form's stats count children" [ "$(stat_last children)" = 0 ]
else
    check "qmap said once that it runs in the classic form" \
        [ "$(count_lines "$RUNNER_OUT" "qmap: classic form")" -eq 1 ]
    check "the classic form has no children stats" [ -z "$(stat_last children)" ]
fi

check "the runner is still running before SIGINT" [ -d "/proc/$RUNNER_PID" ]
kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 30
check "the runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
expect_state disabled 5
show_output "$RUNNER_OUT"
finish
