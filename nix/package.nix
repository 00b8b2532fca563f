# SPDX-License-Identifier: GPL-2.0-only
#
# scx-runner with its plugins, headers, pkg-config file, example profiles and systemd unit: the
# same meson build as on Debian. Called with nixpkgs' callPackage by the flake (packages.runner)
# and by overlays.default (pkgs.scx-runner).
{
  lib,
  stdenv,
  meson,
  ninja,
  pkg-config,
  bpftools,
  llvmPackages_22,
  libbpf,
  elfutils,
  zlib,
  tomlplusplus,
  spdlog,
  nlohmann_json,
  httplib,
  openssl,
  cmake,
  ncurses,
  catch2_3,
}:

let
  # One version, the one in meson.build's project() call.
  projectVersion =
    let
      found = builtins.match ".*project\\([^)]*[[:space:]]version: '([^']+)'.*" (
        builtins.readFile ../meson.build
      );
    in
    if found == null then throw "nix/package.nix: no version in meson.build's project()" else
    builtins.head found;
in
stdenv.mkDerivation (finalAttrs: {
  pname = "scx-runner";
  version = projectVersion;

  src = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.unions (
      map (path: lib.fileset.maybeMissing (../. + "/${path}")) (import ./source-paths.nix)
    );
  };

  strictDeps = true;

  nativeBuildInputs = [
    meson
    ninja
    pkg-config
    bpftools # bpftool: links the BPF objects and writes their skeletons
    cmake # meson finds nixpkgs' httplib through its CMake package
  ];
  # cmake is here for dependency lookups only; the build itself is meson's.
  dontUseCmakeConfigure = true;

  buildInputs = [
    libbpf
    elfutils # libelf
    zlib
    tomlplusplus
    spdlog # propagates fmt
    nlohmann_json # header-only; every JSON the runner reads or writes
    # The metrics module (runner/http): header-only httplib, and OpenSSL, which nixpkgs' httplib
    # is built with and so asks its users to link.
    httplib
    openssl
    ncurses # `scx-runner top` (ncursesw)
  ];

  checkInputs = [ catch2_3 ];

  mesonFlags = [
    # BPF is compiled by an unwrapped clang: the cc-wrapper's hardening flags
    # (-fzero-call-used-regs, -fstack-protector) are not supported for -target bpf, and the
    # C++ code keeps all of nixpkgs' hardening. clang 19 miscompiles arena stores (see
    # bpf/meson.build); 22 is the version checked. Named by version: llvmPackages_latest is an
    # alias, and aliases are gone under allowAliases = false (and move under an overlay).
    (lib.mesonOption "bpf_clang" (lib.getExe' llvmPackages_22.clang-unwrapped "clang"))
    (lib.mesonEnable "tests" finalAttrs.doCheck)
  ];

  # The unit suite needs no root and no kernel. The vm suite boots a Debian sched_ext kernel
  # under QEMU and cannot run in the build sandbox; the flake's checks.vm-test covers the real
  # kernel instead. The devhost tests look at the git checkout and host tools (git, nix,
  # systemd-analyze), which the sandbox does not have.
  doCheck = true;
  mesonCheckFlags = [
    "--suite"
    "unit"
    "--no-suite"
    "devhost"
  ];

  meta = {
    description = "Run Linux sched_ext schedulers from TOML profiles, with plugins and hot swap";
    license = lib.licenses.gpl2Only;
    mainProgram = "scx-runner";
    # aarch64-linux builds once bpf/vmlinux/aarch64/vmlinux.h is vendored (scripts/regen-vmlinux
    # on an arm64 machine); until then meson's configure step stops and says so.
    platforms = [
      "x86_64-linux"
      "aarch64-linux"
    ];
  };
})
