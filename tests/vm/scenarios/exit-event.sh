# SPDX-License-Identifier: GPL-2.0-only
#
# The runner sleeps while its scheduler runs and wakes when the scheduler exits. With stats off
# and nobody talking to it, an attached runner has nothing to do: over a few idle seconds its
# voluntary context switches (its wake-ups) must not grow. Yet an exit is noticed: sysrq-S
# makes the kernel eject the scheduler, and only the exit event (ops.exit writes to the
# exit_events ring buffer, whose descriptor the runner waits on) can wake a runner that polls
# on no timer. The runner then reports the exit and ends. For qmap and simple.
. /usr/share/scxtest/scenarios/qmap-lib.sh

IDLE_SECONDS=3

# voluntary_switches PID: how often the process went to sleep of its own accord so far.
voluntary_switches() { awk '/^voluntary_ctxt_switches:/ { print $2 }' "/proc/$1/status"; }

for plugin in qmap simple; do
    profile=/tmp/idle-$plugin.toml
    printf 'plugin = "%s"\n[runner]\nstats_interval = "0s"\n' "$plugin" >"$profile"
    run_runner_bg --log-level debug "$profile"
    expect_state enabled "$QMAP_ATTACH_TIMEOUT"
    wait_for_file_text "$RUNNER_OUT" "$plugin: attached" 10
    sleep 1 # the attach's own log lines and the kernel's enable work settle
    before=$(voluntary_switches "$RUNNER_PID")
    sleep "$IDLE_SECONDS"
    after=$(voluntary_switches "$RUNNER_PID")
    check "$plugin: the attached runner did not wake in ${IDLE_SECONDS} s idle (voluntary switches $before -> $after)" \
        [ "$after" -eq "$before" ]
    seq_before=$(scx_enable_seq)
    info "$plugin: sysrq-S ejects the scheduler"
    echo S >/proc/sysrq-trigger
    expect_runner_exit ok 30
    check "$plugin: the runner reported the kernel's exit" grep -q "EXIT: " "$RUNNER_OUT"
    check "$plugin: the exit was a sysrq exit (kind 67)" grep -q "the scheduler exited: .*kind 67" "$RUNNER_OUT"
    # The wake-up itself is proven above: with no timer, only the event can have woken the
    # runner. This shows ops.exit wrote its record and the plugin read it (and how late).
    check "$plugin: the plugin read ops.exit's exit event" grep -q "us after ops.exit recorded it" "$RUNNER_OUT"
    info "$plugin: $(grep -o 'exit (kind [0-9]*) read [0-9]* us after ops.exit recorded it' "$RUNNER_OUT")"
    expect_state disabled 5
    check "$plugin: enable_seq did not move after the exit" [ "$(scx_enable_seq)" = "$seq_before" ]
    show_output "$RUNNER_OUT"
done
finish
