# SPDX-License-Identifier: GPL-2.0-only
#
# A stand-in NixOS: lib.evalModules over the given modules plus the options nix/module.nix and
# nix/vm-test.nix touch, typed as NixOS types them (assertions, environment.etc,
# systemd.services, boot.kernelPackages, specialisation, ...). As in NixOS,
# system.build.toplevel fails with the failed assertions' messages. An option not declared
# here fails the evaluation by name ("The option `...' does not exist").
{ lib }:
{ pkgs, modules }:
let
  inherit (lib) mkOption types;

  # A systemd unit setting: what NixOS's unitOption accepts, as far as the module uses it.
  unitValue = types.oneOf [
    types.bool
    types.int
    types.str
    types.path
    (types.listOf (types.oneOf [ types.bool types.int types.str types.path ]))
  ];

  standInOptions =
    { config, extendModules, ... }:
    let
      failedAssertions = map (check: check.message) (lib.filter (check: !check.assertion) config.assertions);
      # Each specialisation is this configuration plus its own, without specialisations (as in
      # NixOS, which sets them to {} in the child).
      specialisationToplevel =
        specialisation:
        (extendModules {
          modules = [
            specialisation.configuration
            { specialisation = lib.mkOverride 0 { }; }
          ];
        }).config.system.build.toplevel;
    in
    {
      options = {
        assertions = mkOption {
          type = types.listOf (
            types.submodule {
              options.assertion = mkOption { type = types.bool; };
              options.message = mkOption { type = types.str; };
            }
          );
          default = [ ];
        };
        boot.kernelPackages = mkOption { type = types.raw; };
        environment.systemPackages = mkOption {
          type = types.listOf types.package;
          default = [ ];
        };
        environment.etc = mkOption {
          type = types.attrsOf (types.submodule { options.source = mkOption { type = types.path; }; });
          default = { };
        };
        systemd.packages = mkOption {
          type = types.listOf types.package;
          default = [ ];
        };
        systemd.services = mkOption {
          type = types.attrsOf (
            types.submodule {
              options.wantedBy = mkOption {
                type = types.listOf types.str;
                default = [ ];
              };
              options.reloadTriggers = mkOption {
                type = types.listOf unitValue;
                default = [ ];
              };
              options.serviceConfig = mkOption {
                type = types.attrsOf unitValue;
                default = { };
              };
            }
          );
          default = { };
        };
        services.scx.enable = mkOption {
          type = types.bool;
          default = false;
        };
        virtualisation.cores = mkOption { type = types.ints.positive; };
        virtualisation.memorySize = mkOption { type = types.ints.positive; };
        specialisation = mkOption {
          type = types.attrsOf (
            types.submodule { options.configuration = mkOption { type = types.deferredModule; }; }
          );
          default = { };
        };
        system.build.toplevel = mkOption {
          type = types.package;
          readOnly = true;
        };
      };

      config.system.build.toplevel =
        if failedAssertions != [ ] then
          throw "\nFailed assertions:\n- ${lib.concatStringsSep "\n- " failedAssertions}"
        else
          {
            type = "derivation";
            name = "nixos-system-machine";
            outPath = "/nix/store/${builtins.substring 0 32 (builtins.hashString "sha256" (builtins.toJSON config.environment.etc))}-nixos-system-machine";
            specialisations = builtins.mapAttrs (_: specialisationToplevel) config.specialisation;
          };

      config._module.args = {
        inherit pkgs;
        # nixos/lib/utils.nix's escapeSystemdExecArgs: each argument as a JSON string, with
        # systemd's specifiers (%) and variables ($) doubled.
        utils.escapeSystemdExecArgs = lib.concatMapStringsSep " " (
          argument: builtins.replaceStrings [ "%" "$" ] [ "%%" "$$" ] (builtins.toJSON (toString argument))
        );
      };
    };

  evaluated = lib.evalModules { modules = [ standInOptions ] ++ modules; };
  inherit (evaluated) config;
in
{
  inherit config;
  failedAssertions = map (check: check.message) (lib.filter (check: !check.assertion) config.assertions);
  # What a test compares; forcing toplevel checks the assertions and every specialisation.
  summary = {
    toplevel = config.system.build.toplevel.outPath;
    specialisations = builtins.mapAttrs (_: toplevel: toplevel.outPath) config.system.build.toplevel.specialisations;
  };
}
