"""Chapter 10 (the formal derivation): the checks that moved out of the chapter.

The slides' two algorithms (Echenim & Reignier) on other networks, and the explorer
`bce_explorer` against them at several slider positions — built with the chapter's calls.
"""

import backprop as bp
import numpy as np
import pytest
from backprop.explorers import explorer
from backprop.gradcheck import check_network, rel_error
from chapter_ns import slide

TOL, EXACT = 1e-7, 1e-12


def slides_backpropagation(Omega, zeta, grad_C, Phi_prime):
    """Algorithm 1 of the slides: B^1..B^L and [P^1]ᵀ..[P^L]ᵀ; Phi_prime[j] is layer j's Φ′."""
    L = len(Omega) - 1
    B, P_col = [None] * (L + 1), [None] * (L + 1)
    B[L] = Phi_prime[L](zeta[L]) * grad_C
    P_col[L] = Omega[L] @ B[L]
    for j in range(L - 1, 0, -1):
        B[j] = Phi_prime[j](zeta[j]) * P_col[j + 1]
        P_col[j] = Omega[j] @ B[j]
    return B, P_col


def slides_gradients(alpha, B):
    """Gradient(Ω^j) = α^{j−1} [B^j]ᵀ, Gradient(β^j) = B^j."""
    L = len(B) - 1
    return [None] + [alpha[j - 1] @ B[j].T for j in range(1, L + 1)], [None] + B[1:]


@pytest.mark.parametrize(
    ("sizes", "g", "output", "loss_name", "target"),
    [
        ((2, 5, 3), "tanh", "sigmoid", "binary_cross_entropy", np.array([[1.0], [0.0], [1.0]])),
        ((4, 3, 6, 2, 3), "sigmoid", "sigmoid", "mse", np.array([[0.3], [0.8], [0.5]])),
        ((3, 5, 2), "tanh", "identity", "squared_error", np.array([[1.5], [-0.5]])),
    ],
)
def test_slides_algorithms_on_other_networks(sizes, g, output, loss_name, target):
    other = bp.init(sizes, g=g, output=output, loss=loss_name, seed=3)
    x_o = np.random.default_rng(3).normal(size=(sizes[0], 1))
    f_o = bp.forward(other, x_o)
    lib_o = bp.backward(other, f_o, target)
    Om_o = [None] + [W.T for W in other.W[1:]]
    # Φ′ per layer: g′ for the hidden layers, the output function's derivative for layer L.
    Phi_prime_o = (
        [None] + [bp.get_activation(g).g_prime] * (other.L - 1) + [bp.get_activation(output).g_prime]
    )
    grad_C = bp.get_loss(loss_name).grad(f_o.y_hat, target)  # ∇_{a^L} C (B = 1)
    B_o, _ = slides_backpropagation(Om_o, f_o.a, grad_C, Phi_prime_o)
    G_o, Gb_o = slides_gradients(f_o.h, B_o)
    for j in range(1, other.L + 1):
        assert rel_error(G_o[j], lib_o.grad_W[j].T) < EXACT
        assert rel_error(Gb_o[j], lib_o.grad_b[j]) < EXACT
    assert check_network(other, x_o, target, activations=False).passed(TOL)


def test_bce_explorer_is_the_slides_gradient_transposed():
    net = bp.init((3, 4, 4, 2), g="sigmoid", output="sigmoid", loss="mse", seed=11)
    rng = np.random.default_rng(11)
    x = rng.normal(size=(3, 1))
    rho = np.array([[0.9], [0.2]])
    L = net.L
    bce_explorer = explorer(
        sizes=net.sizes, g="sigmoid", output="sigmoid", loss="binary_cross_entropy", seed=11,
        x=x.ravel().tolist(), y=rho.ravel().tolist(),
        selected=[2, 1, 2],  # W₂,₂₃ = net.W[2][1, 2] = Ω²_{3,2}
        components=("network", "heatmap", "check"),
        title="∇W₂ = ∇a₂ h₁ᵀ = (Gradient(Ω²))ᵀ: row k is ∇ of neuron k's weights ω²ₖ",
    )  # fmt: skip
    assert all(np.array_equal(bce_explorer.net.W[j], net.W[j]) for j in range(1, L + 1))
    Phi_prime = [None] + [bp.get_activation("sigmoid").g_prime] * L
    W_start = bce_explorer.W
    for w in (-2.0, 0.0, 1.0, 3.0):
        slide(bce_explorer, 2, 1, 2, w)  # what the slider does: the explorer's W₂,₂₃ = Ω²_{3,2}
        r = bce_explorer.readouts()
        ex_net, ex_fwd = bce_explorer.net, bce_explorer.fwd
        assert ex_net.W[2][1, 2] == w
        Om_x = [None] + [W.T for W in ex_net.W[1:]]
        grad_C = bp.get_loss("binary_cross_entropy").grad(ex_fwd.y_hat, rho)
        B_x, _ = slides_backpropagation(Om_x, ex_fwd.a, grad_C, Phi_prime)
        G_x, _ = slides_gradients(ex_fwd.h, B_x)
        assert rel_error(B_x[L], ex_fwd.y_hat - rho) < EXACT  # B^L = α^L − ρ for this cost
        heat = np.array([[r[f"gW:2:{i}:{jj}"] for jj in range(4)] for i in range(4)])  # ∇W₂ as drawn
        strip = np.array([[r[f"ga:2:{i}"]] for i in range(4)])  # the column ∇a₂
        assert rel_error(heat, G_x[2].T) < EXACT  # the heatmap is Gradient(Ω²) transposed
        assert rel_error(strip, B_x[2]) < EXACT  # the strip is B²
        assert r["check.rel"] < TOL
    bce_explorer.W = W_start
