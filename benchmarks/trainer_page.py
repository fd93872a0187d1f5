"""A scratch static HTML page of in-page trainers, without building the book (looking, benchmarks).

The trainer's bundled module (backprop.trainer_widget.esm_source()) is inlined in a module script,
with a minimal stand-in for anywidget's model (get, set, on, off, save_changes) holding each
widget's state; so the page works offline from file:// with no widget manager at all.

    python benchmarks/trainer_page.py OUT_DIR     # writes OUT_DIR/index.html
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from backprop import trainer_widget as T

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>In-page trainers (scratch page)</title>
<style>body {{ font-family: system-ui, sans-serif; margin: 12px; }} {css}</style>
</head><body>
{divs}
<script type="module">
{esm}
class Model {{
  constructor(state) {{ this.state = state; this.handlers = {{}}; }}
  get(k) {{ return this.state[k]; }}
  set(k, v) {{ this.state[k] = v; for (const f of this.handlers["change:" + k] || []) f(); }}
  save_changes() {{}}
  on(n, f) {{ (this.handlers[n] ||= []).push(f); }}
  off(n, f) {{ this.handlers[n] = (this.handlers[n] || []).filter((g) => g !== f); }}
}}
const STATES = {states};
window.__models = STATES.map((s, i) => {{
  const model = new Model(s);
  render({{ model, el: document.getElementById("trainer" + i) }});
  return model;
}});
window.__trainerLib = {{ createRun, makeData }};
window.__ready = true;
</script>
</body></html>
"""


def widget_state(w: T.Trainer) -> dict:
    """The synced traits the page's model holds (what the book embeds)."""
    skip = {"layout", "tabbable", "tooltip"}
    return {
        n: getattr(w, n) for n in T.Trainer.class_traits(sync=True) if not n.startswith("_") and n not in skip
    }


def write_page(out_dir: Path, trainers: list) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    divs = "\n".join(f'<div id="trainer{i}" class="cell_output"></div>' for i in range(len(trainers)))
    states = json.dumps([widget_state(w) for w in trainers]).replace("</", "<\\/")
    page = out_dir / "index.html"
    page.write_text(
        PAGE.format(css=T.css_source(), divs=divs, esm=T.esm_source(), states=states), encoding="utf-8"
    )
    return page


if __name__ == "__main__":
    print(write_page(Path(sys.argv[1]), [T.trainer(hidden=2, width=16, widths=(4, 8, 16), epochs=40)]))
