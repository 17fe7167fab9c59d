"""Array argument specs and kink distances for test rows over NumPy arrays.

Specs follow the ``checks.Case`` protocol: ``sample(rng)`` draws a value from ``rng``, the
case's seeded ``random.Random``, so a row's points are deterministic.  Nothing here imports
pushforward.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Array:
    """A float64 array of ``shape``, entries uniform in ``[lo, hi]``; the flat indices
    ``nan_at`` are set to NaN (missing data for ``fmax``/``fmin``)."""

    shape: tuple
    lo: float = -2.0
    hi: float = 2.0
    nan_at: tuple = ()

    def sample(self, rng):
        n = int(np.prod(self.shape))
        a = np.array([rng.uniform(self.lo, self.hi) for _ in range(n)]).reshape(self.shape)
        a.flat[list(self.nan_at)] = np.nan
        return a


@dataclass(frozen=True)
class WellConditioned:
    """An ``n`` x ``n`` matrix ``scale * I + spread * U``, U uniform in [-1, 1]: far from
    singular (for solve, inv, det); ``batch`` stacks several (shape ``batch + (n, n)``)."""

    n: int
    scale: float = 3.0
    spread: float = 0.1
    batch: tuple = ()

    def sample(self, rng):
        noise = Array(self.batch + (self.n, self.n), -1.0, 1.0).sample(rng)
        return self.scale * np.eye(self.n) + self.spread * noise


def is_array_spec(spec):
    return isinstance(spec, (Array, WellConditioned))


# ----------------------------------------------------------------------------- kink distances


def min_abs(*arrays):
    """Distance from every entry of ``arrays`` to 0."""
    return min(float(np.min(np.abs(a))) for a in arrays)


def min_gap(a, b):
    """Distance to a tie between ``a`` and ``b`` (elementwise, broadcast; NaN entries, which
    never tie, are ignored)."""
    return float(np.nanmin(np.abs(np.asarray(a) - np.asarray(b))))


def distinct(a):
    """Smallest distance between two entries of ``a`` (ties of sort, argmax, unique)."""
    s = np.sort(np.ravel(a))
    return float(np.min(np.diff(s))) if s.size > 1 else np.inf


def frac_dist(a):
    """Distance from the entries of ``a`` to the nearest integer."""
    a = np.asarray(a)
    return float(np.min(np.abs(a - np.round(a))))
