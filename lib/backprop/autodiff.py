"""Reverse-mode automatic differentiation on numpy arrays: a graph of operations, swept backwards.

Chapter 13.  A `Node` holds one value of a computation (an array of any shape), the nodes it
was computed from (its parents) and, for each parent, a vector–Jacobian product (VJP): the
function that turns the upstream gradient ḡ = ∂ℓ/∂(this value) into this node's share of
∂ℓ/∂(parent).  Building an expression records the graph; `backward(loss)` visits the nodes in
reverse topological order, so that every node's ḡ is complete (the sum of what all its children
sent) before it passes ḡ on.  That sweep is the backward pass of chapters 5–7; `network_graph`
builds the network of the lib (`backprop.network`) as such a graph.

Shapes are numpy's.  A VJP returns an array of its parent's shape: for c = a + b with b
broadcast (a bias b_k of shape (n_k, 1) added to (n_k, B)), the gradient of b is ḡ summed
over the broadcast axis.  float64 throughout; the loss is a scalar node (shape ()).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from backprop import activations
from backprop.activations import get_activation, sigmoid
from backprop.losses import LOSSES, OUTPUTS

VJP = Callable[[np.ndarray], np.ndarray]


class Node:
    """One value of the graph, its parents and the VJP that sends ḡ to each parent.

    value : np.ndarray, float64, any shape (() for a scalar)
    parents : tuple of Node
    vjps : tuple of functions, one per parent; vjps[i](ḡ) with ḡ = ∂ℓ/∂value (shape of value)
           returns this node's share of ∂ℓ/∂parents[i] (shape of parents[i].value)
    op : the operation that made it ('leaf' for an input or parameter, 'matmul', 'add', ...)
    label : a name for display, e.g. 'W_1'

    Operators build nodes: A @ B, a + b, a - b, a * b, -a (numbers and arrays become leaves).
    """

    __slots__ = ("value", "parents", "vjps", "op", "label")
    __array_ufunc__ = None  # array * node: numpy defers to Node.__rmul__, giving a Node

    def __init__(self, value, parents=(), vjps=(), op="leaf", label=""):
        self.value = _as_values(value, label or op)
        self.parents, self.vjps, self.op, self.label = tuple(parents), tuple(vjps), op, label

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    def __repr__(self) -> str:
        name = f" {self.label!r}" if self.label else ""
        return f"Node({self.op}{name}, shape={self.shape})"

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    def __add__(self, other):
        return add(self, other)

    def __radd__(self, other):
        return add(other, self)

    def __sub__(self, other):
        return sub(self, other)

    def __rsub__(self, other):
        return sub(other, self)

    def __mul__(self, other):
        return mul(self, other)

    def __rmul__(self, other):
        return mul(other, self)

    def __neg__(self):
        return mul(self, -1.0)


def _as_values(value, name: str) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be an array of numbers, got {type(value).__name__}") from err
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite values, got {arr.size - np.isfinite(arr).sum()} NaN/inf")
    return arr


def leaf(value, label: str = "") -> Node:
    """An input or a parameter: a node without parents (its gradient is what backward finds)."""
    return Node(value, label=label)


def _node(x) -> Node:
    return x if isinstance(x, Node) else Node(x, op="constant", label="const")


# ------------------------------------------------------------------ operations and their VJPs


def matmul(A, B) -> Node:
    """C = A B, shapes (p, q) @ (q, r) → (p, r); VJPs ḡ Bᵀ (p, q) and Aᵀ ḡ (q, r)."""
    A, B = _node(A), _node(B)
    if A.value.ndim != 2 or B.value.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError(f"matmul needs shapes (p, q) and (q, r), got {A.shape} and {B.shape}")
    return Node(A.value @ B.value, (A, B), (lambda g: g @ B.value.T, lambda g: A.value.T @ g), "matmul")


def _broadcast_shape(x: Node, y: Node, op: str) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise ValueError(
            f"{op} needs shapes that broadcast (equal, or 1 along an axis), got {x.shape} and {y.shape}"
        ) from None


def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The gradient of a broadcast operand: ḡ summed over the axes broadcasting stretched.

    g : ḡ, shape of the result (e.g. (n, B)); shape : the operand's (e.g. (n, 1)) → that shape.
    """
    g = g.sum(axis=tuple(range(g.ndim - len(shape))))  # leading axes the operand lacked
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=stretched, keepdims=True) if stretched else g


def add(x, y) -> Node:
    """z = x + y with broadcasting; VJPs: ḡ, summed back to each operand's shape."""
    x, y = _node(x), _node(y)
    _broadcast_shape(x, y, "add")
    return Node(
        x.value + y.value,
        (x, y),
        (lambda g: unbroadcast(g, x.shape), lambda g: unbroadcast(g, y.shape)),
        "add",
    )


def sub(x, y) -> Node:
    """z = x − y with broadcasting; VJPs ḡ and −ḡ, summed back to each operand's shape."""
    x, y = _node(x), _node(y)
    _broadcast_shape(x, y, "sub")
    return Node(
        x.value - y.value,
        (x, y),
        (lambda g: unbroadcast(g, x.shape), lambda g: unbroadcast(-g, y.shape)),
        "sub",
    )


def mul(x, y) -> Node:
    """z = x ⊙ y (elementwise, broadcasting); VJPs ḡ ⊙ y and ḡ ⊙ x, summed back to each shape."""
    x, y = _node(x), _node(y)
    _broadcast_shape(x, y, "mul")
    return Node(
        x.value * y.value,
        (x, y),
        (lambda g: unbroadcast(g * y.value, x.shape), lambda g: unbroadcast(g * x.value, y.shape)),
        "mul",
    )


def _elementwise(op: str, x, f, f_prime) -> Node:
    # z = f(x) entry by entry; its Jacobian is diag(f′(x)), so the VJP is ḡ ⊙ f′(x).
    x = _node(x)
    return Node(f(x.value), (x,), (lambda g: g * f_prime(x.value),), op)


def activation(name: str, x) -> Node:
    """h = g(a) for the lib's activations 'sigmoid', 'tanh', 'relu', 'identity'; VJP ḡ ⊙ g′(a)."""
    act = get_activation(name)
    return _elementwise(name, x, act.g, act.g_prime)


def sigmoid_node(x) -> Node:
    """σ(x) elementwise; VJP ḡ ⊙ σ(x)(1 − σ(x))."""
    return activation("sigmoid", x)


def tanh(x) -> Node:
    """tanh(x) elementwise; VJP ḡ ⊙ (1 − tanh² x)."""
    return activation("tanh", x)


def relu(x) -> Node:
    """max(0, x) elementwise; VJP ḡ ⊙ 1{x > 0} (0 at the kink, as PyTorch)."""
    return activation("relu", x)


def exp(x) -> Node:
    """eˣ elementwise; VJP ḡ ⊙ eˣ."""
    return _elementwise("exp", x, np.exp, np.exp)


def log(x) -> Node:
    """log x elementwise, for x > 0; VJP ḡ / x."""
    x = _node(x)
    if np.any(x.value <= 0):
        raise ValueError(f"log needs positive entries, got min {x.value.min()} (of shape {x.shape})")
    return _elementwise("log", x, np.log, np.reciprocal)


def square(x) -> Node:
    """x² elementwise; VJP ḡ ⊙ 2x."""
    return _elementwise("square", x, np.square, lambda v: 2.0 * v)


def abs_(x) -> Node:
    """|x| elementwise; VJP ḡ ⊙ sign(x) (0 at the kink)."""
    return _elementwise("abs", x, np.abs, np.sign)


def softplus(x) -> Node:
    """log(1 + eˣ) elementwise, stable; VJP ḡ ⊙ σ(x)."""
    return _elementwise("softplus", x, lambda v: np.logaddexp(0.0, v), sigmoid)


def huber(r, delta: float = 1.0) -> Node:
    """½ r² where |r| ≤ δ, else δ(|r| − δ/2), elementwise; VJP ḡ ⊙ clip(r, −δ, δ)."""
    if not (np.isfinite(delta) and delta > 0):
        raise ValueError(f"Huber's delta must be a finite number > 0, got {delta!r}")

    def f(v):
        return np.where(np.abs(v) <= delta, 0.5 * v * v, delta * (np.abs(v) - 0.5 * delta))

    return _elementwise("huber", r, f, lambda v: np.clip(v, -delta, delta))


def softmax(a) -> Node:
    """ŷ = softmax(a) down each column, (k, B) → (k, B); VJP ŷ ⊙ (ḡ − Σ_i ŷ_i ḡ_i) per column.

    That is J_Oᵀ ḡ with J_O = diag(ŷ) − ŷŷᵀ (chapter 5), without forming the k × k Jacobian.
    """
    a = _node(a)
    if a.value.ndim != 2:
        raise ValueError(f"softmax needs a (k, B) array of logits, got shape {a.shape}")
    y_hat = activations.softmax(a.value)
    return Node(y_hat, (a,), (lambda g: y_hat * (g - (y_hat * g).sum(axis=0, keepdims=True)),), "softmax")


def sum_(x) -> Node:
    """s = Σ of all entries, any shape → (); VJP: ḡ copied to every entry."""
    x = _node(x)
    return Node(x.value.sum(), (x,), (lambda g: np.full(x.shape, g),), "sum")


def mean(x) -> Node:
    """m = (1/N) Σ of all N entries, any shape → (); VJP ḡ/N in every entry."""
    x = _node(x)
    return Node(x.value.mean(), (x,), (lambda g: np.full(x.shape, g / x.value.size),), "mean")


def softmax_cross_entropy(a, Y) -> Node:
    """ℓ = (1/B) Σ_b −Σ_i Y_ib log softmax(a)_ib, (k, B) → (); VJP ḡ (softmax(a) − Y)/B.

    The matched pair of chapter 5 as one node: the k × k Jacobian of the softmax and the
    division by ŷ_ℓ cancel, leaving −(e(ℓ) − ŷ) per example.  Y is a constant target of
    shape (k, B) (columns of probabilities, e.g. one-hot e(ℓ)).
    """
    a = _node(a)
    Y = _as_values(Y, "target Y")
    if a.value.ndim != 2 or Y.shape != a.shape:
        raise ValueError(
            f"softmax_cross_entropy needs logits and target of one shape (k, B), got {a.shape}, {Y.shape}"
        )
    z = a.value - a.value.max(axis=0, keepdims=True)
    log_y_hat = z - np.log(np.exp(z).sum(axis=0, keepdims=True))  # log-sum-exp
    B = a.shape[1]
    value = -(Y * log_y_hat).sum() / B
    return Node(value, (a,), (lambda g: g * (np.exp(log_y_hat) - Y) / B,), "softmax_cross_entropy")


# ------------------------------------------------------------------ the backward sweep


def topological_order(root: Node) -> list[Node]:
    """Every node `root` depends on, each after all of its parents (root last).

    Depth-first, parents in order; a node reached twice (a weight used twice) is listed once.
    """
    order, seen, stack = [], set(), [(root, False)]
    while stack:  # iterative, so deep graphs do not hit Python's recursion limit
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(node.parents) if id(p) not in seen)
    return order


class Step(NamedTuple):
    """One node of the backward sweep: its complete ḡ and what it sent to each parent.

    node : Node
    grad : ḡ = ∂ℓ/∂node.value, shape of node.value
    sent : tuple, sent[i] = node.vjps[i](grad), shape of node.parents[i].value
    """

    node: Node
    grad: np.ndarray
    sent: tuple


class Sweep(NamedTuple):
    """The result of `backward`: gradients by node, and the steps in the order they ran."""

    grads: dict  # id(node) → ∂ℓ/∂node.value
    steps: list

    def grad(self, node: Node) -> np.ndarray:
        """∂ℓ/∂node.value (shape of node.value); zeros if ℓ does not depend on node."""
        return self.grads.get(id(node), np.zeros(node.shape))


def backward(root: Node) -> Sweep:
    """Reverse mode: ḡ_root = 1, then for each node in reverse topological order, every parent
    receives vjp(ḡ) and adds it to what it has, ḡ_parent = Σ over its children of their VJPs.

    Parameters
    ----------
    root : a scalar Node (shape (), or one entry), the loss ℓ

    Returns
    -------
    Sweep(grads, steps): grads[id(node)] = ∂ℓ/∂node.value for every node ℓ depends on.
    """
    if not isinstance(root, Node):
        raise ValueError(f"backward starts from a Node (the loss), got {type(root).__name__}")
    if root.value.size != 1:
        raise ValueError(f"backward starts from a scalar loss, got a node of shape {root.shape}")
    grads = {id(root): np.ones_like(root.value)}  # ∂ℓ/∂ℓ = 1
    steps = []
    for node in reversed(topological_order(root)):
        g = grads[id(node)]  # complete: every child of node came earlier in this loop
        sent = tuple(vjp(g) for vjp in node.vjps)
        for parent, share in zip(node.parents, sent, strict=True):
            grads[id(parent)] = grads[id(parent)] + share if id(parent) in grads else share
        steps.append(Step(node, g, sent))
    return Sweep(grads, steps)


# ------------------------------------------------------------------ the lib's network as a graph


class NetworkGraph(NamedTuple):
    """The nodes of `network_graph`, indexed as the lib: slot 0 of W, b, a is None.

    loss : scalar Node ℓ
    W, b : [None, W_1..W_L], [None, b_1..b_L] leaves, shapes (n_k, n_{k−1}) and (n_k, 1)
    a, h : [None, a_1..a_L], [x, h_1..h_L] nodes, shapes (n_k, B); h[L] = ŷ
    """

    loss: Node
    W: list
    b: list
    a: list
    h: list


def output_node(output: str, a_L: Node) -> Node:
    """ŷ = O(a_L) for the lib's outputs 'softmax', 'sigmoid', 'identity'; (k, B) → (k, B)."""
    if output not in OUTPUTS:
        raise ValueError(f"unknown output function {output!r}; expected one of {sorted(OUTPUTS)}")
    return {"softmax": softmax, "sigmoid": sigmoid_node, "identity": lambda a: activation("identity", a)}[
        output
    ](a_L)


def loss_node(output: str, loss: str, a_L: Node, y_hat: Node, Y, delta: float = 1.0) -> Node:
    """The batch loss ℓ = (1/B) Σ_b Σ_i ℓ(ŷ_ib, Y_ib) as a graph, for the lib's losses.

    softmax + cross-entropy is the fused node; sigmoid + binary cross-entropy is written from
    the logits, Y softplus(−a) + (1 − Y) softplus(a), as the lib's loss is; the others from ŷ.
    a_L, y_hat : Nodes of shape (k, B); Y : target array (k, B).
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; expected one of {sorted(LOSSES)}")
    Y = _as_values(Y, "target Y")
    if Y.shape != y_hat.shape:
        raise ValueError(f"target Y must have the shape of ŷ, {y_hat.shape}, got {Y.shape}")
    if (output, loss) == ("softmax", "cross_entropy"):
        return softmax_cross_entropy(a_L, Y)
    if (output, loss) == ("sigmoid", "binary_cross_entropy"):
        per = Y * softplus(-a_L) + (1.0 - Y) * softplus(a_L)
    elif loss == "cross_entropy":
        per = -(Y * log(y_hat))
    elif loss == "binary_cross_entropy":
        per = -(Y * log(y_hat) + (1.0 - Y) * log(1.0 - y_hat))
    elif loss == "squared_error":
        per = square(y_hat - Y)
    elif loss == "mse":
        per = 0.5 * square(Y - y_hat)
    elif loss == "l1":
        per = abs_(Y - y_hat)
    elif loss == "huber":
        per = huber(y_hat - Y, delta)
    elif loss == "logistic":
        per = softplus(-(Y * y_hat))
    else:  # hinge
        per = relu(1.0 - Y * y_hat)
    return sum_(per) * (1.0 / Y.shape[1])


def network_graph(net, x, Y) -> NetworkGraph:
    """The lib's network (backprop.network.Network) as a graph: a_k = W_k h_{k−1} + b_k,
    h_k = g(a_k), ŷ = O(a_L), ℓ — chapter 1's forward pass, recorded.

    Parameters
    ----------
    net : backprop.Network
    x : input, shape (n_0, B)
    Y : target as a (k, B) array (bp.network.target(net, y) turns labels into one-hot columns)

    Returns
    -------
    NetworkGraph(loss, W, b, a, h)
    """
    x = _as_values(x, "input x")
    if x.ndim != 2 or x.shape[0] != net.sizes[0]:
        raise ValueError(f"input x must have shape ({net.sizes[0]}, B), got {x.shape}")
    L = net.L
    W = [None] + [leaf(net.W[k], f"W_{k}") for k in range(1, L + 1)]
    b = [None] + [leaf(net.b[k], f"b_{k}") for k in range(1, L + 1)]
    a, h = [None], [leaf(x, "x")]
    for k in range(1, L + 1):
        Wh = W[k] @ h[k - 1]
        Wh.label = f"W_{k} h_{k - 1}"
        a.append(Wh + b[k])
        h.append(activation(net.g, a[k]) if k < L else output_node(net.output, a[k]))
        a[k].label, h[k].label = f"a_{k}", f"h_{k}" if k < L else "y_hat"
    loss = loss_node(net.output, net.loss, a[L], h[L], Y, net.delta)
    loss.label = "loss"
    return NetworkGraph(loss, W, b, a, h)
