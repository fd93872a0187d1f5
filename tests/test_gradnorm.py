"""gradnorm: the explorer's draws and payload, its traits, its module, the committed fixtures."""

from __future__ import annotations

import base64
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import traitlets
from backprop import gradnorm as G
from backprop.initialisation import gradient_norms, init

FIXTURE_SCRIPT = Path(__file__).parent / "js" / "make_gradnorm_fixtures.py"


def _fixture_module():
    spec = importlib.util.spec_from_file_location("make_gradnorm_fixtures", FIXTURE_SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# The fixtures' norms come out of BLAS: another processor's kernels round them differently in the
# last bit (5.9e-16 relative measured between two machines).  The node test holds the page to them
# at 1e-9; they are out of date when a value moves by more than rounding.
FIXTURE_RTOL = 1e-12


def _differences(committed, fresh, path="") -> list[str]:
    """Where two decoded JSON documents differ: structure, strings and integers exactly, floats
    beyond FIXTURE_RTOL."""
    if isinstance(committed, dict) and isinstance(fresh, dict):
        if committed.keys() != fresh.keys():
            return [f"{path}: keys {sorted(committed)} != {sorted(fresh)}"]
        return [d for k in committed for d in _differences(committed[k], fresh[k], f"{path}.{k}")]
    if isinstance(committed, list) and isinstance(fresh, list):
        if len(committed) != len(fresh):
            return [f"{path}: {len(committed)} items != {len(fresh)}"]
        pairs = enumerate(zip(committed, fresh, strict=True))
        return [d for i, (a, b) in pairs for d in _differences(a, b, f"{path}[{i}]")]
    if isinstance(committed, float) and isinstance(fresh, float):
        close = abs(committed - fresh) <= FIXTURE_RTOL * max(abs(committed), abs(fresh))
        return [] if close else [f"{path}: {committed!r} != {fresh!r}"]
    same = (type(committed), committed) == (type(fresh), fresh)
    return [] if same else [f"{path}: {committed!r} != {fresh!r}"]


def test_fixture_comparison_tells_rounding_from_change():
    assert _differences({"a": [1.0, "x", 2]}, {"a": [1.0 + 1e-15, "x", 2]}) == []
    assert _differences({"a": [1.0]}, {"a": [1.0 + 1e-9]}) == [".a[0]: 1.0 != 1.000000001"]
    assert _differences({"a": [1, "x"]}, {"a": [1, "y"]}) == [".a[1]: 'x' != 'y'"]
    assert _differences({"a": 1}, {"b": 1}) and _differences([1], [1, 2]) and _differences(1, 1.0)


def test_committed_fixtures_are_up_to_date():
    mod = _fixture_module()
    committed = mod.OUT.read_text(encoding="utf-8")
    diffs = _differences(json.loads(committed), json.loads(mod.text()))
    assert not diffs, (
        "tests/js/gradnorm_fixtures.json is out of date: run "
        f"PYTHONPATH=lib python tests/js/make_gradnorm_fixtures.py ({len(diffs)} values differ: {diffs[:3]})"
    )


def test_payload_decodes_to_the_draws():
    p = G.payload(0)
    normals, X, labels = G.draws(0)
    z = np.frombuffer(base64.b64decode(p["normals_b64"]), dtype="<f4").astype(np.float64)
    assert np.array_equal(z.reshape(normals.shape), normals)
    x = np.frombuffer(base64.b64decode(p["x_b64"]), dtype="<f4").astype(np.float64)
    assert np.array_equal(x.reshape(X.shape), X)
    assert p["labels"] == labels.tolist() and set(p["labels"]) <= set(range(G.CLASSES))
    # float32-rounded standard normals: still standard normal to 3 decimals of variance
    assert abs(normals.var() - 1) < 0.02 and normals.shape == (G.DEPTH_MAX, G.N_MAX, G.N_MAX)


def test_explorer_network_is_a_scheme_scaled_network():
    net = G.explorer_network(6, 10, "relu", "he")
    assert net.sizes == (10,) * 6 + (G.CLASSES,)
    normals, X, labels = G.draws(0)
    assert np.array_equal(net.W[3], np.sqrt(2 / 10) * normals[2, :10, :10])
    norms = G.explorer_norms(6, 10, "relu", "he")
    assert norms == gradient_norms(net, X[:10], labels)


def test_widget_traits_validate_and_norms_follow_them():
    w = G.GradNormExplorer(depth=8, width=12, g="tanh", scheme="glorot")
    assert repr(w) == "GradNormExplorer(depth=8, width=12, g='tanh', scheme='glorot')"
    assert w.network().sizes == (12,) * 8 + (G.CLASSES,)
    before = w.norms().grad_a[1]
    w.scheme = "normal"
    assert w.norms().grad_a[1] != before
    for name, bad in (("depth", 1), ("depth", G.DEPTH_MAX + 1), ("width", 3), ("width", 33),
                      ("g", "identity"), ("scheme", "xavier")):  # fmt: skip
        with pytest.raises(traitlets.TraitError, match=name):
            setattr(w, name, bad)


def test_module_is_self_contained():
    src = G.esm_source()
    assert "\nimport " not in src and "export function" not in src
    assert src.count("// ---- gradnorm_view.js ----") == 1 and "export default { render }" in src
    assert "function gradNormsAt" in src and "function backward" in src


def test_he_keeps_relu_gradients_lecun_halves_their_square():
    # the explorer's default network, wide enough here for the derived factor 1/√2 per layer
    # (ReLU, Var(W) = 1/n): not a fixture, a property of the lib's numbers
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(256, 64)), rng.integers(0, 4, size=64)
    he = gradient_norms(init([256] * 12 + [4], g="relu", scheme="he", seed=1), x, y).grad_a
    lecun = gradient_norms(init([256] * 12 + [4], g="relu", scheme="lecun", seed=1), x, y).grad_a
    assert 0.5 < he[1] / he[11] < 2
    assert abs(np.log2(lecun[1] / lecun[11]) / 10 - (-0.5)) < 0.1
