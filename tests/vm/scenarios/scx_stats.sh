# SPDX-License-Identifier: GPL-2.0-only
#
# The scx_stats socket (issue 14): a runner started as root serves qmap's stats at the scx
# convention's path, root's only. A client written from the protocol (stats-client: one JSON
# line per request, no runner code) reads stats_meta (the schema: names, kinds, descriptions)
# and stats (the arena counters, consistent with the runner's own JSON lines read around it);
# bad, oversized, trickling and flooding clients get errno replies or are dropped, and the
# scheduler notices nothing (still enabled, no new attach); `scx-runner monitor` prints rates.
# Then, on Linux 7.3, a tree: each child is a target of its own.
. /usr/share/scxtest/scenarios/qmap-lib.sh

require_file /usr/bin/stats-client "the scx_stats test client is built"
SOCKET=/var/run/scx/root/stats

# json_number FILE NAME: the last value of "NAME": in FILE (a reply line or runner output).
json_number() { sed -n "s/.*\"$2\":\(-\{0,1\}[0-9][0-9]*\).*/\1/p" "$1" | tail -n 1; }
# line_has FILE N PATTERN: line N of FILE matches the grep pattern.
line_has() { sed -n "$2p" "$1" | grep -q -- "$3"; }
# both_in FILE PATTERN_A PATTERN_B: FILE has lines matching both.
both_in() { grep -q -- "$2" "$1" && grep -q -- "$3" "$1"; }
# runner_lines_above N: the runner printed more than N stats lines with enqueued.
runner_lines_above() { [ "$(stat_values enqueued | wc -l)" -gt "$1" ]; }
# between LOW VALUE HIGH: all three are numbers and LOW <= VALUE <= HIGH.
between() { [ -n "$1" ] && [ -n "$2" ] && [ -n "$3" ] && [ "$1" -le "$2" ] && [ "$2" -le "$3" ]; }

qmap_profile /tmp/qmap-stats.toml 'dispatch_batch = 8'
check "no scheduler attached before the runner starts" [ "$(scx_state)" = disabled ]
run_runner_bg /tmp/qmap-stats.toml
expect_state enabled "$QMAP_ATTACH_TIMEOUT"
expect_ops qmap
seq_attached=$(scx_enable_seq)
check "the stats socket appears at $SOCKET" wait_until 20 test -S "$SOCKET"
check "the socket is root's only: mode 600 ($(stat -c %a "$SOCKET"))" [ "$(stat -c %a "$SOCKET")" = 600 ]
check "its directory is private: mode 700 ($(stat -c %a "$(dirname "$SOCKET")"))" \
    [ "$(stat -c %a "$(dirname "$SOCKET")")" = 700 ]

start_workload --threads 4 --spinners 2 --seconds 6

# stats_meta: one struct per plugin, qmap's marked top, each field with its datum and kind.
stats-client ask "$SOCKET" '{"req":"stats_meta","args":{}}' >/tmp/meta.out 2>&1
info "stats_meta: $(cut -c1-300 /tmp/meta.out)..."
check "stats_meta answers errno 0" grep -q '^{"errno":0,"args":{"resp":{"qmap":{"name":"qmap","top":"true"' /tmp/meta.out
check "stats_meta describes enqueued: u64, its help, a counter in group queue" \
    grep -qF '"enqueued":{"datum":"u64","desc":"tasks queued on the five FIFOs","user":{"_kind":"counter","_unit":"tasks","_group":"queue"}}' /tmp/meta.out
check "stats_meta describes enqueued_minus_dispatched as an i64 gauge" \
    grep -qF '"enqueued_minus_dispatched":{"datum":"i64"' /tmp/meta.out
check "stats_meta describes the fifo gauges" grep -qF '"fifo4_queued":{"datum":"u64"' /tmp/meta.out

# stats against the BPF counters: the runner prints the same arena counter once a second, and
# the counter only grows, so the socket's value lies between the line before and the line after.
wait_until 10 stat_positive enqueued
before=$(stat_last enqueued)
stats-client ask "$SOCKET" '{"req":"stats","args":{"target":"top"}}' >/tmp/stats1.out 2>&1
served=$(json_number /tmp/stats1.out enqueued)
lines_then=$(stat_values enqueued | wc -l)
wait_until 5 runner_lines_above "$lines_then"
after=$(stat_values enqueued | sed -n "$((lines_then + 1))p")
info "enqueued: runner line before $before, socket $served, runner line after $after"
check "stats answers errno 0 with qmap's counters" grep -q '^{"errno":0,"args":{"resp":{"enqueued":' /tmp/stats1.out
check "the socket's enqueued ($served) lies between the runner's lines around it ($before .. $after)" \
    between "$before" "$served" "$after"
sleep 2
stats-client ask "$SOCKET" '{"req":"stats"}' >/tmp/stats2.out 2>&1
served_later=$(json_number /tmp/stats2.out enqueued)
check "enqueued grew between two requests ($served -> $served_later)" [ "${served_later:-0}" -gt "${served:-0}" ]
dispatched=$(json_number /tmp/stats2.out dispatched)
check "dispatched is served and positive ($dispatched)" [ "${dispatched:-0}" -gt 0 ]

# Bad requests: errno replies (EINVAL 22), the connection still answers afterwards.
stats-client ask "$SOCKET" 'not json' '{"req":"reboot"}' '{"req":"stats","args":{"target":"nope"}}' \
    '{"req":"stats","args":{"target":7}}' '{"req":"stats"}' >/tmp/bad.out 2>&1
show_output /tmp/bad.out
check "not JSON: errno 22" line_has /tmp/bad.out 1 '^{"errno":22,.*not JSON'
check "an unknown request: errno 22 naming it" line_has /tmp/bad.out 2 '^{"errno":22,.*unknown request \\"reboot\\"'
check "an unknown target: errno 22 naming it" line_has /tmp/bad.out 3 '^{"errno":22,.*unknown stat target \\"nope\\"'
check "a target that is not a string: errno 22" line_has /tmp/bad.out 4 '^{"errno":22,'
check "the same connection still answers stats" line_has /tmp/bad.out 5 '^{"errno":0,'

# An oversized request: E2BIG (7) and the connection closed.
big=$(head -c 6000 /dev/zero | tr '\0' x)
stats-client raw "$SOCKET" 1 "$big" >/tmp/big.out 2>&1
check "a 6000-byte request gets errno 7 and is closed ($(cut -c1-80 /tmp/big.out | head -n 1))" \
    both_in /tmp/big.out '^{"errno":7,' '^closed$'
# A client that starts a line and stalls: ETIMEDOUT (110) after 5 s, closed.
stats-client raw "$SOCKET" 7 '{"req":"sta' >/tmp/slow.out 2>&1
check "a stalled request line times out with errno 110 ($(head -c 80 /tmp/slow.out))" \
    both_in /tmp/slow.out '^{"errno":110,' '^closed$'
# A client that floods requests and never reads: the server stops reading it, drops it at the
# reply deadline, and answers others meanwhile.
stats-client flood "$SOCKET" 7 >/tmp/flood.out 2>&1 &
flood_pid=$!
sleep 2
stats-client ask "$SOCKET" '{"req":"stats"}' >/tmp/during.out 2>&1
check "another client is answered during the flood" grep -q '^{"errno":0,' /tmp/during.out
wait_pid_exit "$flood_pid" 30
show_output /tmp/flood.out
check "the flooding client was stuck, not the server ($(head -n 1 /tmp/flood.out))" grep -q '^sent [0-9]' /tmp/flood.out
check "the flooding client was dropped" grep -q '^closed' /tmp/flood.out
# Not root: the directory and the socket keep uid 1000 out.
if run_as_user stats-client ask "$SOCKET" '{"req":"stats"}' >/tmp/user.out 2>&1; then user_rc=0; else user_rc=$?; fi
check "a non-root client cannot connect (exit $user_rc: $(head -n 1 /tmp/user.out))" [ "$user_rc" -eq 2 ]

check "qmap stayed attached through the bad clients: $(scx_state) $(scx_root_ops)" \
    [ "$(scx_state) $(scx_root_ops)" = "enabled qmap" ]
check "no attach happened meanwhile (enable_seq $(scx_enable_seq), was $seq_attached)" \
    [ "$(scx_enable_seq)" -eq "$seq_attached" ]
expect_workload_done 120

# scx-runner monitor: what scx schedulers' --monitor does, through the same socket.
timeout -s KILL 30 scx-runner monitor --stats-interval 1s --duration 3.5 >/tmp/monitor.out 2>&1
monitor_rc=$?
show_output /tmp/monitor.out
check "monitor ran for its duration and exited 0 (saw $monitor_rc)" [ "$monitor_rc" -eq 0 ]
check "monitor printed totals first" grep -q "^[0-9:]* qmap at $SOCKET: totals\$" /tmp/monitor.out
check "monitor then printed rates" grep -q "^[0-9:]* qmap at $SOCKET: rates over [0-9.]*s\$" /tmp/monitor.out
check "monitor groups the stats by the schema's groups" grep -q '^  queue  *enqueued=[0-9.kM]*/s ' /tmp/monitor.out
check "monitor lines are at most 100 characters" [ "$(awk '{ if (length($0) > n) n = length($0) } END { print n+0 }' /tmp/monitor.out)" -le 100 ]
timeout -s KILL 30 scx-runner monitor --stats-interval 0s --stats-format json "$SOCKET" >/tmp/monitor.json 2>&1
check "monitor --stats-interval 0s --stats-format json prints one JSON reading" \
    [ "$(grep -c '^{"timestamp":".*","socket":"/var/run/scx/root/stats","stats":{"enqueued":' /tmp/monitor.json)" -eq 1 ]
if timeout -s KILL 30 scx-runner monitor --stats-interval 0s /tmp/no-such-socket >/tmp/monitor-missing.out 2>&1; then
    missing_rc=0
else
    missing_rc=$?
fi
check "monitor of a missing socket says so: $(head -n 1 /tmp/monitor-missing.out)" \
    grep -q 'no stats socket at /tmp/no-such-socket' /tmp/monitor-missing.out
expect_exit_code control_failed "$missing_rc"

kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 30
check "the runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
expect_state disabled 5
check "the stats socket is gone after the runner" [ ! -e "$SOCKET" ]
tail -n 20 "$RUNNER_OUT" | sed 's/^/  | /'

# A tree (Linux 7.3): each child is a target of its own, named by its cgroup; "top" stays the
# root's, and a workload in child b's cgroup moves b's counters as served.
if has_sub_schedulers; then
    start_small_tree /tmp/tree-stats.toml
    check "the stats socket appears for the tree" wait_until 20 test -S "$SOCKET"
    stats-client ask "$SOCKET" '{"req":"stats","args":{"target":"b"}}' '{"req":"stats","args":{"target":"c"}}' \
        '{"req":"stats","args":{"target":"top"}}' '{"req":"stats_meta","args":{}}' >/tmp/tree1.out 2>&1
    show_output /tmp/tree1.out
    check "target b answers with qmap's counters" line_has /tmp/tree1.out 1 '^{"errno":0,"args":{"resp":{"enqueued":'
    check "target c answers with simple's counters" line_has /tmp/tree1.out 2 '^{"errno":0,"args":{"resp":{"local_dispatches":'
    check "top is the root's qmap" line_has /tmp/tree1.out 3 '^{"errno":0,"args":{"resp":{"enqueued":'
    check "stats_meta describes simple beside qmap" line_has /tmp/tree1.out 4 '"simple":{"name":"simple"'
    b_before=$(sed -n 1p /tmp/tree1.out | sed -n 's/.*"enqueued":\([0-9]*\).*/\1/p')
    sh -c "echo \$\$ >$CGROUP_ROOT/b/cgroup.procs && exec sched-workload --threads 2 --spinners 1 --seconds 3" \
        >/tmp/workload-b.out 2>&1
    stats-client ask "$SOCKET" '{"req":"stats","args":{"target":"b"}}' >/tmp/tree2.out 2>&1
    b_after=$(json_number /tmp/tree2.out enqueued)
    check "child b's enqueued as served moved with a workload in its cgroup ($b_before -> $b_after)" \
        [ "${b_after:-0}" -gt "${b_before:-0}" ]
    kill -INT "$RUNNER_PID"
    wait_pid_exit "$RUNNER_PID" 60
    check "the tree's runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
    expect_state disabled 10
fi
finish
