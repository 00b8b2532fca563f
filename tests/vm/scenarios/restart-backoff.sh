# SPDX-License-Identifier: GPL-2.0-only
#
# A scheduler that keeps failing is restarted with growing delays until its restart budget is
# spent, then the profile's fallback takes over. test_sched errors out (scx_bpf_error) at its
# 200th enqueue; the profile's [restart] table allows 3 restarts, from 500ms doubling up to 2s,
# and falls back to simple. The runner runs with -v, so its log lines carry timestamps: the
# time from each error to the next attach is printed beside the delay the policy chose.
. /usr/share/scxtest/scenarios/swap-lib.sh

require_file /usr/lib/scx-runner/plugins/test_sched.so "tests/plugins is built"
require_file /usr/lib/scx-runner/plugins/simple.so "the simple plugin is built"

write_profile /tmp/fallback.toml simple '[options]' 'mode = "fifo"'
write_profile /tmp/failing.toml test_sched '[options]' 'error_after_enqueues = 200' \
    '[restart]' 'initial_delay = "500ms"' 'max_delay = "2s"' 'max_restarts = 3' 'window = "5m"' \
    'fallback = "fallback.toml"'

seq=$(scx_enable_seq)
start_workload --threads 2 --spinners 1 --seconds 900 --quiet
run_runner_bg -v /tmp/failing.toml
check "the budget was spent and the fallback named" \
    wait_log_count "not restarting: 3 restarts within 5m; falling back to /tmp/fallback.toml" 1 120
expect_ops simple 60
check "the runner is still running, now with the fallback" runner_alive

# "[12:34:56.789] warning: test_sched: restart 2 of 3 within 5m in 1s" -> "1000"
milliseconds_of() {
    case "$1" in
        *ms) echo "${1%ms}" ;;
        *s) awk -v s="${1%s}" 'BEGIN { printf "%d", s * 1000 }' ;;
        *) echo -1 ;;
    esac
}
delays=""
for line_number in 1 2 3; do
    delay=$(grep -F "restart $line_number of 3 within 5m in " "$RUNNER_OUT" | sed 's/.* in //' | head -n 1)
    delays="$delays $(milliseconds_of "$delay")"
done
info "restart delays chosen by the policy (ms):$delays"
set -- $delays
check "three restarts were scheduled with delays" [ $# -eq 3 ]
increasing() { [ "${1:-0}" -gt 0 ] && [ "${2:-0}" -gt "${1:-0}" ] && [ "${3:-0}" -gt "${2:-0}" ]; }
check "the delays grow: ${1:-?} ms < ${2:-?} ms < ${3:-?} ms" increasing "$@"
check "each delay doubles up to max_delay (500, 1000, 2000)" [ "$delays" = " 500 1000 2000" ]

# The waits as they happened: from each "restart N of 3 ... in DELAY" line to the runner's
# "restarting" line, when it begins to load again.
clock_ms() { echo "$1" | sed -n 's/^\[\([0-9]*\):\([0-9]*\):\([0-9]*\)\.\([0-9]*\)\].*/\1 \2 \3 \4/p' \
    | awk '{ printf "%d", (($1 * 60 + $2) * 60 + $3) * 1000 + $4 }'; }
waited=""
scheduled=""
while IFS= read -r line; do
    case "$line" in
        *"restart "*" of 3 within 5m in "*) scheduled=$(clock_ms "$line") ;;
        *"test_sched: restarting (restart "*)
            if [ -n "$scheduled" ]; then
                waited="$waited $(( $(clock_ms "$line") - scheduled ))"
                scheduled=""
            fi ;;
    esac
done <"$RUNNER_OUT"
# Printed, not asserted: log timestamps are taken a little after the decision, and a busy
# emulated machine stretches waits.
info "time the runner waited before each restart (ms, by its log's timestamps):$waited"
check "three restarts attached test_sched again" [ "$(log_count 'test_sched: attached')" -eq 4 ]

check "four error exits were reported (EXIT lines: $(log_count 'EXIT: '))" [ "$(log_count 'EXIT: ')" -eq 4 ]
check "each exit names the injected error" [ "$(log_count 'injected error after 200 enqueues')" -ge 4 ]
check "enable_seq counted four test_sched attaches and the fallback's ($seq -> $(scx_enable_seq))" \
    [ "$(scx_enable_seq)" -eq $((seq + 5)) ]
scx-runner status >/tmp/status.out 2>&1
show_output /tmp/status.out
check "status: the fallback profile runs" grep -qF "  profile: /tmp/fallback.toml" /tmp/status.out
check "status: three restarts" grep -q "^  restarts: 3$" /tmp/status.out

kill "$WORKLOAD_PID"
stop_runner
grep -v -e 'debug:' -e 'trace:' "$RUNNER_OUT" >/tmp/runner.filtered
show_output /tmp/runner.filtered
finish
