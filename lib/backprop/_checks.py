"""Input validation shared by the lib: clear errors instead of NaNs or numpy tracebacks."""

from __future__ import annotations

import numpy as np


def as_matrix(value, name: str, rows: int | None = None) -> np.ndarray:
    """Return `value` as a finite float64 matrix of shape (rows, B), B >= 1.

    A 1-D array of length `rows` is read as one column vector (B = 1).
    """
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from err
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        want = f"({rows}, B)" if rows is not None else "(n, B)"
        raise ValueError(f"{name} must have shape {want} (one column per example), got shape {arr.shape}")
    if rows is not None and arr.shape[0] != rows:
        raise ValueError(
            f"{name} must have shape ({rows}, B) (one column per example), got shape {arr.shape}"
        )
    if arr.shape[1] == 0:
        raise ValueError(f"{name} is an empty batch (shape {arr.shape}); need at least one column")
    check_finite(arr, name)
    return arr


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise ValueError if `arr` holds NaN or ±inf."""
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must hold finite values; found {bad} NaN/inf entries")


def check_name(name, table: dict, kind: str) -> str:
    """Raise ValueError unless `name` is a key of `table`."""
    if not isinstance(name, str) or name not in table:
        raise ValueError(f"unknown {kind} {name!r}; expected one of {sorted(table)}")
    return name
