"""Taylor mode: ``pf.taylor(f, order=K)`` and the coefficients it returns.

The contract under test
    ``g = pf.taylor(f, order=K)`` is a function ``g(primals, directions)`` with the convention
    of ``pf.jvp``: ``primals`` is the tuple of all positional arguments, ``directions`` a tuple
    of the same length whose entry None holds that argument constant.  ``g`` returns the list
    ``[c0, c1, ..., cK]`` of the Taylor coefficients of ``t -> f(x + t v)`` at ``t = 0``:
    ``ck = (d^k/dt^k f(x + t v))|_{t=0} / k!``, so ``c0 = f(x)``, ``c1 = f'(x) v`` and
    ``c2 = f''(x)[v, v] / 2``.  Every coefficient has the structure of f's output (a float, an
    array, a tuple of them).  ``g.source`` is the generated Python source.

The references (none of them uses Taylor mode)
    1. *Exact power series.*  The helpers ``ps_*`` below do truncated power-series arithmetic
       on lists of ``fractions.Fraction``: sums, products, quotients, composition, integration,
       and the elementary series at 0 (exp, sin, cos, log1p, the binomial series, atan; tanh
       from the Bernoulli numbers).  The series of ``f(x0 + t)`` at a nonzero ``x0`` comes from
       an addition theorem or from the derivative (``atan' = 1/(1 + x^2)`` integrated, ...), so
       the only inexact numbers are the float constants ``exp(x0)``, ``sin(x0)``... taken as the
       exact rationals of the floats that ``math`` returns.  The ``test_reference_*`` tests
       check the helpers against identities (``exp(x) exp(-x) = 1``, tanh from the Bernoulli
       numbers equals ``sinh / cosh``, ...), every reference series against ``math`` by summing
       it at a small step (the constant term and low orders), and against the differential
       equation its function solves, exactly, to every order; they pass without Taylor mode.
    2. *Nested derivatives.*  ``pf.derivative(f, order=k)`` (forward_diff nested k times) gives
       ``k! ck`` for the one-argument functions of the scalar corpus, up to k = 4.
    3. *Finite differences* (``checks.fd_jvp``, Ridders' extrapolation) for NumPy functions:
       ``c1`` against the differenced function, ``2 c2`` against the differenced JVP (the JVP
       from ``pf.jvp``) and ``6 c3`` against a Richardson-extrapolated second difference of the
       JVP (``second_difference`` below, itself checked on a closed form).

Tolerances
    Series to order 20: ``|actual - expected| <= 1e-12 |expected| + 1e-14 * scale`` where
    ``scale`` is the largest reference coefficient among orders k-1, k, k+1, so an exactly zero
    coefficient (sin at 0, even orders) may carry the rounding of its neighbours but no more.
    The recurrences of Taylor arithmetic add O(k) roundings of terms of the coefficient's own
    size: a plain float implementation of the textbook recurrences (Griewank & Walther, ch. 13)
    stays below 2e-13 relative on every series here, so 1e-12 leaves room for other
    formulations but not for a wrong coefficient.  Against nested derivatives: 1e-8
    relative (both sides are exact up to rounding; the slack covers the growth of the
    derivatives of asin/tan near their poles).  Against finite differences: 1e-6 relative.

Not tested here: cost (benchmarks live in ``bench/``, never timed tests) and ``hypot``.
"""

import collections
import inspect
import math
import random
import zlib
from fractions import Fraction

import numpy as np
import pytest

import checks
import corpus_scalar
import pushforward as pf
from pushforward import recurrences

K = 20  # the order of the known-series tests


def taylor(f, primals, directions, order):
    """The coefficient list of ``t -> f(primals + t directions)``, by ``pf.taylor``."""
    return pf.taylor(f, order=order)(tuple(primals), tuple(directions))


# ============================================================================ exact power series
#
# A series is a list of n Fractions [a0, a1, ..., a_{n-1}] standing for sum a_k t^k + O(t^n).
# Every helper keeps the length of its inputs (integration adds one term, differentiation
# drops one).


def F(x, denominator=None):
    """The exact rational value of an int, float or Fraction (or of the ratio of two ints)."""
    return Fraction(x) if denominator is None else Fraction(x, denominator)


def ps_const(c, n):
    return [F(c)] + [Fraction(0)] * (n - 1)


def ps_line(x0, v, n):
    """``x0 + v t``."""
    return [F(x0), F(v)] + [Fraction(0)] * (n - 2)


def ps_add(a, b):
    return [p + q for p, q in zip(a, b, strict=True)]


def ps_sub(a, b):
    return [p - q for p, q in zip(a, b, strict=True)]


def ps_scale(a, c):
    c = F(c)
    return [c * p for p in a]


def ps_mul(a, b):
    n = len(a)
    assert len(b) == n
    return [sum(a[i] * b[k - i] for i in range(k + 1)) for k in range(n)]


def ps_div(a, b):
    """``a / b``; needs ``b[0] != 0``."""
    n = len(a)
    assert len(b) == n and b[0] != 0
    q = []
    for k in range(n):
        q.append((a[k] - sum(b[i] * q[k - i] for i in range(1, k + 1))) / b[0])
    return q


def ps_compose(outer, inner):
    """``outer(inner(t))`` for an ``outer`` given by its series at 0; needs ``inner[0] == 0``."""
    n = len(inner)
    assert len(outer) == n and inner[0] == 0
    result = ps_const(outer[n - 1], n)
    for k in range(n - 2, -1, -1):  # Horner in the series ring
        result = ps_mul(result, inner)
        result[0] += outer[k]
    return result


def ps_integrate(a, c0):
    """The antiderivative of ``a`` with constant term ``c0`` (one term longer than ``a``)."""
    return [F(c0)] + [a[k] / (k + 1) for k in range(len(a))]


def ps_derivative(a):
    """The derivative of ``a`` (one term shorter than ``a``)."""
    return [k * a[k] for k in range(1, len(a))]


def ps_pow_int(a, m):
    result = ps_const(1, len(a))
    for _ in range(m):
        result = ps_mul(result, a)
    return result


def ps_along(a, v):
    """The series of ``t -> f(x0 + v t)`` from that of ``t -> f(x0 + t)``: ``a_k v^k``."""
    v = F(v)
    return [c * v ** k for k, c in enumerate(a)]


def ps_evaluate(a, h):
    """``sum a_k h^k`` for an exact rational ``h``, as a Fraction."""
    total = Fraction(0)
    for c in reversed(a):
        total = total * h + c
    return total


# ---------------------------------------------------------------- elementary series at 0


def exp0(n):
    return [Fraction(1, math.factorial(k)) for k in range(n)]


def sin0(n):
    return [Fraction((-1) ** (k // 2), math.factorial(k)) if k % 2 else Fraction(0)
            for k in range(n)]


def cos0(n):
    return [Fraction(0) if k % 2 else Fraction((-1) ** (k // 2), math.factorial(k))
            for k in range(n)]


def sinh0(n):
    return [c if k % 2 else Fraction(0) for k, c in enumerate(exp0(n))]


def cosh0(n):
    return [Fraction(0) if k % 2 else c for k, c in enumerate(exp0(n))]


def log1p0(n):
    """``log(1 + t) = t - t^2/2 + t^3/3 - ...``"""
    return [Fraction(0)] + [Fraction((-1) ** (k + 1), k) for k in range(1, n)]


def geometric0(n):
    """``1 / (1 - t) = 1 + t + t^2 + ...``"""
    return [Fraction(1)] * n


def binomial0(alpha, n):
    """``(1 + t)^alpha = sum binom(alpha, k) t^k``, for any rational (or float) ``alpha``."""
    alpha = F(alpha)
    out = [Fraction(1)]
    for k in range(1, n):
        out.append(out[-1] * (alpha - (k - 1)) / k)
    return out


def atan0(n):
    """``atan t = t - t^3/3 + t^5/5 - ...``"""
    return [Fraction((-1) ** (k // 2), k) if k % 2 else Fraction(0) for k in range(n)]


def bernoulli_numbers(m):
    """``B_0 .. B_m`` (with ``B_1 = -1/2``) from ``sum_{j<=k} binom(k+1, j) B_j = 0``."""
    b = [Fraction(1)]
    for k in range(1, m + 1):
        b.append(-sum(math.comb(k + 1, j) * b[j] for j in range(k)) / (k + 1))
    return b


def tanh0_bernoulli(n):
    """``tanh t = sum_{j>=1} 2^{2j} (2^{2j} - 1) B_{2j} t^{2j-1} / (2j)!``"""
    b = bernoulli_numbers(n + 1)
    out = [Fraction(0)] * n
    for k in range(1, n, 2):
        j = (k + 1) // 2
        out[k] = Fraction(2 ** (2 * j) * (2 ** (2 * j) - 1)) * b[2 * j] / math.factorial(2 * j)
    return out


# ------------------------------------------------ reference series of f(x0 + t) at any x0
#
# Each ``ref_*(x0, n)`` returns the first n coefficients of ``t -> f(x0 + t)``.  Float
# constants (exp(x0), sin(x0), ...) are those math returns, taken exactly; the rest is exact.


def ref_exp(x0, n):
    return ps_scale(exp0(n), math.exp(x0))


def ref_expm1(x0, n):
    return [F(math.expm1(x0))] + ps_scale(exp0(n), math.exp(x0))[1:]


def ref_sin(x0, n):  # sin(x0 + t) = sin x0 cos t + cos x0 sin t
    return ps_add(ps_scale(cos0(n), math.sin(x0)), ps_scale(sin0(n), math.cos(x0)))


def ref_cos(x0, n):  # cos(x0 + t) = cos x0 cos t - sin x0 sin t
    return ps_sub(ps_scale(cos0(n), math.cos(x0)), ps_scale(sin0(n), math.sin(x0)))


def ref_tan(x0, n):  # tan(x0 + t) = (T + tan t) / (1 - T tan t)
    tan_t = ps_div(sin0(n), cos0(n))
    big_t = ps_const(math.tan(x0), n)
    return ps_div(ps_add(big_t, tan_t), ps_sub(ps_const(1, n), ps_mul(big_t, tan_t)))


def ref_sinh(x0, n):
    return ps_add(ps_scale(cosh0(n), math.sinh(x0)), ps_scale(sinh0(n), math.cosh(x0)))


def ref_cosh(x0, n):
    return ps_add(ps_scale(cosh0(n), math.cosh(x0)), ps_scale(sinh0(n), math.sinh(x0)))


def ref_tanh(x0, n):  # tanh(x0 + t) = (T + tanh t) / (1 + T tanh t)
    tanh_t = tanh0_bernoulli(n)
    big_t = ps_const(math.tanh(x0), n)
    return ps_div(ps_add(big_t, tanh_t), ps_add(ps_const(1, n), ps_mul(big_t, tanh_t)))


def ref_log(x0, n):  # log(x0 + t) = log x0 + log1p(t / x0)
    tail = ps_compose(log1p0(n), ps_line(0, 1 / F(x0), n))
    return [F(math.log(x0))] + tail[1:]


def ref_log1p(x0, n):  # log1p(x0 + t) = log1p x0 + log1p(t / (1 + x0))
    tail = ps_compose(log1p0(n), ps_line(0, 1 / (1 + F(x0)), n))
    return [F(math.log1p(x0))] + tail[1:]


def ref_inverse_one_minus(x0, n):  # 1 / (1 - x0 - t), exactly
    return ps_div(ps_const(1, n), ps_line(1 - F(x0), -1, n))


def ref_power_one_plus(alpha):
    """``(1 + x)^alpha`` at x0: ``(1 + x0)^alpha (1 + t / (1 + x0))^alpha``."""

    def ref(x0, n):
        tail = ps_compose(binomial0(alpha, n), ps_line(0, 1 / (1 + F(x0)), n))
        return [F((1.0 + x0) ** alpha)] + ps_scale(tail, (1.0 + x0) ** alpha)[1:]

    return ref


def ref_sqrt_one_plus(x0, n):
    tail = ps_compose(binomial0(Fraction(1, 2), n), ps_line(0, 1 / (1 + F(x0)), n))
    return [F(math.sqrt(1.0 + x0))] + ps_scale(tail, math.sqrt(1.0 + x0))[1:]


def ref_atan(x0, n):  # atan' = 1 / (1 + x^2), exactly
    x = ps_line(x0, 1, n - 1)
    slope = ps_div(ps_const(1, n - 1), ps_add(ps_const(1, n - 1), ps_mul(x, x)))
    return ps_integrate(slope, math.atan(x0))


def _asin_slope(x0, n):
    """``1 / sqrt(1 - (x0 + t)^2) = c (1 - (2 x0 t + t^2) / (1 - x0^2))^(-1/2)``."""
    x0 = F(x0)
    inner = [Fraction(0), -2 * x0 / (1 - x0 * x0), -1 / (1 - x0 * x0)] + [Fraction(0)] * (n - 3)
    c = 1.0 / math.sqrt(1.0 - float(x0) ** 2)
    return ps_scale(ps_compose(binomial0(Fraction(-1, 2), n), inner), c)


def ref_asin(x0, n):
    return ps_integrate(_asin_slope(x0, n - 1), math.asin(x0))


def ref_acos(x0, n):
    return ps_integrate(ps_scale(_asin_slope(x0, n - 1), -1), math.acos(x0))


def ref_erf(x0, n):  # erf' = 2/sqrt(pi) exp(-x^2) = 2/sqrt(pi) exp(-x0^2) exp(-2 x0 t - t^2)
    x0f = F(x0)
    inner = [Fraction(0), -2 * x0f, Fraction(-1)] + [Fraction(0)] * (n - 4)
    c = 2.0 / math.sqrt(math.pi) * math.exp(-x0 * x0)
    return ps_integrate(ps_scale(ps_compose(exp0(n - 1), inner), c), math.erf(x0))


def ref_exp_sin(x0, n):  # exp(sin(x0 + t)) = exp(S) exp(S (cos t - 1) + C sin t)
    s, c = math.sin(x0), math.cos(x0)
    inner = ps_add(ps_scale(ps_sub(cos0(n), ps_const(1, n)), s), ps_scale(sin0(n), c))
    return ps_scale(ps_compose(exp0(n), inner), math.exp(s))


def ref_inverse_one_plus_square(x0, n):  # 1 / (1 + (x0 + t)^2), exactly
    x = ps_line(x0, 1, n)
    return ps_div(ps_const(1, n), ps_add(ps_const(1, n), ps_mul(x, x)))


def ref_cube_times_exp2(x0, n):  # (x0 + t)^3 exp(2 x0) exp(2 t)
    cube = ps_pow_int(ps_line(x0, 1, n), 3)
    return ps_mul(cube, ps_scale(ps_compose(exp0(n), ps_line(0, 2, n)), math.exp(2.0 * x0)))


# ------------------------------------------------------------ the reference's own checks


def test_reference_exp_times_exp_of_minus_x_is_one():
    n = K + 1
    assert ps_mul(exp0(n), ps_compose(exp0(n), ps_line(0, -1, n))) == ps_const(1, n)


def test_reference_geometric_times_one_minus_x_is_one():
    n = K + 1
    assert ps_mul(geometric0(n), ps_line(1, -1, n)) == ps_const(1, n)
    assert ps_div(ps_const(1, n), ps_line(1, -1, n)) == geometric0(n)
    assert ref_inverse_one_minus(0.0, n) == geometric0(n)


def test_reference_tanh_from_bernoulli_is_sinh_over_cosh():
    n = K + 1
    assert bernoulli_numbers(8)[:9] == [F(1), F(-1, 2), F(1, 6), 0, F(-1, 30), 0, F(1, 42), 0,
                                        F(-1, 30)]
    assert tanh0_bernoulli(n) == ps_div(sinh0(n), cosh0(n))
    assert tanh0_bernoulli(8) == [0, 1, 0, F(-1, 3), 0, F(2, 15), 0, F(-17, 315)]


def test_reference_pythagoras_and_tan():
    n = K + 1
    s, c = sin0(n), cos0(n)
    assert ps_add(ps_mul(s, s), ps_mul(c, c)) == ps_const(1, n)
    tan_t = ps_div(s, c)
    assert ps_derivative(tan_t) == ps_add(ps_const(1, n), ps_mul(tan_t, tan_t))[:-1]
    assert ps_mul(cosh0(n), cosh0(n)) == ps_add(ps_const(1, n), ps_mul(sinh0(n), sinh0(n)))


def test_reference_log1p_inverts_expm1():
    n = K + 1
    expm1 = ps_sub(exp0(n), ps_const(1, n))
    assert ps_compose(log1p0(n), expm1) == ps_line(0, 1, n)
    assert ps_compose(exp0(n), log1p0(n)) == ps_line(1, 1, n)


def test_reference_binomial_and_atan_series():
    n = K + 1
    half = binomial0(Fraction(1, 2), n)
    assert ps_mul(half, half) == ps_line(1, 1, n)
    assert binomial0(3, 6) == [1, 3, 3, 1, 0, 0]
    assert ps_mul(binomial0(2.5, n), binomial0(-2.5, n)) == ps_const(1, n)
    assert ps_derivative(atan0(n)) == ref_inverse_one_plus_square(0.0, n)[:-1]
    assert ref_atan(0.0, n) == atan0(n)
    assert ps_derivative(ref_asin(0.0, n)) == ps_compose(
        binomial0(Fraction(-1, 2), n - 1), ps_scale(ps_mul(ps_line(0, 1, n - 1),
                                                           ps_line(0, 1, n - 1)), -1))


def test_reference_known_closed_forms_at_zero():
    n = K + 1
    assert ref_exp(0.0, n) == exp0(n)
    assert ref_sin(0.0, n) == sin0(n)
    assert ref_cos(0.0, n) == cos0(n)
    assert ref_tanh(0.0, n) == tanh0_bernoulli(n)
    assert ref_log1p(0.0, n) == log1p0(n)
    assert ref_sqrt_one_plus(0.0, n) == binomial0(Fraction(1, 2), n)
    assert ref_cube_times_exp2(0.0, n) == [0, 0, 0] + [Fraction(2 ** (k - 3), math.factorial(k - 3))
                                                       for k in range(3, n)]
    # exp(sin t) = 1 + t + t^2/2 - t^4/8 - t^5/15 - ...
    assert ref_exp_sin(0.0, n)[:6] == [1, 1, F(1, 2), 0, F(-1, 8), F(-1, 15)]


def _x(x0, m):
    return ps_line(x0, 1, m)


def _one(m):
    return ps_const(1, m)


D = ps_derivative

# Differential equations the references satisfy exactly, to every order (residual == 0):
# ode(y, x0) is a residual series built from y = ref(x0, n).  They hold exactly even where the
# references use float constants, because each reference is the exact solution through them.
ODES = {
    "exp": lambda y, x0: ps_sub(D(y), y[:-1]),
    "expm1": lambda y, x0: ps_sub(D(D(y)), D(y)[:-1]),
    "sin": lambda y, x0: ps_add(D(D(y)), y[:-2]),
    "cos": lambda y, x0: ps_add(D(D(y)), y[:-2]),
    "tan": lambda y, x0: ps_sub(D(y), ps_add(_one(len(y) - 1), ps_mul(y[:-1], y[:-1]))),
    "sinh": lambda y, x0: ps_sub(D(D(y)), y[:-2]),
    "cosh": lambda y, x0: ps_sub(D(D(y)), y[:-2]),
    "tanh": lambda y, x0: ps_sub(D(y), ps_sub(_one(len(y) - 1), ps_mul(y[:-1], y[:-1]))),
    "log": lambda y, x0: ps_sub(ps_mul(_x(x0, len(y) - 1), D(y)), _one(len(y) - 1)),
    "log1p": lambda y, x0: ps_sub(ps_mul(_x(1 + F(x0), len(y) - 1), D(y)), _one(len(y) - 1)),
    "inverse_one_minus": lambda y, x0: ps_sub(ps_mul(ps_line(1 - F(x0), -1, len(y)), y),
                                              _one(len(y))),
    "sqrt_one_plus": lambda y, x0: ps_sub(ps_scale(ps_mul(_x(1 + F(x0), len(y) - 1), D(y)), 2),
                                          y[:-1]),
    "power_one_plus_2.5": lambda y, x0: ps_sub(ps_mul(_x(1 + F(x0), len(y) - 1), D(y)),
                                               ps_scale(y[:-1], 2.5)),
    "atan": lambda y, x0: ps_sub(ps_mul(ps_add(_one(len(y) - 1), ps_mul(_x(x0, len(y) - 1),
                                                                       _x(x0, len(y) - 1))),
                                        D(y)), _one(len(y) - 1)),
    "asin": lambda y, x0: ps_sub(ps_mul(ps_sub(_one(len(y) - 2), ps_mul(_x(x0, len(y) - 2),
                                                                       _x(x0, len(y) - 2))),
                                        D(D(y))), ps_mul(_x(x0, len(y) - 2), D(y)[:-1])),
    "erf": lambda y, x0: ps_add(D(D(y)), ps_scale(ps_mul(_x(x0, len(y) - 2), D(y)[:-1]), 2)),
    "exp_sin": lambda y, x0: ps_sub(D(y), ps_mul(ref_cos(x0, len(y) - 1), y[:-1])),
    "inverse_one_plus_square": lambda y, x0: ps_sub(
        ps_mul(ps_add(_one(len(y)), ps_mul(_x(x0, len(y)), _x(x0, len(y)))), y), _one(len(y))),
    "cube_times_exp2": lambda y, x0: ps_sub(ps_mul(_x(x0, len(y) - 1), D(y)),
                                            ps_mul(ps_line(3 + 2 * F(x0), 2, len(y) - 1), y[:-1])),
}

# Every reference series at every base point used below: (name, reference, function, points).
REFERENCE_CHECKS = [
    ("exp", ref_exp, math.exp, [0.0, 0.3, -1.0, -1.25]),
    ("expm1", ref_expm1, math.expm1, [0.0, 0.75]),
    ("sin", ref_sin, math.sin, [0.0, 0.5, 0.6, 2.0]),
    ("cos", ref_cos, math.cos, [0.0, 0.5, -2.0]),
    ("tan", ref_tan, math.tan, [0.0, 0.5]),
    ("sinh", ref_sinh, math.sinh, [0.0, 0.5]),
    ("cosh", ref_cosh, math.cosh, [0.0, -0.5]),
    ("tanh", ref_tanh, math.tanh, [0.0, 0.5]),
    ("log", ref_log, math.log, [2.0, 0.75]),
    ("log1p", ref_log1p, math.log1p, [0.0, 0.5]),
    ("inverse_one_minus", ref_inverse_one_minus, lambda x: 1.0 / (1.0 - x), [0.0, 0.5, -1.0]),
    ("sqrt_one_plus", ref_sqrt_one_plus, lambda x: math.sqrt(1.0 + x), [0.0, 3.0]),
    ("power_one_plus_2.5", ref_power_one_plus(2.5), lambda x: (1.0 + x) ** 2.5, [0.0, 0.5]),
    ("atan", ref_atan, math.atan, [0.0, 0.5, -2.0, 1.25]),
    ("asin", ref_asin, math.asin, [0.0, 0.5]),
    ("asin", ref_acos, math.acos, [0.0, -0.25]),  # acos = pi/2 - asin: the same equation
    ("erf", ref_erf, math.erf, [0.0, 0.5]),
    ("exp_sin", ref_exp_sin, lambda x: math.exp(math.sin(x)), [0.0, 0.5]),
    ("inverse_one_plus_square", ref_inverse_one_plus_square, lambda x: 1.0 / (1.0 + x * x),
     [0.0, 0.5]),
    ("cube_times_exp2", ref_cube_times_exp2, lambda x: x ** 3 * math.exp(2.0 * x), [0.0, 0.5]),
]
_REFERENCE_IDS = [ref.__name__ if ref.__name__ != "ref" else "ref_power_one_plus"
                  for _, ref, _, _ in REFERENCE_CHECKS]


@pytest.mark.parametrize("name, ref, func, points", REFERENCE_CHECKS, ids=_REFERENCE_IDS)
def test_reference_series_sum_to_the_function(name, ref, func, points):
    """Summed at a small step h, each reference series gives f(x0 + h) to rounding.

    The truncation error (h / radius)^(K+1) is far below 1e-16 for h = 2^-7; h is adjusted so
    that x0 + h is exact in floating point, so the only errors are math's own roundings.  This
    pins the constant term and the low orders (the float constants included).
    """
    for x0 in points:
        series = ref(x0, K + 1)
        assert float(series[0]) == pytest.approx(func(x0), rel=5e-16, abs=1e-300)
        for step in (2.0 ** -7, -(2.0 ** -7)):
            h = F(x0 + step) - F(x0)
            assert float(ps_evaluate(series, h)) == pytest.approx(func(x0 + step), rel=1e-14)


@pytest.mark.parametrize("name, ref, func, points", REFERENCE_CHECKS, ids=_REFERENCE_IDS)
def test_reference_series_solve_their_differential_equation(name, ref, func, points):
    """Every order of each reference series: its ODE holds exactly (as Fractions)."""
    for x0 in points:
        residual = ODES[name](ref(x0, K + 1), x0)
        assert len(residual) >= K - 1
        assert all(r == 0 for r in residual), (name, x0, [float(r) for r in residual])


# ============================================================================ comparisons


def assert_coefficients_close(actual, expected, rtol=1e-12, ztol=1e-14):
    """``actual`` (floats) against ``expected`` (Fractions or floats), coefficient by coefficient.

    Coefficient k passes when ``|a_k - e_k| <= rtol |e_k| + ztol * max(|e_j|, j = k-1..k+1)``.
    """
    assert isinstance(actual, list), f"the coefficients should be a list, got {type(actual)}"
    assert len(actual) == len(expected), f"{len(actual)} coefficients, expected {len(expected)}"
    ref = [float(e) for e in expected]
    bad = []
    for k, (a, e) in enumerate(zip(actual, ref)):
        scale = max(abs(x) for x in ref[max(0, k - 1): k + 2])
        allowed = rtol * abs(e) + ztol * scale
        if not abs(float(a) - e) <= allowed:
            bad.append(f"  c{k}: actual {float(a)!r}, expected {e!r} "
                       f"(error {abs(float(a) - e):.3g} > allowed {allowed:.3g})")
    assert not bad, "Taylor coefficients differ:\n" + "\n".join(bad)


def assert_array_coefficients_close(actual, per_element, rtol=1e-12, ztol=1e-14):
    """Array coefficients elementwise: ``per_element[i]`` is the reference coefficient list of
    the (flattened) element i."""
    assert isinstance(actual, list), f"the coefficients should be a list, got {type(actual)}"
    for i, ref in enumerate(per_element):
        assert_coefficients_close([float(np.ravel(c)[i]) for c in actual], ref, rtol, ztol)


# ============================================================================ functions under test
#
# Module-level, so that pushforward can read their source.


def t_exp(x):
    return math.exp(x)


def t_np_exp(x):
    return np.exp(x)


def t_expm1(x):
    return math.expm1(x)


def t_sin(x):
    return math.sin(x)


def t_cos(x):
    return math.cos(x)


def t_tan(x):
    return math.tan(x)


def t_sinh(x):
    return math.sinh(x)


def t_cosh(x):
    return math.cosh(x)


def t_tanh(x):
    return math.tanh(x)


def t_np_tanh(x):
    return np.tanh(x)


def t_log(x):
    return math.log(x)


def t_np_log(x):
    return np.log(x)


def t_log1p(x):
    return math.log1p(x)


def t_geometric(x):
    return 1.0 / (1.0 - x)


def t_sqrt(x):
    return math.sqrt(1.0 + x)


def t_np_sqrt(x):
    return np.sqrt(1.0 + x)


def t_half_power(x):
    return (1.0 + x) ** 0.5


def t_math_pow(x):
    return math.pow(1.0 + x, 0.5)


def t_float_power(x):
    return (1.0 + x) ** 2.5


def t_atan(x):
    return math.atan(x)


def t_np_arctan(x):
    return np.arctan(x)


def t_asin(x):
    return math.asin(x)


def t_acos(x):
    return math.acos(x)


def t_erf(x):
    return math.erf(x)


def t_exp_sin(x):
    return math.exp(math.sin(x))


def _square(u):
    return u * u


def t_inverse_one_plus_square(x):  # through a user function
    return 1.0 / (1.0 + _square(x))


def t_cube_times_exp2(x):  # an int power, also at the base point 0
    return x ** 3 * math.exp(2.0 * x)


# (function, reference, base points); each is checked to order K with direction 1.0.
KNOWN_SERIES = [
    (t_exp, ref_exp, [0.0, 0.3, -1.25]),
    (t_np_exp, ref_exp, [0.0, 0.3]),
    (t_expm1, ref_expm1, [0.0, 0.75]),
    (t_sin, ref_sin, [0.0, 0.5, 2.0]),
    (t_cos, ref_cos, [0.0, 0.5, -2.0]),
    (t_tan, ref_tan, [0.0, 0.5]),
    (t_sinh, ref_sinh, [0.0, 0.5]),
    (t_cosh, ref_cosh, [0.0, -0.5]),
    (t_tanh, ref_tanh, [0.0, 0.5]),
    (t_np_tanh, ref_tanh, [0.0, 0.5]),
    (t_log, ref_log, [2.0, 0.75]),
    (t_np_log, ref_log, [2.0]),
    (t_log1p, ref_log1p, [0.0, 0.5]),
    (t_geometric, ref_inverse_one_minus, [0.0, 0.5, -1.0]),
    (t_sqrt, ref_sqrt_one_plus, [0.0, 3.0]),
    (t_np_sqrt, ref_sqrt_one_plus, [0.0, 3.0]),
    (t_half_power, ref_sqrt_one_plus, [0.0, 3.0]),
    (t_math_pow, ref_sqrt_one_plus, [0.0, 3.0]),
    (t_float_power, ref_power_one_plus(2.5), [0.0, 0.5]),
    (t_atan, ref_atan, [0.0, 0.5, -2.0]),
    (t_np_arctan, ref_atan, [0.0, 0.5]),
    (t_asin, ref_asin, [0.0, 0.5]),
    (t_acos, ref_acos, [0.0, -0.25]),
    (t_erf, ref_erf, [0.0, 0.5]),
    (t_exp_sin, ref_exp_sin, [0.0, 0.5]),
    (t_inverse_one_plus_square, ref_inverse_one_plus_square, [0.0, 0.5]),
    (t_cube_times_exp2, ref_cube_times_exp2, [0.0, 0.5]),
]

_KNOWN_PARAMS = [
    pytest.param(func, ref, x0, id=f"{func.__name__}-x0={x0}")
    for func, ref, points in KNOWN_SERIES
    for x0 in points
]


# ============================================================================ 1. known series


@pytest.mark.parametrize("func, ref, x0", _KNOWN_PARAMS)
def test_known_series_to_order_20(func, ref, x0):
    coeffs = taylor(func, (x0,), (1.0,), order=K)
    assert_coefficients_close(coeffs, ref(x0, K + 1))


def test_closed_forms_at_zero_spelled_out():
    """The textbook series, written out (no helper in the way)."""
    n = K + 1
    assert_coefficients_close(taylor(t_exp, (0.0,), (1.0,), K),
                              [1.0 / math.factorial(k) for k in range(n)])
    assert_coefficients_close(taylor(t_log1p, (0.0,), (1.0,), K),
                              [0.0] + [(-1.0) ** (k + 1) / k for k in range(1, n)])
    assert_coefficients_close(taylor(t_geometric, (0.0,), (1.0,), K), [1.0] * n)
    assert_coefficients_close(taylor(t_atan, (0.0,), (1.0,), K),
                              [0.0 if k % 2 == 0 else (-1.0) ** (k // 2) / k for k in range(n)])
    assert_coefficients_close(taylor(t_sqrt, (0.0,), (1.0,), K),
                              [math.prod(0.5 - j for j in range(k)) / math.factorial(k)
                               for k in range(n)])


@pytest.mark.parametrize("x0, v", [(0.3, 2.0), (0.3, -0.5), (-1.0, 3.0)])
def test_exp_along_a_scaled_direction(x0, v):
    """exp at x0 along v: exp(x0) v^k / k!."""
    coeffs = taylor(t_exp, (x0,), (v,), order=K)
    assert_coefficients_close(coeffs, [math.exp(x0) * v ** k / math.factorial(k)
                                       for k in range(K + 1)])


@pytest.mark.parametrize("func, ref, x0, v", [
    (t_sin, ref_sin, 0.5, -1.5),
    (t_atan, ref_atan, 0.5, 0.25),
    (t_tanh, ref_tanh, 0.0, 2.0),
    (t_log1p, ref_log1p, 0.5, 0.75),
    (t_exp_sin, ref_exp_sin, 0.5, -2.0),
])
def test_known_series_along_a_scaled_direction(func, ref, x0, v):
    coeffs = taylor(func, (x0,), (v,), order=K)
    assert_coefficients_close(coeffs, ps_along(ref(x0, K + 1), v))


def test_int_power_at_a_zero_base():
    """x**3 at 0 is exactly t^3: no division by the base point."""

    def cube(x):
        return x ** 3

    coeffs = taylor(cube, (0.0,), (1.0,), order=6)
    assert coeffs == [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]


def t_polynomial_loop(x):
    acc = 0.0
    for c in [2.0, -1.0, 0.5, 3.0]:  # 2 x^3 - x^2 + 0.5 x + 3
        acc = acc * x + c
    return acc


def test_for_loop_polynomial_is_exact():
    """A Horner loop: coefficients of the polynomial re-expanded at x0, then zeros."""
    x0 = 0.5
    p = ps_line(x0, 1, 8)
    expected = ps_add(ps_add(ps_scale(ps_pow_int(p, 3), 2), ps_scale(ps_pow_int(p, 2), -1)),
                      ps_add(ps_scale(p, 0.5), ps_const(3, 8)))
    assert_coefficients_close(taylor(t_polynomial_loop, (x0,), (1.0,), order=7), expected,
                              rtol=1e-15, ztol=1e-15)


def t_branch(x):
    if x > 0.0:
        y = math.exp(x)
    else:
        y = -math.cos(x)
    return y


@pytest.mark.parametrize("x0", [0.3, -0.3])
def test_branch_on_the_primal_value(x0):
    ref = ref_exp(x0, K + 1) if x0 > 0 else ps_scale(ref_cos(x0, K + 1), -1)
    assert_coefficients_close(taylor(t_branch, (x0,), (1.0,), order=K), ref)


def t_constants_and_unary_minus(x):
    return -(math.pi * x * x) + math.e * x - math.tau


def test_math_constants_and_unary_minus():
    x0 = 0.75
    expected = [-(math.pi * x0 * x0) + math.e * x0 - math.tau, -2.0 * math.pi * x0 + math.e,
                -math.pi] + [0.0] * (K - 2)
    assert_coefficients_close(taylor(t_constants_and_unary_minus, (x0,), (1.0,), order=K),
                              expected, rtol=1e-14, ztol=1e-15)


def t_abs(x):
    return abs(x) * x + abs(x - 2.0)


@pytest.mark.parametrize("x0", [-0.5, 0.5, 3.0])
def test_abs_away_from_zero(x0):
    """abs is |x| = +-x on the side the primal lies: a polynomial there."""
    s1 = 1.0 if x0 > 0 else -1.0
    s2 = 1.0 if x0 > 2.0 else -1.0
    expected = [abs(x0) * x0 + abs(x0 - 2.0), 2.0 * s1 * x0 + s2, s1] + [0.0] * (K - 2)
    assert_coefficients_close(taylor(t_abs, (x0,), (1.0,), order=K), expected,
                              rtol=1e-15, ztol=1e-15)


def t_exp_times_sin(x, y):
    return math.exp(x) * math.sin(y)


def test_two_arguments_both_moving():
    """exp(x0 + a t) sin(y0 + b t) = (exp series along a) * (sin series along b)."""
    (x0, y0), (a, b) = (0.3, 0.5), (2.0, -1.5)
    expected = ps_mul(ps_along(ref_exp(x0, K + 1), a), ps_along(ref_sin(y0, K + 1), b))
    assert_coefficients_close(taylor(t_exp_times_sin, (x0, y0), (a, b), order=K), expected)


def t_atan2_of_x(x, y):
    return math.atan2(y, x)


def t_np_arctan2_of_x(x, y):
    return np.arctan2(y, x)


@pytest.mark.parametrize("x0, y0", [(1e-4, 2.0), (-8e-5, 2.0), (3.0, 1e-3), (-0.5, -2.0)])
@pytest.mark.parametrize("f", [t_atan2_of_x, t_np_arctan2_of_x])
def test_atan2_where_one_argument_is_small(f, x0, y0, taylor_path):
    """atan2(y0, x0 + t) is atan(y0 / (x0 + t)) + const, whose derivatives are closed forms:
    d/dt = -y0 / ((x0 + t)^2 + y0^2) = -Im(1 / (x0 + t - i y0)), so coefficient k >= 1 is
    -Im((-1)^(k-1) / (k (x0 - i y0)^k)). A tiny x0 (or y0) must not make it cancel."""
    c = taylor(f, (x0, y0), (1.0, None), order=8)
    z = complex(x0, -y0)
    expected = [math.atan2(y0, x0)] + [-((-1) ** (k - 1) / (k * z ** k)).imag for k in range(1, 9)]
    for k, (got, want) in enumerate(zip(c, expected)):
        assert float(np.ravel(got)[0]) == pytest.approx(want, rel=1e-9, abs=1e-14), k


def t_det(M):
    return np.linalg.det(M)


def test_det_at_a_singular_matrix_along_the_identity():
    """det(S + t I) = det S + e2(S) t + tr(S) t^2 + t^3 (e2: the sum of the principal 2x2
    minors); c0 is the primal's det, bit for bit, at a singular S too."""
    S = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.5, -1.0, 2.0]])  # rank 2
    c = taylor(t_det, (S,), (np.eye(3),), order=4)
    e2 = sum(S[i, i] * S[j, j] - S[i, j] * S[j, i] for i in range(3) for j in range(i + 1, 3))
    assert c[0] == np.linalg.det(S)
    assert [float(v) for v in c[1:]] == pytest.approx([e2, np.trace(S), 1.0, 0.0], abs=1e-12)


def t_np_sin(x):
    return np.sin(x)


def t_np_arctan_times_exp(x):
    return np.arctan(x) * np.exp(x)


def test_array_argument_elementwise_series():
    """Elementwise functions of an array: each element has its own scalar series."""
    x0 = np.array([0.0, 0.5, -2.0, 1.25])
    v = np.array([1.0, -0.5, 2.0, 0.25])
    coeffs = taylor(t_np_sin, (x0,), (v,), order=K)
    assert all(isinstance(c, np.ndarray) and c.shape == x0.shape for c in coeffs)
    assert_array_coefficients_close(
        coeffs, [ps_along(ref_sin(float(p), K + 1), float(d)) for p, d in zip(x0, v)])

    coeffs = taylor(t_np_arctan_times_exp, (x0,), (v,), order=K)
    assert_array_coefficients_close(
        coeffs, [ps_along(ps_mul(ref_atan(float(p), K + 1), ref_exp(float(p), K + 1)), float(d))
                 for p, d in zip(x0, v)])


# ============================================================================ 2. nested derivatives


NESTED_NAMES = [
    "pow_const_exponent",  # int, float and negative powers
    "multiple_targets",
    "if_elif_else",  # branches, exp, log
    "early_return",  # sqrt behind an early return
    "for_list",  # a loop
    "call_same_module",  # user function calls
    "module_constants",
    "math_tan",
    "math_asin",
    "math_acos",
    "math_atan",
    "math_tanh",
    "math_erf",
    "math_expm1",
    "math_log",
    "math_sqrt",
    "rk4_pendulum",  # an RK4 loop calling a user function returning a tuple
    "loops_over_built_lists",  # zip, enumerate, reversed, dict.items over series
    "loop_targets_rebound_in_the_body",
]
_CORPUS = {case.name: case for case in corpus_scalar.CASES}
NESTED_CASES = [_CORPUS[name] for name in NESTED_NAMES]


def test_nested_cases_have_one_float_argument():
    for case in NESTED_CASES:
        assert len(case.domain) == 1 and checks._is_interval(case.domain[0]), case.name


@pytest.mark.parametrize("case", NESTED_CASES, ids=NESTED_NAMES)
def test_against_nested_derivatives_to_order_4(case):
    """k! c_k == pf.derivative(f, order=k) for k = 1..4, at two seeded points per function."""
    derivatives = [pf.derivative(case.func, order=k) for k in range(1, 5)]
    for (x,) in case.points(2, seed=7):
        coeffs = taylor(case.func, (x,), (1.0,), order=4)
        assert len(coeffs) == 5
        assert coeffs[0] == case.func(x)
        expected = [d(x) for d in derivatives]
        scale = 1.0 + max(abs(e) for e in expected)
        for k in range(1, 5):
            assert coeffs[k] * math.factorial(k) == pytest.approx(
                expected[k - 1], rel=1e-8, abs=1e-10 * scale), f"{case.name}: order {k} at x={x!r}"


@pytest.mark.parametrize("case", NESTED_CASES[:6], ids=NESTED_NAMES[:6])
def test_direction_scales_the_coefficients(case):
    """c_k(v) == c_k(1) v^k for a scalar argument."""
    ((x,),) = case.points(1, seed=11)
    v = -1.75
    unit = taylor(case.func, (x,), (1.0,), order=4)
    scaled = taylor(case.func, (x,), (v,), order=4)
    assert scaled[0] == unit[0]
    scale = 1.0 + max(abs(c) * abs(v) ** k for k, c in enumerate(unit))
    for k in range(1, 5):
        assert scaled[k] == pytest.approx(unit[k] * v ** k, rel=1e-12, abs=1e-14 * scale)


# ============================================================================ 3. finite differences


def second_difference(fn, primals, directions, h=2e-3, levels=3):
    """``d^2/ds^2 fn(primals + s directions)`` at 0 (a float or array output).

    Central second differences ``(g(h) - 2 g(0) + g(-h)) / h^2`` at h, h/2, h/4..., combined
    by Richardson extrapolation (the error is a series in h^2).
    """

    def g(s):
        args = [p if d is None else p + s * d for p, d in zip(primals, directions)]
        return np.asarray(fn(*args), dtype=float)

    g0 = g(0.0)
    table = []
    for i in range(levels):
        hi = h / 2 ** i
        row = [(g(hi) - 2.0 * g0 + g(-hi)) / hi ** 2]
        for j in range(1, i + 1):
            row.append(row[j - 1] + (row[j - 1] - table[i - 1][j - 1]) / (4 ** j - 1))
        table.append(row)
    return table[-1][-1]


def test_second_difference_reference():
    """The helper on a closed form: d^2/ds^2 of cos(x + s v) v is -cos(x) v^3."""
    x = np.array([0.3, -1.2, 2.0])
    v = np.array([1.0, 0.5, -2.0])
    got = second_difference(lambda y: np.cos(y) * v, (x,), (v,))
    np.testing.assert_allclose(got, -np.cos(x) * v ** 3, rtol=1e-8, atol=1e-9)


def np_tanh_energy(x, A):
    return np.sum(np.tanh(A @ x) ** 2)


def np_elementwise(x):
    return np.exp(-x) * np.sin(2.0 * x) / (1.0 + x * x) + np.sqrt(1.0 + x * x) * np.log1p(x * x)


def np_mixed(x, w):
    y = np.arctan(x) * w
    return np.cosh(y) - np.tanh(x) ** 3 + np.log(2.0 + np.sin(x)) * np.expm1(-x)


def _numpy_problems():
    rng = np.random.default_rng(2024)
    A = rng.normal(size=(4, 3)) * 0.7
    x = rng.normal(size=3)
    v = rng.normal(size=3)
    y = rng.uniform(-1.5, 1.5, size=5)
    u = rng.normal(size=5)
    w = rng.uniform(0.5, 1.5, size=5)
    return [
        pytest.param(np_tanh_energy, (x, A), (v, None), id="sum_tanh_Ax_squared"),
        pytest.param(np_elementwise, (y,), (u,), id="elementwise"),
        pytest.param(np_mixed, (y, w), (u, None), id="mixed_elementwise"),
    ]


def _rel_close(actual, expected, rtol):
    scale = checks.max_abs_leaf(expected)
    checks.assert_close_structured(actual, expected, rtol=rtol, atol=rtol * (1e-2 + scale))


@pytest.mark.parametrize("f, primals, directions", _numpy_problems())
def test_numpy_against_finite_differences(f, primals, directions):
    coeffs = taylor(f, primals, directions, order=3)
    assert len(coeffs) == 4

    # c1 = f'(x) v
    _rel_close(coeffs[1], checks.fd_jvp(f, primals, directions), 1e-6)

    # 2 c2 = d/ds [f'(x + s v) v], the JVP differenced along v
    def jvp_along(*args):
        return pf.jvp(f, args, directions)[1]

    _rel_close(2.0 * coeffs[2], checks.fd_jvp(jvp_along, primals, directions), 1e-6)

    # 6 c3 = d^2/ds^2 [f'(x + s v) v]
    _rel_close(6.0 * coeffs[3], second_difference(jvp_along, primals, directions), 1e-6)


# ============================================================================ 4. structure


def t_two_args(x, y):
    return math.exp(x * y) / (1.0 + x) + math.sin(y) * x


def _fix_second(y):
    def closed(x):
        return t_two_args(x, y)

    return closed


def t_tuple_output(x):
    return math.exp(x), math.sin(x) * x


def _structure_problems():
    rng = np.random.default_rng(7)
    x = rng.normal(size=3)
    v = rng.normal(size=3)
    A = rng.normal(size=(4, 3))
    return [
        pytest.param(t_exp_sin, (0.7,), (1.0,), id="float"),
        pytest.param(t_two_args, (0.4, -1.1), (0.5, 2.0), id="two_floats"),
        pytest.param(t_two_args, (0.4, -1.1), (None, 2.0), id="one_held"),
        pytest.param(np_tanh_energy, (x, A), (v, None), id="array_to_float"),
        pytest.param(np_elementwise, (x,), (v,), id="array_to_array"),
    ]


@pytest.mark.parametrize("order", [0, 1, 2, 5])
@pytest.mark.parametrize("f, primals, directions", _structure_problems())
def test_coefficient_list_shape_and_c0_bit_for_bit(f, primals, directions, order):
    coeffs = taylor(f, primals, directions, order=order)
    assert type(coeffs) is list
    assert len(coeffs) == order + 1
    value = f(*primals)
    if isinstance(value, np.ndarray):
        assert np.array_equal(coeffs[0], value)
        for c in coeffs:
            assert isinstance(c, np.ndarray) and c.shape == value.shape
    else:
        assert coeffs[0] == value
        for c in coeffs:
            assert isinstance(c, float)


def test_order_zero_is_the_value():
    assert taylor(t_exp_sin, (0.7,), (1.0,), order=0) == [math.exp(math.sin(0.7))]
    x = np.array([0.1, -0.4])
    (c0,) = taylor(np_elementwise, (x,), (np.ones(2),), order=0)
    assert np.array_equal(c0, np_elementwise(x))


def test_first_coefficient_is_the_jvp():
    for f, primals, directions in [(t_two_args, (0.4, -1.1), (0.5, 2.0)),
                                   (np_tanh_energy, (np.array([0.2, -0.3]),
                                                     np.array([[1.0, 0.5], [-0.7, 2.0]])),
                                    (np.array([1.0, -2.0]), None))]:
        coeffs = taylor(f, primals, directions, order=3)
        value, tangent = pf.jvp(f, primals, directions)
        assert coeffs[0] == value
        assert coeffs[1] == pytest.approx(tangent, rel=1e-13, abs=1e-15)


def test_tuple_output_gives_a_tuple_per_coefficient():
    x0 = 0.6
    coeffs = taylor(t_tuple_output, (x0,), (1.0,), order=K)
    assert len(coeffs) == K + 1
    assert all(isinstance(c, tuple) and len(c) == 2 for c in coeffs)
    assert coeffs[0] == t_tuple_output(x0)
    assert_coefficients_close([c[0] for c in coeffs], ref_exp(x0, K + 1))
    x_times_sin = ps_mul(ps_line(x0, 1, K + 1), ref_sin(x0, K + 1))
    assert_coefficients_close([c[1] for c in coeffs], x_times_sin)


def test_none_direction_holds_an_argument_constant():
    x0, y0 = 0.4, -1.1
    held = taylor(t_two_args, (x0, y0), (1.5, None), order=6)
    closed = taylor(_fix_second(y0), (x0,), (1.5,), order=6)
    assert held[0] == closed[0] == t_two_args(x0, y0)
    for a, b in zip(held, closed, strict=True):
        assert a == pytest.approx(b, rel=1e-14, abs=1e-15)


def test_none_direction_holds_an_array_constant():
    rng = np.random.default_rng(3)
    x, A, v = rng.normal(size=3), rng.normal(size=(4, 3)), rng.normal(size=3)

    def closed(y):
        return np.sum(np.tanh(A @ y) ** 2)

    held = taylor(np_tanh_energy, (x, A), (v, None), order=4)
    expected = taylor(closed, (x,), (v,), order=4)
    for a, b in zip(held, expected, strict=True):
        assert a == pytest.approx(b, rel=1e-13, abs=1e-15)


def test_zero_direction_gives_zero_higher_coefficients():
    coeffs = taylor(t_exp_sin, (0.7,), (0.0,), order=5)
    assert coeffs[0] == t_exp_sin(0.7)
    assert all(c == 0.0 for c in coeffs[1:])


def test_source_is_python_code():
    g = pf.taylor(t_exp_sin, order=3)
    g((0.7,), (1.0,))  # the source may be written at the first call
    assert isinstance(g.source, str) and "def" in g.source


def test_same_result_on_repeated_calls():
    g = pf.taylor(t_cube_times_exp2, order=8)
    assert g((0.5,), (1.0,)) == g((0.5,), (1.0,))


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_invalid_order_is_refused(bad):
    with pytest.raises(pf.PushforwardError):
        g = pf.taylor(t_exp_sin, order=bad)
        g((0.7,), (1.0,))  # if the order is only checked at the call


# ============================================================================ 5. errors


def t_no_taylor_rule(x):
    return math.sin(x) * zlib.adler32(x)


def t_calls_no_taylor_rule(x):
    return t_no_taylor_rule(2.0 * x) + x


@pytest.mark.parametrize("f", [t_no_taylor_rule, t_calls_no_taylor_rule])
def test_call_without_a_taylor_rule_is_refused(f):
    with pytest.raises(pf.PushforwardError, match="adler32") as info:
        g = pf.taylor(f, order=3)
        g((0.5,), (1.0,))  # if the transformation happens at the first call
    assert type(info.value) is not pf.PushforwardError  # a specific subclass


def t_generator(x):
    yield x * 2.0
    yield x * x


@pytest.mark.parametrize("x", [0.5, np.array([0.5, 1.5])])
def test_a_generator_is_refused_at_its_yield(x):
    """First order refused generators; Taylor mode returned [<generator>, 0.0, 0.0]."""
    with pytest.raises(pf.errors.UnsupportedSyntaxError, match=r"test_taylor.py:\d+:5: 'yield' "
                       r"is not supported"):
        pf.taylor(t_generator, order=2)((x,), (np.ones_like(x),))


def t_returns_nothing(x):
    y = x * 2.0  # noqa: F841 (no return)


def test_a_function_returning_none_has_no_coefficients_and_no_hessian():
    """None has no coefficients (forward_diff gives it no derivative): they were 0.0, and its
    Hessian was NaN."""
    assert pf.taylor(t_returns_nothing, order=2)((0.5,), (1.0,)) == [None, None, None]
    assert pf.forward_diff(t_returns_nothing)(0.5) == (None, None)
    with pytest.raises(pf.errors.InputTypeError, match="returned a NoneType"):
        pf.hessian(t_returns_nothing)(np.ones(2))
    with pytest.raises(pf.errors.TangentMismatchError, match="must return a number"):
        pf.hvp(t_returns_nothing, (np.ones(2),), (np.ones(2),))


# -- the written-out recurrences ------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(recurrences.RECURRENCES))
def test_recurrences_do_not_depend_on_the_number_of_coefficients(name):
    """A recurrence written out for 12 coefficients starts with the one for 1..11, bit for bit
    (each coefficient depends only on lower ones): an index shifted with ``n`` fails here."""
    rng = random.Random(zlib.crc32(name.encode()))
    u = [rng.uniform(0.5, 1.5)] + [rng.uniform(-1, 1) for _ in range(11)]
    g = [rng.uniform(0.5, 1.5)] + [rng.uniform(-1, 1) for _ in range(11)]
    args = {"add": (g,), "sub": (g,), "mul": (g,), "div": (g,), "integrate": (g, 0.25), "sincos": (0.3, 0.9),
            "sinhcosh": (0.3, 1.1), "tan": (0.4, 1.0), "pow": (0.7, u[0] ** 0.7)}.get(name, (0.2,))
    full = recurrences.recurrence(name, 12)(u, *args)
    for n in range(1, 12):
        short = recurrences.recurrence(name, n)(u[:n], *[a[:n] if isinstance(a, list) else a
                                                         for a in args])
        if isinstance(full, tuple):
            assert [s[:n] for s in full] == list(short)
        else:
            assert full[:n] == short


def remainders_of_numpy_numbers(x):
    c = np.log(2.5)  # a NumPy float, a constant: c % series goes through NumPy's remainder
    v = np.log(2.5 + x)
    return c % (0.75 + x * x) + divmod(c, 0.5 + x * x)[1] + v % (0.6 + x)


def test_remainders_with_a_series_divisor_against_nested_derivatives():
    x = 0.4
    c = pf.taylor(remainders_of_numpy_numbers, order=3)((x,), (1.0,))
    assert c[0] == remainders_of_numpy_numbers(x)
    for k in (1, 2, 3):
        d = pf.derivative(remainders_of_numpy_numbers, order=k)(x)
        d = d[1] if isinstance(d, tuple) else d
        assert c[k] * math.factorial(k) == pytest.approx(d, rel=1e-12)


def numpy_powers(x):
    v = math.sin(x)
    return (np.power(1.6 + 1.26 * math.tanh(v), 1.8 * math.tanh(v)),
            np.power(1.6 + 1.26 * math.tanh(x), 1.8 * math.tanh(1.25)),
            np.power(1.6 + 1.26 * math.tanh(x), 3))


@pytest.mark.parametrize("x", [1.1640625, 0.001, 1.9829981417526135, 0.3])
def test_numpy_power_value_is_the_primal_bit_for_bit(x):
    # NumPy's power can round differently from Python's ** (0.001: ...611 against ...6116)
    c = pf.taylor(numpy_powers, order=2)((x,), (1.0,))
    assert c[0] == numpy_powers(x)


def sums_of_three(x):
    s = math.sin(math.degrees(x))
    t = math.sin(s)
    return (sum([t, s, t]), math.fsum([math.sin(s), s, math.sin(s)]),
            sum((v * v for v in [x, s]), 0.5))


def test_sum_and_fsum_values_are_the_primals_bit_for_bit():
    # builtins.sum compensates float rounding from Python 3.12 and math.fsum rounds once: a
    # series' value is theirs, not a sum of the values one addition at a time
    rng = random.Random(12)
    for x in [1.0, 1.5] + [rng.uniform(-2.0, 2.0) for _ in range(200)]:
        c = pf.taylor(sums_of_three, order=2)((x,), (1.0,))
        assert c[0] == sums_of_three(x)
        assert c[1] == pytest.approx(pf.forward_diff(sums_of_three)(x)[1], rel=1e-12)


# ============================================================================ 6. found by a helper
# Each case failed (a crash from inside, or a wrong coefficient) before its fix. The references
# are independent: c1 is pf.jvp's tangent, c2 and beyond hand-computed series.


def _remainder_of_a_series_divisor(x):
    return divmod(5.3, x)[1]


def _remainder_of_an_array(x):
    return x % 0.2


def test_a_remainder_value_is_the_primal_bit_for_bit():
    assert pf.taylor(_remainder_of_a_series_divisor, order=2)((0.7,), (1.0,))[0] \
        == _remainder_of_a_series_divisor(0.7)
    x = np.array([0.75, 0.7])
    c = pf.taylor(_remainder_of_an_array, order=2)((x,), (np.ones(2),))
    assert np.array_equal(c[0], _remainder_of_an_array(x))
    assert np.array_equal(c[1], np.ones(2)) and np.array_equal(c[2], np.zeros(2))


def _zero_to_a_power(y):
    return 0.0 ** y


def _seventieth_power(x):
    return x ** 70


def test_powers_at_a_zero_base():
    # 0 ** y is 0 near y = 2; t ** 70 is 0 to order 69
    assert pf.taylor(_zero_to_a_power, order=3)((2.0,), (1.0,)) == [0.0, 0.0, 0.0, 0.0]
    assert pf.taylor(_seventieth_power, order=3)((0.0,), (1.0,)) == [0.0, 0.0, 0.0, 0.0]
    c = pf.taylor(_seventieth_power, order=2)((1.01,), (1.0,))
    assert c[1] == pytest.approx(70 * 1.01 ** 69, rel=1e-13)
    assert c[2] == pytest.approx(70 * 69 / 2 * 1.01 ** 68, rel=1e-13)


@pytest.mark.parametrize("func", [np.arctan, np.arcsin, np.arctanh, np.arcsinh],
                         ids=lambda f: f.__name__)
def test_order_zero_of_an_array_is_its_value(func):
    def f(x):
        return func(x)

    x = np.array([0.3, 0.7])
    (c0,) = pf.taylor(f, order=0)((x,), (np.ones(2),))
    assert np.array_equal(c0, func(x))


def _store_a_number_series(s):
    out = np.zeros(3)
    out[1] = s * 2.0
    return out


def _fill(out, v):
    out[0] = 3.0 * v


def _filled_by_a_callee(x):
    out = [0.0, 1.0]
    _fill(out, x)
    arr = np.zeros(2)
    _fill(arr, x * x)
    return out[0] * x + arr[0]


def test_series_stored_into_arrays_and_containers_a_callee_fills():
    c = pf.taylor(_store_a_number_series, order=2)((0.7,), (1.0,))
    assert [list(v) for v in c] == [[0.0, 1.4, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]
    # 3 x^2 + 3 x^2 = 6 x^2: c1 = 12 x, c2 = 6
    c = pf.taylor(_filled_by_a_callee, order=2)((0.7,), (1.0,))
    assert c == pytest.approx([6 * 0.49, 12 * 0.7, 6.0], rel=1e-14)


def _formats(x):
    y = np.array([x, 1.0])  # arrays: the code runs on series objects
    return x * len(f"{x:.3f}") + len("%.2f and %s" % (x, x)) + y.sum()


def test_formatting_a_series_formats_its_value():
    for g in (pf.taylor(_formats, order=2), pf.taylor(lambda x: _formats(x), order=2)):
        c = g((0.7,), (1.0,))
        assert c[0] == _formats(0.7)
        assert c[1:] == pytest.approx([6.0, 0.0], abs=1e-15)


def _stacks_with_lists(x):
    return np.hstack([x, [1.0, 2.0]]), np.vstack([x, [1.0, 2.0]])


def _numpy_of_lists(x):
    return np.sum([x, x * x]) + np.dot([1.0, 2.0], [x, x]) + np.mean([x, 2.0 * x])


def test_numpy_functions_of_lists_holding_series():
    x, v = np.array([0.3, 0.7]), np.array([1.0, 1.0])
    (h, w) = pf.taylor(_stacks_with_lists, order=1)((x,), (v,))[1]
    assert list(h) == [1.0, 1.0, 0.0, 0.0] and w.tolist() == [[1.0, 1.0], [0.0, 0.0]]
    # x + x^2 + 3 x + 1.5 x: c1 = 5.5 + 2 x, c2 = 1
    c = pf.taylor(_numpy_of_lists, order=2)((0.7,), (1.0,))
    assert c == pytest.approx([_numpy_of_lists(0.7), 5.5 + 1.4, 1.0], rel=1e-14)


_CALLS = []


def _logged(tag, v):
    _CALLS.append(tag)
    return v


def _calls_in_order(x):
    return _logged("a", 2.0) * _logged("b", x * x) + _logged("c", 1.0) / _logged("d", x)


def test_calls_run_once_each_in_python_order():
    del _CALLS[:]
    c = pf.taylor(_calls_in_order, order=3)((0.7,), (1.0,))
    assert _CALLS == ["a", "b", "c", "d"]
    assert c[0] == _calls_in_order(0.7)
    # 2 x^2 + 1/x at 0.7: c2 = 2 + 1/x^3, c3 = -1/x^4
    assert c[2:] == pytest.approx([2.0 + 0.7 ** -3, -(0.7 ** -4)], rel=1e-13)


# Coefficient code for numbers (pushforward.taylor_scalar): each case was wrong or crashed
# there; the reference is the same function on series objects (SERIES below, checked against
# nested derivatives by the tests above) or a hand-computed series.


def _on_series(f, primals, directions, order):
    from pushforward import taylor_scalar

    saved = taylor_scalar.generate

    def unsupported(*args):
        raise taylor_scalar.Unsupported("series objects, for the test")

    taylor_scalar.generate = unsupported
    try:
        return pf.taylor(f, order=order)(primals, directions)
    finally:
        taylor_scalar.generate = saved


def _tuple_or_none(x):
    if x > 0:
        return x, x * x


def _chained_constant(x):
    k = 0.0
    k = m = k + 1.0  # the value once
    return k * m * x * 2.0 - x * (m - 1.0) + x * x - x * x + (m == 1.0) * 0.0


def _walrus_constant_into_active(x):
    y = x * x
    if (y := 2.0) > 1.0:
        pass
    return y * x


def _shadows_math(x):
    math = 2.0
    return x ** x * math + 2.0 ** x


def _with_array_exponent(x, n):
    return x ** n


def _only_a_self_assignment(x):
    if x > 0:
        x = x
    return x * x


def _float_of_an_int_or_x(x):
    y = 3 ** 40 + 1
    if x > 5.0:
        y = x
    z = float(y)
    return z * z / 7


def _empty_tuple(x):
    return ()


def _even(u, n):
    if n == 0:
        return u
    y = _odd(u, n - 1)
    return max(y, 0.0) + y


def _odd(u, n):
    if n == 0:
        return -u
    return _even(u * 2.0, n - 1) * u


@pytest.mark.parametrize("f,x", [(_tuple_or_none, 0.7), (_tuple_or_none, -0.7),
                                 (_chained_constant, 0.7), (_shadows_math, 0.7),
                                 (_only_a_self_assignment, 1.5), (_float_of_an_int_or_x, 0.5),
                                 (_odd, 0.7), (_empty_tuple, 0.7)])
def test_coefficient_code_agrees_with_series_objects(f, x):
    recursive = f is _odd
    primals, directions = ((x, 3), (1.0, None)) if recursive else ((x,), (1.0,))
    for order in (0, 2, 5):
        if recursive:  # _even has no coefficient code (max): the _odd written meanwhile goes too
            pf.taylor(_even, order=order)(primals, directions)
        got = pf.taylor(f, order=order)(primals, directions)
        want = _on_series(f, primals, directions, order)
        assert got[0] == want[0]
        checks.assert_close_structured(got[1:], want[1:], rtol=1e-13, atol=1e-13)


def test_a_constant_stored_by_an_assignment_expression():
    """(y := 2.0) in a test: the coefficient code keeps tests as written, so it leaves this
    function to series objects (which hold the constant); first order refuses it (dy kept
    x * x's tangent)."""
    g = pf.taylor(_walrus_constant_into_active, order=2)
    assert g((0.7,), (1.0,)) == [1.4, 2.0, 0.0] and g._last.slots is None
    with pytest.raises(pf.PushforwardError, match=r"assignment expression \(:=\)"):
        pf.forward_diff(_walrus_constant_into_active)(0.7)


def test_an_array_argument_held_constant_runs_on_series_objects():
    x, n = np.array([1.5, 1.5]), np.array([2, 3])
    c = pf.taylor(_with_array_exponent, order=2)((x, n), (np.ones(2), None))
    assert np.array_equal(c[0], x ** n)
    assert np.allclose(c[1], n * x ** (n - 1.0), rtol=1e-14)
    assert np.allclose(c[2], n * (n - 1) / 2 * x ** (n - 2.0), rtol=1e-14)


def _derivative_of_a_polynomial_closure(x):
    def inner(y):
        return x * y * y

    return pf.derivative(inner)(1.0)  # 2x


def _derivative_of_a_closure_calling_exp(x):
    def inner(y):
        return math.exp(x * y)

    return pf.derivative(inner)(1.0)


def test_nested_derivatives_of_closures_inside_taylor_mode():
    """Arithmetic on series is differentiated again; a nested function calling series rules
    is refused at the user's line (it raised NoRuleError naming generated code)."""
    assert pf.taylor(_derivative_of_a_polynomial_closure, order=2)((0.7,), (1.0,)) \
        == pytest.approx([1.4, 2.0, 0.0], abs=1e-15)
    with pytest.raises(pf.PushforwardError, match="test_taylor.py:.*pushforward.derivative of a "
                                                  "nested function"):
        pf.taylor(_derivative_of_a_closure_calling_exp, order=2)((0.7,), (1.0,))


# -- edge cases of the rules: quotients, scaling, zero bases, attributes ---------------------


def _fmod(x, y):
    return math.fmod(x, y)


def _hypot(x, y):
    return math.hypot(x, y)


def _np_hypot(x, y):
    return np.hypot(x, y)


def _atan2(y, x):
    return math.atan2(y, x)


def _zero_base(x):
    return 0.0 ** x


def _zero_base_of_an_item(xs):
    return 0.0 ** xs[0]


def _formats_square(x):
    y = x * x
    label = "y=%.3f" % y
    return y * len(label)


def _attributes(x):
    return x.real * x.conjugate() + (x if x.is_integer() else 2.0 * x) + x.imag


def _forms(*args):
    """The arguments as floats (coefficient code) and as 0-d arrays (series objects)."""
    return [args, tuple(np.array(a) for a in args)]


def test_fmod_uses_the_quotient_fmod_took():
    """fmod(1.0, 0.1) = 1.0 - 9 * 0.1 (1.0 / 0.1 rounds to 10.0): d/dy = -9."""
    for args in _forms(1.0, 0.1):
        c = pf.taylor(_fmod, order=2)(args, (None, 1.0))
        assert float(c[1]) == -9.0 and float(c[2]) == 0.0


@pytest.mark.parametrize("scale", [1e200, 1e-200, 1.0])
def test_hypot_of_huge_and_tiny_values(scale):
    """Closed form along (1, 0): h, x / h, (1 - (x / h)^2) / (2 h); squaring 3e200 would
    overflow, squaring 3e-200 underflow."""
    x, y = 3.0 * scale, 4.0 * scale
    h = 5.0 * scale
    expected = [h, x / h, (1.0 - (x / h) ** 2) / (2.0 * h)]
    for f in (_hypot, _np_hypot):
        for args in _forms(x, y):
            c = pf.taylor(f, order=2)(args, (1.0, None))
            np.testing.assert_allclose(np.array(c, dtype=float), expected, rtol=1e-14)


def test_atan2_on_the_axis_x_is_zero_with_series_objects():
    """(x dy - y dx) / (x^2 + y^2) at (y, x) = (0.5, 0) along dx = 1: -2."""
    for args in _forms(0.5, 0.0):
        c = pf.taylor(_atan2, order=2)(args, (None, 1.0))
        assert float(c[0]) == math.pi / 2 and float(c[1]) == pytest.approx(-2.0, rel=1e-15)


def test_zero_to_a_differentiated_power_is_zero_on_every_path():
    for args in _forms(1.5):
        assert [float(c) for c in pf.taylor(_zero_base, order=3)(args, (1.0,))] == [0.0] * 4
    assert pf.taylor(_zero_base_of_an_item, order=2)(([1.5],), ([1.0],)) == [0.0] * 3


def test_string_formatting_and_float_attributes_in_coefficient_code():
    # len("y=2.250") = 7: 7 y, y = x^2 at 1.5 along 1: [15.75, 21.0, 7.0]
    assert pf.taylor(_formats_square, order=2)((1.5,), (1.0,)) == [15.75, 21.0, 7.0]
    # x^2 + 2x at 1.5 (not an integer), x^2 + x at 2.0
    assert pf.taylor(_attributes, order=2)((1.5,), (1.0,)) == [5.25, 5.0, 1.0]
    assert pf.taylor(_attributes, order=2)((2.0,), (1.0,)) == [6.0, 5.0, 1.0]


def test_a_direction_for_star_args_is_refused_by_name():
    with pytest.raises(pf.errors.TangentMismatchError, match=r"primal 0 goes to \*args"):
        pf.taylor(_forms, order=2)((1.5,), (1.0,))


def t_sorts_its_own_copy(xs):
    xs = list(xs)
    xs.sort()
    xs[0] = xs[0] * 2.0
    return xs[0] * xs[1] + xs[2]


def test_writes_into_an_argument_rebound_to_a_copy_are_the_functions_own():
    """xs = list(xs), then writes into xs: the copy the refusal's hint asks for (it was
    refused all the same); coefficients against the closed form of the sorted order."""
    x, v = [1.3, 0.7, 2.0], [1.0, 0.0, 1.0]
    # sorted: [0.7, 1.3 + t, 2.0 + t] -> 1.4 (1.3 + t) + 2 + t = 3.82 + 2.4 t
    assert pf.taylor(t_sorts_its_own_copy, order=2)((x,), (v,)) == pytest.approx(
        [3.82, 2.4, 0.0], rel=1e-14, abs=1e-15)


def t_sorts_by_math_keys_and_tuples(x, y):
    xs = [x, y]
    xs.sort(key=lambda v: math.sin(v))
    pairs = sorted([(3.0, x), (1.0, y)])
    points = sorted([Pt(x, 2.0), Pt(y, 1.0)], key=lambda p: p.b)
    return xs[0] * xs[1] ** 2 + pairs[0][1] * pairs[1][1] + points[0].a


Pt = collections.namedtuple("Pt", "a b")


def test_sorts_of_series_compare_their_values():
    """A sort key that calls math functions, sorted tuples and namedtuples of series: they
    are ordered by the values (a math function of a series raised TypeError, and sorted saw
    one array of the list). Coefficients against the closed form along (1, 0)."""
    x, y = 0.7, 1.3  # sin 0.7 < sin 1.3: xs = [x, y]; pairs = [(1, y), (3, x)]; points[0] = y
    c = pf.taylor(t_sorts_by_math_keys_and_tuples, order=2)((x, y), (1.0, None))
    # f(x + t) = (x + t) y^2 + y (x + t) + y
    assert c == pytest.approx([x * y * y + y * x + y, y * y + y, 0.0], rel=1e-14, abs=1e-15)


Holder = collections.namedtuple("Holder", "w")


def t_stores_into_a_field_array(x):
    h = Holder(np.zeros(2))
    h.w[0] = x
    return np.sum(h.w ** 2)


def test_a_series_stored_into_an_array_of_numbers_is_refused_at_its_line():
    """An array Taylor mode did not make (a namedtuple's field) cannot hold a series: a
    clear error at the store (it was a bare TypeError), while first order differentiates it."""
    assert pf.forward_diff(t_stores_into_a_field_array)(0.7)[1] == pytest.approx(1.4, rel=1e-15)
    line = inspect.getsourcelines(t_stores_into_a_field_array)[1] + 2
    with pytest.raises(pf.errors.UnsupportedDerivativeError,
                       match=r"test_taylor.py:%d:5: a Taylor series where a number is needed"
                       % line):
        pf.taylor(t_stores_into_a_field_array, order=2)((0.7,), (1.0,))


WIDE = np.random.default_rng(3).normal(size=(50, 200))


def t_wide_product(x):
    return WIDE @ x


def t_concatenates_a_nested_list(x, s):
    return np.concatenate([x, [s, 1.0]]).sum()


def test_the_value_of_a_constant_matrix_times_a_series_is_the_primals_bit_for_bit():
    """A product of the whole stack of coefficients rounds unlike M @ x (BLAS): c0 is now
    computed as the primal is."""
    x = np.random.default_rng(4).normal(size=200)
    c = pf.taylor(t_wide_product, order=2)((x,), (np.ones(200),))
    assert np.array_equal(c[0], WIDE @ x)
    np.testing.assert_allclose(c[1], WIDE @ np.ones(200), rtol=1e-12)


def test_a_series_numpy_would_convert_to_numbers_is_refused_at_its_line():
    """np.concatenate([x, [s, 1.0]]) with x constant: NumPy converts the nested list, series
    included, to numbers (a bare TypeError before)."""
    line = inspect.getsourcelines(t_concatenates_a_nested_list)[1] + 1
    with pytest.raises(pf.errors.UnsupportedDerivativeError,
                       match=r"test_taylor.py:%d:5: a Taylor series where NumPy needs numbers"
                       % line):
        pf.taylor(t_concatenates_a_nested_list, order=2)((np.ones(2), 0.7), (None, 1.0))


def t_powers_by_an_array(x):
    return x ** np.array([2.0, 3.0, 2.0])


def test_whole_powers_from_an_array_of_exponents_at_a_zero_base():
    """x ** [2, 3, 2] with an entry of x at 0: exact products, not the recurrence that divides
    by the base (NaN before). (x + t v) ** n expands by the binomial theorem."""
    x, v = np.array([0.0, 0.7, -0.4]), np.array([1.0, -0.5, 2.0])
    c = pf.taylor(t_powers_by_an_array, order=3)((x,), (v,))
    n = np.array([2, 3, 2])
    for k in range(4):
        expected = [math.comb(int(m), k) * xi ** (m - k) * vi ** k if k <= m else 0.0
                    for xi, vi, m in zip(x, v, n)]
        np.testing.assert_allclose(c[k], expected, rtol=1e-14, atol=1e-15)


def t_writes_into_arrays_in_a_list(x):
    rows = [np.zeros(2) for _ in range(2)]
    rows[0][1] = x[0] ** 2
    pair = [np.ones(2), np.zeros(2)]
    pair[1][0] = x[1] * x[0]
    return rows[0] + rows[1] + pair[0] * pair[1]


def test_series_are_written_into_constant_arrays_held_in_a_list():
    """A list of constant arrays, built by a comprehension or a display, then written with
    series: each array becomes a series first (NumPy raised a bare ValueError)."""
    x, v = np.array([0.6, -0.3]), np.array([1.0, 0.5])
    c = pf.taylor(t_writes_into_arrays_in_a_list, order=2)((x,), (v,))
    # entry 0: (x0 + t)(x1 + t/2) = x0 x1 + (x1 + x0/2) t + t^2/2; entry 1: (x0 + t)^2
    np.testing.assert_allclose(c[0], [0.6 * -0.3, 0.36], rtol=1e-15)
    np.testing.assert_allclose(c[1], [-0.3 + 0.3, 1.2], rtol=1e-15, atol=1e-16)
    np.testing.assert_allclose(c[2], [0.5, 1.0], rtol=1e-15)


def t_heat_step_on_a_copy(u, alpha):
    u = u.copy()
    u[1:-1] += alpha * u[1:-1]
    return np.sum(u ** 2)


def test_a_copy_of_an_argument_held_constant_takes_series():
    """u = u.copy() of an array held constant, then updated in place with a differentiated
    value: the copy becomes a series (the update was refused as numpy.add with out=).
    f = 2 + 2 (1 + a)^2 along a."""
    for direction in (None, np.ones(4)):
        c = pf.taylor(t_heat_step_on_a_copy, order=2)((np.ones(4), 0.3), (direction, 1.0))
        if direction is None:
            assert c == pytest.approx([2 + 2 * 1.3 ** 2, 4 * 1.3, 2.0], rel=1e-14)
    assert t_heat_step_on_a_copy(np.ones(4), 0.3) == c[0]
