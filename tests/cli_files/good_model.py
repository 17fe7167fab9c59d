"""A small model for the CLI tests: every function here is differentiable."""

import math
from math import exp

SCALE = 2.5
LOG = []


def rhs(t, y):
    return y * math.cos(t)


def loss(w, b, x=1.5):
    """Soft-plus loss with a log-gamma term and a callee."""
    z = w * x + b
    LOG.append(int(z))
    return SCALE * math.log1p(exp(-z)) + math.lgamma(w + 3.0) + rhs(w, b) + len([1, 2])


def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


class Spring:
    def __init__(self, k):
        self.k = k

    def force(self, x):
        return -self.k * x


SPRING = Spring(4.0)


def spring_energy(x):
    return -0.5 * SPRING.force(x) * x
