"""An independent oracle: the same network in PyTorch (float64 autograd) — loss and every gradient.

A reader without torch skips this file; under CI (CI=true) a missing torch is a failure.
"""

from __future__ import annotations

import os

import backprop as bp
import numpy as np
import pytest
from backprop.gradcheck import rel_error
from netcases import random_problem

try:
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    if os.environ.get("CI") == "true":
        pytest.fail("torch is required under CI (CI=true): pip install torch==2.13.0", pytrace=False)
    pytest.skip("torch is not installed: the PyTorch oracle is skipped", allow_module_level=True)

TOL = 1e-10  # float64 on both sides: agreement to ~1e-15 is typical

TORCH_G = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "identity": lambda a: a}
TORCH_O = {"softmax": lambda a: torch.softmax(a, dim=0), "sigmoid": torch.sigmoid, "identity": lambda a: a}


def torch_loss(name: str, y_hat, Y, delta: float):
    """The batch mean of Σ_i ℓ(ŷ_i, y_i), written from the definitions, not from the lib."""
    B = Y.shape[1]
    if name == "cross_entropy":
        per = -(Y * torch.log(y_hat))
    elif name == "binary_cross_entropy":
        per = -(Y * torch.log(y_hat) + (1 - Y) * torch.log(1 - y_hat))
    elif name == "squared_error":
        per = (y_hat - Y) ** 2
    elif name == "mse":
        per = 0.5 * (Y - y_hat) ** 2
    elif name == "l1":
        per = torch.abs(Y - y_hat)
    elif name == "huber":
        per = torch.nn.functional.huber_loss(y_hat, Y, reduction="none", delta=delta)
    elif name == "logistic":
        per = torch.nn.functional.softplus(-Y * y_hat)
    else:
        per = torch.clamp(1 - Y * y_hat, min=0)
    return per.sum() / B


def torch_pass(net: bp.Network, x: np.ndarray, Y: np.ndarray):
    """Forward in torch keeping every a_k, h_k, then autograd's gradients of the loss."""
    W = [None] + [torch.tensor(Wk, requires_grad=True) for Wk in net.W[1:]]
    b = [None] + [torch.tensor(bk, requires_grad=True) for bk in net.b[1:]]
    a, h = [None], [torch.tensor(x, requires_grad=True)]
    for k in range(1, net.L + 1):
        a.append(b[k] + W[k] @ h[k - 1])
        h.append(TORCH_G[net.g](a[k]) if k < net.L else TORCH_O[net.output](a[k]))
    for t in a[1:] + h[1:]:
        t.retain_grad()
    loss = torch_loss(net.loss, h[net.L], torch.tensor(Y), net.delta)
    loss.backward()

    def grads(ts):
        return [None if t is None else t.grad.numpy() for t in ts]

    return float(loss.detach()), grads(a), grads(h), grads(W), grads(b)


CASES = [
    ((4, 5, 3), "sigmoid", "softmax", "cross_entropy", 6),
    ((3, 6, 4, 2), "tanh", "softmax", "cross_entropy", 1),
    ((2, 5, 5, 5, 3), "relu", "softmax", "squared_error", 4),
    ((3, 4, 1), "sigmoid", "sigmoid", "binary_cross_entropy", 5),
    ((3, 4, 2), "tanh", "sigmoid", "binary_cross_entropy", 3),
    ((2, 3, 1), "identity", "identity", "squared_error", 7),
    ((3, 5, 2), "relu", "identity", "mse", 4),
    ((3, 4, 2), "tanh", "identity", "huber", 8),
    ((3, 4, 2), "sigmoid", "identity", "l1", 5),
    ((2, 6, 1), "tanh", "identity", "logistic", 6),
    ((2, 6, 1), "relu", "identity", "hinge", 6),
    ((4, 3, 3), "sigmoid", "softmax", "l1", 2),
]


@pytest.mark.parametrize("path", ["shortcut", "general"])
@pytest.mark.parametrize(("sizes", "g", "output", "loss", "B"), CASES)
def test_loss_and_every_gradient_agree_with_pytorch(sizes, g, output, loss, B, path):
    net, x, y = random_problem(sizes, g, output, loss, B, seed=len(sizes) * 10 + B)
    Y = bp.network.target(net, y, B)
    L, fwd, grads = bp.loss_and_gradients(net, x, y, path=path)
    t_loss, t_a, t_h, t_W, t_b = torch_pass(net, x, Y)
    assert abs(L - t_loss) <= TOL * abs(t_loss)
    for k in range(1, net.L + 1):
        assert rel_error(grads.grad_a[k], t_a[k]) <= TOL, f"grad_a[{k}]"
        assert rel_error(grads.grad_W[k], t_W[k]) <= TOL, f"grad_W[{k}]"
        assert rel_error(grads.grad_b[k], t_b[k]) <= TOL, f"grad_b[{k}]"
    for k in range(0, net.L):
        assert rel_error(grads.grad_h[k], t_h[k]) <= TOL, f"grad_h[{k}]"  # h[0] = x: the input gradient
    if grads.grad_h[net.L] is not None:  # ∇_ŷ, formed on the general path
        assert rel_error(grads.grad_h[net.L], t_h[net.L]) <= TOL, "grad_h[L] (∇_ŷ)"


def test_the_oracle_can_disagree():
    # Guard against a vacuous oracle: a perturbed weight must show up as a large difference.
    net, x, y = random_problem((3, 4, 2), "tanh", "softmax", "cross_entropy", 3, seed=0)
    grads = bp.backward(net, bp.forward(net, x), y)
    W = list(net.W)
    W[1] = W[1] + 0.1
    _, _, _, t_W, _ = torch_pass(net.replace(W=tuple(W)), x, bp.network.target(net, y, 3))
    assert rel_error(grads.grad_W[1], t_W[1]) > 1e-3
