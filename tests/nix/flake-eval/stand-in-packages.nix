# SPDX-License-Identifier: GPL-2.0-only
#
# A stand-in for nixpkgs' package set with exactly what flake.nix, nix/package.nix and
# nix/vm-test.nix use, so that their outputs evaluate without nixpkgs (which this machine does
# not have). Packages are attribute sets that look like derivations (type, name, outPath,
# meta) with made-up store paths; nothing builds. What the flake asks for and this set lacks
# fails at once: a missing attribute names itself, and callPackage names the argument and the
# file that asked for it. Add an attribute here only when nixpkgs has it under that name (see
# TOOLCHAIN.md's Nix facts): an alias or a misspelling must keep failing.
{
  lib,
  system,
  # The finished set (with overlays), for callPackage and the NixOS test's nodes.
  final,
  # The stand-in NixOS (evaluate-nixos.nix), for testers.runNixOSTest.
  evaluateNixos,
}:

let
  storePath =
    name: "/nix/store/${builtins.substring 0 32 (builtins.hashString "sha256" "${system}:${name}")}-${name}";

  standInDerivation =
    name: attributes:
    {
      type = "derivation";
      inherit name system;
      outPath = storePath name;
      drvPath = storePath "${name}.drv";
      outputs = [ "out" ];
      meta = { };
    }
    // attributes;

  package =
    pname: version: attributes:
    standInDerivation "${pname}-${version}" ({ inherit pname version; } // attributes);

  # stdenv.mkDerivation: the attributes as given (finalAttrs is the result's own attributes,
  # as nixpkgs' fixed point gives them), passthru merged in.
  mkDerivation =
    argumentsOrFunction:
    let
      arguments =
        if builtins.isFunction argumentsOrFunction then argumentsOrFunction finalAttributes else argumentsOrFunction;
      finalAttributes = arguments;
      name = arguments.name or "${arguments.pname}-${arguments.version}";
    in
    standInDerivation name (removeAttrs arguments [ "passthru" ] // arguments.passthru or { });

  callPackage =
    fileOrFunction: overrides:
    let
      function = if builtins.isFunction fileOrFunction then fileOrFunction else import fileOrFunction;
      # An argument with a default may be absent; one without must be in the set.
      wanted = lib.filterAttrs (name: hasDefault: !hasDefault || final ? ${name}) (
        removeAttrs (builtins.functionArgs function) (builtins.attrNames overrides)
      );
      fromSet = builtins.mapAttrs (
        name: _:
        final.${name}
          or (throw "stand-in package set: ${toString fileOrFunction} asks for '${name}', which the stand-in offers not (tests/nix/flake-eval/stand-in-packages.nix; add it only if nixpkgs has that name)")
      ) wanted;
    in
    function (fromSet // overrides);

  hostPlatform = {
    inherit system;
    isLinux = true;
    isx86_64 = system == "x86_64-linux";
    isAarch64 = system == "aarch64-linux";
  };

  # pkgs.formats.toml { }: its type is nixpkgs' JSON-like value type, named (a recursive type's
  # description cannot be derived from its parts).
  tomlValue =
    lib.types.nullOr (
    lib.types.oneOf [
      lib.types.bool
      lib.types.int
      lib.types.float
      lib.types.str
      lib.types.path
      (lib.types.attrsOf tomlValue)
      (lib.types.listOf tomlValue)
    ]
    )
    // {
      description = "TOML value";
    };
in
{
  inherit lib callPackage;

  stdenv = {
    inherit mkDerivation hostPlatform;
    buildPlatform = hostPlatform;
  };

  meson = package "meson" "1.9.0" { };
  ninja = package "ninja" "1.13.1" { };
  pkg-config = package "pkg-config-wrapper" "0.29.2" { };
  bpftools = package "bpftools" "6.18" { meta.mainProgram = "bpftool"; };
  llvmPackages_22 = {
    clang-unwrapped = package "clang" "22.1.8" { meta.mainProgram = "clang"; };
  };
  libbpf = package "libbpf" "1.7.0" { };
  elfutils = package "elfutils" "0.194" { };
  zlib = package "zlib" "1.3.1" { };
  tomlplusplus = package "tomlplusplus" "3.4.0" { };
  spdlog = package "spdlog" "1.15.3" { };
  nlohmann_json = package "nlohmann_json" "3.12.0" { };
  httplib = package "httplib" "0.26.0" { };
  openssl = package "openssl" "3.6.0" { };
  cmake = package "cmake" "4.1.2" { };
  prometheus.cli = package "prometheus-cli" "3.7.3" { };
  ncurses = package "ncurses" "6.5" { };
  catch2_3 = package "catch2" "3.11.0" { };
  qemu = package "qemu" "10.1.2" { };
  pkgsStatic.busybox = package "busybox-static" "1.37.0" { };
  cpio = package "cpio" "2.15" { };
  tmux = package "tmux" "3.5a" { };
  glibc = package "glibc" "2.42" { };
  git = package "git" "2.51.2" { };
  systemd = package "systemd" "258.2" { };
  nixfmt-tree = package "nixfmt-tree" "1.0" { };
  # The newest kernel in nixpkgs is the design's target (7.3): every one of nixpkgs' kernels
  # >= 6.12 has sched_ext.
  linuxPackages_latest.kernel = package "linux" "7.3.4" { };

  runCommand =
    name: environment: script:
    standInDerivation name (environment // { buildCommand = script; });

  mkShell =
    attributes:
    standInDerivation (attributes.name or "nix-shell") (removeAttrs attributes [ "name" ]);

  formats.toml =
    { }:
    {
      type = tomlValue;
      generate =
        name: value:
        standInDerivation name {
          # What the file would hold; JSON text stands for the TOML.
          text = builtins.toJSON value;
        };
    };

  testers.runNixOSTest =
    test:
    let
      nodes = builtins.mapAttrs (_: node: evaluateNixos { pkgs = final; modules = [ node ]; }) test.nodes;
      testScript =
        if builtins.isFunction test.testScript then
          test.testScript { nodes = builtins.mapAttrs (_: node: node.config) nodes; }
        else
          test.testScript;
    in
    standInDerivation "vm-test-run-${test.name}" {
      inherit testScript;
      nodes = builtins.mapAttrs (_: node: node.summary) nodes;
    };
}
