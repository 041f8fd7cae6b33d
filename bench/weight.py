"""Page and diagram weight of a built gallery: what a reader downloads.

    .venv/bin/python bench/weight.py [OUTPUT] [--page architectures/twitter-2013.html]

Reports the diagram SVGs (count, total, average), the shared icon files, and
for one architecture page what a phone transfers before scrolling: the page
gzipped, its stylesheet and script gzipped, and the icons its first view
draws (PNGs are sent as they are). Run it on a fresh `archcat build`.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default="output", type=Path)
    parser.add_argument("--page", default="architectures/twitter-2013.html")
    args = parser.parse_args(argv)
    out: Path = args.output
    page = out / args.page
    if not page.is_file():
        print(f"no page {page}: build the gallery first (make gallery)", file=sys.stderr)
        return 2
    svgs = sorted((out / "diagrams").glob("*/*.svg"))
    total = sum(p.stat().st_size for p in svgs)
    icons = sorted((out / "assets" / "icons").glob("*.png"))
    print(f"diagram SVGs: {len(svgs)} files, {total / 1e6:.1f} MB, {total / max(1, len(svgs)) / 1e3:.0f} KB each")
    print(f"shared icons: {len(icons)} files, {sum(p.stat().st_size for p in icons) / 1e3:.0f} KB")
    html = page.read_text(encoding="utf-8")
    first = html[:html.find('class="view"', html.find('class="view"') + 1)]  # up to the second view
    used = sorted(set(re.findall(r'href="\.\./(assets/icons/[0-9a-f]+\.png)"', first)))
    icon_bytes = sum((out / rel).stat().st_size for rel in used)
    parts = {"page (gzip)": gzipped(page), "style.css (gzip)": gzipped(out / "assets" / "style.css"),
             "gallery.js (gzip)": gzipped(out / "assets" / "gallery.js"), f"{len(used)} icons": icon_bytes}
    for name, size in parts.items():
        print(f"  {name:20s} {size / 1e3:6.1f} KB")
    print(f"{args.page}, first view: {sum(parts.values()) / 1e3:.1f} KB transferred")
    every = set(re.findall(r'href="\.\./(assets/icons/[0-9a-f]+\.png)"', html)) - set(used)
    extra = sum((out / rel).stat().st_size for rel in every)
    print(f"  and {len(every)} more icons in its other views: {extra / 1e3:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
