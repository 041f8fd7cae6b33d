"""Gallery at scale: site weight per kind of file, the index's first load, search keystroke latency
and Lighthouse scores, on the bundled catalog and on a synthetic catalog of N specs.

    .venv/bin/python bench/gallery.py [--synthetic 1000] [--slides] [--no-lighthouse]

1. **weight**: `archcat build` (with `--slides`: slide exports and decks too, as `make gallery` does)
   and the bytes it writes, per kind of file and per architecture;
2. **first load**: the index's HTML, style sheet and script, gzipped, before any image;
3. **keystrokes**: Chromium with its CPU slowed 4 times types queries into the index search; each
   keystroke is timed by Chromium's Event Timing (key press to the next frame presented, as Interaction
   to Next Paint measures it: the frame that shows the letter), and to its results on screen (from the
   key's press to a task run after the frame that follows the change of cards or count: the index draws
   a key's results a frame after its letter); median and 95th percentile of each;
4. **Lighthouse** (mobile, its default): performance, accessibility, best practices and SEO of the
   index, an architecture page, technologies, patterns and compare, served over HTTP. Lighthouse is
   installed from npm into bench/node_modules on first use (`npm install --prefix bench`).

Synthetic specs are real specs under new names (bench/run.py's `synthesize`), so every page and
diagram differs and the catalog has the shape of the real one.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

from run import ARCHCAT, synthesize  # noqa: E402

QUERIES = ["redis", "cache timeline", "kafka stream", "mysql shard", "erlang"]
LIGHTHOUSE_PAGES = ["index.html", "architectures/{first}.html", "technologies.html", "patterns.html", "compare.html"]


def kind_of(rel: Path) -> str:
    parts = rel.parts
    if parts[0] in ("diagrams", "slides"):
        return f"{parts[0]} {rel.suffix.lstrip('.')}"
    if parts[0] == "decks":
        return f"decks {rel.suffix.lstrip('.')}"
    if parts[0] == "assets" and len(parts) > 1 and parts[1] == "icons":
        return "icons (shared)"
    if parts[0] in ("assets", "data"):
        return parts[0]
    if rel.suffix == ".html":
        return "architecture pages" if parts[0] == "architectures" else "other pages"
    return "other"


def weight(out: Path) -> dict[str, tuple[int, int]]:
    sizes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path in out.rglob("*"):
        if path.is_file() and not path.name.startswith(".archcat"):
            entry = sizes[kind_of(path.relative_to(out))]
            entry[0] += 1
            entry[1] += path.stat().st_size
    return {kind: (count, size) for kind, (count, size) in sorted(sizes.items())}


def first_load(out: Path) -> tuple[int, int]:
    names = ("index.html", "assets/style.css", "assets/gallery.js")
    raw = sum((out / name).stat().st_size for name in names)
    zipped = sum(len(gzip.compress((out / name).read_bytes(), 9)) for name in names)
    return raw, zipped


class Quiet(SimpleHTTPRequestHandler):
    """A static host as GitHub Pages is one: text files gzipped for clients that accept it."""

    COMPRESSED: ClassVar[set[str]] = {".html", ".css", ".js", ".svg", ".json", ".csv"}
    zipped: ClassVar[dict[Path, bytes]] = {}

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in self.COMPRESSED or not path.is_file() or "gzip" not in self.headers.get(
                "Accept-Encoding", ""):
            super().do_GET()
            return
        if path not in self.zipped:
            self.zipped[path] = gzip.compress(path.read_bytes(), 6, mtime=0)
        body = self.zipped[path]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(out: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# Every keystroke, as Chromium's Event Timing reports it (the measure behind Interaction to Next Paint):
# from the key's press to the next frame presented after its handlers ran, the longest of its events.
# Chromium reports only interactions of 16 ms or more; the others count as under 16 ms.
EVENT_TIMING_JS = """() => {
    window.__interactions = {};
    new PerformanceObserver(list => list.getEntries().forEach(e => {
        if (e.interactionId) window.__interactions[e.interactionId] = Math.max(
            window.__interactions[e.interactionId] || 0, e.duration);
    })).observe({type: 'event', durationThreshold: 16, buffered: true});
}"""
# Every keystroke's results: from the key's press to a task run after the next frame that follows a change to the
# cards or the count (the index draws a key's results a frame after the letter). Keys typed before the results
# of an earlier one came are counted from the earliest of them.
RESULTS_JS = """() => {
    window.__results = [];
    let waiting = null, pending = false;
    window.addEventListener('keydown', () => { if (waiting === null) waiting = performance.now(); }, true);
    const changed = () => {
        if (pending || waiting === null) return;
        pending = true;
        requestAnimationFrame(() => setTimeout(() => {
            window.__results.push(performance.now() - waiting);
            waiting = null;
            pending = false;
        }, 0));
    };
    new MutationObserver(changed).observe(document.getElementById('cards'), {childList: true});
    new MutationObserver(changed).observe(document.getElementById('count'),
                                          {childList: true, characterData: true, subtree: true});
}"""


def keystrokes(base: str) -> tuple[list[float], list[float]]:
    """(Event Timing durations, one per keystroke; times from a key to its results on screen)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto(base + "index.html")
        page.evaluate(EVENT_TIMING_JS)
        page.evaluate(RESULTS_JS)
        page.focus("#q")
        page.wait_for_timeout(500)  # the long text loads when the box takes focus
        keys = 0
        for query in QUERIES:
            page.keyboard.type(query, delay=120)
            page.wait_for_timeout(300)
            for _ in query:
                page.keyboard.press("Backspace", delay=120)
            page.wait_for_timeout(300)
            keys += 2 * len(query)
        page.wait_for_timeout(500)
        reported = list(page.evaluate("window.__interactions").values())
        results = page.evaluate("window.__results")
        browser.close()
    return [0.0] * max(0, keys - len(reported)) + reported, results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def lighthouse(base: str, first: str) -> dict[str, dict[str, int]]:
    binary = BENCH / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(["npm", "install", "--prefix", str(BENCH), "--no-audit", "--no-fund"], check=True)
    scores = {}
    env = dict(os.environ, CHROME_PATH=shutil.which("chromium") or "chromium")
    for pattern in LIGHTHOUSE_PAGES:
        rel = pattern.format(first=first)
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            subprocess.run([str(binary), base + rel, "--quiet", "--output=json", f"--output-path={report.name}",
                            "--chrome-flags=--headless=new --no-sandbox",
                            "--only-categories=performance,accessibility,best-practices,seo"],
                           check=True, env=env)
            data = json.loads(Path(report.name).read_text(encoding="utf-8"))
        scores[rel] = {key: round(100 * category["score"]) for key, category in data["categories"].items()}
        scores[rel]["lcp_ms"] = round(data["audits"]["largest-contentful-paint"]["numericValue"])
    return scores


def measure(label: str, root: Path, *, slides: bool, with_lighthouse: bool) -> None:
    command = [*ARCHCAT, "--root", str(root), "build", "-q"] + (["--slides"] if slides else [])
    start = time.monotonic()
    subprocess.run(command, check=True, cwd=root)
    cold = time.monotonic() - start
    out = root / "output"
    specs = len(list((root / "architectures").glob("*.yaml")))
    sizes = weight(out)
    total = sum(size for _, size in sizes.values())
    print(f"\n{label}: {specs} specs, built in {cold:.0f} s{' with slide exports and decks' if slides else ''}")
    print(f"  {'kind of file':24s} {'files':>7s} {'MB':>9s} {'KB per spec':>12s}")
    for kind, (count, size) in sizes.items():
        print(f"  {kind:24s} {count:7d} {size / 1e6:9.2f} {size / 1e3 / specs:12.1f}")
    print(f"  {'whole site':24s} {sum(c for c, _ in sizes.values()):7d} {total / 1e6:9.2f} "
          f"{total / 1e3 / specs:12.1f}   ({total / 1e6 / specs:.2f} MB per architecture; target <= 1)")
    raw, zipped = first_load(out)
    print(f"  index first load before images: {raw / 1024:.1f} KiB, {zipped / 1024:.1f} KiB gzipped "
          "(target < 150 KiB gzipped)")
    server, base = serve(out)
    try:
        timed, results = keystrokes(base)
        print(f"  search keystroke to next frame, CPU 4x slower ({len(timed)} keys): Event Timing median "
              f"{statistics.median(timed):.0f} ms, 95th percentile {percentile(timed, 0.95):.0f} ms (target < 50); "
              f"to its results on screen ({len(results)} changes), median {statistics.median(results):.0f} ms, "
              f"95th percentile {percentile(results, 0.95):.0f} ms")
        if with_lighthouse:
            first = sorted(p.stem for p in (out / "architectures").glob("*.html"))[0]
            print("  Lighthouse, mobile           perf  a11y  best   seo   LCP ms")
            for rel, score in lighthouse(base, first).items():
                print(f"    {rel:26s} {score['performance']:5d} {score['accessibility']:5d} "
                      f"{score['best-practices']:5d} {score['seo']:5d} {score['lcp_ms']:8d}")
    finally:
        server.shutdown()
        server.server_close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, nargs="*", default=[1000],
                        help="sizes of synthetic catalogs to measure too (default: 1000)")
    parser.add_argument("--slides", action="store_true", help="build slide exports and decks too, as make gallery")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse runs")
    args = parser.parse_args()
    real = sorted((REPO / "architectures").glob("*.yaml"))
    with tempfile.TemporaryDirectory(prefix="archcat-gallery-bench-") as tmp:
        bundled = Path(tmp) / "bundled"
        (bundled / "architectures").mkdir(parents=True)
        for path in real:
            shutil.copy(path, bundled / "architectures" / path.name)
        measure("bundled catalog", bundled, slides=args.slides, with_lighthouse=not args.no_lighthouse)
        shutil.rmtree(bundled)
        for count in args.synthetic:
            root = Path(tmp) / f"synthetic-{count}"
            synthesize(real, root, count)
            measure(f"synthetic catalog of {count}", root, slides=args.slides, with_lighthouse=not args.no_lighthouse)
            shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
