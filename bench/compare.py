"""Before and after: the same catalog built by archcat at another git revision and by this checkout.

    .venv/bin/python bench/compare.py REV [--rounds N]

Runs, alternating between the two so that a noisy machine hurts both alike,
a cold build (empty cache) and a no-op build (nothing changed) of the bundled
catalog, N rounds each, and prints the medians and their ratio. REV is any
commit (e.g. main, HEAD~3); its package is run from an extracted copy, under
the import name it had then (`render` before the package was named archcat).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def extract(rev: str, into: Path) -> tuple[str, str]:
    """Extract `rev` into `into`; return (PYTHONPATH, module) that run its archcat."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "render", "templates"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    main = (into / "render" / "__main__.py").read_text(encoding="utf-8")
    if "from render." in main:
        return str(into), "render"
    shim = into / "shim"
    shim.mkdir()
    (shim / "archcat").symlink_to(into / "render")  # the package reads its templates beside render/
    return str(shim), "archcat"


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the git revision to compare against, e.g. main")
    parser.add_argument("--rounds", type=int, default=3, help="builds of each kind per side (default: 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archcat-compare-") as tmp:
        work = Path(tmp)
        before_path, before_module = extract(args.rev, work / "before")
        shim = work / "after"
        shim.mkdir()
        (shim / "archcat").symlink_to(REPO / "render")
        sides = {"before": (before_path, before_module), "after": (str(shim), "archcat")}
        catalog = work / "catalog"
        shutil.copytree(REPO / "architectures", catalog / "architectures")
        results: dict[str, dict[str, list[float]]] = {side: {"cold": [], "no-op": []} for side in sides}
        for _ in range(args.rounds):
            for side, (path, module) in sides.items():
                env = dict(os.environ, PYTHONPATH=path)  # bytecode is cached, as in use
                out, cache = work / f"out-{side}", work / f"cache-{side}"
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(cache, ignore_errors=True)
                command = [sys.executable, "-m", module, "--root", str(catalog), "build", "-q", "--out", str(out),
                           "--cache-dir", str(cache)]
                results[side]["cold"].append(timed(command, env))
                results[side]["no-op"].append(timed(command, env))
        print(f"catalog: {len(list((catalog / 'architectures').glob('*.yaml')))} specs; {args.rounds} rounds, "
              f"alternating; medians in seconds")
        print(f"{'':10}{args.rev + ' (before)':>22}{'this checkout (after)':>24}{'after / before':>16}")
        for kind in ("cold", "no-op"):
            before = statistics.median(results["before"][kind])
            after = statistics.median(results["after"][kind])
            print(f"{kind:10}{before:22.3f}{after:24.3f}{after / before:15.3f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
