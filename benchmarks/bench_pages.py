"""Benchmark: what each page of the built book costs to load, printed as a table.

Per page of the built book (every .html outside _static/, _sources/, _images/):

  requests  every resource the page requests while it loads and renders its widgets (file://
            pages in headless Chromium, offline: a request that is not a local file fails, and
            is printed)
  raw kB    the sum of their sizes on disk
  gzip kB   the sum of their gzipped sizes (gzip -6, what a web server sends): the transfer
  module    how many copies of the explorers' JavaScript module the page's HTML holds (a
            distinctive string of backprop.explorers.esm_source(), counted in the HTML)
  FCP ms    first contentful paint, from navigation start (median of --runs runs)
  widgets   time from navigation start until every widget view area holds rendered content
            (the last widget visible; median of --runs runs); "-" on pages without widgets
  LH gz     with --lighthouse: Lighthouse's desktop performance score (0–100), its LCP and TBT,
            over http://127.0.0.1, served by a server this script starts that sends text files
            gzipped, as a web host does (GitHub Pages, where the book is published, does)
  LH raw    the same score from `python -m http.server`, which sends every file uncompressed
            (the theme's 397 kB stylesheet alone then costs Lighthouse's throttled network 0.3 s)

Goals (issue 10, "light pages"): every page ≤ 1.0 MB gzipped; the explorer module at most once
per page; Lighthouse desktop performance ≥ 90 on the heaviest page (served as a web host serves
it, compressed); last widget visible ≤ 1.5 s.

    python benchmarks/bench_pages.py                    # every page of _build/html
    python benchmarks/bench_pages.py --lighthouse 3     # and Lighthouse on the 3 heaviest pages
    python benchmarks/bench_pages.py --lighthouse 1 --lighthouse-server gzip   # one server only
    python benchmarks/bench_pages.py --lighthouse all   # ... on every page with widgets
    BACKPROP_BOOK_HTML=/tmp/old-build python benchmarks/bench_pages.py   # another build
    python benchmarks/bench_pages.py --before /tmp/old-build   # both, loads alternating

Run it on an idle machine: the times are this machine's, the bytes are not.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from bookpage import CHROMIUM_ARGS  # noqa: E402  (the browser tests' flags)

ROOT = Path(__file__).resolve().parent.parent
BOOK = Path(os.environ.get("BACKPROP_BOOK_HTML", ROOT / "_build" / "html"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
# A string the explorers' module holds once (the seam esm_source() writes between its two files).
MODULE_MARKER = "---- explorer_view.js ----"
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
GOAL_GZIP_KB = 1000
GOAL_WIDGETS_MS = 1500
GOAL_LIGHTHOUSE = 90

# Runs before the page's own scripts: records when every widget view area first holds rendered
# content (checked at every animation frame, from navigation start).
TIMING_JS = """
(() => {
  const sel = "__SEL__";
  const done = () => {
    const views = document.querySelectorAll(sel);
    if (document.readyState === "loading" || !views.length) return false;
    return Array.from(views).every((s) => {
      const area = s.previousElementSibling;
      return area && area.classList.contains("widget-subarea") && area.children.length > 0
        && area.getBoundingClientRect().height > 0 && area.innerText.trim().length > 0;
    });
  };
  const tick = () => {
    if (done()) window.__bpLastWidget = performance.now();
    else if (performance.now() < 30000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
""".replace('"__SEL__"', json.dumps(WIDGET_VIEW))


def book_pages(book: Path) -> list[str]:
    skip = ("_static", "_sources", "_images")
    pages = []
    for p in sorted(book.rglob("*.html")):
        rel = p.relative_to(book)
        if rel.parts[0] in skip or 'http-equiv="Refresh"' in p.read_text("utf-8", "replace")[:2000]:
            continue
        pages.append(rel.as_posix())
    return pages


def file_of(url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    path = Path(unquote(parts.path))
    return path if path.is_file() else None


def gzipped(path: Path, cache: dict) -> int:
    if path not in cache:
        cache[path] = len(gzip.compress(path.read_bytes(), compresslevel=6))
    return cache[path]


LOCAL = ("file:", "data:", "blob:")


def load(browser, book: Path, rel: str) -> dict:
    """Open one page from file:// in a fresh context; return its requests and timings."""
    # Offline, and every request observed, not intercepted: Playwright's interception (route)
    # holds each request until this script answers it, the page's own modules included, which
    # added up to a few hundred ms to a page's times.  A request that is not a local file fails
    # (offline) and is listed, like the browser tests' blocked requests.
    viewport = {"width": 1280, "height": 900}
    context = browser.new_context(viewport=viewport, service_workers="block", offline=True)
    context.add_init_script(TIMING_JS)
    page = context.new_page()
    urls: list[str] = []
    remote: list[str] = []
    page.on("request", lambda r: (urls if r.url.startswith(LOCAL) else remote).append(r.url))
    page.goto((book / rel).as_uri(), wait_until="load")
    views = page.locator(WIDGET_VIEW).count()
    if views:
        page.wait_for_function("() => window.__bpLastWidget !== undefined", timeout=30_000)
    page.wait_for_timeout(500)  # late requests: MathJax's fonts, lazy modules
    fcp = page.evaluate(
        "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime ?? null"
    )
    widgets = page.evaluate("() => window.__bpLastWidget ?? null") if views else None
    context.close()
    if remote:
        print(f"{rel}: requests that are not local files (failed, offline): {remote}", file=sys.stderr)
    return {"urls": urls, "fcp": fcp, "widgets": widgets, "views": views}


def measure(books: list[Path], pages: list[str], runs: int) -> list[list[dict]]:
    """One row per page for each book; the books' loads alternate, so load on the machine hits
    them alike (a before/after comparison with --before)."""
    from playwright.sync_api import sync_playwright

    cache: dict = {}
    tables: list[list[dict]] = [[] for _ in books]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for rel in pages:
            loads: list[list[dict]] = [[] for _ in books]
            for _ in range(runs):
                for n, book in enumerate(books):
                    loads[n].append(load(browser, book, rel))
            for n, book in enumerate(books):
                tables[n].append(_row(book, rel, loads[n], cache))
        browser.close()
    return tables


def _row(book: Path, rel: str, loads: list[dict], cache: dict) -> dict:
    files = {f for f in map(file_of, loads[0]["urls"]) if f is not None}
    html = (book / rel).read_text("utf-8")
    fcps = [r["fcp"] for r in loads if r["fcp"] is not None]
    widgets = [r["widgets"] for r in loads if r["widgets"] is not None]
    return {
        "page": rel,
        "requests": len(files),
        "raw": sum(f.stat().st_size for f in files),
        "gzip": sum(gzipped(f, cache) for f in files),
        "module": html.count(MODULE_MARKER),
        "views": loads[0]["views"],
        "fcp": statistics.median(fcps) if fcps else None,
        "widgets": statistics.median(widgets) if widgets else None,
        "heaviest": sorted(((gzipped(f, cache), f) for f in files), reverse=True)[:3],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# `python -m http.server`, but text files are sent gzipped (Content-Encoding), as a web host would.
GZIP_SERVER = """
import functools, gzip, http.server, sys
TEXT = (".html", ".js", ".css", ".svg", ".json", ".txt", ".map")
class Handler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        path = self.translate_path(self.path)
        if not path.endswith(TEXT) or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        try:
            with open(path, "rb") as f:
                body = gzip.compress(f.read(), 6)
        except OSError:
            return super().send_head()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io
        return io.BytesIO(body)
handler = functools.partial(Handler, directory=sys.argv[2])
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()
"""


def lighthouse(book: Path, pages: list[str], gzip_server: bool = False) -> dict[str, dict]:
    """Lighthouse 12 (desktop preset, performance only) on each page, served over 127.0.0.1 by
    `python -m http.server` (no compression), or with gzip_server by the same server sending
    text files gzipped."""
    if not LIGHTHOUSE.is_file():
        sys.exit(f"{LIGHTHOUSE} not found: run `npm ci` (lighthouse is a devDependency)")
    port = free_port()
    if gzip_server:
        cmd = [sys.executable, "-c", GZIP_SERVER, str(port), str(book)]
    else:
        cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
        cmd += ["--directory", str(book)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = {}
    try:
        time.sleep(1.0)
        for rel in pages:
            for attempt in range(2):  # Lighthouse fails now and then (NO_FCP, protocol timeouts)
                got = _lighthouse_once(f"http://127.0.0.1:{port}/{rel}")
                if isinstance(got, dict):
                    out[rel] = got
                    break
                print(f"lighthouse failed on {rel} (attempt {attempt + 1}): {got}", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return out


def _lighthouse_once(url: str) -> dict | str:
    """One Lighthouse run: its scores, or the reason it failed (its Chromium is always stopped)."""
    profile = tempfile.mkdtemp(prefix="bench-pages-chrome-")
    flags = " ".join(["--headless", *CHROMIUM_ARGS, f"--user-data-dir={profile}"])
    cmd = [
        "node",
        str(LIGHTHOUSE),
        url,
        f"--chrome-path={CHROMIUM}",
        f"--chrome-flags={flags}",
        "--preset=desktop",
        "--only-categories=performance",
        "--output=json",
        "--quiet",
    ]
    # Its own process group, so that a run that hangs is stopped with the Chromium it launched.
    pipe = subprocess.PIPE
    proc = subprocess.Popen(cmd, stdout=pipe, stderr=pipe, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate()
        return "timed out after 180 s"
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if proc.returncode != 0:
        return stderr.strip()[-300:]
    report = json.loads(stdout)
    audits = report["audits"]
    return {
        "score": round(100 * (report["categories"]["performance"]["score"] or 0)),
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "fcp": audits["first-contentful-paint"]["numericValue"],
    }


def fmt_ms(v) -> str:
    return "-" if v is None else f"{v:.0f}"


LighthouseResults = dict[str, dict[str, dict]]  # per server ("gzip", "raw"), per page


def print_table(book: Path, rows: list[dict], lh: LighthouseResults, runs: int, heaviest: bool) -> None:
    """lh: per server ("gzip", "raw"), per page, Lighthouse's results."""
    print(f"page loads, {book}, headless Chromium from file:// (times: median of {runs})")
    head = f"{'page':<40} {'reqs':>4} {'raw kB':>8} {'gzip kB':>8} {'module':>6} {'FCP ms':>6} {'widgets':>7}"
    for server in lh:
        head += f" {'LH ' + server:>7} {'LCP':>5} {'TBT':>4}"
    print(head)
    for r in rows:
        line = (
            f"{r['page']:<40} {r['requests']:>4} {r['raw'] / 1e3:>8.1f} {r['gzip'] / 1e3:>8.1f} "
            f"{r['module']:>6} {fmt_ms(r['fcp']):>6} {fmt_ms(r['widgets']):>7}"
        )
        for results in lh.values():
            got = results.get(r["page"])
            blank = f" {'':>7} {'':>5} {'':>4}"
            line += f" {got['score']:>7} {got['lcp']:>5.0f} {got['tbt']:>4.0f}" if got else blank
        print(line)
        if heaviest:
            for size, f in r["heaviest"]:
                print(f"    {size / 1e3:>8.1f} kB gz  {f.relative_to(book)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="loads per page for the timings")
    parser.add_argument(
        "--lighthouse", default="0", help="Lighthouse on the N heaviest pages, or 'all' widget pages"
    )
    parser.add_argument("--heaviest", action="store_true", help="also list each page's 3 largest files")
    parser.add_argument(
        "--lighthouse-server",
        choices=("both", "gzip", "raw"),
        default="both",
        help="Lighthouse over a server that gzips text files (a web host), an uncompressed one, or both",
    )
    parser.add_argument("--before", type=Path, help="another build, measured alternately, printed first")
    parser.add_argument("pages", nargs="*", help="pages to measure (default: every page)")
    args = parser.parse_args(argv)
    books = ([args.before] if args.before else []) + [BOOK]
    for book in books:
        if not (book / "intro.html").is_file():
            print(f"no built book in {book}: run `make build` first", file=sys.stderr)
            return 1
    pages = args.pages or book_pages(BOOK)
    tables = measure(books, pages, args.runs)
    rows = tables[-1]
    lhs: list[LighthouseResults] = [{} for _ in books]
    if args.lighthouse != "0":
        by_weight = sorted(rows, key=lambda r: r["gzip"], reverse=True)
        if args.lighthouse == "all":
            chosen = [r["page"] for r in by_weight if r["views"]]
        else:
            chosen = [r["page"] for r in by_weight[: int(args.lighthouse)]]
        servers = ("gzip", "raw") if args.lighthouse_server == "both" else (args.lighthouse_server,)
        lhs = [{srv: lighthouse(book, chosen, srv == "gzip") for srv in servers} for book in books]
    for book, table, lh in zip(books, tables, lhs, strict=True):
        print_table(book, table, lh, args.runs, args.heaviest)
        print()
    lh = lhs[-1]
    worst_gz = max(rows, key=lambda r: r["gzip"])
    worst_module = max(r["module"] for r in rows)
    timed = [r for r in rows if r["widgets"] is not None]
    worst_w = max(timed, key=lambda r: r["widgets"]) if timed else None
    checks = [
        (f"heaviest page {worst_gz['page']}: {worst_gz['gzip'] / 1e3:.1f} kB gzipped", "≤ 1000 kB",
         worst_gz["gzip"] <= GOAL_GZIP_KB * 1e3),
        (f"explorer module copies per page: at most {worst_module}", "≤ 1", worst_module <= 1),
    ]  # fmt: skip
    if worst_w:
        checks.append(
            (
                f"last widget visible: {worst_w['widgets']:.0f} ms ({worst_w['page']})",
                f"≤ {GOAL_WIDGETS_MS} ms",
                worst_w["widgets"] <= GOAL_WIDGETS_MS,
            )
        )
    if worst_gz["page"] in lh.get("gzip", {}):
        score = lh["gzip"][worst_gz["page"]]["score"]
        what = f"Lighthouse desktop performance, heaviest page, served compressed: {score}"
        checks.append((what, f"≥ {GOAL_LIGHTHOUSE}", score >= GOAL_LIGHTHOUSE))
    if worst_gz["page"] in lh.get("raw", {}):
        score = lh["raw"][worst_gz["page"]]["score"]
        print(f"Lighthouse desktop performance, heaviest page, served uncompressed: {score} (no goal)")
    for what, goal, ok in checks:
        print(f"{what} — goal {goal}: {'met' if ok else 'NOT met'}")
    return 0 if all(ok for *_, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
