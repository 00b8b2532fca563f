#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Installs the build into a staging directory and uses it the way a user and a plugin author do.

1. `meson install --destdir STAGE`, then checks the documented layout under STAGE/PREFIX.
2. Builds tests/install/out-of-tree-plugin as a project of its own that finds scx-runner only
   through pkg-config (PKG_CONFIG_PATH into STAGE), and installs it next to the bundled plugins.
3. Runs the staged runner: `plugins --json` must list the bundled plugins and the out-of-tree
   one from STAGE; `check` must accept a profile for the out-of-tree plugin, reject one that
   breaks its schema, and accept every installed example profile.

The staging directory is removed on success and kept (its path printed) on failure.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

EXIT_BAD_PROFILE = 2  # runner/base/ExitCode.hpp


class CheckFailed(Exception):
    pass


def run(command, env=None, expect_code=0):
    """Runs command; raises CheckFailed with its output unless it exits with expect_code."""
    result = subprocess.run([str(part) for part in command], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != expect_code:
        raise CheckFailed(f"`{' '.join(str(part) for part in command)}` exited with "
                          f"{result.returncode}, expected {expect_code}\n"
                          f"--- stdout\n{result.stdout}--- stderr\n{result.stderr}")
    return result


def build_options(meson, build_dir):
    options = json.loads(run([meson, "introspect", "--buildoptions", build_dir]).stdout)
    return {option["name"]: option["value"] for option in options}


def project_version(meson, build_dir):
    return json.loads(run([meson, "introspect", "--projectinfo", build_dir]).stdout)["version"]


def under_prefix(prefix, directory):
    """An install directory option as an absolute path (meson keeps those inside prefix relative)."""
    return Path(directory) if os.path.isabs(directory) else Path(prefix) / directory


def staged(stage, path):
    return stage / Path(path).relative_to("/")


def expect_file(path, what, executable=False):
    if not path.is_file():
        raise CheckFailed(f"{what} is missing: expected {path}")
    if executable and not os.access(path, os.X_OK):
        raise CheckFailed(f"{what} is not executable: {path}")


def bundled_plugin_ids(meson, build_dir, plugin_dir):
    """Ids of the plugins this build installs into plugin_dir (from meson's install plan)."""
    installed = json.loads(run([meson, "introspect", "--installed", build_dir]).stdout)
    ids = {Path(destination).stem for destination in installed.values()
           if Path(destination).parent == plugin_dir and destination.endswith(".so")}
    if not ids:
        raise CheckFailed(f"the build installs no plugin into {plugin_dir}")
    return ids


def check_layout(stage, dirs):
    expect_file(staged(stage, dirs["bindir"] / "scx-runner"), "the runner", executable=True)
    expect_file(staged(stage, dirs["includedir"] / "scx-runner/scx_runner/plugin_abi.h"),
                "the plugin ABI header")
    expect_file(staged(stage, dirs["includedir"] / "scx-runner/scx_runner/exit_event.h"),
                "the exit-event extension header")
    expect_file(staged(stage, dirs["includedir"] / "scx-runner/scx_runner/sched_tree.h"),
                "the sched-tree extension header")
    expect_file(staged(stage, dirs["includedir"] / "scx-runner/scx_runner/sdk/Entry.hpp"),
                "the SDK headers")
    expect_file(staged(stage, dirs["libdir"] / "libscx-runner-plugin-sdk.a"), "the SDK library")
    expect_file(staged(stage, dirs["libdir"] / "pkgconfig/scx-runner-plugin.pc"),
                "the pkg-config file")
    expect_file(staged(stage, dirs["datadir"] / "scx-runner/plugin.map"),
                "the plugin version script")
    unit = staged(stage, dirs["prefix"] / "lib/systemd/system/scx-runner.service")
    expect_file(unit, "the systemd unit")
    exec_start = f"ExecStart={dirs['bindir'] / 'scx-runner'} /etc/scx-runner/profile.toml"
    if exec_start not in unit.read_text().splitlines():
        raise CheckFailed(f"{unit} lacks the line '{exec_start}'")
    profiles = sorted(staged(stage, dirs["datadir"] / "scx-runner/profiles").glob("*.toml"))
    if not profiles:
        raise CheckFailed("no example profiles under share/scx-runner/profiles "
                          "(they are installed from config/*.toml)")
    return profiles


def pkg_config_environment(stage, dirs, build_pkg_config_path):
    env = dict(os.environ)
    staged_pc_dir = staged(stage, dirs["libdir"] / "pkgconfig")
    # Prepended: the staged file must win over one from an earlier real installation. Then the
    # build's own pkg_config_path (scripts/dev's private libbpf on Debian): the plugin must be
    # built against the libbpf the runner was built with.
    env["PKG_CONFIG_PATH"] = os.pathsep.join(
        part for part in [str(staged_pc_dir), *build_pkg_config_path,
                          os.environ.get("PKG_CONFIG_PATH", "")] if part)
    return env


def check_pkg_config(stage, dirs, version, env):
    modversion = run(["pkg-config", "--modversion", "scx-runner-plugin"], env=env).stdout.strip()
    if modversion != version:
        raise CheckFailed(f"pkg-config says version {modversion}, the project is {version}")
    script = run(["pkg-config", "--variable=plugin_version_script", "scx-runner-plugin"],
                 env=env).stdout.strip()
    if Path(script).resolve() != staged(stage, dirs["datadir"] / "scx-runner/plugin.map").resolve():
        raise CheckFailed(f"plugin_version_script points at {script}, not into the staged tree")
    cflags = run(["pkg-config", "--cflags-only-I", "scx-runner-plugin"], env=env).stdout.split()
    header_dirs = [Path(flag[2:]).resolve() for flag in cflags]
    wanted = staged(stage, dirs["includedir"] / "scx-runner").resolve()
    if wanted not in header_dirs:
        raise CheckFailed(f"pkg-config --cflags gives {cflags}, which lacks {wanted}")


def build_out_of_tree_plugin(meson, source, work, stage, dirs, env):
    build = work / "out-of-tree-build"
    run([meson, "setup", build, source, f"--prefix={dirs['prefix']}",
         f"--libdir={dirs['libdir']}"], env=env)
    run([meson, "compile", "-C", build], env=env)
    run([meson, "install", "-C", build, "--no-rebuild", f"--destdir={stage}"], env=env)
    plugin = staged(stage, dirs["plugin_dir"] / "out_of_tree.so")
    expect_file(plugin, "the out-of-tree plugin after its install")


def runner_environment():
    env = dict(os.environ)
    # Only --plugin-dir: plugins from elsewhere on this machine must not stand in for ours.
    env.pop("SCX_RUNNER_PLUGIN_PATH", None)
    return env


def check_plugin_listing(runner, staged_plugin_dir, expected_ids):
    listing = json.loads(run([runner, "--plugin-dir", staged_plugin_dir, "plugins", "--json"],
                             env=runner_environment()).stdout)
    found = {plugin["id"]: Path(plugin["path"]) for plugin in listing["plugins"]}
    for plugin_id in sorted(expected_ids):
        if plugin_id not in found:
            raise CheckFailed(f"`scx-runner plugins` does not list {plugin_id}; it found "
                              f"{sorted(found)} and these problems: {listing['problems']}")
        if found[plugin_id].resolve().parent != staged_plugin_dir.resolve():
            raise CheckFailed(f"{plugin_id} was loaded from {found[plugin_id]}, "
                              f"not from {staged_plugin_dir}")


def check_profiles(runner, staged_plugin_dir, work, example_profiles):
    def check(profile, expect_code):
        return run([runner, "--plugin-dir", staged_plugin_dir, "check", profile],
                   env=runner_environment(), expect_code=expect_code)

    good = work / "out-of-tree.toml"
    good.write_text('plugin = "out_of_tree"\n\n[options]\nslice = "2ms"\ngreeting = "hi"\n')
    check(good, 0)
    # The schema's maximum slice is 1s: a check that passes this was not looking.
    too_long = work / "out-of-tree-too-long.toml"
    too_long.write_text('plugin = "out_of_tree"\n\n[options]\nslice = "2h"\n')
    rejected = check(too_long, EXIT_BAD_PROFILE)
    if "slice" not in rejected.stderr + rejected.stdout:
        raise CheckFailed(f"the rejection of {too_long} does not name the option 'slice':\n"
                          f"{rejected.stderr}")
    for profile in example_profiles:
        check(profile, 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meson", required=True, help="the meson command")
    parser.add_argument("--build-dir", required=True, type=Path)
    parser.add_argument("--out-of-tree-plugin", required=True, type=Path,
                        help="source directory of the out-of-tree plugin project")
    args = parser.parse_args()

    options = build_options(args.meson, args.build_dir)
    prefix = Path(options["prefix"])
    dirs = {name: under_prefix(prefix, options[name])
            for name in ("bindir", "libdir", "includedir", "datadir")}
    dirs["prefix"] = prefix
    dirs["plugin_dir"] = dirs["libdir"] / "scx-runner" / "plugins"

    work = Path(tempfile.mkdtemp(prefix="install-check-", dir=args.build_dir))
    stage = work / "stage"
    try:
        run([args.meson, "install", "-C", args.build_dir, "--no-rebuild", f"--destdir={stage}"])
        example_profiles = check_layout(stage, dirs)
        expected_ids = bundled_plugin_ids(args.meson, args.build_dir, dirs["plugin_dir"])

        env = pkg_config_environment(stage, dirs, options.get("pkg_config_path", []))
        check_pkg_config(stage, dirs, project_version(args.meson, args.build_dir), env)
        build_out_of_tree_plugin(args.meson, args.out_of_tree_plugin, work, stage, dirs, env)

        runner = staged(stage, dirs["bindir"] / "scx-runner")
        staged_plugin_dir = staged(stage, dirs["plugin_dir"])
        check_plugin_listing(runner, staged_plugin_dir, expected_ids | {"out_of_tree"})
        check_profiles(runner, staged_plugin_dir, work, example_profiles)
    except CheckFailed as failure:
        print(f"check-installed-tree: {failure}\n(staging directory kept: {work})",
              file=sys.stderr)
        return 1
    shutil.rmtree(work)
    print(f"installed tree OK: plugins {sorted(expected_ids | {'out_of_tree'})}, "
          f"{len(example_profiles)} example profiles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
