"""backprop — the library behind *Backpropagation, interactively*.

Conventions (every docstring repeats the shapes it needs):

* Column vectors, as in the lectures.  Layer k has n_k units; W[k] has shape
  (n_k, n_{k-1}) and b[k] has shape (n_k, 1).  A batch of B examples is stacked
  as columns, so x has shape (n_0, B) and a[k], h[k] have shape (n_k, B).
* Code index = lecture index.  h[0] is the input x; W[k], b[k], a[k], h[k] for
  k = 1..L.  Slot 0 of W, b, a (and of grad_W, grad_b, grad_a) holds None.
* Names mirror the symbols: a, h, W, b, y_hat, g, g_prime, eta, grad_a, grad_h,
  grad_W, grad_b.
* float64 everywhere.  The loss of a batch is the mean over its B examples; the
  1/B enters once, in the output gradient grad_a[L], so the batch formulas are
  the lecture formulas verbatim: grad_W[k] = grad_a[k] @ h[k-1].T.
* Bad input raises ValueError (or TypeError) naming what was expected.

Modules: activations, losses, network, gradcheck, train, data, exercises (imported
with the package, so bp.train works after `import backprop as bp`), and the display
modules plots, widgets, explorers, trainer_widget (import them by name: `from backprop
import explorers`, as they pull in matplotlib, ipywidgets and anywidget).
"""

from backprop import activations, broken, data, exercises, gradcheck, losses, network, train
from backprop.activations import get_activation, sigmoid, softmax
from backprop.losses import get_loss, get_output, one_hot
from backprop.network import Network, backward, forward, init, loss_and_gradients

__all__ = [
    "Network",
    "activations",
    "broken",
    "data",
    "exercises",
    "gradcheck",
    "losses",
    "network",
    "train",
    "backward",
    "forward",
    "get_activation",
    "get_loss",
    "get_output",
    "init",
    "loss_and_gradients",
    "one_hot",
    "sigmoid",
    "softmax",
]
