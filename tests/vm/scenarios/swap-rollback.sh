# SPDX-License-Identifier: GPL-2.0-only
#
# Reloads that must not take the running scheduler away. With simple attached: a profile with
# an unknown option, a profile that is not TOML, and a scheduler the verifier rejects (the
# test_rejected plugin, built to be rejected), by SIGHUP and by `scx-runner switch` (exit 14 with
# the runner's answer). Each time the kernel still runs simple with enable_seq unchanged, the
# runner says why and keeps running. The control socket is root's only: a user's status and
# switch are refused. Then a scheduler that fails to attach (test_failing): simple is detached
# for the attempt and attached again, one attach more. A good reload still works.
. /usr/share/scxtest/scenarios/swap-lib.sh

require_file /usr/lib/scx-runner/plugins/simple.so "the simple plugin is built"
require_file /usr/lib/scx-runner/plugins/test_rejected.so "tests/plugins is built"
require_file /usr/lib/scx-runner/plugins/test_failing.so "tests/plugins is built"

profile=/tmp/sched.toml
write_profile "$profile" simple '[options]' 'mode = "fifo"'
run_runner_bg "$profile"
expect_state enabled "$SMALL_LOAD_TIMEOUT"
expect_ops simple
seq=$(scx_enable_seq)
start_workload --threads 2 --spinners 1 --seconds 900 --quiet

# still_simple WHAT: after WHAT the kernel runs simple, no attach happened, the runner runs.
still_simple() {
    check "after $1: root/ops is still simple" [ "$(scx_state) $(scx_root_ops)" = "enabled simple" ]
    check "after $1: enable_seq unchanged ($seq)" [ "$(scx_enable_seq)" -eq "$seq" ]
    check "after $1: the runner is still running" runner_alive
}

info "1. a reload whose profile has an unknown option"
write_profile "$profile" simple '[options]' 'slise = "5ms"'
kill -HUP "$RUNNER_PID"
check "the runner says the profile is not usable and simple keeps running" \
    wait_log_count "is not usable; simple keeps running" 1 30
check "it names the problem at file:line:column" grep -qF "$profile:3:1: unknown option 'slise'" "$RUNNER_OUT"
check "it suggests the fix" grep -qF "did you mean 'slice'?" "$RUNNER_OUT"
still_simple "an unknown option"

info "2. a reload whose profile is not TOML"
printf 'plugin = "simple\n[options\n' >"$profile"
kill -HUP "$RUNNER_PID"
check "the runner refuses the broken profile" wait_log_count "is not usable; simple keeps running" 2 30
check "it names the TOML syntax error with its position" grep -qF "$profile:1:" "$RUNNER_OUT"
still_simple "a TOML syntax error"

info "3. a reload to a scheduler the verifier rejects"
write_profile "$profile" test_rejected
kill -HUP "$RUNNER_PID"
check "the runner says the new scheduler failed before the swap" \
    wait_log_count "test_rejected failed before the swap, simple keeps running" 1 "$SMALL_LOAD_TIMEOUT"
check "it says the verifier rejected it" grep -qF "verifier rejected plugin 'test_rejected'" "$RUNNER_OUT"
check "it shows the verifier's complaint" grep -qF "invalid mem access 'scalar'" "$RUNNER_OUT"
still_simple "a verifier rejection"

info "4. scx-runner switch to the rejected scheduler"
write_profile /tmp/rejected.toml test_rejected
scx-runner switch /tmp/rejected.toml >/tmp/switch.out 2>&1
switch_rc=$?
show_output /tmp/switch.out
expect_exit_code control_failed "$switch_rc"
check "switch prints the runner's answer: verifier rejection" grep -qF "verifier rejected plugin 'test_rejected'" /tmp/switch.out
still_simple "a rejected switch"

info "5. the control socket is root's: mode 0600 in a 0700 directory; a user is refused"
check "socket mode is 600" [ "$(stat -c %a /run/scx-runner/control.sock)" = 600 ]
check "its directory's mode is 700" [ "$(stat -c %a /run/scx-runner)" = 700 ]
run_as_user scx-runner status >/tmp/user-status.out 2>&1
show_output /tmp/user-status.out
check "a user's status says permission denied" grep -qF "permission denied on the control socket" /tmp/user-status.out
run_as_user scx-runner switch /tmp/rejected.toml >/tmp/user-switch.out 2>&1
expect_exit_code control_failed "$?"
still_simple "a user's requests"

info "6. a reload to a scheduler that fails to attach"
write_profile "$profile" test_failing '[options]' 'fail_in = "attach"' 'status = "attach"'
kill -HUP "$RUNNER_PID"
check "the runner re-attached simple after the failed attach" \
    wait_log_count "attaching test_failing failed, simple is attached again (gap" 1 "$SMALL_LOAD_TIMEOUT"
check "root/ops is simple again" [ "$(scx_state) $(scx_root_ops)" = "enabled simple" ]
check "enable_seq counted the one re-attach ($seq -> $(scx_enable_seq))" [ "$(scx_enable_seq)" -eq $((seq + 1)) ]
seq=$(scx_enable_seq)
check "the runner is still running" runner_alive

info "7. a good reload still swaps"
write_profile "$profile" simple '[options]' 'mode = "vtime"'
kill -HUP "$RUNNER_PID"
check "the runner swapped" wait_log_count "swap: simple -> simple, gap" 1 "$SMALL_LOAD_TIMEOUT"
check "enable_seq counted the swap" [ "$(scx_enable_seq)" -eq $((seq + 1)) ]
scx-runner status >/tmp/status.out 2>&1
show_output /tmp/status.out
check "status counts one swap and five failed ones" grep -q "^  swaps: 1 (5 failed" /tmp/status.out
check "the workload survived all of it" [ -d "/proc/$WORKLOAD_PID" ]

kill "$WORKLOAD_PID"
stop_runner
show_output "$RUNNER_OUT"
finish
