# SPDX-License-Identifier: GPL-2.0-only
#
# What nix/package.nix tells nixpkgs' meson hook, for tests/nix/sandbox-build to replay: its
# mesonFlags and mesonCheckFlags (evaluated with the stand-in package set, so store paths in
# them are the stand-in's: standInClang says which one is the BPF clang), and whether it checks.
{
  source ? ../../..,
  system ? "x86_64-linux",
}:
let
  lib = import ./nixpkgs-lib.nix;
  pkgs = lib.fix (
    final:
    import ./stand-in-packages.nix {
      inherit lib system final;
      evaluateNixos = throw "package-phases.nix: the package does not need NixOS";
    }
  );
  package = pkgs.callPackage (source + "/nix/package.nix") { };
in
{
  inherit (package) mesonFlags mesonCheckFlags doCheck;
  standInClang = lib.getExe' pkgs.llvmPackages_22.clang-unwrapped "clang";
}
