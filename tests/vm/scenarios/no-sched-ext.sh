# SPDX-License-Identifier: GPL-2.0-only
#
# A kernel built without sched_ext (Debian's 6.12 in bookworm-backports has
# CONFIG_SCHED_CLASS_EXT unset): the runner must say the kernel lacks sched_ext and exit with its
# own code for that, before touching any plugin.
. /usr/share/scxtest/scenarios/lib.sh

require_file /usr/bin/scx-runner "the runner is built"
require_file /etc/scx-runner/simple.toml "config/simple.toml is packed"

info "kernel $(uname -r)"
check "this kernel has no sched_ext ($SCX_SYSFS is absent)" [ ! -e "$SCX_SYSFS" ]
run_runner /etc/scx-runner/simple.toml
expect_exit_code no_sched_ext "$RUNNER_RC"
check "the message says the kernel lacks sched_ext" grep -qi 'sched_ext' "$RUNNER_OUT"
finish
