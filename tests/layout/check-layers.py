#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks that runner/'s layers include only downwards.

The layer order is the order of the folders in runner/meson.build's source list (lowest
first). A file in one layer may include headers of its own layer and of the layers before it;
an include of a later layer is an upward dependency and fails this test, as does a folder in
runner/ that the list does not name, or a quoted include that names no layer.
"""
import argparse
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)
SOURCE = re.compile(r"'(\w+)/\w+\.cpp'")


def layer_order(meson_build: pathlib.Path) -> list[str]:
    order: list[str] = []
    for layer in SOURCE.findall(meson_build.read_text()):
        if layer not in order:
            order.append(layer)
    return order


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runner-dir", type=pathlib.Path, required=True)
    runner = parser.parse_args().runner_dir
    order = layer_order(runner / "meson.build")
    rank = {layer: position for position, layer in enumerate(order)}
    problems = []
    for folder in sorted(p for p in runner.iterdir() if p.is_dir()):
        if folder.name not in rank:
            problems.append(f"runner/{folder.name}/ is not in runner/meson.build's layer order {order}")
    for path in sorted(runner.glob("*/*.[ch]pp")):
        layer = path.parent.name
        if layer not in rank:
            continue
        for included in INCLUDE.findall(path.read_text()):
            target = included.split("/")[0]
            if "/" not in included or target not in rank:
                problems.append(f"{path.relative_to(runner.parent)}: #include \"{included}\" names no layer "
                                f"(write \"<layer>/{included.split('/')[-1]}\")")
            elif rank[target] > rank[layer]:
                problems.append(f"{path.relative_to(runner.parent)}: #include \"{included}\": {layer}/ may not "
                                f"include {target}/, which comes after it ({' < '.join(order)})")
    for problem in problems:
        print(f"check-layers: {problem}", file=sys.stderr)
    if not problems:
        print(f"check-layers: {len(order)} layers, every include goes down: {' < '.join(order)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
