"""Functions that call pushforward inside differentiated code (test_higher_order.py)."""

import math

import pushforward as pf


def confusion(x):
    """The classic perturbation-confusion test: d/dx [x * d/dy (x + y)] = 1 everywhere."""
    def inner(y):
        return x + y

    return x * pf.forward_diff(inner)(1.0)[1]


def mixed_partial(x):
    """d/dy (x y^2 + sin(x y)) at y = 2, a function of x."""
    def inner(y):
        return x * y * y + math.sin(x * y)

    return pf.derivative(inner)(2.0)


def second_through_closure(x):
    """d2/dy2 exp(x y) at y = 0.5, a function of x: x^2 exp(x / 2)."""
    def inner(y):
        return math.exp(x * y)

    return pf.derivative(inner, order=2)(0.5)


def jvp_of_closure(x):
    """The jvp of (y, z) -> x y z at (1.5, -0.5) along (1, 2), a function of x."""
    def inner(y, z):
        return x * y * z

    value, tangent = pf.jvp(inner, (1.5, -0.5), (1.0, 2.0))
    return value + tangent


@pf.forward_diff
def decorated(y):
    return y * math.sin(y)


def calls_decorated(x):
    """x * d/dx (x sin x), calling a function made by forward_diff."""
    return x * decorated(x)[1]


def derivative_at_a_moving_point(x):
    def inner(y):
        return x * y

    return pf.derivative(inner)(x)


def writes_into_argument(x, out):
    out[0] = x * x
    return out[0] + x


def inline_lambda_derivative(x):
    return x * pf.derivative(lambda y: x * y * y)(1.0)  # x * 2x


def inline_lambda_jvp(x):
    return pf.jvp(lambda y: x * y * y, (1.0,), (1.0,))[1]  # 2x


def hessian_of_a_closure(x):
    def h(a):
        return a * a * a * x

    return pf.derivative(h, order=2)(1.0) + pf.hessian(h)(1.0)  # refused: pf.hessian of h


def closure_with_two_wrt(x):
    def inner(a, b):
        return x * a * b

    v, (da, db) = pf.forward_diff(inner, wrt=(0, 1))(2.0, 3.0)  # refused
    return da * db
