# SPDX-License-Identifier: GPL-2.0-only
#
# Shared helpers for VM scenarios (busybox sh). A scenario sources this file, runs checks, and
# ends with `finish`, whose exit status init turns into the SCXTEST-RESULT line.
#
# Every check prints one line, `PASS: what` or `FAIL: what (saw: ...)`, so a failing test's console
# says what the kernel or the runner actually did. Nothing here asserts a duration: times are
# printed as INFO lines.

SCX_SYSFS=/sys/kernel/sched_ext
SCXTEST_FAILURES=0
SCXTEST_CHECKS=0
SCXTEST_NAME=$(basename "$0" .sh)
SCXTEST_RUNNER_COUNT=0
# Exit codes of the runner, generated from runner/base/ExitCode.hpp (exit_code_ok, exit_code_busy, ...).
[ ! -f /etc/scxtest/exit-codes.sh ] || . /etc/scxtest/exit-codes.sh

info() { echo "INFO: $*"; }

pass() {
    SCXTEST_CHECKS=$((SCXTEST_CHECKS + 1))
    echo "PASS: $*"
}

fail() {
    SCXTEST_CHECKS=$((SCXTEST_CHECKS + 1))
    SCXTEST_FAILURES=$((SCXTEST_FAILURES + 1))
    echo "FAIL: $*"
}

# check "description" COMMAND [ARGS...]: passes when the command succeeds. The failure line shows
# the command with its arguments expanded, e.g. `[ 3 -eq 0 ]`, which is what was seen.
check() {
    _description=$1
    shift
    if "$@"; then pass "$_description"; else fail "$_description (saw: $*)"; fi
}

# Stops the scenario early when a precondition is missing (for example, the runner is not built).
require_file() {
    if [ ! -e "$1" ]; then
        fail "$1 exists (${2:-it is needed by this scenario})"
        finish
    fi
}

# Prints a sysfs file's content, or <absent>.
read_sysfs() {
    if [ -r "$1" ]; then cat "$1" 2>/dev/null || echo "<unreadable>"; else echo "<absent>"; fi
}

scx_state() { read_sysfs "$SCX_SYSFS/state"; }
scx_root_ops() { read_sysfs "$SCX_SYSFS/root/ops"; }
scx_enable_seq() { read_sysfs "$SCX_SYSFS/enable_seq"; }

# Seconds since boot with centiseconds, for INFO timings.
uptime_seconds() { cut -d' ' -f1 /proc/uptime; }

# wait_until TIMEOUT_SECONDS COMMAND [ARGS...]: polls every 0.1 s until the command succeeds.
wait_until() {
    _deadline=$(( $(cut -d. -f1 /proc/uptime) + $1 + 1 ))
    shift
    while ! "$@"; do
        [ "$(cut -d. -f1 /proc/uptime)" -lt "$_deadline" ] || return 1
        sleep 0.1
    done
}

_sysfs_is() { [ "$(read_sysfs "$1")" = "$2" ]; }

# expect_state enabled|disabled [TIMEOUT=15]: waits for /sys/kernel/sched_ext/state.
expect_state() {
    _start=$(uptime_seconds)
    if wait_until "${2:-15}" _sysfs_is "$SCX_SYSFS/state" "$1"; then
        pass "sched_ext state is '$1' (waited from ${_start}s to $(uptime_seconds)s uptime)"
    else
        fail "sched_ext state is '$1' (saw: '$(scx_state)' after ${2:-15}s)"
    fi
}

# expect_ops NAME [TIMEOUT=15]: waits for /sys/kernel/sched_ext/root/ops to name the scheduler.
expect_ops() {
    if wait_until "${2:-15}" _sysfs_is "$SCX_SYSFS/root/ops" "$1"; then
        pass "root/ops is '$1'"
    else
        fail "root/ops is '$1' (saw: '$(scx_root_ops)', state '$(scx_state)')"
    fi
}

_file_has_text() { [ -f "$1" ] && grep -qF -- "$2" "$1"; }

# wait_for_file_text FILE TEXT TIMEOUT: succeeds once FILE contains TEXT. On a timeout it prints
# the file's last lines, so a `check` around it shows what was there instead.
wait_for_file_text() {
    if wait_until "$3" _file_has_text "$1" "$2"; then return 0; fi
    echo "  waited $3 s for '$2' in $1; its last lines:"
    if [ -f "$1" ]; then tail -n 15 "$1" | sed 's/^/  | /'; else echo "  | <no such file>"; fi
    return 1
}

# run_runner_bg ARGS...: starts scx-runner in the background with output captured. Sets
# RUNNER_PID and RUNNER_OUT. (The shell starts background jobs with SIGINT ignored; the runner
# must still act on SIGINT, as when a script or service manager starts it that way.)
run_runner_bg() {
    SCXTEST_RUNNER_COUNT=$((SCXTEST_RUNNER_COUNT + 1))
    RUNNER_OUT=/tmp/runner.$SCXTEST_RUNNER_COUNT.out
    info "starting: scx-runner $* (output in $RUNNER_OUT)"
    scx-runner "$@" >"$RUNNER_OUT" 2>&1 &
    RUNNER_PID=$!
}

# run_runner ARGS...: runs scx-runner in the foreground (killed after 120 s, status 137). Sets
# RUNNER_RC and RUNNER_OUT and prints the output.
run_runner() {
    SCXTEST_RUNNER_COUNT=$((SCXTEST_RUNNER_COUNT + 1))
    RUNNER_OUT=/tmp/runner.$SCXTEST_RUNNER_COUNT.out
    info "running: scx-runner $*"
    timeout -s KILL 120 scx-runner "$@" >"$RUNNER_OUT" 2>&1
    RUNNER_RC=$?
    show_output "$RUNNER_OUT"
}

# run_as_user COMMAND [ARGS...]: runs a command as the unprivileged user (uid 1000).
run_as_user() {
    _command=""
    for _argument in "$@"; do
        _command="$_command '$(printf '%s' "$_argument" | sed "s/'/'\\\\''/g")'"
    done
    su -s /bin/sh scxuser -c "exec $_command"
}

# wait_pid_exit PID TIMEOUT: waits for a background child to end; sets WAIT_RC (124 on timeout,
# in which case the process is still running).
wait_pid_exit() {
    if wait_until "$2" _pid_gone "$1"; then
        wait "$1"
        WAIT_RC=$?
    else
        WAIT_RC=124
    fi
}

_pid_gone() {
    [ ! -d "/proc/$1" ] && return 0
    # A zombie has exited; only `wait` can reap it.
    [ "$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)" = Z ]
}

# start_workload ARGS...: starts sched-workload in the background. Sets WORKLOAD_PID, WORKLOAD_OUT.
start_workload() {
    WORKLOAD_OUT=/tmp/workload.out
    info "starting: sched-workload $*"
    sched-workload "$@" >"$WORKLOAD_OUT" 2>&1 &
    WORKLOAD_PID=$!
}

# expect_workload_done TIMEOUT: the workload ran to its final line and exited 0.
expect_workload_done() {
    wait_pid_exit "$WORKLOAD_PID" "$1"
    if [ "$WAIT_RC" -eq 0 ] && grep -q '^workload: done' "$WORKLOAD_OUT"; then
        pass "workload finished: $(grep '^workload: done' "$WORKLOAD_OUT")"
    else
        fail "workload finished (saw: exit $WAIT_RC; its output:)"
        sed 's/^/  | /' "$WORKLOAD_OUT"
        [ "$WAIT_RC" -ne 124 ] || kill -KILL "$WORKLOAD_PID" 2>/dev/null
    fi
}

# show_output FILE: prints a captured output file, indented, for the console log.
show_output() {
    echo "---- $1"
    sed 's/^/  | /' "$1" 2>/dev/null
    echo "----"
}

# exit_code NAME: the runner's exit code called NAME in runner/base/ExitCode.hpp; empty if unknown.
exit_code() { eval "echo \"\${exit_code_$1:-}\""; }

# expect_exit_code NAME ACTUAL: passes when ACTUAL is the runner's exit code NAME.
expect_exit_code() {
    _expected=$(exit_code "$1")
    if [ -z "$_expected" ]; then
        fail "runner exit code is '$1' (runner/base/ExitCode.hpp defines no '$1'; known:" \
            "$(sed -n 's/^exit_code_//p' /etc/scxtest/exit-codes.sh | tr '\n' ' '))"
    elif [ "$2" -eq "$_expected" ]; then
        pass "runner exit code is '$1' ($2)"
    else
        fail "runner exit code is '$1' = $_expected (saw: $2)"
    fi
}

# finish: prints the summary (and, on failure, what the kernel logged about sched_ext) and ends
# the scenario with the number of failed checks as its status.
finish() {
    if [ "$SCXTEST_CHECKS" -eq 0 ]; then
        fail "the scenario made at least one check"
    fi
    if [ "$SCXTEST_FAILURES" -ne 0 ]; then
        echo "---- kernel log lines about sched_ext"
        dmesg | grep -i -e sched_ext -e 'scx_' | grep -v -i 'command line' | tail -n 40 | sed 's/^/  | /'
        echo "----"
    fi
    echo "SUMMARY: $SCXTEST_NAME: $((SCXTEST_CHECKS - SCXTEST_FAILURES))/$SCXTEST_CHECKS checks passed"
    [ "$SCXTEST_FAILURES" -eq 0 ] && exit 0
    exit 1
}
