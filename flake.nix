# SPDX-License-Identifier: GPL-2.0-only
#
#   nix run .#runner -- profile.toml     (loading a scheduler needs root; see the README)
#   nix build                            the package: runner, plugins, headers, unit, profiles
#   nix develop                          everything scripts/dev needs
#   nix flake check                      the package (unit suite) and the NixOS VM test
#
# The package is nix/package.nix, the NixOS module nix/module.nix, the VM test nix/vm-test.nix.
# Flakes see only git-tracked files: `git add` a new file before building.
{
  description = "scx-runner: run Linux sched_ext schedulers from TOML profiles";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      # aarch64-linux needs bpf/vmlinux/aarch64/vmlinux.h, which is not vendored yet: its build
      # stops at meson's configure step with a message saying how to generate it.
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = f: lib.genAttrs systems (system: f system nixpkgs.legacyPackages.${system});
    in
    {
      overlays.default = final: _prev: { scx-runner = final.callPackage ./nix/package.nix { }; };

      packages = forAllSystems (
        system: pkgs: {
          runner = pkgs.callPackage ./nix/package.nix { };
          default = self.packages.${system}.runner;
        }
      );

      apps = forAllSystems (
        system: pkgs:
        let
          runner = self.packages.${system}.runner;
          app = {
            type = "app";
            program = lib.getExe runner;
            meta.description = runner.meta.description;
          };
        in
        {
          runner = app;
          default = app;
        }
      );

      devShells = forAllSystems (
        system: pkgs:
        let
          # Just these programs of a package: busybox's applet links (ls, sed, ...), clang's cpp
          # and systemd's reboot would otherwise shadow the GNU tools and the host's commands.
          onlyPrograms =
            package: programs:
            pkgs.runCommand "${package.name}-${lib.concatStringsSep "-" programs}" { } ''
              mkdir -p $out/bin
              for program in ${lib.escapeShellArgs programs}; do
                ln -s ${lib.getBin package}/bin/$program $out/bin/$program
              done
            '';
        in
        {
          default = pkgs.mkShell {
            # The package's build inputs (libbpf, tomlplusplus, spdlog, nlohmann_json, ...) come
            # from here, so each is named once, in nix/package.nix.
            inputsFrom = [ self.packages.${system}.runner ];
            packages = [
              # BPF: bpf/meson.build finds it as `clang`; unwrapped, as in nix/package.nix.
              (onlyPrograms pkgs.llvmPackages_22.clang-unwrapped [ "clang" ])
              pkgs.catch2_3 # unit suite
              # vm suite: QEMU, a static busybox, cpio and ldd for the initramfs
              pkgs.qemu
              (onlyPrograms pkgs.pkgsStatic.busybox [ "busybox" ])
              pkgs.cpio
              (onlyPrograms pkgs.glibc [ "ldd" ])
              # the metrics scenario checks /metrics with the Prometheus project's own checker
              (onlyPrograms pkgs.prometheus.cli [ "promtool" ])
              pkgs.tmux # the top scenario drives `scx-runner top` in it (with ncurses' terminfo)
              # devhost tests
              pkgs.git
              (onlyPrograms pkgs.systemd [ "systemd-analyze" ])
            ];
            # tests/vm/fetch-kernel downloads Debian's kernels with apt; here the vm suite boots
            # nixpkgs' newest kernel instead (sched_ext, BTF and the serial console built in).
            # The suite runs x86_64 guests only.
            SCX_RUNNER_TEST_KERNEL = lib.optionalString pkgs.stdenv.hostPlatform.isx86_64 "${pkgs.linuxPackages_latest.kernel}/bzImage";
          };
        }
      );

      nixosModules.default =
        { lib, pkgs, ... }:
        {
          imports = [ ./nix/module.nix ];
          services.scx-runner.package = lib.mkDefault self.packages.${pkgs.stdenv.hostPlatform.system}.runner;
        };

      checks = forAllSystems (
        system: pkgs: {
          runner = self.packages.${system}.runner;
          vm-test = import ./nix/vm-test.nix {
            inherit pkgs;
            module = self.nixosModules.default;
            package = self.packages.${system}.runner;
          };
        }
      );

      formatter = forAllSystems (_system: pkgs: pkgs.nixfmt-tree);
    };
}
