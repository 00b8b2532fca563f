#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes a libbpf skeleton header for a BPF object (bpftool gen skeleton).

Why a script rather than a plain command: bpftool >= 7.5 emits skeletons for the
libbpf 1.5 API. For struct_ops maps they set `map->link`, a member that
struct bpf_map_skeleton gained in libbpf 1.5, so such a header does not compile
against older libbpf headers (Debian 12 backports ship 1.4.6; scripts/setup
builds libbpf 1.7 for our own builds, so only a build against the system's
1.4.6 still needs the fix).
--drop-struct-ops-link deletes those lines. That is safe on libbpf 1.4: it
honours the skeleton's map_skel_sz and never reads the missing member; the
plugin then attaches struct_ops with bpf_map__attach_struct_ops() itself.
"""
import argparse
import re
import subprocess
import sys

STRUCT_OPS_LINK_LINE = re.compile(r"^\s*map->link = &obj->links\.\w+;\s*$")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bpftool", required=True, help="bpftool executable")
    parser.add_argument("--name", required=True, help="skeleton name (struct and function prefix)")
    parser.add_argument("--drop-struct-ops-link", action="store_true",
                        help="remove map->link assignments (for libbpf < 1.5 headers)")
    parser.add_argument("object", help="linked BPF object (bpftool gen object output)")
    parser.add_argument("output", help="skeleton header to write")
    args = parser.parse_args()

    result = subprocess.run([args.bpftool, "gen", "skeleton", args.object, "name", args.name],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        sys.stderr.write(f"gen-skeleton: bpftool gen skeleton {args.object} failed "
                         f"(exit {result.returncode})\n")
        return 1

    lines = result.stdout.splitlines(keepends=True)
    if args.drop_struct_ops_link:
        lines = [line for line in lines if not STRUCT_OPS_LINK_LINE.match(line)]

    with open(args.output, "w", encoding="utf-8") as out:
        out.writelines(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
