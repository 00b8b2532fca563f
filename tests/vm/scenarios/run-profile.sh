# SPDX-License-Identifier: GPL-2.0-only
#
# `scripts/dev run` inside the VM: runs the runner on a profile in the foreground, its output
# straight on the console, with the workload in the background so the scheduler has something to
# schedule. Ends at the runner's --duration (10 s unless given) or at Ctrl-C, which the serial
# console turns into SIGINT for the runner. The scenario's status is the runner's exit code.
#
#   run-profile.sh PROFILE [RUNNER ARGS...]
. /usr/share/scxtest/scenarios/lib.sh

profile=$1
shift
case " $* " in
    *" --duration "* | *" --duration="*) ;;
    *) set -- --duration 10 "$@" ;;
esac

# Show the kernel's sched_ext enable/disable messages (KERN_INFO) on the console from now on;
# the boot itself stays quiet.
echo 7 >/proc/sys/kernel/printk

# The workload outlives any duration; it is stopped when the runner has finished.
start_workload --threads 4 --spinners 1 --seconds 86400 --quiet
# Ctrl-C must stop only the runner (it detaches and reports); this shell goes on to clean up.
trap 'echo "run-profile: interrupted"' INT
info "sched_ext before: state $(scx_state), enable_seq $(scx_enable_seq)"
echo "run-profile: scx-runner $* $profile"
scx-runner "$@" "$profile"
status=$?
trap - INT
info "scx-runner exited $status; sched_ext after: state $(scx_state), enable_seq $(scx_enable_seq)"
kill "$WORKLOAD_PID" 2>/dev/null
exit "$status"
