"""Learning by gradient descent: full-batch GD, SGD and mini-batch, plus predict/accuracy.

Chapter 3 (gradient descent, SGD, mini-batch; updates per epoch vs cost per
update) and chapter 9 (training on a 2-D toy set and on the digits).

Shapes: the training set is stored as columns, X of shape (n_0, N); targets are
class labels of shape (N,) (cross-entropy) or an array of shape (k, N).  Every
function returns a new Network; the one passed in is never modified.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from tqdm.auto import tqdm

from backprop._checks import as_matrix
from backprop.losses import check_labels
from backprop.network import Network, back_propagation, forward, loss, target, target_loss

# A run is "long" (progress bar shown by default) above this many multiply-adds,
# about epochs × N × 3 n_params: a few seconds of numpy on one core.
LONG_RUN = 3e9


class History(NamedTuple):
    """The loss along training.

    loss : array (epochs + 1,), loss on the whole training set before training
           and after each epoch
    update_loss : array (n_updates,), the batch loss just before each update
                  (a noisy view for SGD and mini-batch)
    val_loss : array (epochs + 1,) on the validation data, or None without it
    updates_per_epoch : 1 for GD, N for SGD, ⌈N / M⌉ for mini-batches of M
    """

    loss: np.ndarray
    update_loss: np.ndarray
    val_loss: np.ndarray | None
    updates_per_epoch: int


class Trained(NamedTuple):
    """What training returns: the new network and its History (unpacks as net, history)."""

    net: Network
    history: History


def step(net: Network, x, y, eta: float) -> tuple[Network, float]:
    """One gradient-descent update on a batch: θ ← θ − η ∇_θ L(θ).

    W_k ← W_k − η ∇_{W_k} L and b_k ← b_k − η ∇_{b_k} L for k = 1..L, with the
    gradients of the batch mean loss from one forward and one backward pass.

    Parameters
    ----------
    net : Network
    x : input batch, shape (n_0, B)
    y : targets, labels (B,) for cross-entropy or shape (k, B)
    eta : learning rate η > 0

    Returns
    -------
    (new_net, loss) : the updated Network and the batch loss L(θ) before the update
    """
    _check_eta(eta)
    return _update(net, x, y, float(eta))


def _update(net: Network, x, y, eta: float) -> tuple[Network, float]:
    fwd = forward(net, x)
    Y = target(net, y, fwd.h[0].shape[1])  # checked once; labels → e(ℓ)
    batch_loss = target_loss(net, fwd, Y)
    grads = back_propagation(net, fwd, Y, input_grad=False)  # ∇_x is not needed to learn
    # θ − η∇θ, written into the gradient arrays (ours alone): no new big temporaries per step.
    W = (None,) + tuple(_descend(Wk, gWk, eta) for Wk, gWk in zip(net.W[1:], grads.grad_W[1:], strict=True))
    b = (None,) + tuple(_descend(bk, gbk, eta) for bk, gbk in zip(net.b[1:], grads.grad_b[1:], strict=True))
    return net.with_params(W, b), batch_loss


def _descend(theta: np.ndarray, grad: np.ndarray, eta: float) -> np.ndarray:
    """θ − η ∇θ, computed in the buffer of ∇θ."""
    np.multiply(grad, -eta, out=grad)
    grad += theta
    return grad


def train(
    net: Network,
    X,
    y,
    eta: float,
    epochs: int,
    batch_size: int | None = None,
    seed: int = 0,
    progress: bool | None = None,
    val: tuple | None = None,
) -> Trained:
    """Mini-batch gradient descent: θ ← θ − (η / M) Σ_{j=1..M} ∇_θ ℓ(θ; x_{i_j}, y_{i_j}).

    Each epoch visits the N examples once, in an order shuffled by
    np.random.default_rng(seed), in ⌈N / M⌉ batches of M = batch_size columns
    (the last one may be smaller).  batch_size = N is full-batch gradient
    descent (no shuffling needed), batch_size = 1 is SGD.

    Parameters
    ----------
    net : Network to start from (not modified)
    X : training inputs, shape (n_0, N)
    y : training targets, labels (N,) for cross-entropy or shape (k, N)
    eta : learning rate η > 0
    epochs : number of passes over the training set, ≥ 1
    batch_size : M in 1..N; None means N (full batch)
    seed : seed of the shuffling; the same seed gives the same history
    progress : show a tqdm progress bar; None shows it only for long runs
    val : optional validation data (X_val (n_0, N_val), y_val), its loss
          recorded after every epoch

    Returns
    -------
    Trained(net, history): the trained Network and its History
    """
    X = as_matrix(X, "training inputs X", rows=net.sizes[0])
    N = X.shape[1]
    Y = target(net, y, N)
    M = N if batch_size is None else batch_size
    _check_eta(eta)
    if not (isinstance(epochs, (int, np.integer)) and epochs >= 1):
        raise ValueError(f"epochs must be an integer ≥ 1, got {epochs!r}")
    if not (isinstance(M, (int, np.integer)) and 1 <= M <= N):
        raise ValueError(f"batch_size must be an integer in 1..N = 1..{N}, got {batch_size!r}")
    if val is not None:
        X_val, Y_val = _validation(net, val)
    eta, M = float(eta), int(M)
    updates = math.ceil(N / M)
    if progress is None:
        progress = epochs * N * 3 * net.n_params > LONG_RUN
    orders = epoch_orders(N, M, seed)

    def full_loss(net, X, Y):
        return loss(net, forward(net, X), Y)

    history, update_loss = [full_loss(net, X, Y)], []
    val_history = [full_loss(net, X_val, Y_val)] if val is not None else None
    bar = tqdm(range(epochs), desc="epochs", disable=not progress)  # left on screen: a record of the run
    for epoch in bar:
        order = next(orders)
        for start in range(0, N, M):
            batch = order[start : start + M]
            net, batch_loss = _update(net, X[:, batch], Y[:, batch], eta)
            update_loss.append(batch_loss)
        history.append(full_loss(net, X, Y))
        if not math.isfinite(history[-1]):
            raise ValueError(
                f"training diverged: the loss is {history[-1]} after epoch {epoch + 1}; try a smaller eta"
            )
        if val is not None:
            val_history.append(full_loss(net, X_val, Y_val))
        bar.set_postfix(loss=f"{history[-1]:.4g}", refresh=False)
    bar.close()
    hist = History(
        np.array(history),
        np.array(update_loss),
        None if val_history is None else np.array(val_history),
        updates,
    )
    return Trained(net, hist)


def epoch_orders(N: int, batch_size: int, seed: int = 0):
    """The order in which `train` visits the N examples, epoch after epoch (an endless generator).

    A fresh permutation of 0..N−1 per epoch from np.random.default_rng(seed) when
    batch_size < N; the stored order 0..N−1 for full-batch gradient descent (M = N).
    The in-page trainer (backprop.trainer_widget) ships these orders to the browser.
    """
    rng = np.random.default_rng(seed)
    while True:
        yield rng.permutation(N) if batch_size < N else np.arange(N)


def gd(net: Network, X, y, eta: float, epochs: int, **kwargs) -> Trained:
    """Full-batch gradient descent: θ ← θ − (η / N) Σ_{i=1..N} ∇_θ ℓ(θ; x_i, y_i), one update per epoch.

    Parameters and Returns as for `train` (batch_size = N).
    """
    return train(net, X, y, eta, epochs, batch_size=None, **kwargs)


def sgd(net: Network, X, y, eta: float, epochs: int, **kwargs) -> Trained:
    """Stochastic gradient descent: θ ← θ − η ∇_θ ℓ(θ; x_i, y_i), one example per update, N per epoch.

    Parameters and Returns as for `train` (batch_size = 1).
    """
    return train(net, X, y, eta, epochs, batch_size=1, **kwargs)


def minibatch(net: Network, X, y, eta: float, epochs: int, batch_size: int, **kwargs) -> Trained:
    """Mini-batch gradient descent with M = batch_size examples per update, ⌈N / M⌉ per epoch.

    Parameters and Returns as for `train`.
    """
    return train(net, X, y, eta, epochs, batch_size=batch_size, **kwargs)


def _check_eta(eta) -> None:
    if isinstance(eta, bool) or not (isinstance(eta, (int, float, np.floating, np.integer)) and eta > 0):
        raise ValueError(f"eta (the learning rate η) must be a number > 0, got {eta!r}")
    if not math.isfinite(eta):
        raise ValueError(f"eta (the learning rate η) must be finite, got {eta!r}")


def _validation(net: Network, val) -> tuple[np.ndarray, np.ndarray]:
    if not (isinstance(val, (tuple, list)) and len(val) == 2):
        raise TypeError("val must be a pair (X_val, y_val) of validation inputs and targets")
    X_val = as_matrix(val[0], "validation inputs X_val", rows=net.sizes[0])
    return X_val, target(net, val[1], X_val.shape[1])


def predict(net: Network, X) -> np.ndarray:
    """Predicted class labels: argmax_i ŷ_i for k ≥ 2 outputs; a threshold for one output.

    With one output unit the class is 1 if ŷ ≥ ½ (0 otherwise), or, for the
    sign losses 'logistic' and 'hinge', +1 if ŷ ≥ 0 (−1 otherwise).

    Parameters
    ----------
    net : Network
    X : inputs, shape (n_0, N)

    Returns
    -------
    labels : int array, shape (N,)
    """
    y_hat = forward(net, X).y_hat
    if y_hat.shape[0] > 1:
        return np.argmax(y_hat, axis=0)
    if net.loss in ("logistic", "hinge"):
        return np.where(y_hat[0] >= 0, 1, -1)
    return (y_hat[0] >= 0.5).astype(np.intp)


def accuracy(net: Network, X, labels) -> float:
    """Fraction of examples whose predicted class equals the label: (1/N) Σ_i 1{pred_i = ℓ_i}.

    Parameters
    ----------
    net : Network
    X : inputs, shape (n_0, N)
    labels : int array, shape (N,): 0..k−1 (0/1 for one output; −1/+1 for the sign losses)

    Returns
    -------
    float in [0, 1]
    """
    pred = predict(net, X)
    k = net.sizes[-1]
    if net.loss in ("logistic", "hinge") and k == 1:
        labels = np.asarray(labels)
        if not np.all(np.isin(labels, (-1, 1))):
            raise ValueError("labels must be −1 or +1 for a network trained with a sign loss")
        labels = labels.astype(np.intp)
    else:
        labels = check_labels(labels, max(k, 2))
    if labels.shape != pred.shape:
        raise ValueError(f"labels must have shape ({pred.size},), one per column of X, got {labels.shape}")
    return float(np.mean(pred == labels))
