# SPDX-License-Identifier: GPL-2.0-only
#
# The oldest kernel each shipped plugin runs on, read from its kernel requirements in
# plugins/<dir>/plugin_entry.cpp (the table the runner itself probes before loading): plugin id
# -> the newest version among its requirement::...(..., "X.Y", ...) lines. Derived rather than
# written down again, so that the NixOS module's kernel assertion cannot drift from the plugins.
# Plain builtins, no nixpkgs: tests evaluate it on its own.
let
  pluginsDirectory = ../plugins;
  entries = builtins.readDir pluginsDirectory;
  entryFile = name: pluginsDirectory + "/${name}/plugin_entry.cpp";
  pluginDirectories = builtins.filter (
    name: entries.${name} == "directory" && builtins.pathExists (entryFile name)
  ) (builtins.attrNames entries);

  # The captures of every match of `regex` in `text`.
  matchesOf = regex: text: builtins.filter builtins.isList (builtins.split regex text);
  newest = versions: builtins.foldl' (
    newestSoFar: version: if builtins.compareVersions version newestSoFar > 0 then version else newestSoFar
  ) (builtins.head versions) versions;

  kernelOf =
    directory:
    let
      source = builtins.readFile (entryFile directory);
      # requirement::kfunc("scx_bpf_dsq_insert", "6.13", "..."): the version is the last
      # quoted string before the description.
      versions = map (captures: builtins.elemAt captures 1) (
        matchesOf "requirement::[a-z_]+\\((\"[^\"]*\", )*\"([0-9]+(\\.[0-9]+)+)\", \"" source
      );
      # PluginInfo kInfo{"qmap", ...}: the plugin's id, which profiles name.
      ids = matchesOf "PluginInfo [A-Za-z]+\\{[[:space:]]*\"([^\"]+)\"" source;
    in
    if versions == [ ] then
      throw "nix/plugin-kernels.nix: no kernel requirements found in plugins/${directory}/plugin_entry.cpp; list them with requirement::... (scx_runner/sdk/Entry.hpp)"
    else if builtins.length ids != 1 then
      throw "nix/plugin-kernels.nix: cannot find the plugin id (PluginInfo kInfo{\"id\", ...}) in plugins/${directory}/plugin_entry.cpp"
    else
      {
        name = builtins.head (builtins.head ids);
        value = newest versions;
      };
in
builtins.listToAttrs (map kernelOf pluginDirectories)
