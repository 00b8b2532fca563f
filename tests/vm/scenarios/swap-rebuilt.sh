# SPDX-License-Identifier: GPL-2.0-only
#
# A plugin rebuilt with a new version and installed over the running one's file (by rename, as
# install(1) does) is picked up by the next reload: the runner loads the new file fresh (not the
# image it has), prints the new version, swaps, and closes the old image. The rebuilt plugin is
# test_sched with another version string (tests/plugins), packed at /usr/lib/scx-runner/rebuilt/.
. /usr/share/scxtest/scenarios/swap-lib.sh

plugins=/usr/lib/scx-runner/plugins
require_file "$plugins/test_sched.so" "tests/plugins is built"
require_file /usr/lib/scx-runner/rebuilt/test_sched.so "the rebuilt test_sched is packed (--file)"

profile=/tmp/sched.toml
write_profile "$profile" test_sched
run_runner_bg "$profile"
expect_state enabled "$SMALL_LOAD_TIMEOUT"
expect_ops test_sched
seq=$(scx_enable_seq)
check "the runner started test_sched 1.0.0" grep -qF "running plugin test_sched 1.0.0" "$RUNNER_OUT"

info "a reload with nothing changed keeps the running scheduler"
kill -HUP "$RUNNER_PID"
check "nothing to swap" wait_log_count "test_sched keeps running: nothing changed that needs a swap" 1 30
check "enable_seq unchanged" [ "$(scx_enable_seq)" -eq "$seq" ]

info "install the rebuilt plugin over $plugins/test_sched.so, then SIGHUP"
cp /usr/lib/scx-runner/rebuilt/test_sched.so "$plugins/.test_sched.so.new"
chmod 0755 "$plugins/.test_sched.so.new"
mv "$plugins/.test_sched.so.new" "$plugins/test_sched.so"
check "the old image is still mapped while it runs" grep -q "test_sched.so (deleted)" "/proc/$RUNNER_PID/maps"
kill -HUP "$RUNNER_PID"
check "the runner swapped to the new file" wait_log_count "swap: test_sched -> test_sched, gap" 1 "$SMALL_LOAD_TIMEOUT"
check "it saw the file change on disk" grep -qF "test_sched.so changed on disk (version 1.0.0 -> 1.1.0-rebuilt)" "$RUNNER_OUT"
check "it printed the new version" grep -qF "test_sched: plugin version 1.0.0 -> 1.1.0-rebuilt" "$RUNNER_OUT"
expect_ops test_sched
check "enable_seq counted the swap's attach" [ "$(scx_enable_seq)" -eq $((seq + 1)) ]
check "the old image is closed (no deleted test_sched.so mapped)" \
    [ "$(grep -c 'test_sched.so (deleted)' "/proc/$RUNNER_PID/maps")" -eq 0 ]

kill -USR1 "$RUNNER_PID"
check "the live dump comes from the new code" wait_log_count "version: 1.1.0-rebuilt" 1 10
scx-runner status >/tmp/status.out 2>&1
show_output /tmp/status.out
check "status shows the new version" grep -q "^  plugin: test_sched 1.1.0-rebuilt " /tmp/status.out

stop_runner
show_output "$RUNNER_OUT"
finish
