"""Small data sets: 2-D toy classification sets, a 1-D regression set, the 8×8 digits.

Chapters 3 and 9 (training on a toy set and on the digits) and the widgets
that train a network live.  Everything is made with numpy from a seed (no
downloads); the digits ship inside scikit-learn.

Shapes follow the lib: inputs are columns, X of shape (n_0, N); class labels
are integers of shape (N,); regression targets are (1, N).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Split(NamedTuple):
    """A train/test split, columns as examples.

    X_train (n_0, N_train), y_train (N_train,) or (k, N_train); X_test, y_test likewise.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def _check_n(n, minimum: int = 2) -> int:
    if not (isinstance(n, (int, np.integer)) and n >= minimum):
        raise ValueError(f"n (the number of examples) must be an integer ≥ {minimum}, got {n!r}")
    return int(n)


def _check_noise(noise) -> float:
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number ≥ 0, got {noise!r}")
    return float(noise)


def _per_class(n: int, k: int) -> np.ndarray:
    # n examples split as evenly as possible over k classes.
    return np.full(k, n // k) + (np.arange(k) < n % k)


def moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two moons: class 0 on (cos t, sin t), class 1 on (1 − cos t, ½ − sin t), t ∈ [0, π].

    Parameters
    ----------
    n : number of examples (split evenly over the two classes)
    noise : standard deviation of Gaussian noise added to each coordinate
    seed : seed of np.random.default_rng

    Returns
    -------
    (X, labels) : X of shape (2, n), labels of shape (n,) in {0, 1}
    """
    n, noise = _check_n(n), _check_noise(noise)
    rng = np.random.default_rng(seed)
    n0, n1 = _per_class(n, 2)
    t0, t1 = rng.uniform(0, np.pi, n0), rng.uniform(0, np.pi, n1)
    X = np.hstack([[np.cos(t0), np.sin(t0)], [1 - np.cos(t1), 0.5 - np.sin(t1)]])
    labels = np.repeat([0, 1], [n0, n1])
    return _shuffle(X + noise * rng.normal(size=X.shape), labels, rng)


def circles(
    n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles: class 0 of radius 1, class 1 of radius `factor`.

    Parameters
    ----------
    n : number of examples; noise : Gaussian noise std; seed : rng seed
    factor : radius of the inner circle, in (0, 1)

    Returns
    -------
    (X, labels) : X of shape (2, n), labels of shape (n,) in {0, 1}
    """
    n, noise = _check_n(n), _check_noise(noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor (inner radius) must lie in (0, 1), got {factor!r}")
    rng = np.random.default_rng(seed)
    n0, n1 = _per_class(n, 2)
    t = rng.uniform(0, 2 * np.pi, n)
    r = np.repeat([1.0, factor], [n0, n1])
    X = r * np.vstack([np.cos(t), np.sin(t)])
    labels = np.repeat([0, 1], [n0, n1])
    return _shuffle(X + noise * rng.normal(size=X.shape), labels, rng)


def xor(n: int = 200, noise: float = 0.15, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """XOR blobs: Gaussian blobs at (±1, ±1); the label is 1 when the signs differ (x₁ x₂ < 0).

    Parameters
    ----------
    n : number of examples (split evenly over the four blobs)
    noise : standard deviation of each blob; seed : rng seed

    Returns
    -------
    (X, labels) : X of shape (2, n), labels of shape (n,) in {0, 1}
    """
    n, noise = _check_n(n, 4), _check_noise(noise)
    rng = np.random.default_rng(seed)
    centres = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=np.float64).T  # (2, 4)
    blob = np.repeat(np.arange(4), _per_class(n, 4))
    X = centres[:, blob] + noise * rng.normal(size=(2, n))
    labels = (blob >= 2).astype(np.intp)
    return _shuffle(X, labels, rng)


def spirals(n: int = 300, k: int = 3, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """k interleaved spiral arms (the CS231n toy set): arm c at radius r ∈ [0, 1], angle 4r + 2πc/k.

    Parameters
    ----------
    n : number of examples (split evenly over the arms)
    k : number of classes (arms), ≥ 2
    noise : standard deviation of the noise on the angle; seed : rng seed

    Returns
    -------
    (X, labels) : X of shape (2, n), labels of shape (n,) in 0..k−1
    """
    n, noise = _check_n(n), _check_noise(noise)
    if not (isinstance(k, (int, np.integer)) and 2 <= k <= n):
        raise ValueError(f"k (the number of spiral arms) must be an integer in 2..n, got {k!r}")
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(k), _per_class(n, k))
    r = np.concatenate([np.linspace(0.0, 1.0, m) for m in _per_class(n, k)])
    t = 4.0 * r + 2 * np.pi * labels / k + noise * rng.normal(size=n)
    X = r * np.vstack([np.sin(t), np.cos(t)])
    return _shuffle(X, labels.astype(np.intp), rng)


def sine(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """1-D regression: y = sin(x) + noise, x uniform on [−π, π], sorted for plotting.

    Parameters
    ----------
    n : number of examples; noise : std of the Gaussian noise on y; seed : rng seed

    Returns
    -------
    (X, Y) : X of shape (1, n), Y of shape (1, n)
    """
    n, noise = _check_n(n), _check_noise(noise)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-np.pi, np.pi, n))
    return x.reshape(1, -1), (np.sin(x) + noise * rng.normal(size=n)).reshape(1, -1)


def _shuffle(X: np.ndarray, labels: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(labels.size)
    return np.ascontiguousarray(X[:, order], dtype=np.float64), labels[order].astype(np.intp)


def digits(test_size: float = 0.25, seed: int = 0) -> Split:
    """The 8×8 handwritten digits shipped with scikit-learn, pixels scaled to [0, 1] (x / 16).

    1797 images, 10 classes; a fixed stratified train/test split (the same
    `seed` gives the same split).

    Parameters
    ----------
    test_size : fraction of the examples held out for testing, in (0, 1)
    seed : seed of the split

    Returns
    -------
    Split(X_train (64, N_train), y_train (N_train,), X_test (64, N_test), y_test (N_test,)),
    labels in 0..9
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}")
    data = load_digits()
    X = data.data.astype(np.float64) / 16.0  # pixel values are 0..16
    labels = data.target.astype(np.intp)
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, labels, test_size=test_size, random_state=seed, stratify=labels
    )
    return Split(np.ascontiguousarray(X_tr.T), y_tr, np.ascontiguousarray(X_te.T), y_te)
