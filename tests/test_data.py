"""data: toy sets and digits — shapes, labels, seeds, the fixed split."""

from __future__ import annotations

import numpy as np
import pytest
from backprop import data
from backprop.gradcheck import rel_error

TOY = [data.moons, data.circles, data.xor, data.spirals]


@pytest.mark.parametrize("make", TOY)
def test_toy_sets_shapes_labels_and_seed(make):
    X, labels = make(n=101, seed=3)
    assert X.shape == (2, 101) and X.dtype == np.float64 and np.all(np.isfinite(X))
    assert labels.shape == (101,) and np.issubdtype(labels.dtype, np.integer)
    counts = np.bincount(labels)
    assert counts.max() - counts.min() <= 1  # balanced classes
    X2, labels2 = make(n=101, seed=3)
    assert rel_error(X, X2) == 0.0 and np.array_equal(labels, labels2)
    assert rel_error(X, make(n=101, seed=4)[0]) > 1e-3


def test_noise_free_geometry():
    X, labels = data.circles(200, noise=0.0, factor=0.3, seed=0)
    r = np.linalg.norm(X, axis=0)
    assert np.max(np.abs(r[labels == 0] - 1.0)) < 1e-12 and np.max(np.abs(r[labels == 1] - 0.3)) < 1e-12
    X, labels = data.xor(40, noise=0.0, seed=0)
    assert np.array_equal(labels, (X[0] * X[1] < 0).astype(int))
    X, labels = data.spirals(90, k=3, noise=0.0, seed=0)
    assert np.bincount(labels).tolist() == [30, 30, 30] and np.max(np.linalg.norm(X, axis=0)) <= 1 + 1e-12


def test_sine_regression():
    X, Y = data.sine(50, noise=0.0, seed=0)
    assert X.shape == (1, 50) and Y.shape == (1, 50)
    assert np.all(np.diff(X[0]) >= 0) and np.max(np.abs(Y - np.sin(X))) < 1e-15


def test_digits_split():
    split = data.digits(test_size=0.25, seed=0)
    assert split.X_train.shape[0] == 64 and split.X_test.shape[0] == 64
    assert split.X_train.shape[1] + split.X_test.shape[1] == 1797
    assert split.X_train.shape[1] == split.y_train.size and split.X_test.shape[1] == split.y_test.size
    assert abs(split.X_test.shape[1] / 1797 - 0.25) < 0.01
    assert split.X_train.min() >= 0.0 and split.X_train.max() <= 1.0 and split.X_train.max() > 0.99
    assert set(np.unique(split.y_test)) == set(range(10))
    # stratified: each class is ~25 % test
    frac = np.bincount(split.y_test) / (np.bincount(split.y_test) + np.bincount(split.y_train))
    assert np.max(np.abs(frac - 0.25)) < 0.02
    again = data.digits(test_size=0.25, seed=0)
    assert np.array_equal(again.y_train, split.y_train) and rel_error(again.X_test, split.X_test) == 0.0


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="n \\(the number of examples\\) must be an integer ≥ 2"):
        data.moons(1)
    with pytest.raises(ValueError, match="noise must be a finite number ≥ 0"):
        data.circles(noise=-1.0)
    with pytest.raises(ValueError, match="factor .* must lie in \\(0, 1\\)"):
        data.circles(factor=1.5)
    with pytest.raises(ValueError, match="k \\(the number of spiral arms\\)"):
        data.spirals(k=1)
    with pytest.raises(ValueError, match="test_size must be a fraction in \\(0, 1\\)"):
        data.digits(test_size=1.5)
