"""Special functions that tangent rules need and the ``math`` module lacks.

Helpers here are plain Python on floats with no imports beyond ``math``: the CLI copies their
source into standalone dumped modules, which never import pushforward.
"""

import math


def digamma(x):
    """The digamma function psi(x) = d/dx log(gamma(x)), to about 1e-15 relative accuracy.

    Reflection below 1/2, the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the
    asymptotic series in 1/x**2 (Bernoulli numbers B2..B16).
    """
    if x <= 0.0 and x == math.floor(x):
        return math.nan  # poles at 0, -1, -2, ...
    if x < 0.5:
        return digamma(1.0 - x) - math.pi / math.tan(math.pi * x)
    acc = 0.0
    while x < 10.0:
        acc -= 1.0 / x
        x += 1.0
    inv2 = 1.0 / (x * x)
    series = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (
        1.0 / 240 - inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 - inv2 * (1.0 / 12)))))))
    return acc + math.log(x) - 0.5 / x - series


def zeros_like(x):
    """A zero tangent with the structure of ``x`` (floats, lists, tuples, dicts, arrays)."""
    if isinstance(x, (list, tuple)):
        return type(x)(zeros_like(v) for v in x)
    if isinstance(x, dict):
        return {k: zeros_like(v) for k, v in x.items()}
    if hasattr(x, "shape") and hasattr(x, "dtype") and x.shape != ():
        return __import__("numpy").zeros_like(x, dtype=float)
    return 0.0
