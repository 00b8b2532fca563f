# SPDX-License-Identifier: GPL-2.0-only
#
# services.scx-runner: one sched_ext scheduler, run by scx-runner as a system service.
#
# The unit is the one the package installs (packaging/scx-runner.service.in), so NixOS shares
# its sandboxing with every other distribution; NixOS adds a drop-in with the command line and
# the reload trigger. The profile lives at a fixed path, /etc/scx-runner/profile.toml, so that a
# changed profile changes only the trigger: switching configurations then reloads the service
# (SIGHUP: re-read the profile, hot-swap the scheduler in the running process) instead of
# restarting it. A new package still restarts it.
{
  config,
  lib,
  pkgs,
  utils,
  ...
}:

let
  cfg = config.services.scx-runner;
  tomlFormat = pkgs.formats.toml { };
  profilePath = "/etc/scx-runner/profile.toml";
  profileFile =
    if lib.isStringLike cfg.profile then
      cfg.profile
    else
      tomlFormat.generate "scx-runner-profile.toml" cfg.profile;

  # The kernel the configured plugin needs (nix/plugin-kernels.nix reads it from the plugins'
  # own requirement tables). The plugin is known when the profile is a table or a file in the
  # configuration's sources; a generated file is not read (that would build it during
  # evaluation), and a plugin not shipped here (a third party's) gets sched_ext's floor. The
  # runner checks the plugin's full requirements again at load.
  sched_extKernel = "6.12";
  pluginKernels = import ./plugin-kernels.nix;
  profilePlugin =
    if builtins.isAttrs cfg.profile && !lib.isDerivation cfg.profile then
      cfg.profile.plugin or null
    else if builtins.isPath cfg.profile then
      builtins.addErrorContext "while reading the plugin of services.scx-runner.profile (${toString cfg.profile}; check it with: scx-runner check FILE)" (
        builtins.fromTOML (builtins.readFile cfg.profile)
      ).plugin or null
    else
      null;
  pluginIsKnown = builtins.isString profilePlugin && pluginKernels ? ${profilePlugin};
  requiredKernel = if pluginIsKnown then pluginKernels.${profilePlugin} else sched_extKernel;
  kernelVersion = config.boot.kernelPackages.kernel.version;
  kernelNeed =
    if pluginIsKnown then
      "plugin ${profilePlugin} needs Linux ${requiredKernel} or newer (plugins/${profilePlugin}/plugin_entry.cpp)"
    else
      "it needs a kernel with sched_ext (Linux ${sched_extKernel} or newer)";
in
{
  options.services.scx-runner = {
    enable = lib.mkEnableOption "scx-runner, which runs a sched_ext scheduler from a TOML profile";

    package = lib.mkPackageOption pkgs "scx-runner" { };

    profile = lib.mkOption {
      # path first: a derivation is an attribute set too, but means a file. The table is a TOML
      # document, so its top level is a table: a bare string or number is refused here rather
      # than written out as a file the runner cannot read.
      type = lib.types.either lib.types.path (lib.types.attrsOf tomlFormat.type);
      example = lib.literalExpression ''
        {
          plugin = "qmap";
          options.slice = "20ms";
          runner.stats_interval = "10s";
        }
      '';
      description = ''
        The profile: which plugin (scheduler) to run and its options, as a TOML file or as an
        attribute set written out as TOML. It is installed as ${profilePath}; when it changes,
        switching to the new configuration reloads the runner, which swaps to the new scheduler
        and keeps the old one if the new one fails to load. `scx-runner plugins` lists the
        plugins and their options; the package has example profiles in
        share/scx-runner/profiles.
      '';
    };

    extraArgs = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      example = [
        "--stats-interval"
        "0s"
      ];
      description = "Arguments for scx-runner, given before the profile path.";
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = lib.versionAtLeast kernelVersion requiredKernel;
        message = "services.scx-runner: ${kernelNeed}, but boot.kernelPackages has Linux ${kernelVersion}; set boot.kernelPackages = pkgs.linuxPackages_latest (or a ${requiredKernel}+ kernel), or choose a plugin this kernel runs.";
      }
      {
        # The module links that path to the profile: it cannot be the profile too.
        assertion = !(lib.isStringLike cfg.profile && toString cfg.profile == profilePath);
        message = "services.scx-runner.profile cannot be ${profilePath} itself: give the TOML as an attribute set, or a file elsewhere.";
      }
      {
        assertion = !(config.services.scx.enable or false);
        message = "services.scx-runner and services.scx both attach a sched_ext scheduler, and the kernel runs one at a time: enable only one of them.";
      }
    ];

    environment.systemPackages = [ cfg.package ];
    environment.etc."scx-runner/profile.toml".source = profileFile;

    systemd.packages = [ cfg.package ];
    systemd.services.scx-runner = {
      wantedBy = [ "multi-user.target" ];
      reloadTriggers = [ profileFile ];
      # The first, empty ExecStart clears the packaged unit's command.
      serviceConfig.ExecStart = [
        ""
        (utils.escapeSystemdExecArgs ([ (lib.getExe cfg.package) ] ++ cfg.extraArgs ++ [ profilePath ]))
      ];
    };
  };
}
