# SPDX-License-Identifier: GPL-2.0-only
#
# `scx-runner top` (issue 14) against a real runner, on Linux 7.3 (a tree needs it):
#
# 1. No runner: top says which socket it tried and how to start one, and exits 14.
# 2. A single scheduler (simple): `top --plain` prints a timestamped block per second, with
#    the root node and its counters as rates, and ends 0 on SIGINT.
# 3. A tree (qmap root, a qmap child on cgroup a, a simple child on cgroup b, a workload in each
#    cgroup): top runs in tmux on an 80x24 screen. Two captures a few seconds apart show the
#    root and each child by name with its plugin and what the kernel runs there, no line over
#    80 columns, and rates that changed. Down picks child a (its block grows to show its
#    gauges too), Tab picks b; q ends top with exit 0, and the scheduler is still enabled.
# 4. Piped, top prints plain blocks for every node; when the runner stops, top exits 14 and
#    names the socket.
. /usr/share/scxtest/scenarios/qmap-lib.sh

require_file /usr/bin/tmux "tmux is in the image (tests/vm/make-initramfs)"
require_sub_schedulers
mount_cgroup2
CHILD_TIMEOUT=150
SOCKET=/run/scx-runner/control.sock
# make-initramfs puts the terminfo entries and C.UTF-8 here, whichever ncurses and glibc the
# binaries were built with. Plain text runs in the C locale (ASCII sparklines); tmux needs UTF-8,
# and top in it draws the block characters.
export TERMINFO_DIRS=/usr/share/terminfo
export LOCPATH=/usr/lib/locale
export TERM=xterm
require_file /usr/lib/locale/C.utf8/LC_CTYPE "glibc's C.UTF-8 locale is in the image, for tmux"
# tmux needs pseudo-terminals; init mounts no devpts.
mkdir -p /dev/pts
grep -q " /dev/pts devpts " /proc/mounts || mount -t devpts -o ptmxmode=0666 devpts /dev/pts
[ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx

# blocks FILE: how many plain blocks (timestamped first lines) FILE holds.
blocks() {
    _blocks=$(grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] scx-runner pid ' "$1" 2>/dev/null)
    echo "${_blocks:-0}"
}
blocks_reach() { [ "$(blocks "$1")" -ge "$2" ]; }
# longest_line FILE: the widest line of FILE, in characters (UTF-8 continuation bytes dropped:
# every character top writes takes one column).
longest_line() { tr -d '\200-\277' <"$1" | awk '{ if (length($0) > max) max = length($0) } END { print max + 0 }'; }
# rates FILE: every rate shown in FILE (12k/s, 3.0/s), one per line, in screen order.
rates() { grep -o '[0-9][0-9.]*[kMG]\{0,1\}/s' "$1"; }
# block_of FILE NAME: the cell rows below node NAME's title, up to the next node's title.
block_of() {
    awk -v name="$2" '
        /^(> |  )?[^ ].*: [a-z_]+( on [^ ]+)? \(kernel: [^)]*\)/ {
            title = $0; sub(/^(> |  )/, "", title); inside = (index(title, name ": ") == 1); next
        }
        inside && /^  +[^ ]/ { print }' "$1"
}
no_escape_codes() { ! grep -q "$(printf '\033')" "$1"; }
capture() { tmux capture-pane -p -t top >"$1" 2>&1; }
_capture_has() { capture "$1" && grep -q -- "$2" "$1"; }
# wait_screen FILE TEXT TIMEOUT: captures the pane into FILE until it shows TEXT.
wait_screen() {
    if wait_until "$3" _capture_has "$1" "$2"; then return 0; fi
    echo "  waited $3 s for '$2' on the screen; it shows:"
    sed 's/^/  | /' "$1"
    return 1
}

# --- 1. no runner ----------------------------------------------------------------------------
scx-runner top --plain >/tmp/top.none 2>&1
rc=$?
show_output /tmp/top.none
expect_exit_code control_failed "$rc"
check "top names the socket it tried" grep -q "top: no runner answers at $SOCKET" /tmp/top.none
check "top says how to start a runner" grep -q "is scx-runner running? start it with 'scx-runner PROFILE.toml'" /tmp/top.none

# --- 2. a single scheduler, plain ------------------------------------------------------------
run_runner_bg /etc/scx-runner/simple.toml --stats-interval 0s
expect_state enabled 60
expect_ops simple
start_workload --threads 2 --spinners 1 --seconds 30 --quiet
scx-runner top >/tmp/top.single 2>&1 &
top_pid=$!
check "piped, top prints a block every second" wait_until 20 blocks_reach /tmp/top.single 4
kill -INT "$top_pid"
wait_pid_exit "$top_pid" 10
check "top ends 0 on SIGINT" [ "$WAIT_RC" -eq 0 ]
show_output /tmp/top.single
check "the block names the root and its plugin" grep -q '^root: simple (kernel: simple)$' /tmp/top.single
check "the block shows counters as rates" grep -q '[0-9]/s' /tmp/top.single
check "no plain line is over 80 columns ($(longest_line /tmp/top.single))" [ "$(longest_line /tmp/top.single)" -le 80 ]
check "plain text has no escape codes" no_escape_codes /tmp/top.single
kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 30
check "the single runner exited 0" [ "$WAIT_RC" -eq 0 ]
kill "$WORKLOAD_PID" 2>/dev/null; wait "$WORKLOAD_PID" 2>/dev/null
expect_state disabled 15

# --- 3. a tree, on an 80x24 screen in tmux ---------------------------------------------------
cat >/tmp/top-tree.toml <<'PROFILE'
plugin = "qmap"
[runner]
stats_interval = "0s"

[[child]]
cgroup = "a"
create_cgroup = true
plugin = "qmap"

[[child]]
cgroup = "b"
create_cgroup = true
plugin = "simple"
PROFILE
run_runner_bg /tmp/top-tree.toml
expect_state enabled "$QMAP_ATTACH_TIMEOUT"
expect_ops qmap
# The runner creates the cgroups (create_cgroup) just before each child's load.
check "the runner created cgroups a and b" \
    wait_until "$CHILD_TIMEOUT" sh -c "[ -d $CGROUP_ROOT/a ] && [ -d $CGROUP_ROOT/b ]"
check "the kernel shows qmap on cgroup a" wait_until "$CHILD_TIMEOUT" _sysfs_is "$(sub_ops_file a)" qmap
check "the kernel shows simple on cgroup b" wait_until "$CHILD_TIMEOUT" _sysfs_is "$(sub_ops_file b)" simple
# Ping-pong and a spinner in each cgroup, the root's too: qmap shares its CPU time with its
# children by weight (tree-busy-root-7.3), so a busy root starves none of them.
for cgroup in "" a b; do
    sh -c "echo \$\$ >$CGROUP_ROOT/$cgroup/cgroup.procs && exec sched-workload --threads 2 --spinners 1 --seconds 90 --quiet" \
        >"/tmp/workload-top-$cgroup.out" 2>&1 &
done

export LANG=C.UTF-8
tmux new-session -d -s top -x 80 -y 24 \
    "TERMINFO_DIRS=$TERMINFO_DIRS LOCPATH=$LOCPATH LANG=$LANG scx-runner top --interval 1s 2>/tmp/top.err; echo \$? >/tmp/top.rc"
check "top shows rates on the screen" wait_screen /tmp/top.screen1 '[0-9]/s' 30
# A few readings later, so every sparkline and rate has moved on.
sleep 4
capture /tmp/top.screen2
show_output /tmp/top.screen1
show_output /tmp/top.screen2
check "the screen is 24 lines" [ "$(wc -l </tmp/top.screen2)" -le 24 ]
check "no line is over 80 columns ($(longest_line /tmp/top.screen2))" [ "$(longest_line /tmp/top.screen2)" -le 80 ]
check "the header names the runner's pid" grep -q "^scx-runner pid $RUNNER_PID: /tmp/top-tree.toml" /tmp/top.screen2
check "the header shows the scheduler enabled" grep -q "^attached, sched_ext enabled, up " /tmp/top.screen2
check "the root is picked and shows qmap as the kernel does" grep -q '^> root: qmap (kernel: qmap)' /tmp/top.screen2
check "child a shows qmap as the kernel does" grep -q '^  a: qmap on /sys/fs/cgroup/a (kernel: qmap)' /tmp/top.screen2
check "child b shows simple as the kernel does" grep -q '^  b: simple on /sys/fs/cgroup/b (kernel: simple)' /tmp/top.screen2
check "the footer lists the keys" grep -q 'q quit  p pause  Tab/Up/Down pick  r refresh' /tmp/top.screen2
rates /tmp/top.screen1 >/tmp/top.rates1
rates /tmp/top.screen2 >/tmp/top.rates2
info "rates in the first capture: $(tr '\n' ' ' </tmp/top.rates1)"
info "rates in the second capture: $(tr '\n' ' ' </tmp/top.rates2)"
check "the screen shows rates" [ -s /tmp/top.rates2 ]
check "rates changed between the two captures" sh -c "! cmp -s /tmp/top.rates1 /tmp/top.rates2"
block_of /tmp/top.screen2 a >/tmp/top.block-a
info "child a's block before the pick: $(wc -l </tmp/top.block-a) rows"

tmux send-keys -t top Down
check "Down picks child a" wait_screen /tmp/top.screen3 '^> a: qmap' 10
show_output /tmp/top.screen3
check "the root is no longer picked" grep -q '^  root: qmap (kernel: qmap)' /tmp/top.screen3
block_of /tmp/top.screen3 a >/tmp/top.block-a-picked
info "child a's block when picked: $(wc -l </tmp/top.block-a-picked) rows"
check "the picked child shows more of its stats" \
    [ "$(wc -l </tmp/top.block-a-picked)" -gt "$(wc -l </tmp/top.block-a)" ]
check "the picked child shows its gauges too" grep -q 'fifo0_queued' /tmp/top.block-a-picked
tmux send-keys -t top Tab
check "Tab picks child b" wait_screen /tmp/top.screen4 '^> b: simple' 10
tmux send-keys -t top p
check "p pauses the view" wait_screen /tmp/top.screen5 '\[paused\]' 10
tmux send-keys -t top p
check "p again resumes it" wait_until 10 sh -c "tmux capture-pane -p -t top | grep -q 'every 1s'"

tmux send-keys -t top q
check "q ends top" wait_until 10 sh -c "[ -s /tmp/top.rc ]"
check "top exited 0 ($(cat /tmp/top.rc 2>/dev/null))" [ "$(cat /tmp/top.rc 2>/dev/null)" = 0 ]
check "top printed no errors" [ ! -s /tmp/top.err ]
check "the tmux session ended with top" wait_until 5 sh -c "! tmux has-session -t top 2>/dev/null"
check "the scheduler is still enabled" [ "$(scx_state)" = enabled ]
check "the root is still qmap" [ "$(scx_root_ops)" = qmap ]
check "the runner is still running" [ -d "/proc/$RUNNER_PID" ]
unset LANG

# --- 4. the tree, plain; then the runner goes away -------------------------------------------
scx-runner top >/tmp/top.tree-plain 2>/tmp/top.tree-err &
top_pid=$!
check "piped, top prints blocks for the tree" wait_until 20 blocks_reach /tmp/top.tree-plain 3
check "a plain block has the root" grep -q '^root: qmap (kernel: qmap)$' /tmp/top.tree-plain
check "a plain block has child a" grep -q '^a: qmap on /sys/fs/cgroup/a (kernel: qmap)$' /tmp/top.tree-plain
check "a plain block has child b" grep -q '^b: simple on /sys/fs/cgroup/b (kernel: simple)$' /tmp/top.tree-plain
check "no plain line is over 80 columns ($(longest_line /tmp/top.tree-plain))" [ "$(longest_line /tmp/top.tree-plain)" -le 80 ]
tail -n 16 /tmp/top.tree-plain | sed 's/^/  | /'
kill -INT "$RUNNER_PID"
wait_pid_exit "$RUNNER_PID" 60
check "the runner exited 0 after SIGINT" [ "$WAIT_RC" -eq 0 ]
wait_pid_exit "$top_pid" 10
show_output /tmp/top.tree-err
expect_exit_code control_failed "$WAIT_RC"
check "top says the runner at the socket went away" grep -q "top: the runner at $SOCKET went away" /tmp/top.tree-err
check "sched_ext is disabled" wait_until 10 _sysfs_is "$SCX_SYSFS/state" disabled
show_output "$RUNNER_OUT"
finish
