# SPDX-License-Identifier: GPL-2.0-only
#
# Harness self-test: needs no runner. It proves the VM boots a kernel with sched_ext, that no
# scheduler is attached at boot, that the workload runs to completion under the kernel's own
# scheduler, and that the unprivileged user works (the not-root scenario relies on it).
. /usr/share/scxtest/scenarios/lib.sh

info "kernel $(uname -r), $(nproc) CPUs, booted to init at $(uptime_seconds)s uptime"
check "the kernel has sched_ext ($SCX_SYSFS exists)" [ -d "$SCX_SYSFS" ]
check "no scheduler attached at boot (state is 'disabled')" [ "$(scx_state)" = disabled ]
check "enable_seq is a number" expr "$(scx_enable_seq)" : '[0-9][0-9]*$'
check "uid 1000 is available for unprivileged runs" [ "$(run_as_user id -u)" = 1000 ]

start_workload --threads 4 --spinners 2 --seconds 3
expect_workload_done 60
check "the workload printed one line per second" \
    [ "$(grep -c '^workload: second=' "$WORKLOAD_OUT")" -eq 3 ]
finish
