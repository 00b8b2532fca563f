# SPDX-License-Identifier: GPL-2.0-only
#
# On a kernel older than qmap needs, the runner refuses and says what is missing, before anything
# is attached: with no sched_ext before any load, with sched_ext once libbpf's load fails (the
# runner parses the kernel's BTF only then). Run it on Debian's 6.12 kernel (--kernel-suite
# bookworm-backports: built without sched_ext, so the refusal is "no sched_ext") and on a 7.1
# kernel (--kernel-series 7.1: sched_ext without the kfunc signatures qmap is built against, so
# the refusal lists missing features).
. /usr/share/scxtest/scenarios/qmap-lib.sh

if grep -q sched_ext_ops_cid /sys/kernel/btf/vmlinux 2>/dev/null; then
    fail "this scenario needs a kernel older than 7.2 (this one has struct sched_ext_ops_cid)"
    finish
fi
info "kernel $(uname -r)"

qmap_profile /tmp/qmap.toml
run_runner /tmp/qmap.toml
if [ ! -d /sys/kernel/sched_ext ]; then
    expect_exit_code no_sched_ext "$RUNNER_RC"
    check "the refusal says the kernel has no sched_ext" grep -q "has no sched_ext" "$RUNNER_OUT"
else
    expect_exit_code kernel_feature_missing "$RUNNER_RC"
    check "the refusal names the plugin" grep -q "plugin 'qmap' needs" "$RUNNER_OUT"
    check "the refusal lists the missing cid-era type" grep -q "sched_ext_ops_cid" "$RUNNER_OUT"
    check "the refusal names the kernel to run" grep -q "hint: run Linux 7.2 or newer" "$RUNNER_OUT"
    check "nothing was attached" [ "$(scx_state)" = disabled ]
fi
check "the runner did not get as far as loading BPF" [ "$(count_lines "$RUNNER_OUT" "loaded and verified")" -eq 0 ]
finish
