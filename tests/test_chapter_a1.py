"""Appendix A1 (notation crosswalk): the explorer's heatmap against the row layouts.

This check used to be a cell of the appendix; it tests the explorer's readouts, so it runs
here on the same explorer call as the appendix.
"""

import backprop as bp
import numpy as np
from backprop.explorers import explorer
from backprop.gradcheck import numerical_gradient, rel_error

TOL = 1e-7


def test_transposed_heatmap_is_the_row_layout_gradient():
    layouts = explorer(
        sizes=(3, 4, 2),
        seed=7,
        selected=[1, 2, 0],
        components=("heatmap", "check"),
        title="W₁ and ∇W₁ in our layout: transpose both for Ensimag, the BCE notes and d2l",
    )
    r = layouts.readouts()
    grad_W1 = np.array([[r[f"gW:1:{i}:{j}"] for j in range(3)] for i in range(4)])  # as shown
    lnet, lx, ly = layouts.net, layouts.x_column, layouts.target

    def L_rows(W1_rows):  # the loss as a function of W^(1) in the row layouts (n_0 × n_1)
        trial = lnet.replace(W=(None, W1_rows.T, lnet.W[2]))
        return bp.network.loss(trial, bp.forward(trial, lx), ly)

    numerical_rows = numerical_gradient(L_rows, lnet.W[1].T.copy())
    assert rel_error(grad_W1.T, numerical_rows) < TOL
    assert rel_error(grad_W1, bp.backward(lnet, bp.forward(lnet, lx), ly).grad_W[1]) < 1e-12
    assert r["check.rel"] < TOL
