# SPDX-License-Identifier: GPL-2.0-only
#
# NixOS VM test of services.scx-runner on nixpkgs' newest kernel (sched_ext built in):
#  1. the service attaches qmap (the kernel's /sys/kernel/sched_ext/root/ops says so);
#  2. an edited profile plus `systemctl reload` hot-swaps to simple in the same process;
#  3. switching to a configuration with another profile reloads the service again (NixOS's
#     reloadTriggers), back to qmap, still without a restart.
# Run by `nix flake check` (checks.<system>.vm-test); it needs KVM.
{
  pkgs,
  module,
  package,
}:

let
  tomlFormat = pkgs.formats.toml { };
  simpleProfile = tomlFormat.generate "simple.toml" { plugin = "simple"; };
in
pkgs.testers.runNixOSTest {
  name = "scx-runner";

  nodes.machine =
    { lib, pkgs, ... }:
    {
      imports = [ module ];
      boot.kernelPackages = pkgs.linuxPackages_latest;
      virtualisation.cores = 2;
      virtualisation.memorySize = 2048;

      services.scx-runner = {
        enable = true;
        inherit package;
        profile = {
          plugin = "qmap";
          options.slice = "20ms";
        };
      };

      specialisation.qmap-short-slice.configuration = {
        services.scx-runner.profile = lib.mkForce {
          plugin = "qmap";
          options.slice = "5ms";
        };
      };
    };

  testScript =
    { nodes, ... }:
    let
      switchToShortSlice = "${nodes.machine.system.build.toplevel}/specialisation/qmap-short-slice/bin/switch-to-configuration";
    in
    ''
      def main_pid():
          return machine.succeed("systemctl show --property=MainPID --value scx-runner.service").strip()

      machine.wait_for_unit("scx-runner.service")
      machine.wait_until_succeeds("grep -qx qmap /sys/kernel/sched_ext/root/ops")
      machine.succeed("grep -qx enabled /sys/kernel/sched_ext/state")
      runner_pid = main_pid()

      with subtest("systemctl reload swaps to the plugin of the edited profile"):
          # Replaces the symlink into /etc/static, as an administrator editing the file would.
          machine.succeed("ln -sfn ${simpleProfile} /etc/scx-runner/profile.toml")
          machine.succeed("systemctl reload scx-runner.service")
          machine.wait_until_succeeds("grep -qx simple /sys/kernel/sched_ext/root/ops")
          assert main_pid() == runner_pid, "the reload restarted the runner instead of swapping"

      with subtest("a configuration switch that changes the profile reloads the runner"):
          machine.succeed("${switchToShortSlice} test")
          machine.wait_until_succeeds("grep -qx qmap /sys/kernel/sched_ext/root/ops")
          assert main_pid() == runner_pid, "the switch restarted the runner instead of reloading it"
          machine.succeed("grep -qx enabled /sys/kernel/sched_ext/state")
    '';
}
