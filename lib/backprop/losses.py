"""Output functions O and losses ℓ(ŷ, y), with the gradients backpropagation starts from.

Chapters 2 (outputs and losses), 5 (gradient w.r.t. the output units) and 11 (BCE example).

Shapes: pre-activations a_L and outputs ŷ are (k, B); a target y is (k, B) too,
except that cross-entropy also takes integer class labels ℓ of shape (B,).
The loss of a batch is the mean over its B columns of the per-example loss,
which sums over the k output units; every gradient here is of that mean, so
it carries the factor 1/B.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from backprop._checks import as_matrix, check_name
from backprop.activations import log_softmax, sigmoid, sigmoid_prime, softmax, softmax_jacobian


def one_hot(labels, k: int) -> np.ndarray:
    """The lecture's e(ℓ): column b is 1 in row labels[b] and 0 elsewhere.

    Parameters
    ----------
    labels : int or int array, shape (B,), each in 0..k−1
    k : number of classes

    Returns
    -------
    e : array, shape (k, B)
    """
    labels = check_labels(labels, k)
    e = np.zeros((k, labels.size))
    e[labels, np.arange(labels.size)] = 1.0
    return e


def check_labels(labels, k: int) -> np.ndarray:
    """Return labels as an int array of shape (B,), each in 0..k−1, or raise ValueError."""
    arr = np.atleast_1d(np.asarray(labels))
    if arr.ndim != 1:
        raise ValueError(f"class labels must have shape (B,), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError("class labels are an empty batch; need at least one label")
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"class labels must be integers in 0..{k - 1}, got dtype {arr.dtype}")
    if arr.min() < 0 or arr.max() >= k:
        raise ValueError(
            f"class labels must lie in 0..{k - 1} (k = {k} classes), got {arr.min()}..{arr.max()}"
        )
    return arr.astype(np.intp, copy=False)


# ---------------------------------------------------------------- outputs O


class Output(NamedTuple):
    """An output function ŷ = O(a_L) and its Jacobian for one example."""

    name: str
    O: Callable[[np.ndarray], np.ndarray]
    jacobian: Callable[[np.ndarray], np.ndarray]  # a_L (k,) -> J[i, j] = ∂ŷ_i/∂a_Lj, (k, k)


OUTPUTS: dict[str, Output] = {
    "softmax": Output("softmax", softmax, softmax_jacobian),
    "sigmoid": Output("sigmoid", sigmoid, lambda a: np.diagflat(sigmoid_prime(a))),
    "identity": Output("identity", lambda a: np.array(a, dtype=np.float64), lambda a: np.eye(np.size(a))),
}


def get_output(name: str) -> Output:
    """Look up an output function by name: 'softmax', 'sigmoid' or 'identity'."""
    return OUTPUTS[check_name(name, OUTPUTS, "output function")]


def output_vjp(name: str, a_L: np.ndarray, v: np.ndarray) -> np.ndarray:
    """General path ∇_{a_L} L = J_Oᵀ ∇_ŷ L, one Jacobian per example.

    Parameters
    ----------
    name : output function
    a_L : array, shape (k, B)
    v : ∇_ŷ L, shape (k, B)

    Returns
    -------
    grad_a_L : array, shape (k, B); column b is J_O(a_L[:, b])ᵀ v[:, b].
    """
    J = np.stack([get_output(name).jacobian(a_L[:, b]) for b in range(a_L.shape[1])])  # (B, k, k)
    return np.einsum("bij,ib->jb", J, v)


# ---------------------------------------------------------------- losses ℓ


class Loss(NamedTuple):
    """A loss: the batch mean of per-example losses, and its gradient ∇_ŷ (with the 1/B)."""

    name: str
    value: Callable[[np.ndarray, np.ndarray], float]  # (ŷ (k,B), y (k,B)) -> mean loss
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (ŷ, y) -> ∂L/∂ŷ, (k, B)
    target: str  # what y must be: 'probabilities', 'unit', 'real' or 'sign'


def _mean(per_unit: np.ndarray) -> float:
    # Sum over output units, mean over the batch columns.
    return float(per_unit.sum() / per_unit.shape[1])


def _xlogy(y, p):
    # y log p with 0 log 0 = 0, so a one-hot target ignores the other classes entirely.
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y == 0, 0.0, y * np.log(p))


def _ce_value(y_hat, y):
    return _mean(-_xlogy(y, y_hat))


def _ce_grad(y_hat, y):
    # ∂(−Σ y_i log ŷ_i)/∂ŷ_i = −y_i / ŷ_i; for one-hot y this is −e(ℓ)/ŷ_ℓ.
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y == 0, 0.0, -y / y_hat) / y.shape[1]


def _bce_value(y_hat, y):
    return _mean(-(_xlogy(y, y_hat) + _xlogy(1 - y, 1 - y_hat)))


def _bce_grad(y_hat, y):
    return (-y / y_hat + (1 - y) / (1 - y_hat)) / y.shape[1]


def _se_value(y_hat, y):
    return _mean((y_hat - y) ** 2)


def _se_grad(y_hat, y):
    return 2.0 * (y_hat - y) / y.shape[1]


def _mse_value(y_hat, y):
    return _mean(0.5 * (y - y_hat) ** 2)


def _mse_grad(y_hat, y):
    return (y_hat - y) / y.shape[1]


def _l1_value(y_hat, y):
    return _mean(np.abs(y - y_hat))


def _l1_grad(y_hat, y):
    return np.sign(y_hat - y) / y.shape[1]


def _huber(delta: float) -> tuple[Callable, Callable]:
    def value(y_hat, y):
        r = np.abs(y - y_hat)
        return _mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)))

    def grad(y_hat, y):
        d = y_hat - y
        return np.clip(d, -delta, delta) / y.shape[1]

    return value, grad


def _logistic_value(y_hat, y):
    return _mean(np.logaddexp(0.0, -y * y_hat))  # log(1 + exp(−yŷ)), stable


def _logistic_grad(y_hat, y):
    return -y * sigmoid(-y * y_hat) / y.shape[1]


def _hinge_value(y_hat, y):
    return _mean(np.maximum(0.0, 1.0 - y * y_hat))


def _hinge_grad(y_hat, y):
    return np.where(1.0 - y * y_hat > 0, -y, 0.0) / y.shape[1]


_TARGET_KIND = {
    "cross_entropy": "probabilities",
    "binary_cross_entropy": "unit",
    "squared_error": "real",
    "mse": "real",
    "l1": "real",
    "huber": "real",
    "logistic": "sign",
    "hinge": "sign",
}

_RAW = {
    "cross_entropy": (_ce_value, _ce_grad),
    "binary_cross_entropy": (_bce_value, _bce_grad),
    "squared_error": (_se_value, _se_grad),
    "mse": (_mse_value, _mse_grad),
    "l1": (_l1_value, _l1_grad),
    "logistic": (_logistic_value, _logistic_grad),
    "hinge": (_hinge_value, _hinge_grad),
}


def get_loss(name: str, delta: float = 1.0) -> Loss:
    """Look up a loss by name.

    'cross_entropy'        −Σ_i y_i log ŷ_i  (= −log ŷ_ℓ for a one-hot target e(ℓ))
    'binary_cross_entropy' −Σ_i [y_i log ŷ_i + (1 − y_i) log(1 − ŷ_i)]
    'squared_error'        Σ_i (ŷ_i − y_i)²            (the CS7015 slides)
    'mse'                  Σ_i ½ (y_i − ŷ_i)²          (the Ensimag slides)
    'l1'                   Σ_i |y_i − ŷ_i|
    'huber'                Σ_i ½ r_i² if |r_i| ≤ δ else δ(|r_i| − δ/2), r = y − ŷ
    'logistic'             Σ_i log(1 + exp(−y_i ŷ_i)),  y_i ∈ {−1, +1}
    'hinge'                Σ_i max(0, 1 − y_i ŷ_i),     y_i ∈ {−1, +1}

    Each is averaged over the B columns of a batch.  `delta` is Huber's δ > 0.
    The returned value(ŷ, y) and grad(ŷ, y) take ŷ of shape (k, B) and y as
    `as_target` accepts it (labels ℓ of shape (B,) for cross-entropy, else (k, B)).
    """
    check_name(name, _TARGET_KIND, "loss")
    if name == "huber":
        if not (np.isfinite(delta) and delta > 0):
            raise ValueError(f"Huber's delta must be a finite number > 0, got {delta!r}")
        value, grad = _huber(float(delta))
    else:
        value, grad = _RAW[name]

    def checked_value(y_hat, y):
        y_hat = as_matrix(y_hat, "ŷ")
        return value(y_hat, as_target(name, y, y_hat.shape[0], y_hat.shape[1]))

    def checked_grad(y_hat, y):
        y_hat = as_matrix(y_hat, "ŷ")
        return grad(y_hat, as_target(name, y, y_hat.shape[0], y_hat.shape[1]))

    checked_value.__doc__, checked_grad.__doc__ = value.__doc__, grad.__doc__
    return Loss(name, checked_value, checked_grad, _TARGET_KIND[name])


LOSSES = dict.fromkeys(_TARGET_KIND)


def as_target(loss_name: str, y, k: int, B: int | None = None) -> np.ndarray:
    """Check a target against what the loss expects and return it as a (k, B) float array.

    Cross-entropy also accepts integer labels ℓ of shape (B,) (or one int),
    turned into the one-hot columns e(ℓ).
    """
    kind = _TARGET_KIND[check_name(loss_name, _TARGET_KIND, "loss")]
    arr = np.asarray(y)
    labels = kind == "probabilities" and arr.ndim <= 1 and np.issubdtype(arr.dtype, np.integer)
    if labels:
        Y = one_hot(arr, k)  # a valid distribution by construction
    else:
        if arr.dtype == bool:
            arr = arr.astype(np.float64)
        Y = as_matrix(arr, "target y", rows=k)
    if B is not None and Y.shape[1] != B:
        raise ValueError(f"target y has {Y.shape[1]} examples but the input x has {B}; they must match")
    if labels:
        return Y
    if kind == "probabilities":
        if Y.min() < 0 or np.max(np.abs(Y.sum(axis=0) - 1.0)) > 1e-9:  # (np.allclose is 10× slower)
            raise ValueError(
                "cross-entropy targets must be class labels in 0..k−1 or columns of probabilities "
                "(non-negative, each column summing to 1)"
            )
    elif kind == "unit" and (Y.min() < 0 or Y.max() > 1):
        raise ValueError(f"binary cross-entropy targets must lie in [0, 1], got {Y.min()}..{Y.max()}")
    elif kind == "sign" and not np.all(np.isin(Y, (-1.0, 1.0))):
        raise ValueError(f"{loss_name} targets must be −1 or +1 (labels y ∈ {{−1, +1}})")
    return Y


# ------------------------------------------------- matched output/loss pairs

MATCHED_PAIRS = {
    ("softmax", "cross_entropy"): "ŷ − y   (= ŷ − e(ℓ) = −(e(ℓ) − ŷ) for a label ℓ)",
    ("sigmoid", "binary_cross_entropy"): "ŷ − y",
    ("identity", "squared_error"): "2 (ŷ − y)",
    ("identity", "mse"): "ŷ − y",
}


def is_matched(output: str, loss: str) -> bool:
    """True if (output, loss) has the simplified ∇_{a_L} shortcut."""
    return (output, loss) in MATCHED_PAIRS


def matched_grad_a_L(output: str, loss: str, y_hat: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Shortcut ∇_{a_L} L for a matched pair, e.g. softmax + cross-entropy: −(e(ℓ) − ŷ).

    Parameters
    ----------
    y_hat, Y : arrays, shape (k, B)

    Returns
    -------
    grad_a_L : array, shape (k, B), including the batch mean's 1/B.
    """
    if not is_matched(output, loss):
        raise ValueError(
            f"no shortcut for output {output!r} with loss {loss!r}; matched pairs are "
            f"{sorted(MATCHED_PAIRS)} (use the general path J_Oᵀ ∇_ŷ L instead)"
        )
    factor = 2.0 if loss == "squared_error" else 1.0
    return factor * (y_hat - Y) / Y.shape[1]


def loss_from_logits(output: str, loss: str, a_L: np.ndarray, y_hat: np.ndarray, Y: np.ndarray) -> float:
    """The batch loss, computed stably from the logits a_L where the pair allows it.

    softmax + cross-entropy uses log-softmax (log-sum-exp); sigmoid + binary
    cross-entropy uses log σ(a) = −log(1 + e^{−a}); both stay finite for logits
    of any size.  Other pairs use ℓ(ŷ, y) directly.
    """
    if (output, loss) == ("softmax", "cross_entropy"):
        return _mean(-Y * log_softmax(a_L))  # log-softmax is finite, so 0 · log ŷ_i = 0 exactly
    if (output, loss) == ("sigmoid", "binary_cross_entropy"):
        # −[y log σ(a) + (1 − y) log σ(−a)] = y·softplus(−a) + (1 − y)·softplus(a)
        return _mean(Y * np.logaddexp(0.0, -a_L) + (1 - Y) * np.logaddexp(0.0, a_L))
    return get_loss(loss).value(y_hat, Y)
