"""Nested derivatives: forward_diff of forward_diff, jvp of a decorated function, derivative."""

import inspect
import math
import random

import pytest

import checks
import corpus_scalar
import pushforward as pf
from checks import _is_interval


def _float_only(case):
    """Cases whose arguments are all float intervals, with a plain signature."""
    if not case.supported or not all(_is_interval(spec) for spec in case.domain):
        return False
    params = inspect.signature(case.func).parameters.values()
    return all(p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty for p in params)


# bisection_root's derivative program branches on comparisons at full precision (its first
# derivative is right by a final Newton step): finite differences of it are not meaningful.
CASES = [c for c in corpus_scalar.CASES if _float_only(c) and c.name != "bisection_root"]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_second_derivative_against_differences_of_the_first(case):
    rng = random.Random(5)
    args = case.sample(rng)
    i = case.active[0]
    first = pf.forward_diff(case.func, wrt=i)
    (value, d1), (d1_again, d2) = pf.forward_diff(first, wrt=i)(*args)
    assert value == case.func(*args)
    assert d1 == d1_again == first(*args)[1]
    unit = tuple(1.0 if j == i else None for j in range(len(args)))
    expected = checks.fd_jvp(lambda *a: first(*a)[1], args, unit)
    checks.assert_close_structured(d2, expected, rtol=1e-5,
                                   atol=1e-6 * (1 + checks.max_abs_leaf(expected)))


@pytest.mark.parametrize("x", [-1.3, 0.4, 2.2])
def test_third_derivative_closed_form(x):
    def f(t):
        return math.sin(t) * t

    assert pf.derivative(f, order=1)(x) == pytest.approx(math.sin(x) + x * math.cos(x), rel=1e-14)
    assert pf.derivative(f, order=2)(x) == pytest.approx(2 * math.cos(x) - x * math.sin(x),
                                                         rel=1e-13, abs=1e-14)
    assert pf.derivative(f, order=3)(x) == pytest.approx(-3 * math.sin(x) - x * math.cos(x),
                                                         rel=1e-12, abs=1e-13)


def test_exp_derivatives_of_all_orders_are_exp():
    def f(t):
        return math.exp(2.0 * t)

    for order in range(1, 5):
        assert pf.derivative(f, order=order)(0.3) == pytest.approx(2.0 ** order * math.exp(0.6),
                                                                    rel=1e-13)


def test_mixed_second_derivative_and_jvp_of_a_derivative():
    def g(x, y):
        return math.exp(x * y) / (1.0 + x)

    dgdy = pf.forward_diff(g, wrt="y")
    value, tangent = pf.jvp(dgdy, (0.3, 0.7), (1.0, None))  # d/dx of dg/dy
    expected = checks.fd_jvp(lambda x, y: dgdy(x, y)[1], (0.3, 0.7), (1.0, None))
    assert value == dgdy(0.3, 0.7)
    assert tangent[1] == pytest.approx(expected, rel=1e-8)
    assert pf.derivative(g, order=2, wrt="y")(0.3, 0.7) == pytest.approx(
        0.09 * math.exp(0.21) / 1.3, rel=1e-14)


def test_nested_source_is_readable():
    def f(t):
        return math.sin(t) * t

    text = pf.forward_diff(pf.forward_diff(f)).source
    assert "def f_jvp_jvp_t(t, dt, d_t):" in text  # the tangent of t is dt, its own tangent d_t


def test_nesting_a_function_with_defaults_is_refused_clearly():
    def h(x, scale=2.0):
        return scale * x * x

    with pytest.raises(pf.PushforwardError, match="nested derivatives"):
        pf.forward_diff(pf.forward_diff(h))


def test_order_must_be_positive():
    with pytest.raises(pf.PushforwardError, match="positive int"):
        pf.derivative(math.sin, order=0)
