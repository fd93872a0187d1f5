"""Benchmark: milliseconds per explorer slider step (math + redraw) in headless Chromium.

One step is what a reader's slider move costs: the `input` event's handler (forward and backward
pass, gradient check, multi-path terms, every SVG attribute and number updated in place) plus the
style recalculation and layout it causes, forced with getBoundingClientRect().  It is timed in
the page with performance.now(), one step per animation frame (each step starts in a
requestAnimationFrame callback, as a real drag does).  The math alone (Explorer.compute) is timed
too.  Goal (DESIGN §4): p95 ≤ 16 ms for networks up to 4 layers × 6 units.

    python benchmarks/bench_explorers.py              # scratch page of explorers, 4 sizes
    python benchmarks/bench_explorers.py --book       # also every explorer of the built tour page
    python benchmarks/bench_explorers.py --steps 300

Every non-file:// request is aborted, as in the browser tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from backprop import explorers as E  # noqa: E402
from explorer_page import write_page  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOUR = ROOT / "_build" / "html" / "chapters" / "00_explorers_tour.html"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIZES = [(2, 3, 2), (3, 4, 4, 2), (6, 6, 6, 6), (6, 6, 6, 6, 6)]

STEP_JS = """async ([index, steps]) => {
  const root = document.querySelectorAll(".bpx")[index];
  const ex = root.parentElement.__bpx;
  const slider = root.querySelector('input[data-bpx-control="weight"]');
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const step = [];
  for (let s = 0; s < steps + 10; s++) {
    await frame();
    const t0 = performance.now();
    slider.value = String(((s % 160) - 80) / 40);
    slider.dispatchEvent(new Event("input", { bubbles: true }));
    root.getBoundingClientRect();
    const t1 = performance.now();
    if (s >= 10) step.push(t1 - t0);  // the first steps warm up the JIT
  }
  const math = [];
  for (let s = 0; s < steps; s++) {
    const t0 = performance.now();
    ex.compute();
    math.push(performance.now() - t0);
  }
  return { step, math, sizes: ex.st.sizes, components: ex.st.components };
}"""


def run(url: str, steps: int, label: str) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
        page.goto(url)
        page.wait_for_selector(".bpx", timeout=30_000)
        page.wait_for_timeout(300)
        for index in range(page.locator(".bpx").count()):
            out = page.evaluate(STEP_JS, [index, steps])
            rows.append(
                {
                    "page": label,
                    "sizes": "-".join(map(str, out["sizes"])),
                    "components": len(out["components"]),
                    "step_p50": float(np.percentile(out["step"], 50)),
                    "step_p95": float(np.percentile(out["step"], 95)),
                    "math_p50": float(np.percentile(out["math"], 50)),
                    "math_p95": float(np.percentile(out["math"], 95)),
                }
            )
        browser.close()
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--book", action="store_true", help="also the built tour page")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        widgets = [E.explorer(s, g="tanh", seed=n, title=f"sizes {s}") for n, s in enumerate(SIZES)]
        page = write_page(Path(tmp), widgets)
        rows += run(page.as_uri(), args.steps, "scratch")
    if args.book:
        if not TOUR.is_file():
            print(f"{TOUR} is not built; run `make book`", file=sys.stderr)
            return 1
        rows += run(TOUR.as_uri(), args.steps, "book tour")
    print(f"explorer slider step, {args.steps} steps each, headless Chromium (ms)")
    heads = ("step p50", "step p95", "math p50", "math p95")
    print(f"{'page':<10} {'sizes':<12} {'parts':>5} " + " ".join(f"{h:>9}" for h in heads))
    for r in rows:
        nums = f"{r['step_p50']:>9.2f} {r['step_p95']:>9.2f} {r['math_p50']:>9.3f} {r['math_p95']:>9.3f}"
        print(f"{r['page']:<10} {r['sizes']:<12} {r['components']:>5} {nums}")
    worst = max(r["step_p95"] for r in rows)
    print(f"worst p95 {worst:.2f} ms — goal ≤ 16 ms: {'met' if worst <= 16 else 'NOT met'}")
    return 0 if worst <= 16 else 1


if __name__ == "__main__":
    sys.exit(main())
