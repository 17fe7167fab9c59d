"""Functions whose generated source is pinned in tests/golden/ (read them as a user would)."""

import math


def product_exp(x, y):
    v = x * y
    return v + math.exp(v)


def loop_accumulate(x, n):
    total = 0.0
    for i in range(n):
        total = total + math.sin(i * x)
    return total


def branches(x):
    if x > 1.0:
        y = math.log(x)
    elif x > 0.0:
        y = x * x
    else:
        y = -x
    return y


def overwrite(x, y):
    x = x * y  # the tangent must read the old x
    x = math.exp(x)
    a, b = x, y
    a, b = b, a
    return a / b


def helper(u, scale=2.0):
    return scale * math.tanh(u)


def calls_helper(x):
    values = [helper(x), helper(x, scale=x)]
    return sum(v * v for v in values)


def while_newton(a):
    x = a
    while abs(x * x - a) > 1e-12:
        x = 0.5 * (x + a / x)
    return x


def normal_cdf(x, mu, sigma):
    return 0.5 * (1.0 + math.erf((x - mu) / (sigma * math.sqrt(2.0))))


def rosenbrock_term(a, b):
    t = b - a * a
    return 100.0 * t * t + (1.0 - a) ** 3


def log_barrier(x, k):
    return k * math.log(x - 1.0) + x * math.exp(x)
