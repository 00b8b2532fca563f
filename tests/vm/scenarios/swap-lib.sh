# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for the swap, restart and control scenarios (busybox sh), on top of lib.sh. Profiles
# are written into the guest's /tmp, so each scenario shows the exact profiles it swaps between.
. /usr/share/scxtest/scenarios/lib.sh

require_file /usr/bin/scx-runner "the runner is built"

# Loading qmap verifies tens of thousands of BPF instructions: seconds under TCG, a minute on a
# busy host. simple and test_sched load in about a second.
QMAP_LOAD_TIMEOUT=150
SMALL_LOAD_TIMEOUT=60

# write_profile FILE PLUGIN [LINES...]: a profile for PLUGIN; each further argument is one line
# after the plugin line ('[options]', 'slice = "5ms"', '[restart]', ...). Stats are off: the
# scenarios read the runner's log lines, not its stats.
write_profile() {
    _file=$1
    _plugin=$2
    shift 2
    {
        echo "plugin = \"$_plugin\""
        for _line in "$@"; do echo "$_line"; done
        echo '[runner]'
        echo 'stats_interval = "0s"'
    } >"$_file.tmp"
    # Replace, not rewrite: a reload never reads a half-written file.
    mv "$_file.tmp" "$_file"
    info "profile $_file: $(grep -v '^\[runner\]' "$_file" | grep -v stats_interval | tr '\n' ' ')"
}

# log_count TEXT: lines of the runner's output that contain TEXT.
log_count() { grep -cF -- "$1" "$RUNNER_OUT" 2>/dev/null || true; }

# wait_log_count TEXT N TIMEOUT: waits until TEXT is on at least N lines of the runner's output.
_log_count_at_least() { [ "$(log_count "$1")" -ge "$2" ]; }
wait_log_count() {
    if wait_until "$3" _log_count_at_least "$1" "$2"; then return 0; fi
    echo "  waited $3 s for $2 lines with '$1' in $RUNNER_OUT (saw $(log_count "$1")); its last lines:"
    tail -n 15 "$RUNNER_OUT" | sed 's/^/  | /'
    return 1
}

# last_log_line TEXT: the last line of the runner's output that contains TEXT.
last_log_line() { grep -F -- "$1" "$RUNNER_OUT" | tail -n 1; }

# runner_alive: the background runner is still running (not a zombie).
runner_alive() { ! _pid_gone "$RUNNER_PID"; }

# cpu_ticks PID: user + system clock ticks the process (all its threads) has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# The background runner's open descriptors, threads and VmRSS in kB: what a soak watches grow.
runner_fd_count() { ls "/proc/$RUNNER_PID/fd" | wc -l; }
runner_thread_count() { awk '/^Threads:/ { print $2 }' "/proc/$RUNNER_PID/status"; }
runner_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$RUNNER_PID/status"; }

# info_swap_gaps: min, median and max of the gaps the runner logged ("swap: A -> B, gap N ms").
info_swap_gaps() {
    _gaps=$(sed -n 's/.*swap: .* -> .*, gap \([0-9.]*\) ms.*/\1/p' "$RUNNER_OUT" | sort -n)
    info "swap gaps (ms): min $(echo "$_gaps" | head -n 1)," \
        "median $(echo "$_gaps" | sed -n "$(( $(echo "$_gaps" | wc -l) / 2 + 1 ))p"), max $(echo "$_gaps" | tail -n 1)"
}

# stop_runner: SIGINT, then the runner must exit 0 and leave sched_ext disabled.
stop_runner() {
    kill -INT "$RUNNER_PID"
    wait_pid_exit "$RUNNER_PID" 30
    check "the runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
    expect_state disabled 10
}
