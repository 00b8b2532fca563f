# SPDX-License-Identifier: GPL-2.0-only
#
# The runner started by an unprivileged user (uid 1000) must refuse with a clear "run as root"
# message and the permission exit code, and leave the kernel alone.
. /usr/share/scxtest/scenarios/lib.sh

require_file /usr/bin/scx-runner "the runner is built"
require_file /etc/scx-runner/simple.toml "config/simple.toml is packed"

seq_before=$(scx_enable_seq)
RUNNER_OUT=/tmp/runner.not-root.out
info "running as uid 1000: scx-runner /etc/scx-runner/simple.toml"
run_as_user timeout -s KILL 60 scx-runner /etc/scx-runner/simple.toml >"$RUNNER_OUT" 2>&1
RUNNER_RC=$?
show_output "$RUNNER_OUT"
expect_exit_code permission "$RUNNER_RC"
check "the message says it must run as root" grep -qiE 'must (run as|be) root' "$RUNNER_OUT"
check "nothing was attached (state 'disabled', enable_seq unchanged)" \
    [ "$(scx_state) $(scx_enable_seq)" = "disabled $seq_before" ]
finish
