"""Callees for corpus_scalar that live in another module.

Plain Python on floats: pushforward must find and transform these through the caller's
globals (``corpus_helpers.cubic(x)``) and through ``from corpus_helpers import ...``.
"""

import math

HELPER_GAIN = 1.5


def cubic(x):
    return x * x * x - 2.0 * x + HELPER_GAIN


def norm2(x, y):
    return math.sqrt(x * x + y * y)


def scaled_sin(x, scale=2.0, shift=0.0):
    return scale * math.sin(x + shift)


def poly_kwonly(x, *, degree, coef=1.0):
    total = 0.0
    for k in range(degree + 1):
        total += coef * x ** k
    return total


def weighted_sum(values, weights):
    total = 0.0
    for v, w in zip(values, weights):
        total += v * w
    return total


def accumulate_arrays_privately(x, rows):
    """s starts as a float and becomes an array; nothing else holds it."""
    s = 0.0
    for r in rows:
        s += r * x
    return s * s


def accumulate_and_keep_history(x, rows):
    """s is an array updated in place while a list holds it: the list sees every update."""
    s = x * 0.0
    history = []
    for r in rows:
        s += r * x
        history.append(s)
    return history[0] + history[-1]
