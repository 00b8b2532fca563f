#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks that the Nix build sees every file the meson build reads.

nix/package.nix copies only the paths listed in nix/source-paths.nix, and a flake sees only
git-tracked files. A file meson reads that misses either set builds here but breaks
`nix build`. The files meson reads come from the configured build directory:
  - `meson introspect --buildsystem-files` (meson.build, meson_options.txt, configure_file inputs),
  - every path in build.ninja (sources, scripts, linker scripts, custom target inputs, and the
    directories compiled-in paths name, such as the unit tests' fixtures: all files in them),
  - `ninja -t deps` (the headers the compilers reported reading),
  - `meson introspect --installed` (installed data, headers, directories),
  - the command, environment and working directory of every test the Nix build runs
    (suite unit without devhost, as nix/package.nix's mesonCheckFlags say).
"""
import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

# Keep in step with mesonCheckFlags in nix/package.nix.
NIX_CHECK_SUITE = "unit"
NIX_EXCLUDED_SUITE = "devhost"

TOKEN_SEPARATORS = re.compile(r"[\s'\"=,;:$()\[\]]+")


def output_of(command, cwd=None):
    return subprocess.run([str(part) for part in command], cwd=cwd, check=True,
                          stdout=subprocess.PIPE, text=True).stdout


class ReadFiles:
    """Collects files inside the source tree (and outside the build directory)."""

    def __init__(self, source_root, build_root):
        self.source_root = source_root
        self.build_root = build_root
        self.files = {}  # relative path -> where it was seen first

    def add(self, candidate, seen_in, base=None, directories=False):
        path = Path(candidate)
        if not path.is_absolute():
            path = (base or self.build_root) / path
        try:
            path = path.resolve()
        except (OSError, RuntimeError):
            return
        if path == self.source_root or not path.is_relative_to(self.source_root):
            return
        if path.is_relative_to(self.build_root) or path.is_relative_to(self.source_root / ".git"):
            return
        if path.is_file():
            self.files.setdefault(path.relative_to(self.source_root).as_posix(), seen_in)
        elif directories and path.is_dir():
            for inner in path.rglob("*"):
                self.add(inner, seen_in)

    def add_tokens(self, text, seen_in, base=None, directories=False):
        for token in TOKEN_SEPARATORS.split(text):
            if token and ("/" in token or "." in token):
                self.add(token, seen_in, base=base, directories=directories)


def suite_names(test):
    return {suite.split(":")[-1] for suite in test.get("suite", [])}


def collect(meson, source_root, build_root):
    read = ReadFiles(source_root, build_root)

    for path in json.loads(output_of([meson, "introspect", "--buildsystem-files", build_root])):
        read.add(path, "meson introspect --buildsystem-files")

    read.add_tokens((build_root / "build.ninja").read_text(), "build.ninja", directories=True)
    read.add_tokens(output_of(["ninja", "-C", build_root, "-t", "deps"]), "ninja -t deps")

    installed = json.loads(output_of([meson, "introspect", "--installed", build_root]))
    for source in installed:
        read.add(source, "meson introspect --installed", directories=True)

    for test in json.loads(output_of([meson, "introspect", "--tests", build_root])):
        suites = suite_names(test)
        if NIX_CHECK_SUITE not in suites or NIX_EXCLUDED_SUITE in suites:
            continue
        seen_in = f"test {test['name']}"
        workdir = Path(test.get("workdir") or build_root)
        read.add_tokens(" ".join(test["cmd"]), seen_in, base=workdir, directories=True)
        read.add_tokens(" ".join((test.get("env") or {}).values()), seen_in, base=workdir,
                        directories=True)
    return read.files


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meson", required=True)
    parser.add_argument("--source-root", required=True, type=Path)
    parser.add_argument("--build-root", required=True, type=Path)
    args = parser.parse_args()
    source_root = args.source_root.resolve()
    build_root = args.build_root.resolve()

    source_paths = json.loads(output_of(["nix-instantiate", "--eval", "--strict", "--json",
                                         source_root / "nix/source-paths.nix"]))
    tracked = set(output_of(["git", "-C", source_root, "ls-files", "-z"]).split("\0"))
    read = collect(args.meson, source_root, build_root)

    # Guards against a derivation that silently found nothing.
    for expected in ("meson.build", "meson_options.txt", "packaging/scx-runner.service.in",
                     "plugins/include/scx_runner/plugin_abi.h"):
        if expected not in read:
            print(f"check-source-set: {expected} is not among the files found to be read; "
                  "the derivation of what meson reads is broken", file=sys.stderr)
            return 1

    problems = []
    for path, seen_in in sorted(read.items()):
        if not any(path == root or path.startswith(root + "/") for root in source_paths):
            problems.append(f"{path} (from {seen_in}) is outside the Nix source set: add its "
                            "top-level directory to nix/source-paths.nix")
        if path not in tracked:
            problems.append(f"{path} (from {seen_in}) is not tracked by git, so a flake does "
                            f"not see it: git add {path}")
    if problems:
        print("check-source-set: the Nix build would miss files the meson build reads:\n  "
              + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"source set OK: {len(read)} files read by meson, all in nix/source-paths.nix "
          f"({', '.join(source_paths)}) and tracked by git")
    return 0


if __name__ == "__main__":
    sys.exit(main())
