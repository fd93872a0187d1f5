"""Tests of backprop.explorers: builders, validation, state strings, lib-side values, the ES module.

The JavaScript math itself is tested under node (tests/js/); here the Python side is checked
against the lib, and — through node — against the JavaScript for the same state.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import backprop as bp
import numpy as np
import pytest
from backprop import explorers as E
from backprop.network import loss as network_loss

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "lib" / "backprop" / "js"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")

CASES = [
    dict(sizes=(2, 3, 2), g="sigmoid", output="softmax", loss="cross_entropy", seed=0),
    dict(sizes=(3, 4, 4, 1), g="tanh", output="sigmoid", loss="binary_cross_entropy", seed=1),
    dict(sizes=(2, 5, 3), g="relu", output="identity", loss="squared_error", seed=2),
    dict(sizes=(6, 6, 6, 6, 6), g="identity", output="softmax", loss="cross_entropy", seed=3),
    dict(sizes=(1, 1), g="sigmoid", output="identity", loss="squared_error", seed=4),
]


def rel(a, b):
    return abs(a - b) / max(1.0, abs(b))


# ------------------------------------------------------------------ builders


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(map(str, c["sizes"])) + "-" + c["g"])
def test_builder_matches_bp_init(case):
    ex = E.explorer(**case)
    net = bp.init(case["sizes"], g=case["g"], output=case["output"], loss=case["loss"], seed=case["seed"])
    assert isinstance(ex, E.Explorer)
    assert ex.sizes == list(case["sizes"])
    assert ex.pair == f"{case['output']}+{case['loss']}"
    for k in range(1, net.L + 1):
        np.testing.assert_array_equal(ex.net.W[k], net.W[k])
        np.testing.assert_array_equal(ex.net.b[k], net.b[k])
    assert len(ex.x) == case["sizes"][0] and all(-1 <= v <= 1 for v in ex.x)
    assert ex.components == list(E.COMPONENTS)


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(map(str, c["sizes"])) + "-" + c["g"])
def test_python_values_equal_the_lib(case):
    ex = E.explorer(**case)
    net = bp.init(case["sizes"], g=case["g"], output=case["output"], loss=case["loss"], seed=case["seed"])
    x = np.array(ex.x).reshape(-1, 1)
    y = np.array([ex.label]) if case["loss"] == "cross_entropy" else np.array(ex.y).reshape(-1, 1)
    fwd = bp.forward(net, x)
    grads = bp.backward(net, fwd, y)
    assert ex.loss == network_loss(net, fwd, y)
    for k in range(1, net.L + 1):
        np.testing.assert_array_equal(ex.fwd.a[k], fwd.a[k])
        np.testing.assert_array_equal(ex.grads.grad_a[k], grads.grad_a[k])
        np.testing.assert_array_equal(ex.grads.grad_W[k], grads.grad_W[k])
        np.testing.assert_array_equal(ex.grads.grad_b[k], grads.grad_b[k])
    np.testing.assert_array_equal(ex.y_hat, fwd.y_hat)
    k, i, j = ex.selected
    assert ex.selected_gradient == grads.grad_W[k][i, j]
    numeric = bp.gradcheck.numerical_gradient_of(net, x, y, "W", k, ex.eps)[i, j]
    assert ex.centred_difference() == numeric
    assert ex.relative_error() < 1e-6 or abs(ex.selected_gradient) < 1e-9
    r = ex.readouts()
    assert r["loss"] == ex.loss
    assert r[f"gW:{k}:{i}:{j}"] == ex.selected_gradient
    assert r[f"h:{net.L}:0"] == fwd.y_hat[0, 0]


def test_path_contributions_sum_to_grad_h():
    ex = E.explorer((3, 4, 5, 2), g="tanh", seed=7)
    grads = ex.grads
    for i in range(0, 3):
        for j in range(ex.sizes[i]):
            terms = ex.path_contributions((i, j))
            assert terms.shape == (ex.sizes[i + 1],)
            assert rel(terms.sum(), grads.grad_h[i][j, 0]) < 1e-12
    r = ex.readouts()
    assert rel(sum(r[f"path.term:{m}"] for m in range(5)), r["path.sum"]) < 1e-12


def test_thin_builders_choose_components():
    assert E.network_explorer().components == ["network", "bars"]
    assert E.matrix_explorer().components == ["network", "heatmap"]
    assert E.activation_explorer().components == ["bars", "curve"]
    assert E.multipath_explorer().components == ["paths"]
    assert E.gradient_check_explorer().components == ["network", "check"]
    ex = E.gradient_check_explorer(g="relu", seed=5, selected=(2, 1, 0))
    assert ex.g == "relu" and ex.selected == [2, 1, 0]


def test_targets_for_each_pair():
    ce = E.explorer((2, 3, 4), y=3)
    assert ce.label == 3 and ce.target.tolist() == [3]
    np.testing.assert_array_equal(ce.target_vector[:, 0], [0, 0, 0, 1])
    bce = E.explorer((2, 3, 2), output="sigmoid", loss="binary_cross_entropy", y=[0.0, 1.0])
    assert bce.y == [0.0, 1.0]
    se = E.explorer((2, 3, 2), output="identity", loss="squared_error", seed=3)
    assert len(se.y) == 2 and all(-1 <= v <= 1 for v in se.y)


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(sizes=(2, 7, 2)), "1..6 units"),
        (dict(sizes=(2, 2, 2, 2, 2, 2)), "L ≤ 4"),
        (dict(sizes=(2,)), "sizes"),
        (dict(sizes=(2, 0, 2)), "sizes"),
        (dict(sizes="abc"), "sizes"),
        (dict(g="softsign"), "g must be one of"),
        (dict(output="softmax", loss="mse"), "output/loss pairs"),
        (dict(y=5), "label"),
        (dict(y=1.5), "class label"),
        (dict(output="sigmoid", loss="binary_cross_entropy", y=[0.5, 2.0]), r"\[0, 1\]"),
        (dict(output="identity", loss="squared_error", y=[1.0]), "2 numbers"),
        (dict(x=[1.0, 2.0, 3.0]), "2 numbers"),
        (dict(x=[1.0, float("nan")]), "finite"),
        (dict(selected=(3, 0, 0)), "selected"),
        (dict(selected=(1, 3, 0)), "selected"),
        (dict(unit=(2, 0)), "unit"),
        (dict(components=["network", "movie"]), "components"),
        (dict(components=[]), "components"),
        (dict(mode="both"), "mode"),
        (dict(seed=1.5), "seed"),
    ],
)
def test_bad_input_raises_a_clear_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        E.explorer(**kwargs)


def test_bad_trait_values_are_rejected_and_rolled_back():
    ex = E.explorer((2, 3, 2), seed=0)
    W = ex.W
    with pytest.raises(ValueError, match=r"W\[1\] must have shape"):
        ex.W = [None, [[1.0, 2.0]], W[2]]
    assert ex.W == W
    with pytest.raises(ValueError, match="finite"):
        ex.W = [None, [[1.0, float("inf")]] * 3, W[2]]
    with pytest.raises(ValueError, match="breaks"):
        ex.breaks = ["drop_everything"]
    with pytest.raises(ValueError, match="eps"):
        ex.eps = 0.0
    with pytest.raises(ValueError, match="label"):
        ex.label = 2
    with pytest.raises(ValueError):  # sizes alone cannot change: W no longer fits
        ex.sizes = [2, 4, 2]
    assert ex.sizes == [2, 3, 2] and ex.W == W
    with pytest.raises(ValueError, match="no setting"):
        E.Explorer(sizes=[2, 2], colour="red")
    ex.breaks = ["flip_sign", "drop_g_prime"]
    assert ex.breaks == ["drop_g_prime", "flip_sign"]  # canonical order


def test_sizes_change_together_with_everything_shaped_by_them():
    ex = E.explorer((2, 3, 2), seed=0)
    other = E.explorer((3, 4, 4, 3), g="tanh", seed=9, selected=(3, 2, 1), unit=(2, 3))
    ex.load_state(other.state)
    assert ex.sizes == [3, 4, 4, 3] and ex.W == other.W and ex.selected == [3, 2, 1]
    assert ex.readouts() == other.readouts()


# ------------------------------------------------------------------ state strings


def test_state_string_round_trip():
    ex = E.explorer((3, 4, 2), g="relu", output="identity", loss="squared_error", seed=11)
    ex.W = [None, ex.W[1], [[0.1 * (i + j) for j in range(4)] for i in range(2)]]
    ex.x = [0.25, -1.5, 1 / 3]
    ex.selected = [2, 1, 3]
    ex.breaks = ["drop_transpose"]
    s = ex.state
    assert s.startswith("bp1.") and s.isascii() and " " not in s
    back = E.explorer(state=s, components=["check"])
    for name in ("sizes", "g", "pair", "x", "y", "W", "b", "seed", "selected", "unit", "eps", "breaks"):
        assert getattr(back, name) == getattr(ex, name), name
    assert back.components == ["check"]
    assert back.readouts() == ex.readouts()
    assert E.decode_state("  " + s + "\n")["W"] == ex.W  # pasted with whitespace


@pytest.mark.parametrize("bad", ["", "hello", "bp1.@@@", "bp1." + "e30", "bp1.eyJ2IjoyfQ"])
def test_damaged_state_strings_raise(bad):
    with pytest.raises(ValueError, match="state string"):
        E.explorer(state=bad)


# ------------------------------------------------------------------ the ES module


def test_esm_is_one_module_without_imports():
    src = E.esm_source()
    assert "import " not in "\n".join(line for line in src.splitlines() if line.startswith("import"))
    assert src.count("export default") == 1
    assert "\nexport function" not in src and "\nexport const" not in src
    # The module and the CSS travel once, in the kernel's ExplorerLibrary widget ...
    lib = E.library()
    assert lib._esm == src and lib._css == E.css_source()
    assert "--bpx-pos" in lib._css
    # ... and every explorer carries only the stub that renders through it.
    ex, other = E.explorer(), E.matrix_explorer()
    assert ex._esm == other._esm == E.STUB_ESM
    assert len(ex._esm) < len(src) / 50
    assert "_css" not in ex.trait_names(sync=True) or not ex._css


def test_every_explorer_references_the_one_library_widget():
    exs = [E.explorer(seed=1), E.network_explorer(), E.gradient_check_explorer()]
    assert all(ex._library is E.library() for ex in exs)
    # On the wire (and in a built page's saved state) the reference is anywidget's widget ref.
    assert {ex.get_state()["_library"] for ex in exs} == {f"anywidget:{E.library().model_id}"}
    assert 'host.getWidget(model.get("_library"))' in E.STUB_ESM
    # A closed library (Widget.close_all(), a new kernel session) is replaced, not reused.
    old = E.library()
    old.close()
    new = E.explorer()._library
    assert new is E.library() and new is not old and new.comm is not None


@needs_node
def test_esm_parses_and_imports_in_node(tmp_path):
    mod = tmp_path / "explorer.mjs"
    mod.write_text(E.esm_source(), encoding="utf-8")
    subprocess.run([NODE, "--check", str(mod)], check=True)
    script = (
        f"const m = await import({json.dumps(mod.as_uri())});"
        "console.log(typeof m.default.render, typeof m.default.initialize().render);"
    )
    out = subprocess.run(
        [NODE, "--input-type=module", "-e", script], check=True, capture_output=True, text=True
    )
    # render for a view of its own; initialize() exports render to host.getWidget (composition)
    assert out.stdout.strip() == "function function"


def _node_eval(tmp_path, states: list[dict]) -> list[dict]:
    """Run backprop_math.js under node on each state and return its numbers."""
    script = tmp_path / "eval.mjs"
    script.write_text(
        f"""
import * as bm from {json.dumps((JS / "backprop_math.js").as_uri())};
import {{ encodeState }} from {json.dumps((JS / "explorer_view.js").as_uri())};
import {{ readFileSync }} from "node:fs";
const states = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = states.map((st) => {{
  const net = {{ W: st.W, b: st.b, g: st.g, pair: st.pair }};
  const y = bm.PAIRS[st.pair].target === "label" ? bm.oneHot(st.label, st.sizes.at(-1)) : st.y;
  const r = bm.evaluate(net, st.x, y, {{ eps: st.eps, selected: st.selected }});
  const paths = bm.pathContributions(net, r.grads, st.unit[0], st.unit[1]);
  return {{ loss: r.loss, a: r.fwd.a, h: r.fwd.h, gradA: r.grads.gradA, gradH: r.grads.gradH,
           gradW: r.grads.gradW, check: r.check, terms: paths.terms, state: encodeState(st) }};
}});
console.log(JSON.stringify(out));
""",
        encoding="utf-8",
    )
    inp = tmp_path / "states.json"
    inp.write_text(json.dumps(states))
    out = subprocess.run([NODE, str(script), str(inp)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


@needs_node
def test_python_side_equals_the_javascript_for_the_same_state(tmp_path):
    exs = [E.explorer(**c) for c in CASES]
    states = [{name: getattr(ex, name) for name in E._SETTINGS} for ex in exs]
    for ex, js in zip(exs, _node_eval(tmp_path, states), strict=True):
        r = ex.readouts()
        assert rel(js["loss"], r["loss"]) < 1e-12
        L = len(ex.sizes) - 1
        for k in range(1, L + 1):
            for i in range(ex.sizes[k]):
                assert rel(js["a"][k][i], r[f"a:{k}:{i}"]) < 1e-12
                assert rel(js["h"][k][i], r[f"h:{k}:{i}"]) < 1e-12
                assert rel(js["gradA"][k][i], r[f"ga:{k}:{i}"]) < 1e-12
                for j in range(ex.sizes[k - 1]):
                    assert rel(js["gradW"][k][i][j], r[f"gW:{k}:{i}:{j}"]) < 1e-12
        for k in range(L):
            for i in range(ex.sizes[k]):
                assert rel(js["gradH"][k][i], r[f"gh:{k}:{i}"]) < 1e-12
        assert rel(js["check"]["analytic"], r["check.analytic"]) < 1e-12
        assert rel(js["check"]["numeric"], r["check.numeric"]) < 1e-9  # ΔL / 2ε amplifies ulps
        for m, term in enumerate(js["terms"]):
            assert rel(term, r[f"path.term:{m}"]) < 1e-12
        # The state string the page shows rebuilds the same explorer in Python.
        back = E.explorer(state=js["state"])
        for name in ("sizes", "g", "pair", "x", "W", "b", "seed", "selected", "unit", "eps"):
            assert getattr(back, name) == getattr(ex, name), name


def test_break_it_readouts_come_from_bp_broken():
    ex = E.explorer((3, 3, 3, 2), seed=6, selected=(1, 0, 2))
    assert "check.broken" not in ex.readouts()
    ex.breaks = ["flip_sign"]
    r = ex.readouts()
    assert r["check.broken"] == -r["check.analytic"]
    assert r["check.rel.broken"] == 1.0
    ex.breaks = ["drop_g_prime"]
    assert ex.readouts()["check.rel.broken"] > 1e-3
