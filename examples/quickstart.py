"""Differentiate an ordinary math-module function and look at the code pushforward wrote.

Run: python examples/quickstart.py
"""

import math

import pushforward as pf


def f(x1, x2):
    """The lecture example: f(x1, x2) = x1 x2 + exp(x1 x2)."""
    v = x1 * x2
    return v + math.exp(v)


if __name__ == "__main__":
    value, (d1, d2) = pf.forward_diff(f, wrt=("x1", "x2"))(1.0, 2.0)
    print("f(1, 2)        =", value)
    print("grad f(1, 2)   =", (d1, d2))
    print("(1 + e^2)(2, 1) =", ((1 + math.e**2) * 2, 1 + math.e**2))
    print()
    print("generated source of forward_diff(f):")
    print(pf.source(f))
