"""Chapter 2 (outputs and losses): the tooling checks that left the chapter.

The chapter's logit explorer is built here with the same call; its readouts (what the page
shows) must be the lib's softmax, one-hot target and cross-entropy, for several settings,
and shifting every logit must leave them unchanged.
"""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop.explorers import Explorer


def logit_explorer() -> Explorer:
    # The same call as the chapter's widget cell.
    return Explorer(
        sizes=[4, 4],
        pair="softmax+cross_entropy",
        W=[None, np.eye(4).tolist()],
        b=[None, [0.0] * 4],
        x=[1.0, 2.0, 0.5, -1.0],
        label=1,
        components=["bars"],
        title="softmax output ŷ, one-hot target e(ℓ) and the loss −log ŷ_ℓ",
    )


def shown_bars(ex: Explorer):
    r = ex.readouts()
    return (
        np.array([r[f"h:1:{m}"] for m in range(4)]),
        np.array([r[f"target:{m}"] for m in range(4)]),
        r["loss"],
    )


@pytest.mark.parametrize(
    ("logits", "label"),
    [([1.0, 2.0, 0.5, -1.0], 1), ([1.0, 2.0, 0.5, -1.0], 3), ([-2.0, 2.0, 2.0, 0.0], 0)],
)
def test_logit_explorer_shows_softmax_target_and_loss(logits, label):
    ex = logit_explorer()
    ex.x, ex.label = logits, label
    y_hat, target, loss = shown_bars(ex)
    column = np.array(logits).reshape(-1, 1)
    np.testing.assert_allclose(y_hat, bp.softmax(column).ravel(), rtol=1e-12)
    np.testing.assert_array_equal(target, bp.one_hot(np.array([label]), 4).ravel())
    assert loss == pytest.approx(-np.log(bp.softmax(column)[label, 0]), rel=1e-12)

    ex.x = [v - 1.5 for v in logits]  # shift every logit: same bars, same loss
    shifted_y_hat, _, shifted_loss = shown_bars(ex)
    np.testing.assert_allclose(shifted_y_hat, y_hat, rtol=1e-12)
    assert shifted_loss == pytest.approx(loss, rel=1e-12)


def test_logit_explorer_starts_at_the_lectures_example():
    ex = logit_explorer()
    y_hat, target, loss = shown_bars(ex)
    a_4 = np.array([[1.0], [2.0], [0.5], [-1.0]])
    np.testing.assert_allclose(y_hat, bp.softmax(a_4).ravel(), rtol=1e-12)
    np.testing.assert_array_equal(target, [0.0, 1.0, 0.0, 0.0])  # ℓ = 2 is label 1
    assert loss == pytest.approx(-np.log(bp.softmax(a_4)[1, 0]), rel=1e-12)
