# SPDX-License-Identifier: GPL-2.0-only
#
# /metrics (issue 14) on Linux 7.3, for one scheduler and for a tree:
#
# 1. A port already taken: the runner refuses to start with exit code metrics_failed, naming the
#    address, and attaches nothing.
# 2. qmap with --metrics: promtool (the Prometheus project's own checker, added to this boot
#    from the host) passes a scrape, which holds qmap's counters with node and plugin labels and
#    the runner's own; the scraped enqueued lies between the runner's JSON lines around the
#    scrape, and a later scrape shows it grown. Bad requests (not HTTP, unknown paths, a huge
#    URL, a body, 20 silent connections) are answered by the endpoint alone: the scheduler stays
#    enabled with the same enable_seq and its stats lines keep coming.
# 3. A tree from a profile whose [runner] table asks for metrics: root qmap, child b (qmap) and
#    child c (simple) each get their node label; a workload in cgroup b moves b's counter.
. /usr/share/scxtest/scenarios/qmap-lib.sh

require_sub_schedulers
require_file /usr/bin/promtool "promtool is in this boot (tests/vm/meson.build adds the host's; scripts/setup installs it)"
require_file /usr/bin/scx-runner-metrics.so "the metrics module is built"
require_file /usr/bin/http-client "the scenario's HTTP client is built"
PORT=9100
URL=http://127.0.0.1:$PORT/metrics
# The guest's init brings up no network; /metrics needs loopback.
ip link set lo up
check "loopback is up" sh -c "ip addr show lo | grep -q 'inet 127.0.0.1'"

# scrape FILE: GET /metrics into FILE; fails when the answer is not 200.
scrape() { http-client get $PORT /metrics >"$1"; }
# promtool_clean FILE: promtool check metrics finds nothing wrong (it also lints names, HELP
# and the counters' _total).
promtool_clean() {
    [ -s "$1" ] || return 1
    promtool check metrics <"$1" >"$1.promtool" 2>&1
    _rc=$?
    [ ! -s "$1.promtool" ] || sed 's/^/  promtool| /' "$1.promtool"
    return $_rc
}
# sample FILE PATTERN: the value of the first sample line of FILE whose name and labels match.
sample() { grep -- "^$2 " "$1" | head -n 1 | sed 's/.* //'; }
between() { [ -n "$1" ] && [ -n "$2" ] && [ -n "$3" ] && [ "$1" -le "$2" ] && [ "$2" -le "$3" ]; }
greater() { [ -n "$1" ] && [ -n "$2" ] && [ "$2" -gt "$1" ]; }
# http_status REQUEST: the status code the endpoint answers a raw request with.
http_status() { printf '%b' "$1" | timeout 20 http-client raw $PORT | head -n 1 | cut -d' ' -f2; }
runner_lines_above() { [ "$(stat_values enqueued | wc -l)" -gt "$1" ]; }

# --- 1. a taken port ---------------------------------------------------------------------------
qmap_profile /tmp/qmap-metrics.toml 'dispatch_batch = 8'
nc -l -p $PORT >/dev/null 2>&1 &
squatter=$!
sleep 1
run_runner --metrics 127.0.0.1:$PORT /tmp/qmap-metrics.toml
expect_exit_code metrics_failed "$RUNNER_RC"
check "the error names the address" grep -q "cannot listen on 127.0.0.1:$PORT" "$RUNNER_OUT"
check "nothing was attached" [ "$(scx_state)" = disabled ]
kill "$squatter" 2>/dev/null
wait "$squatter" 2>/dev/null

# --- 2. one scheduler --------------------------------------------------------------------------
run_runner_bg --metrics 127.0.0.1:$PORT /tmp/qmap-metrics.toml
expect_state enabled "$QMAP_ATTACH_TIMEOUT"
expect_ops qmap
seq_attached=$(scx_enable_seq)
check "the runner says where it serves" wait_for_file_text "$RUNNER_OUT" "serving metrics on $URL" 10
start_workload --threads 4 --spinners 2 --seconds 8
wait_until 10 stat_positive enqueued
before=$(stat_last enqueued)
check "a scrape answers 200" scrape /tmp/m1.prom
lines_then=$(stat_values enqueued | wc -l)
wait_until 5 runner_lines_above "$lines_then"
after=$(stat_values enqueued | sed -n "$((lines_then + 1))p")
info "scrape: $(wc -l </tmp/m1.prom) lines, $(grep -c '^# TYPE' /tmp/m1.prom) families"
sed -n '1,12p' /tmp/m1.prom | sed 's/^/  | /'
check "promtool check metrics passes the scrape" promtool_clean /tmp/m1.prom
check "qmap's enqueued is a counter named with _total" grep -q '^# TYPE scx_qmap_enqueued_total counter$' /tmp/m1.prom
check "its HELP comes from the schema, with the unit" \
    grep -q '^# HELP scx_qmap_enqueued_total tasks queued on the five FIFOs (tasks)$' /tmp/m1.prom
check "the FIFO depths are gauges" grep -q '^# TYPE scx_qmap_fifo0_queued gauge$' /tmp/m1.prom
served=$(sample /tmp/m1.prom 'scx_qmap_enqueued_total{node="/",plugin="qmap"}')
info "enqueued: runner line before $before, scrape $served, runner line after $after"
check "the scraped enqueued ($served) lies between the runner's lines around it ($before .. $after)" \
    between "$before" "$served" "$after"
check "the runner's own: attached" grep -q '^scx_runner_attached 1$' /tmp/m1.prom
check "the runner's own: swaps and restarts counted" \
    sh -c "grep -q '^scx_runner_swaps_total 0$' /tmp/m1.prom && grep -q '^scx_runner_restarts_total 0$' /tmp/m1.prom"
check "the runner's own: uptime" grep -q '^scx_runner_uptime_seconds [0-9]' /tmp/m1.prom
sleep 2
check "a second scrape answers 200" scrape /tmp/m2.prom
later=$(sample /tmp/m2.prom 'scx_qmap_enqueued_total{node="/",plugin="qmap"}')
check "enqueued grew between the scrapes ($served -> $later)" greater "$served" "$later"
check "the second scrape is promtool-clean too" promtool_clean /tmp/m2.prom

# Bad requests, answered by the endpoint's own threads.
lines_before_bad=$(stat_values enqueued | wc -l)
status=$(http_status 'NOT HTTP AT ALL\r\n\r\n'); check "not HTTP: 400 ($status)" [ "$status" = 400 ]
status=$(http_status 'GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
check "an unknown path: 404 ($status)" [ "$status" = 404 ]
long=$(head -c 10000 /dev/zero | tr '\0' a)
status=$(http_status "GET /$long HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
check "a 10 KB URL: 414 ($status)" [ "$status" = 414 ]
status=$(http_status 'POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n')
check "a request with a body is not served a page ($status)" [ "$status" != 200 ]
silent=""
for n in $(seq 1 20); do
    http-client hold $PORT 8 >/dev/null 2>&1 &
    silent="$silent $!"
done
sleep 1
check "a scrape with 20 silent connections open still answers" scrape /tmp/m3.prom
for pid in $silent; do wait "$pid" 2>/dev/null; done
wait_until 5 runner_lines_above $((lines_before_bad + 2))
check "the runner's stats lines kept coming through the bad requests" runner_lines_above $((lines_before_bad + 2))
check "the scheduler is still enabled" [ "$(scx_state)" = enabled ]
check "enable_seq is unchanged ($seq_attached): nothing re-attached" [ "$(scx_enable_seq)" = "$seq_attached" ]
expect_workload_done 60
kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 60
check "the runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
check "sched_ext is disabled" wait_until 10 _sysfs_is "$SCX_SYSFS/state" disabled
http-client get $PORT /metrics >/dev/null 2>&1
free_rc=$?
check "the port is free again: connecting is refused (exit $free_rc)" [ "$free_rc" -eq 2 ]

# --- 3. a tree ---------------------------------------------------------------------------------
start_small_tree /tmp/tree-metrics.toml "metrics = \"127.0.0.1:$PORT\""
check "stats lines name node c" wait_for_file_text "$RUNNER_OUT" '"node":"c"' 20
check "a scrape of the tree answers 200" scrape /tmp/t1.prom
sh -c "echo \$\$ >$CGROUP_ROOT/b/cgroup.procs && exec sched-workload --threads 2 --spinners 1 --seconds 4" \
    >/tmp/workload-b.out 2>&1
check "a scrape after a workload in cgroup b answers 200" scrape /tmp/t2.prom
show_output /tmp/t2.prom
check "promtool check metrics passes the tree's scrape" promtool_clean /tmp/t2.prom
check "the root has its node label" grep -q '^scx_qmap_enqueued_total{node="/",plugin="qmap"} ' /tmp/t2.prom
check "child b has its node label" grep -q '^scx_qmap_enqueued_total{node="b",plugin="qmap"} ' /tmp/t2.prom
check "child c has its node label and its own plugin's families" \
    grep -q '^scx_simple_global_dispatches_total{node="c",plugin="simple"} ' /tmp/t2.prom
check "qmap's family is declared once for both qmap nodes" [ "$(grep -c '^# TYPE scx_qmap_enqueued_total ' /tmp/t2.prom)" = 1 ]
check "the runner counts three nodes" grep -q '^scx_runner_nodes 3$' /tmp/t2.prom
check "each child has its own restart counter" \
    sh -c "grep -q '^scx_runner_child_restarts_total{node=\"b\"} 0$' /tmp/t2.prom && grep -q '^scx_runner_child_restarts_total{node=\"c\"} 0$' /tmp/t2.prom"
b1=$(sample /tmp/t1.prom 'scx_qmap_enqueued_total{node="b",plugin="qmap"}')
b2=$(sample /tmp/t2.prom 'scx_qmap_enqueued_total{node="b",plugin="qmap"}')
check "child b's enqueued moved with the workload in its cgroup ($b1 -> $b2)" greater "$b1" "$b2"
kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 60
check "the runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
check "sched_ext is disabled" wait_until 10 _sysfs_is "$SCX_SYSFS/state" disabled
show_output "$RUNNER_OUT"
finish
