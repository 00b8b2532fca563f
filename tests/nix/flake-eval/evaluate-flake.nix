# SPDX-License-Identifier: GPL-2.0-only
#
# Evaluates every output of flake.nix for both systems, as `nix flake check` would before
# building: the flake's outputs function called with nixpkgs' real lib and the stand-in package
# set, every output forced (--strict), and what each must be checked. The NixOS module is
# evaluated through lib.evalModules against the stand-in NixOS, for its assertions and the
# configuration it generates. Fails with "FAIL: <what>" on the first broken expectation;
# otherwise returns every output described as JSON-able data plus the list of checks passed.
#
#   nix-instantiate --eval --strict --json --read-write-mode evaluate-flake.nix --arg source ./.
{
  source ? ../../..,
}:
let
  lib = import ./nixpkgs-lib.nix;
  evaluateNixos = import ./evaluate-nixos.nix { inherit lib; };
  systems = [
    "x86_64-linux"
    "aarch64-linux"
  ];

  standInPackages =
    overlays: system:
    lib.fix (
      final:
      lib.foldl' (previous: overlay: previous // overlay final previous) (import ./stand-in-packages.nix {
        inherit lib system final evaluateNixos;
      }) overlays
    );

  nixpkgs = {
    inherit lib;
    legacyPackages = lib.genAttrs systems (standInPackages [ ]);
  };
  flake = import (source + "/flake.nix");
  outputs = flake.outputs { inherit self nixpkgs; };
  self = outputs // {
    outPath = toString source;
  };

  # Outputs as data: a derivation (or a store object such as a source) is its store path, a
  # function is named as one. Forcing this forces every value the outputs hold.
  describe =
    value:
    if lib.isDerivation value then
      {
        derivation = value.outPath;
        attributes = builtins.mapAttrs (_: describeInner) (removeAttrs value [ "outPath" ]);
      }
    else
      describeInner value;
  describeInner =
    value:
    if lib.isDerivation value then
      describe value
    else if builtins.isAttrs value && value ? outPath then
      toString value.outPath
    else if builtins.isAttrs value then
      builtins.mapAttrs (_: describeInner) value
    else if builtins.isList value then
      map describeInner value
    else if builtins.isFunction value then
      "<function>"
    else if builtins.isPath value then
      toString value
    else
      value;

  expect =
    what: condition:
    if condition then what else throw "FAIL: ${what}";

  expectFails =
    what: value:
    expect what (!(builtins.tryEval (builtins.deepSeq value value)).success);

  standInKernel = version: { kernel = { inherit version; }; };

  # The flake's module on a machine with kernel `kernelVersion` and the given profile.
  machine =
    {
      kernelVersion,
      profile,
      system ? "x86_64-linux",
      extra ? { },
    }:
    evaluateNixos {
      pkgs = standInPackages [ outputs.overlays.default ] system;
      modules = [
        outputs.nixosModules.default
        {
          boot.kernelPackages = standInKernel kernelVersion;
          services.scx-runner = {
            enable = true;
            inherit profile;
          };
        }
        extra
      ];
    };
  failsWith =
    node: text: lib.any (message: lib.hasInfix text message) node.failedAssertions;

  perSystem =
    system:
    let
      pkgs = nixpkgs.legacyPackages.${system};
      runner = outputs.packages.${system}.runner;
      clang = "${pkgs.llvmPackages_22.clang-unwrapped}/bin/clang";
      devShell = outputs.devShells.${system}.default;
      vmTest = outputs.checks.${system}.vm-test;
      sourceHas = path: builtins.pathExists "${runner.src}/${path}";
    in
    [
      (expect "${system}: packages.runner is scx-runner" (runner.pname == "scx-runner"))
      (expect "${system}: packages.default is packages.runner" (
        outputs.packages.${system}.default.outPath == runner.outPath
      ))
      (expect "${system}: BPF is built by LLVM 22's unwrapped clang" (
        builtins.elem "-Dbpf_clang=${clang}" runner.mesonFlags
      ))
      (expect "${system}: the package builds and runs the tests" (
        runner.doCheck && builtins.elem "-Dtests=enabled" runner.mesonFlags
      ))
      (expect "${system}: the check phase runs the unit suite without devhost" (
        runner.mesonCheckFlags == [ "--suite" "unit" "--no-suite" "devhost" ]
      ))
      (expect "${system}: the source holds what meson reads and not flake.nix" (
        sourceHas "meson.build" && sourceHas "plugins/qmap/plugin_entry.cpp" && !(sourceHas "flake.nix")
      ))
      (expect "${system}: meta lists this platform and the main program" (
        builtins.elem system runner.meta.platforms && runner.meta.mainProgram == "scx-runner"
      ))
      (expect "${system}: apps.runner runs the package's scx-runner" (
        outputs.apps.${system}.runner == {
          type = "app";
          program = "${runner}/bin/scx-runner";
          meta.description = runner.meta.description;
        }
      ))
      (expect "${system}: apps.default is apps.runner" (outputs.apps.${system}.default == outputs.apps.${system}.runner))
      (expect "${system}: the package builds with nlohmann_json, which the dev shell takes from it" (
        builtins.elem pkgs.nlohmann_json runner.buildInputs && devShell.inputsFrom == [ runner ]
      ))
      (expect "${system}: the dev shell takes the package's inputs and LLVM 22's clang" (
        devShell.inputsFrom == [ runner ]
        && lib.any (package: lib.hasInfix "clang-22" package.name) devShell.packages
      ))
      (expect "${system}: the dev shell's test kernel is nixpkgs' newest, on x86_64 only" (
        devShell.SCX_RUNNER_TEST_KERNEL
        == (if system == "x86_64-linux" then "${pkgs.linuxPackages_latest.kernel}/bzImage" else "")
      ))
      (expect "${system}: checks build the package" (outputs.checks.${system}.runner.outPath == runner.outPath))
      (expect "${system}: the VM test's machine and its specialisation evaluate with the module" (
        vmTest.nodes.machine.specialisations ? qmap-short-slice
        && lib.hasInfix "/specialisation/qmap-short-slice/bin/switch-to-configuration" vmTest.testScript
      ))
      (expect "${system}: the formatter is nixfmt-tree" (outputs.formatter.${system}.pname == "nixfmt-tree"))
      (expect "${system}: overlays.default adds scx-runner" (
        (standInPackages [ outputs.overlays.default ] system).scx-runner.pname == "scx-runner"
      ))
    ];

  qmapOnNew = machine {
    kernelVersion = "7.2.13";
    profile = {
      plugin = "qmap";
      options.slice = "20ms";
    };
  };
  qmapService = qmapOnNew.config.systemd.services.scx-runner;
  moduleChecks = [
    (expect "module: qmap on 7.2 passes every assertion" (qmapOnNew.failedAssertions == [ ]))
    (expect "module: the service runs the flake's package on /etc/scx-runner/profile.toml" (
      qmapService.serviceConfig.ExecStart == [
        ""
        "\"${outputs.packages.x86_64-linux.runner}/bin/scx-runner\" \"/etc/scx-runner/profile.toml\""
      ]
    ))
    (expect "module: the profile table is written to /etc and reloads the service" (
      qmapOnNew.config.environment.etc."scx-runner/profile.toml".source.text == builtins.toJSON {
        plugin = "qmap";
        options.slice = "20ms";
      }
      && qmapService.reloadTriggers == [ qmapOnNew.config.environment.etc."scx-runner/profile.toml".source ]
      && qmapService.wantedBy == [ "multi-user.target" ]
    ))
    (expect "module: qmap on 6.12 fails naming qmap's 7.2" (
      failsWith (machine {
        kernelVersion = "6.12.48";
        profile.plugin = "qmap";
      }) "plugin qmap needs Linux 7.2 or newer"
    ))
    (expect "module: qmap on 7.1 fails too" (
      failsWith (machine {
        kernelVersion = "7.1.13";
        profile.plugin = "qmap";
      }) "plugin qmap needs Linux 7.2"
    ))
    (expect "module: simple on 6.13 passes" (
      (machine {
        kernelVersion = "6.13.0";
        profile.plugin = "simple";
      }).failedAssertions == [ ]
    ))
    (expect "module: simple from a profile file, on 6.12, fails naming simple's 6.13" (
      failsWith (machine {
        kernelVersion = "6.12.48";
        profile = ./simple-profile.toml;
      }) "plugin simple needs Linux 6.13 or newer"
    ))
    (expect "module: a plugin not shipped here needs sched_ext only" (
      (machine {
        kernelVersion = "6.12.0";
        profile.plugin = "third-party";
      }).failedAssertions == [ ]
      && failsWith (machine {
        kernelVersion = "6.6.100";
        profile.plugin = "third-party";
      }) "kernel with sched_ext (Linux 6.12 or newer)"
    ))
    (expectFails "module: a bare string is not a profile" (
      (machine {
        kernelVersion = "7.2.13";
        profile = "qmap";
      }).config.services.scx-runner.profile
    ))
    (expectFails "module: a number is not a profile" (
      (machine {
        kernelVersion = "7.2.13";
        profile = 42;
      }).config.services.scx-runner.profile
    ))
    (expect "module: the profile cannot be its own /etc link" (
      failsWith (machine {
        kernelVersion = "7.2.13";
        profile = "/etc/scx-runner/profile.toml";
      }) "cannot be /etc/scx-runner/profile.toml itself"
    ))
    (expect "module: services.scx and services.scx-runner exclude each other" (
      failsWith (machine {
        kernelVersion = "7.2.13";
        profile.plugin = "qmap";
        extra.services.scx.enable = true;
      }) "enable only one of them"
    ))
    (expectFails "module: a failed assertion stops the system build, as in NixOS" (
      (machine {
        kernelVersion = "6.12.48";
        profile.plugin = "qmap";
      }).summary
    ))
  ];

  expectedOutputs = [
    "apps"
    "checks"
    "devShells"
    "formatter"
    "nixosModules"
    "overlays"
    "packages"
  ];
  checks =
    [
      (expect "the flake has exactly the outputs ${toString expectedOutputs}" (
        builtins.attrNames outputs == expectedOutputs
      ))
    ]
    ++ lib.concatMap (
      category: map (system: expect "${category} has ${system}" (outputs.${category} ? ${system})) systems
    ) [ "packages" "apps" "devShells" "checks" "formatter" ]
    ++ lib.concatMap perSystem systems
    ++ moduleChecks;
in
{
  inherit checks;
  outputs = describe (removeAttrs outputs [ "nixosModules" "overlays" ]) // {
    nixosModules = builtins.mapAttrs (_: _: "<module>") outputs.nixosModules;
    overlays = builtins.mapAttrs (_: _: "<overlay>") outputs.overlays;
  };
}
