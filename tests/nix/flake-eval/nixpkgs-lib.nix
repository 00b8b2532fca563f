# SPDX-License-Identifier: GPL-2.0-only
#
# nixpkgs' lib (the vendored copy in ../nixpkgs-lib) on Debian's Nix 2.8, which lacks
# builtins.readFileType (Nix 2.14): lib/filesystem.nix and lib.fileset take it from builtins.
# Every file of lib is imported with a builtins that has it, read from the parent's readDir
# (the same "regular"/"directory"/"symlink"/"unknown" answers).
let
  shimmedBuiltins = builtins // {
    readFileType = builtins.readFileType or (path: (builtins.readDir (dirOf path)).${baseNameOf path});
  };
  scope = {
    builtins = shimmedBuiltins;
    import = scopedImport scope;
  };
in
scopedImport scope ../nixpkgs-lib/lib
