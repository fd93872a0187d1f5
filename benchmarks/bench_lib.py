"""Speed of the lib, measured side by side in one run: float64, one thread for numpy and torch.

1. backward / forward time for a 784-256-128-10 sigmoid MLP, softmax + cross-entropy, B = 256;
2. one training step (forward, loss, backward, update), lib vs a hand-written PyTorch MLP
   (autograd + manual SGD update), for that net and for a tiny 2-3-2 net with B = 1;
3. backpropagation vs a centred-difference gradient (2P forward passes) for several P.

Run: python benchmarks/bench_lib.py   (prints a table; times are medians of repeats)
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy and torch are imported

import statistics  # noqa: E402
import timeit  # noqa: E402

import backprop as bp  # noqa: E402
import numpy as np  # noqa: E402
from backprop.gradcheck import numerical_gradient_of  # noqa: E402
from backprop.network import backward, forward, loss  # noqa: E402
from backprop.train import step  # noqa: E402

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # the torch rows are left out
    torch = None


def median_time(f, repeat: int, number: int = 1) -> float:
    """Median over `repeat` runs of the time of one call of f, in seconds."""
    f()  # warm up
    return statistics.median(timeit.repeat(f, repeat=repeat, number=number)) / number


def problem(sizes, B, seed=0):
    rng = np.random.default_rng(seed)
    net = bp.init(sizes, g="sigmoid", output="softmax", loss="cross_entropy", seed=seed)
    return net, rng.normal(size=(sizes[0], B)), rng.integers(0, sizes[-1], B)


def torch_step_fn(net, x, labels, eta):
    """The same MLP in PyTorch: autograd for the gradients, then θ ← θ − η ∇θ in place."""
    W = [torch.tensor(Wk, requires_grad=True) for Wk in net.W[1:]]
    b = [torch.tensor(bk, requires_grad=True) for bk in net.b[1:]]
    params = W + b
    xt, yt = torch.tensor(x), torch.tensor(labels)

    def one_step():
        h = xt
        for k in range(len(W)):
            a = b[k] + W[k] @ h
            h = torch.sigmoid(a) if k < len(W) - 1 else a
        L = torch.nn.functional.cross_entropy(h.T, yt)  # softmax + CE from the logits, mean over B
        for p in params:
            p.grad = None
        L.backward()
        with torch.no_grad():
            for p in params:
                p -= eta * p.grad
        return float(L.detach())

    return one_step


def main() -> None:
    rows = []

    # 1. backward / forward
    sizes, B = (784, 256, 128, 10), 256
    net, x, y = problem(sizes, B)
    fwd = forward(net, x)
    t_f = median_time(lambda: forward(net, x), repeat=30)
    t_b = median_time(lambda: backward(net, fwd, y, input_grad=False), repeat=30)
    t_bx = median_time(lambda: backward(net, fwd, y, input_grad=True), repeat=30)
    rows.append(("backward / forward, 784-256-128-10, B=256 (training: no ∇x)", t_b / t_f, "≤ 2.2"))
    rows.append(("backward / forward, same, with ∇x (input gradient)", t_bx / t_f, "—"))

    # 2. one training step, lib vs PyTorch
    for sizes, B, repeat, goal in [((784, 256, 128, 10), 256, 30, "≤ 1.2"), ((2, 3, 2), 1, 2000, "≤ 0.5")]:
        net, x, y = problem(sizes, B)
        t_lib = median_time(lambda net=net, x=x, y=y: step(net, x, y, 0.1), repeat=repeat)
        label = f"training step lib / torch, {'-'.join(map(str, sizes))}, B={B}"
        if torch is None:
            rows.append((label + " (torch missing)", float("nan"), goal))
            continue
        t_torch = median_time(torch_step_fn(net, x, y, 0.1), repeat=repeat)
        rows.append((label + f"  [{t_lib * 1e3:.3g} ms vs {t_torch * 1e3:.3g} ms]", t_lib / t_torch, goal))

    # 3. backprop vs centred differences
    for sizes in [(2, 3, 2), (4, 8, 3), (8, 16, 16, 4), (16, 32, 32, 10)]:
        net, x, y = problem(sizes, B=8)
        P = net.n_params

        def numeric(net=net, x=x, y=y):
            for k in range(1, net.L + 1):
                numerical_gradient_of(net, x, y, "W", k)
                numerical_gradient_of(net, x, y, "b", k)

        def backprop(net=net, x=x, y=y):
            fwd = forward(net, x)
            loss(net, fwd, y)
            backward(net, fwd, y, input_grad=False)

        t_num = median_time(numeric, repeat=5)
        t_bp = median_time(backprop, repeat=200)
        rows.append(
            (f"backprop speedup over centred differences, P = {P}", t_num / t_bp, f"≥ P/4 = {P / 4:g}")
        )

    width = max(len(r[0]) for r in rows)
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'missing'}, float64, 1 thread")
    print(f"{'measure':<{width}}  {'value':>9}  goal")
    for name, value, goal in rows:
        print(f"{name:<{width}}  {value:>9.3g}  {goal}")


if __name__ == "__main__":
    main()
