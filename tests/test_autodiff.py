"""backprop.autodiff: the reverse-mode engine against bp.backward, PyTorch and centred differences.

The PyTorch oracle follows tests/test_torch_oracle.py: a reader without torch skips it; under
CI (CI=true) a missing torch is a failure.
"""

from __future__ import annotations

import os

import backprop as bp
import numpy as np
import pytest
from backprop import autodiff as ad
from backprop.gradcheck import numerical_gradient, rel_error
from hypothesis import given, settings
from hypothesis import strategies as st
from netcases import ACTIVATION_NAMES, PAIRS, random_problem

try:
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None
    if os.environ.get("CI") == "true":
        pytest.fail("torch is required under CI (CI=true): pip install torch==2.13.0", pytrace=False)

EXACT = 1e-12  # the engine against the lib: the same float64 operations, up to rounding
TORCH_TOL = 1e-10  # float64 on both sides; ~1e-15 is typical
N_TORCH_GRAPHS = 240
needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed: the oracle is skipped")


# ------------------------------------------------------------------ against bp.backward


def compare_with_lib(net, x, y) -> float:
    """The largest relative error between the engine's and bp.backward's gradients (and loss)."""
    B = x.shape[1]
    G = ad.network_graph(net, x, bp.network.target(net, y, B))
    sweep = ad.backward(G.loss)
    fwd = bp.forward(net, x)
    lib = bp.backward(
        net, fwd, y, path="general" if not bp.losses.is_matched(net.output, net.loss) else "shortcut"
    )
    errors = [abs(float(G.loss.value) - bp.network.loss(net, fwd, y)) / abs(bp.network.loss(net, fwd, y))]
    for k in range(1, net.L + 1):
        assert sweep.grad(G.W[k]).shape == net.W[k].shape and sweep.grad(G.b[k]).shape == net.b[k].shape
        errors += [rel_error(sweep.grad(G.W[k]), lib.grad_W[k]), rel_error(sweep.grad(G.b[k]), lib.grad_b[k])]
        errors += [rel_error(sweep.grad(G.a[k]), lib.grad_a[k]), rel_error(G.a[k].value, fwd.a[k])]
    for k in range(net.L):
        errors.append(rel_error(sweep.grad(G.h[k]), lib.grad_h[k]))
    if lib.grad_h[net.L] is not None and (net.output, net.loss) != ("sigmoid", "binary_cross_entropy"):
        errors.append(rel_error(sweep.grad(G.h[net.L]), lib.grad_h[net.L]))  # ∇_ŷ on the general path
    return max(errors)


@pytest.mark.parametrize(("output", "loss"), PAIRS)
@pytest.mark.parametrize("g", ACTIVATION_NAMES)
def test_every_activation_output_and_loss_matches_bp_backward(g, output, loss):
    for seed, sizes in enumerate([(3, 4, 2), (2, 5, 3, 2), (4, 3, 3, 3, 2)]):
        net, x, y = random_problem(sizes, g, output, loss, B=4, seed=seed)
        assert compare_with_lib(net, x, y) < EXACT, (sizes, g, output, loss)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    pair=st.sampled_from(PAIRS),
    g=st.sampled_from(ACTIVATION_NAMES),
    B=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_random_networks_match_bp_backward(sizes, pair, g, B, seed):
    output, loss = pair
    if output == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    net, x, y = random_problem(tuple(sizes), g, output, loss, B=B, seed=seed)
    assert compare_with_lib(net, x, y) < EXACT


def test_the_comparison_catches_a_wrong_vjp(monkeypatch):
    # A matmul VJP with its sign flipped (a "break it" slip of chapter 12) must be caught.
    net, x, y = random_problem((3, 3, 3, 2), "tanh", "softmax", "cross_entropy", B=3, seed=1)
    assert compare_with_lib(net, x, y) < EXACT
    real = ad.matmul

    def broken(A, B):
        out = real(A, B)
        vjp_A, vjp_B = out.vjps
        return ad.Node(out.value, out.parents, (lambda g: -vjp_A(g), vjp_B), "matmul")

    monkeypatch.setattr(ad, "matmul", broken)
    assert compare_with_lib(net, x, y) > 1e-3


# ------------------------------------------------------------------ the engine itself


def test_a_weight_used_twice_gets_the_sum_of_both_paths():
    w, x = ad.leaf(1.5, "w"), ad.leaf(-0.7, "x")
    loss = ad.tanh(w * x) * w  # ℓ = w tanh(wx): ∂ℓ/∂w = tanh(wx) + w x (1 − tanh²(wx))
    sweep = ad.backward(loss)
    t = np.tanh(1.5 * -0.7)
    assert abs(sweep.grad(w) - (t + 1.5 * -0.7 * (1 - t * t))) < 1e-15
    w_steps = [s for s in sweep.steps if s.node is w]
    assert len(w_steps) == 1 and len(ad.topological_order(loss)) == 5  # w listed once


def test_topological_order_puts_parents_first_and_root_last():
    rng = np.random.default_rng(0)
    net, x, y = random_problem((3, 4, 2), "sigmoid", "softmax", "cross_entropy", B=2, seed=0)
    G = ad.network_graph(net, x, bp.network.target(net, y, 2))
    order = ad.topological_order(G.loss)
    position = {id(n): i for i, n in enumerate(order)}
    assert order[-1] is G.loss and len(position) == len(order)
    assert all(position[id(p)] < position[id(n)] for n in order for p in n.parents)
    # the sweep visits them in exactly the reverse order
    assert [id(s.node) for s in ad.backward(G.loss).steps] == [id(n) for n in reversed(order)]
    del rng


def test_broadcast_add_sums_the_bias_gradient_over_the_batch():
    a, b = ad.leaf(np.ones((3, 4))), ad.leaf(np.zeros((3, 1)))
    sweep = ad.backward(ad.sum_(ad.square(a + b)))
    np.testing.assert_array_equal(sweep.grad(b), np.full((3, 1), 8.0))
    assert ad.unbroadcast(np.ones((2, 3, 4)), (3, 1)).shape == (3, 1)
    assert ad.unbroadcast(np.ones((2, 3, 4)), (3, 1))[0, 0] == 8.0


ELEMENTWISE = {
    "sigmoid": ad.sigmoid_node,
    "tanh": ad.tanh,
    "relu": ad.relu,
    "exp": ad.exp,
    "log": lambda v: ad.log(ad.exp(v)),
    "square": ad.square,
    "abs": ad.abs_,
    "softplus": ad.softplus,
    "huber": lambda v: ad.huber(v, 0.8),
    "softmax": ad.softmax,
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_every_vjp_matches_centred_differences(name):
    rng = np.random.default_rng(3)
    x0 = rng.normal(size=(3, 2)) * 1.5
    c = rng.normal(size=(3, 2))  # a random projection, so every entry of the VJP matters

    def loss_of(v):
        return float(ad.sum_(ELEMENTWISE[name](ad.leaf(v)) * c).value)

    x = ad.leaf(x0)
    exact = ad.backward(ad.sum_(ELEMENTWISE[name](x) * c)).grad(x)
    assert rel_error(exact, numerical_gradient(loss_of, x0.copy())) < 1e-7


def test_matmul_sub_mean_and_fused_cross_entropy_match_centred_differences():
    rng = np.random.default_rng(4)
    A0, B0 = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    Y = bp.one_hot(np.array([2, 0]), 3)

    def build(A, B):
        return ad.mean(ad.square(A @ B - 0.3)) + ad.softmax_cross_entropy(A @ B, Y)

    A, B = ad.leaf(A0), ad.leaf(B0)
    sweep = ad.backward(build(A, B))
    num_A = numerical_gradient(lambda v: float(build(ad.leaf(v), ad.leaf(B0)).value), A0.copy())
    num_B = numerical_gradient(lambda v: float(build(ad.leaf(A0), ad.leaf(v)).value), B0.copy())
    assert rel_error(sweep.grad(A), num_A) < 1e-7 and rel_error(sweep.grad(B), num_B) < 1e-7


def test_bad_input_gets_a_clear_value_error():
    A = ad.leaf(np.ones((2, 3)))
    with pytest.raises(
        ValueError, match=r"matmul needs shapes \(p, q\) and \(q, r\), got \(2, 3\) and \(2, 3\)"
    ):
        A @ A
    with pytest.raises(ValueError, match="broadcast"):
        A + np.ones((3, 2))
    with pytest.raises(ValueError, match="finite"):
        ad.leaf([1.0, np.nan])
    with pytest.raises(ValueError, match="array of numbers"):
        ad.leaf("three")
    with pytest.raises(ValueError, match="positive"):
        ad.log(ad.leaf([1.0, 0.0]))
    with pytest.raises(ValueError, match="scalar loss"):
        ad.backward(A)
    with pytest.raises(ValueError, match="Node"):
        ad.backward(np.float64(1.0))
    with pytest.raises(ValueError, match="one shape"):
        ad.softmax_cross_entropy(A, np.ones((3, 2)))
    with pytest.raises(ValueError, match="delta"):
        ad.huber(A, 0.0)
    with pytest.raises(ValueError, match="unknown loss"):
        ad.loss_node("identity", "nope", A, A, np.ones((2, 3)))
    net = bp.init((3, 2, 2))
    with pytest.raises(ValueError, match=r"shape \(3, B\)"):
        ad.network_graph(net, np.ones((2, 1)), np.ones((2, 1)))


# ------------------------------------------------------------------ against PyTorch

UNARY = ("sigmoid", "tanh", "relu", "softplus", "abs", "square", "logsigmoid", "exp_tanh")


def random_recipe(rng) -> dict:
    """A random graph, as data: leaves, then instructions on a pool of (n, B) nodes, then a loss.

    Two square weights W_0, W_1 multiply pool nodes; W_0 is used at least twice (a shared
    weight: its gradient is the sum over its uses), and a pool node may meet itself (x ⊙ x).
    """
    n, B = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    leaves = {
        "x": rng.normal(size=(n, B)),
        "z": rng.normal(size=(n, B)),
        "W_0": rng.normal(size=(n, n)) / np.sqrt(n),
        "W_1": rng.normal(size=(n, n)) / np.sqrt(n),
        "b": rng.normal(size=(n, 1)),
        "c": rng.normal(size=(1, B)),
    }
    steps = [("matmul", "W_0", 0), ("matmul", "W_0", 1)]  # pool: [x, z, ...]
    for _ in range(int(rng.integers(1, 9))):
        size = 2 + len(steps)
        i, j = int(rng.integers(size)), int(rng.integers(size))
        kind = rng.choice(["matmul", "add", "sub", "mul", "bias", "unary", "unary"])
        if kind == "matmul":
            steps.append(("matmul", str(rng.choice(["W_0", "W_1"])), i))
        elif kind == "bias":
            steps.append(("add_leaf", str(rng.choice(["b", "c"])), i))
        elif kind == "unary":
            steps.append(("unary", str(rng.choice(UNARY)), i))
        else:
            steps.append((str(kind), i, j))
    rng.shuffle(steps[:2])
    pick = rng.choice(["sum", "mean", "softmax_ce", "huber_mean"])
    Y = bp.one_hot(rng.integers(0, n, B), n) if n >= 2 else None
    return {
        "leaves": leaves,
        "steps": steps,
        "loss": pick if (pick != "softmax_ce" or Y is not None) else "sum",
        "Y": Y,
    }


def build(recipe, ops):
    """Replay a recipe with one engine's operations; returns (loss, leaves by name)."""
    leaves = {name: ops["leaf"](v) for name, v in recipe["leaves"].items()}
    pool = [leaves["x"], leaves["z"]]
    for step in recipe["steps"]:
        kind = step[0]
        if kind == "matmul":
            pool.append(leaves[step[1]] @ pool[step[2]])
        elif kind == "add_leaf":
            pool.append(pool[step[2]] + leaves[step[1]])
        elif kind == "unary":
            pool.append(ops[step[1]](pool[step[2]]))
        else:
            a, b = pool[step[1]], pool[step[2]]
            pool.append(a + b if kind == "add" else a - b if kind == "sub" else a * b)
    out = pool[-1] + pool[0]  # the last node, and x, reach the loss
    if recipe["loss"] == "softmax_ce":
        return ops["softmax_ce"](out, recipe["Y"]), leaves
    return ops[recipe["loss"]](out), leaves


AD_OPS = {
    "leaf": ad.leaf,
    "sigmoid": ad.sigmoid_node,
    "tanh": ad.tanh,
    "relu": ad.relu,
    "softplus": ad.softplus,
    "abs": ad.abs_,
    "square": ad.square,
    "logsigmoid": lambda v: ad.log(ad.sigmoid_node(v)),
    "exp_tanh": lambda v: ad.exp(ad.tanh(v)),
    "sum": ad.sum_,
    "mean": ad.mean,
    "huber_mean": lambda v: ad.mean(ad.huber(v, 0.9)),
    "softmax_ce": ad.softmax_cross_entropy,
}


def torch_ops():
    F = torch.nn.functional
    return {
        "leaf": lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True),
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "softplus": lambda v: torch.logaddexp(torch.zeros_like(v), v),  # F.softplus cuts off at 20
        "abs": torch.abs,
        "square": lambda v: v * v,
        "logsigmoid": lambda v: torch.log(torch.sigmoid(v)),
        "exp_tanh": lambda v: torch.exp(torch.tanh(v)),
        "sum": torch.sum,
        "mean": torch.mean,
        "huber_mean": lambda v: F.huber_loss(v, torch.zeros_like(v), delta=0.9, reduction="mean"),
        "softmax_ce": lambda a, Y: -(torch.tensor(Y) * torch.log_softmax(a, dim=0)).sum() / a.shape[1],
    }


@needs_torch
def test_random_graphs_match_pytorch_autograd():
    ops, compared, shared = torch_ops(), 0, 0
    for seed in range(N_TORCH_GRAPHS):
        recipe = random_recipe(np.random.default_rng(seed))
        loss, leaves = build(recipe, AD_OPS)
        t_loss, t_leaves = build(recipe, ops)
        t_loss.backward()
        sweep = ad.backward(loss)
        assert abs(float(loss.value) - t_loss.item()) <= TORCH_TOL * max(1.0, abs(t_loss.item())), seed
        for name, node in leaves.items():
            t_grad = t_leaves[name].grad
            reached = id(node) in sweep.grads
            assert reached == (t_grad is not None), (seed, name)
            if reached:
                mine, theirs = sweep.grad(node), t_grad.numpy()
                # relative to the gradient's size, floored at 1: a gradient that vanishes
                # identically (a softmax shifted by c) is rounding noise on both sides
                scale = max(1.0, float(np.abs(theirs).max()))
                assert np.abs(mine - theirs).max() <= TORCH_TOL * scale, (seed, name, recipe["steps"])
        uses = sum(1 for s in recipe["steps"] if s[:2] == ("matmul", "W_0"))
        shared += uses >= 2
        compared += 1
    assert compared == N_TORCH_GRAPHS and shared == N_TORCH_GRAPHS


@needs_torch
def test_tied_weights_network_matches_pytorch():
    # h_1 = tanh(W x + b_1), ŷ = softmax(W h_1 + b_2): one W in both layers, gradients add.
    rng = np.random.default_rng(7)
    W0, x0, b1, b2 = (
        rng.normal(size=(3, 3)),
        rng.normal(size=(3, 4)),
        rng.normal(size=(3, 1)),
        rng.normal(size=(3, 1)),
    )
    Y = bp.one_hot(np.array([0, 2, 1, 2]), 3)
    W = ad.leaf(W0, "W")
    loss = ad.softmax_cross_entropy(W @ ad.tanh(W @ ad.leaf(x0) + b1) + b2, Y)
    tW = torch.tensor(W0, requires_grad=True)
    t_a2 = tW @ torch.tanh(tW @ torch.tensor(x0) + torch.tensor(b1)) + torch.tensor(b2)
    (-(torch.tensor(Y) * torch.log_softmax(t_a2, dim=0)).sum() / 4).backward()
    sweep = ad.backward(loss)
    assert rel_error(sweep.grad(W), tW.grad.numpy()) < TORCH_TOL
    # the sum of the two uses: the grad of W is more than either path's share alone
    shares = [s.sent[0] for s in sweep.steps if s.node.op == "matmul"]
    assert len(shares) == 2 and rel_error(shares[0] + shares[1], sweep.grad(W)) < 1e-15
    assert rel_error(shares[0], sweep.grad(W)) > 1e-3
