"""Write the fixtures the in-page trainer (lib/backprop/js/trainer.js) is tested against.

Usage: python tests/js/make_trainer_fixtures.py [OUT]   (default tests/js/trainer_fixtures.json)

The JSON is committed; tests/test_trainer_widget.py fails when it is out of date (rerun this
script then).  Every case is a small classifier trained by `bp.train.train` on a 2-D toy set from
`bp.data`: three methods (GD, SGD, mini-batch) × three activations × two data sets, plus runs that
diverge.  A case holds what the JavaScript gets (data, initial weights from `bp.init`, η, M,
epochs and the shuffle order of every epoch from `bp.train.epoch_orders`) and what the lib
computes: the loss after every epoch, the batch loss before every update and the weights after
every epoch (each from `bp.train.train` run for that many epochs: the same seed gives the same
first epochs), or the lib's divergence message.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import backprop as bp
import numpy as np
from backprop.trainer_widget import to_lists

OUT = Path(__file__).with_name("trainer_fixtures.json")
EPOCHS = 6
DATASETS = {
    "moons": (lambda: bp.data.moons(40, noise=0.2, seed=1), (2, 6, 2)),
    "xor": (lambda: bp.data.xor(40, noise=0.3, seed=2), (2, 5, 4, 2)),
}
METHODS = {"GD": None, "SGD": 1, "mini-batch": 8}
ACTIVATIONS = ("sigmoid", "tanh", "relu")


def case(name, X, y, sizes, g, method, M, eta, epochs, seed):
    net0 = bp.init(sizes, g=g, seed=seed)
    N = X.shape[1]
    M = N if M is None else M
    orders = list(itertools.islice(bp.train.epoch_orders(N, M, seed), epochs))
    W0, b0 = to_lists(net0)
    out = {
        "name": name,
        "g": g,
        "method": method,
        "M": M,
        "eta": eta,
        "epochs": epochs,
        "X": X.tolist(),
        "labels": y.tolist(),
        "W": W0,
        "b": b0,
        "orders": [o.tolist() for o in orders] if M < N else None,
    }
    try:
        run = bp.train.train(net0, X, y, eta, epochs, batch_size=M, seed=seed, progress=False)
    except ValueError as err:
        out["error"] = str(err)
        return out
    out["loss"] = run.history.loss.tolist()
    out["update_loss"] = run.history.update_loss.tolist()
    out["updates_per_epoch"] = run.history.updates_per_epoch
    weights = []
    for e in range(1, epochs + 1):
        net_e = bp.train.train(net0, X, y, eta, e, batch_size=M, seed=seed, progress=False).net
        W, b = to_lists(net_e)
        weights.append({"W": W, "b": b})
    out["weights"] = weights
    out["accuracy"] = bp.train.accuracy(run.net, X, y)
    return out


def build() -> dict:
    cases = []
    for (dname, (make, sizes)), g, (method, M) in itertools.product(
        DATASETS.items(), ACTIVATIONS, METHODS.items()
    ):
        X, y = make()
        eta = 0.5 if method == "GD" else 0.1
        cases.append(case(f"{dname} {g} {method}", X, y, sizes, g, method, M, eta, EPOCHS, seed=3))
    X, y = DATASETS["moons"][0]()
    # Runs that diverge: the loss after some epoch is not finite and the lib raises.
    for method, M in (("SGD", 1), ("mini-batch", 8)):
        cases.append(case(f"moons relu {method} diverges", X, y, (2, 6, 2), "relu", method, M, 1e9, 10, 3))
    for c in cases[-2:]:
        assert "error" in c, f"{c['name']} was meant to diverge"
    return {"source": "tests/js/make_trainer_fixtures.py", "cases": cases}


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.write_text(json.dumps(build(), indent=None, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    np.seterr(all="ignore")  # the diverging runs overflow on purpose
    main(sys.argv)
