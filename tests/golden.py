"""Golden DOT and HTML: a reviewer sees every change to what is drawn and shown.

The files in tests/golden/ are what archcat makes today of a few fixed inputs:
the DOT of every view of twitter-2013 and of the shop fixture (light and
dark), and the architecture page and index of a gallery built from the shop
fixture alone. `tests/test_golden.py` fails when any of them changes; when the
change is intended, regenerate them and commit the new files with it:

    make golden        (or: .venv/bin/python -m tests.golden)
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

import diagrams

from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.graph import PALETTES, build_dot

GOLDEN = Path(__file__).resolve().parent / "golden"
REPO = Path(__file__).resolve().parent.parent
SHOP = Path(__file__).resolve().parent / "fixtures" / "valid" / "shop-2020.yaml"
# Icon paths in DOT point into the installed diagrams package: written as a placeholder, so the files
# are the same on every machine.
ICONS = str(Path(diagrams.__file__).resolve().parent.parent / "resources")


def _portable(dot: str, scratch: Path | None = None) -> str:
    text = dot.replace(ICONS, "<diagrams-resources>")
    return text.replace(str(scratch), "<catalog>") if scratch else text


def current() -> dict[str, str]:
    """Every golden file's name and the text archcat makes for it now."""
    files: dict[str, str] = {}
    twitter = load_catalog(Project(REPO), [REPO / "architectures" / "twitter-2013.yaml"])[0][0]
    for view in twitter.arch.views:
        files[f"twitter-2013-{view.id}-light.dot"] = _portable(build_dot(twitter, view, PALETTES["light"]))
    with tempfile.TemporaryDirectory(prefix="archcat-golden-") as tmp:
        root = Path(tmp)
        (root / "architectures").mkdir()
        shutil.copy(SHOP, root / "architectures" / SHOP.name)
        project = Project(root)
        specs, problems = load_catalog(project)
        assert not problems, problems
        shop = specs[0]
        for theme in ("light", "dark"):
            files[f"shop-2020-overview-{theme}.dot"] = _portable(build_dot(shop, shop.arch.views[0], PALETTES[theme]),
                                                                root)
        from archcat.gallery import build_site
        from archcat.jobs import plan, run_jobs

        out = root / "site"
        _, failures = run_jobs(plan(specs, formats=("svg",)), out)
        assert not failures, failures
        build_site(project, specs, out)
        # The page carries the drawings inline: those are Graphviz's coordinates, shown by the DOT goldens.
        page = (out / "architectures" / "shop-2020.html").read_text(encoding="utf-8")
        files["shop-2020.html"] = re.sub(r"<svg\b.*?</svg>", "<svg><!-- the drawing --></svg>", page, flags=re.S)
        files["index.html"] = (out / "index.html").read_text(encoding="utf-8")
    return files


def update() -> list[str]:
    """Rewrite the golden files; return the names that changed."""
    GOLDEN.mkdir(exist_ok=True)
    changed = []
    made = current()
    for name, text in made.items():
        path = GOLDEN / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    for stale in sorted(GOLDEN.iterdir()):
        if stale.name not in made:
            stale.unlink()
            changed.append(stale.name)
    return changed


if __name__ == "__main__":
    names = update()
    print("\n".join(f"updated tests/golden/{name}" for name in names) or "golden files are up to date")
    sys.exit(0)
