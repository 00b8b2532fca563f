# SPDX-License-Identifier: GPL-2.0-only
#
# What the Nix build copies from the checkout (nix/package.nix): the paths the meson build
# reads, relative to the repository root. Plain data, so that tests/nix/check-source-set.py can
# read it without nixpkgs and check that every file meson reads is covered (and git-tracked:
# flakes see only tracked files). Leaving out flake.nix, nix/, scripts/ and docs means editing
# them does not rebuild the package.
[
  "meson.build"
  "meson_options.txt"
  "bpf"
  "config"
  "packaging"
  "plugins"
  "runner"
  "tests"
]
