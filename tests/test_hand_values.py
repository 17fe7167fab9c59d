"""Hand-computed derivatives, independent of the finite-difference checker.

These stay meaningful even if checks.py were to start passing everything.
"""

import math
import re

import numpy as np
import pytest

import corpus_scalar
import pushforward as pf

SIDE_LOG = []


def product_plus_exp(x1, x2):
    return x1 * x2 + math.exp(x1 * x2)


def sin_times_x(x):
    return math.sin(x) * x


def cube(x):
    return x ** 3


def logged_square(x):
    SIDE_LOG.append(x)
    return x * x


def power_by_counter(x, n):
    count = 0
    y = 1.0
    while count < n:
        y = y * x
        count += 1
    return y


def counter_first(n, x):
    total = 0.0
    for count in range(n):
        total += x * count
    return total


def test_gradient_of_product_plus_exp():
    value, grad = pf.forward_diff(product_plus_exp, wrt=(0, 1))(1.0, 2.0)
    assert value == 2.0 + math.exp(2.0)
    assert isinstance(grad, tuple) and len(grad) == 2
    factor = 1.0 + math.e ** 2
    assert grad[0] == pytest.approx(factor * 2.0, rel=1e-14)
    assert grad[1] == pytest.approx(factor * 1.0, rel=1e-14)


def test_gradient_by_names_and_jvp():
    _, grad = pf.forward_diff(product_plus_exp, wrt=("x1", "x2"))(1.0, 2.0)
    factor = 1.0 + math.e ** 2
    assert grad == pytest.approx((2.0 * factor, factor), rel=1e-14)
    value, tangent = pf.jvp(product_plus_exp, (1.0, 2.0), (1.0, 0.0))
    assert tangent == pytest.approx(2.0 * factor, rel=1e-14)
    value, tangent = pf.jvp(product_plus_exp, (1.0, 2.0), (None, 1.0))
    assert tangent == pytest.approx(factor, rel=1e-14)


def test_sin_times_x_at_pi():
    value, d = pf.forward_diff(sin_times_x)(math.pi)
    assert value == math.sin(math.pi) * math.pi
    # d/dx = sin x + x cos x = -pi at pi (sin(pi) ~ 1.2e-16 in floating point).
    assert d == pytest.approx(-math.pi, abs=1e-12)


def test_cube_at_two():
    value, d = pf.forward_diff(cube)(2.0)
    assert value == 8.0
    assert d == pytest.approx(12.0, rel=1e-15)


def test_exponent_zero_at_zero():
    # sum(c_k x ** k) with COEFFS = (1, -2, 0.5, 3): at 0 the value is c_0, the derivatives
    # k! c_k; x ** 0 is the constant 1 (its tangent was 0 * 0.0 ** -1, a ZeroDivisionError)
    assert pf.forward_diff(corpus_scalar.power_series)(0.0) == (1.0, -2.0)
    assert pf.derivative(corpus_scalar.power_series, order=2)(0.0) == pytest.approx(1.0)
    assert pf.derivative(corpus_scalar.power_series, order=3)(0.0) == pytest.approx(18.0)
    assert pf.forward_diff(corpus_scalar.power_in_place)(0.0, 0) == (1.0, 1.0)
    assert pf.forward_diff(corpus_scalar.power_in_place)(0.0, 1) == (0.0, 2.0)
    x = np.array([0.0, 1.0])
    value, tangent = pf.jvp(array_power_series, (x,), (np.ones(2),))
    assert tangent.tolist() == [-2.0, -2.0 + 1.0 + 9.0]


def array_power_series(x):
    total = np.zeros_like(x)
    for k in range(len(corpus_scalar.COEFFS)):
        total = total + corpus_scalar.COEFFS[k] * x ** k
    return total


def doubles_first_and_appends(xs):
    xs[0] = xs[0] * 2.0
    xs.append(xs[1] * xs[0])
    return sum(xs)


def test_gradient_of_a_function_that_appends_to_its_argument():
    # [a, b] -> 2a + b + 2ab: the gradient (2 + 2b, 1 + 2a) has the argument's length as given,
    # not as the function left it
    assert pf.forward_diff(doubles_first_and_appends)([1.0, 2.0]) == (8.0, [6.0, 3.0])
    assert pf.jvp(doubles_first_and_appends, ([1.0, 2.0],), ([0.0, 1.0],)) == (8.0, 3.0)


def test_side_effect_happens_once_per_call():
    g = pf.forward_diff(logged_square)
    start = len(SIDE_LOG)
    for k, x in enumerate([0.5, 1.5, -2.0]):
        value, d = g(x)
        assert len(SIDE_LOG) == start + k + 1
        assert SIDE_LOG[-1] == x
        assert value == x * x and d == pytest.approx(2.0 * x)
    pf.jvp(logged_square, (3.0,), (1.0,))
    assert len(SIDE_LOG) == start + 4


def test_corpus_side_effect_happens_once_per_call():
    log = corpus_scalar.CALL_LOG
    g = pf.forward_diff(corpus_scalar.side_effect_append)
    before = len(log)
    g(0.3)
    assert len(log) == before + 1
    g(0.4)
    assert len(log) == before + 2


def test_int_counter_has_no_derivative():
    value, d = pf.forward_diff(power_by_counter)(2.0, 3)
    assert value == 8.0
    assert not isinstance(d, (tuple, list, dict)), f"expected one derivative (for x), got {d!r}"
    assert d == pytest.approx(12.0, rel=1e-15)
    value, d = pf.forward_diff(power_by_counter, wrt="x")(2.0, 3)
    assert not isinstance(d, (tuple, list, dict)) and d == pytest.approx(12.0)
    value, t = pf.jvp(power_by_counter, (2.0, 3), (1.0, None))
    assert value == 8.0 and t == pytest.approx(12.0)


def test_int_counter_as_first_argument():
    # wrt names the float; the int counter in front of it gets no derivative.
    value, d = pf.forward_diff(counter_first, wrt="x")(4, 1.5)
    assert value == counter_first(4, 1.5)
    assert not isinstance(d, (tuple, list, dict)) and d == pytest.approx(6.0)


def test_int_counter_gets_no_tangent_code():
    src = pf.source(power_by_counter, wrt="x")
    assert re.search(r"\bdy\b", src), src  # DESIGN: the tangent of y is dy
    assert not re.search(r"\bdcount\b", src), src
    assert not re.search(r"\bdn\b", src), src


def test_rosenbrock_gradient_by_hand():
    f = corpus_scalar.rosenbrock
    value, grad = pf.forward_diff(f)([0.0] * 10)
    assert value == 9.0
    assert isinstance(grad, list) and len(grad) == 10
    assert grad == pytest.approx([-2.0] * 9 + [0.0], abs=1e-14)
    value, grad = pf.forward_diff(f)([1.0] * 10)
    assert value == 0.0 and grad == pytest.approx([0.0] * 10, abs=1e-14)


def test_black_scholes_delta_is_n_d1():
    spot, strike, t, rate, vol = 100.0, 95.0, 1.0, 0.03, 0.2
    d1 = (math.log(spot / strike) + (rate + 0.5 * vol * vol) * t) / (vol * math.sqrt(t))
    delta = 0.5 * (1.0 + math.erf(d1 / math.sqrt(2.0)))
    _, d = pf.forward_diff(corpus_scalar.black_scholes_call, wrt="spot")(spot, strike, t, rate, vol)
    assert d == pytest.approx(delta, rel=1e-12)


def test_tuple_output_derivative_is_tuple():
    value, d = pf.forward_diff(corpus_scalar.tuple_output)(0.5, 2.0)
    assert isinstance(d, tuple) and len(d) == 3
    assert d == pytest.approx((2.0, 1.0, math.cos(0.5)), rel=1e-15)


def test_newton_sqrt_derivative():
    _, d = pf.forward_diff(corpus_scalar.newton_sqrt)(9.0)
    assert d == pytest.approx(1.0 / 6.0, rel=1e-12)


def _hypot_scaled(x, scale):
    return math.hypot(scale * x, scale * x) / scale


def _np_hypot_scaled(x, scale):
    return np.hypot(scale * x, scale * x) / scale


@pytest.mark.parametrize("scale", [1e-200, 1.0, 1e200])
@pytest.mark.parametrize("f", [_hypot_scaled, _np_hypot_scaled])
def test_hypot_of_tiny_and_huge_values(f, scale):
    """hypot(s x, s x) / s = sqrt(2) x for any scale s: its derivative sqrt(2) must not
    underflow to 0 (s = 1e-200: x * dx is 0) or overflow (s = 1e200)."""
    x = 0.6
    assert pf.forward_diff(f)(x, scale)[1] == pytest.approx(math.sqrt(2.0), rel=1e-15)
    c = pf.taylor(f, order=3)((x, scale), (1.0, None))
    assert [float(v) for v in c] == pytest.approx([math.sqrt(2.0) * x, math.sqrt(2.0), 0.0, 0.0],
                                                  rel=1e-15, abs=1e-15)
    assert pf.derivative(f, order=2)(x, scale) == pytest.approx(0.0, abs=1e-14)
