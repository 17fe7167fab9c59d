"""The higher-order examples (taylor_approximation, newton_optimization), imported and checked
against references that do not use pushforward.

(test_docs_and_cli runs every example as a script; here their numbers are checked.)

taylor_approximation
    The coefficients of f(x) = exp(sin x) atan x at x0 are checked against
    ``pf.derivative(f, order=k)(x0) / k!`` (k = 1..4) and, to order 8, against exact power-series
    arithmetic on ``fractions.Fraction`` (the only inexact numbers are sin(x0), cos(x0),
    exp(sin x0) and atan(x0), taken as the exact rationals of the floats ``math`` returns). The
    reference itself is checked against ``math`` by summing it at small steps. The error of the
    order-k polynomial must behave as c_{k+1} h^(k+1) + c_{k+2} h^(k+2) (reference coefficients),
    which fails if any coefficient up to k is wrong.
newton_optimization
    Both minimisers reach (1, ..., 1); the Hessian and Hessian-vector products from pushforward
    equal the hand-derived (tridiagonal) ones at seeded random points.
"""

import math
import sys
from fractions import Fraction

import numpy as np
import pytest

import pushforward as pf
from examples_loader import example_module

@pytest.fixture(scope="module")
def taylor_example():
    yield from example_module("taylor_approximation")


@pytest.fixture(scope="module")
def newton_example():
    yield from example_module("newton_optimization")


@pytest.fixture(scope="module")
def taylor_result(taylor_example):
    return taylor_example.main()


# ================================================================ Taylor: exact series reference
#
# A series is a list [a0, ..., a_{n-1}] of Fractions standing for sum a_k t^k + O(t^n).


def _series_sin_shifted(x0, n):
    """sin(x0 + t) = sin(x0) cos(t) + cos(x0) sin(t)."""
    s0, c0 = Fraction(math.sin(x0)), Fraction(math.cos(x0))
    out = []
    for k in range(n):
        sign = Fraction((-1) ** (k // 2), math.factorial(k))
        out.append(sign * (s0 if k % 2 == 0 else c0))
    return out


def _series_exp(s, e0):
    """exp(s(t)) with exp(s0) = e0: e' = s' e, so k e_k = sum_{j=1..k} j s_j e_{k-j}."""
    e = [Fraction(e0)]
    for k in range(1, len(s)):
        e.append(sum(j * s[j] * e[k - j] for j in range(1, k + 1)) / k)
    return e


def _series_atan_shifted(x0, n):
    """atan(x0 + t): atan(x0) plus the integral of 1 / q(t), q = 1 + (x0 + t)^2."""
    X = Fraction(x0)
    q = [1 + X * X, 2 * X, Fraction(1)]
    r = [1 / q[0]]  # the series of 1 / q: q r = 1
    for k in range(1, n - 1):
        r.append(-(q[1] * r[k - 1] + (q[2] * r[k - 2] if k >= 2 else 0)) / q[0])
    return [Fraction(math.atan(x0))] + [r[k - 1] / k for k in range(1, n)]


def _series_mul(a, b):
    return [sum(a[i] * b[k - i] for i in range(k + 1)) for k in range(len(a))]


def reference_coefficients(x0, n):
    """The first n Taylor coefficients of exp(sin x) atan x at x0, exactly (as Fractions)."""
    sin_series = _series_sin_shifted(x0, n)
    exp_sin = _series_exp(sin_series, math.exp(math.sin(x0)))
    return _series_mul(exp_sin, _series_atan_shifted(x0, n))


def test_reference_series_sums_to_f(taylor_example):
    """The reference, without pushforward: summed at small steps it is f, to rounding."""
    x0 = taylor_example.X0
    ref = [float(c) for c in reference_coefficients(x0, 12)]
    assert ref[0] == taylor_example.f(x0)
    for h in (1e-3, -1e-3, 0.01, -0.01, 0.05):
        total = sum(c * h ** k for k, c in enumerate(ref))  # truncation below 1e-16
        assert abs(total - taylor_example.f(x0 + h)) <= 4e-16 * abs(total)


def test_coefficients_are_nested_derivatives(taylor_example, taylor_result):
    c = taylor_result["coefficients"]
    assert len(c) == taylor_example.ORDER + 1 == 9
    assert c[0] == taylor_example.f(taylor_example.X0)
    for k in range(1, 5):
        dk = pf.derivative(taylor_example.f, order=k)(taylor_example.X0)
        assert c[k] == pytest.approx(dk / math.factorial(k), rel=1e-9)


def test_coefficients_are_the_exact_series(taylor_example, taylor_result):
    ref = [float(r) for r in reference_coefficients(taylor_example.X0, 9)]
    c = taylor_result["coefficients"]
    scale = max(abs(r) for r in ref)
    for k in range(9):
        assert abs(c[k] - ref[k]) <= 1e-13 * abs(ref[k]) + 1e-15 * scale, (k, c[k], ref[k])


def test_error_of_order_k_is_the_next_terms(taylor_example, taylor_result):
    """f(x0 + h) - P_k(x0 + h) = c_{k+1} h^(k+1) + c_{k+2} h^(k+2) + O(h^(k+3)), with the
    reference's c_{k+1}, c_{k+2}; at each k, h is chosen so that the error (about 1e-10) is far
    above rounding and the O(h^(k+3)) remainder stays below 5 % of the leading term."""
    x0, f = taylor_example.X0, taylor_example.f
    c = taylor_result["coefficients"]
    ref = [float(r) for r in reference_coefficients(x0, 11)]
    for k in range(1, 9):
        p = taylor_example.taylor_polynomial(c, x0, k)
        h0 = (1e-10 / abs(ref[k + 1])) ** (1.0 / (k + 1))
        for h in (h0, -h0, h0 / 2, -h0 / 2):
            err = f(x0 + h) - p(x0 + h)
            leading = ref[k + 1] * h ** (k + 1)
            model = leading + ref[k + 2] * h ** (k + 2)
            assert abs(err - model) <= 0.05 * abs(leading), (k, h, err, model)


def test_errors_shrink_with_the_order(taylor_example, taylor_result):
    errors = taylor_result["max_error"]
    assert len(errors) == 9
    assert all(a > b for a, b in zip(errors, errors[1:]))
    assert errors[8] < 1e-6
    # the observed orders log2(err(h) / err(h/2)) are close to k + 1
    for k, order in enumerate(taylor_result["observed_order"]):
        assert k + 0.5 < order < k + 1.5, (k, order)


def test_source_is_printed_code(taylor_result):
    """At order 8, x's coefficients x_1 .. x_8 are parameters and every value has its own."""
    source = taylor_result["source"]
    assert source.startswith("def f_taylor(x_1, x_2, x_3, x_4, x_5, x_6, x_7, x_8, /, x):")
    assert " = math.atan(x)\n" in source and "    s_8 = " in source


def test_picture_is_written(taylor_example, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "taylor.png"
    result = taylor_example.main(png_path=str(path))
    assert result["png"] == str(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10000


def test_without_matplotlib_no_picture(taylor_example, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    path = tmp_path / "taylor.png"
    result = taylor_example.main(png_path=str(path))
    assert result["png"] is None and not path.exists()
    assert len(result["coefficients"]) == 9


# ============================================================================ Newton, Rosenbrock


def hand_gradient(x):
    g = np.zeros_like(x)
    r = x[1:] - x[:-1] ** 2
    g[:-1] += -400.0 * x[:-1] * r - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * r
    return g


def hand_hessian(x):
    """Tridiagonal: H_ii = 1200 x_i^2 - 400 x_{i+1} + 2 (i < n-1) + 200 (i > 0),
    H_{i,i+1} = H_{i+1,i} = -400 x_i."""
    n = x.size
    H = np.zeros((n, n))
    for i in range(n):
        if i < n - 1:
            H[i, i] += 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
            H[i, i + 1] = H[i + 1, i] = -400.0 * x[i]
        if i > 0:
            H[i, i] += 200.0
    return H


def _points():
    rng = np.random.default_rng(20240611)
    return [rng.uniform(-2.0, 2.0, size=n) for n in (2, 3, 5, 10) for _ in range(3)]


def test_hand_derivatives_are_right():
    """The hand-written references against central differences (no pushforward)."""
    rng = np.random.default_rng(3)
    x = rng.uniform(-1.5, 1.5, size=6)
    h = 1e-6

    def rosen(y):
        return np.sum(100.0 * (y[1:] - y[:-1] ** 2) ** 2 + (1.0 - y[:-1]) ** 2)

    eye = np.eye(x.size)
    fd_g = np.array([(rosen(x + h * e) - rosen(x - h * e)) / (2 * h) for e in eye])
    fd_H = np.array([(hand_gradient(x + h * e) - hand_gradient(x - h * e)) / (2 * h)
                     for e in eye])
    assert np.allclose(hand_gradient(x), fd_g, rtol=1e-6, atol=1e-5)
    assert np.allclose(hand_hessian(x), fd_H, rtol=1e-6, atol=1e-5)


def test_hessian_is_the_hand_hessian(newton_example):
    for x in _points():
        H = newton_example.HESSIAN(x)
        ref = hand_hessian(x)
        assert H.shape == (x.size, x.size)
        assert np.max(np.abs(H - ref)) <= 1e-12 * np.max(np.abs(ref)), x


def test_gradient_is_the_hand_gradient(newton_example):
    for x in _points():
        value, g = newton_example.GRADIENT(x)
        ref = hand_gradient(x)
        assert value == newton_example.rosenbrock(x)
        assert np.max(np.abs(g - ref)) <= 1e-12 * np.max(np.abs(ref))


def test_hvp_is_the_hand_product(newton_example):
    rng = np.random.default_rng(7)
    for x in _points():
        v = rng.normal(size=x.size)
        ref = hand_hessian(x) @ v
        hv = newton_example.hvp(x, v)
        assert hv.shape == x.shape
        assert np.max(np.abs(hv - ref)) <= 1e-12 * np.max(np.abs(hand_hessian(x))) * np.sum(
            np.abs(v))
        (direct,) = pf.hvp(newton_example.rosenbrock, (x,), (v,))
        assert np.array_equal(direct, hv)


@pytest.fixture(scope="module")
def newton_result(newton_example):
    return newton_example.main()


@pytest.mark.parametrize("n", [2, 10])
def test_both_variants_reach_the_minimum(newton_result, n):
    r = newton_result[n]
    assert r["start"].shape == (n,)
    assert np.max(np.abs(r["newton_x"] - 1.0)) < 1e-8
    assert np.max(np.abs(r["newton_cg_x"] - 1.0)) < 1e-8
    assert 5 <= r["newton_iterations"] <= 40
    assert 5 <= r["newton_cg_iterations"] <= 60
    assert 0 < r["hvp_count"] <= 30 * n * r["newton_cg_iterations"]
    assert np.max(np.abs(hand_gradient(r["newton_x"]))) < 1e-10


def test_n2_starts_from_the_classical_point(newton_result):
    assert newton_result[2]["start"].tolist() == [-1.2, 1.0]


def test_the_other_local_minimum_is_one(newton_result):
    """The docstring's claim, checked with the hand derivatives: where both methods stop from
    (-1.2, 1, ..., 1), the gradient is zero and the Hessian positive definite."""
    r = newton_result["local"]
    for x in (r["newton_x"], r["newton_cg_x"]):
        assert x[0] < -0.9
        assert np.max(np.abs(hand_gradient(x))) < 1e-8
        assert np.linalg.eigvalsh(hand_hessian(x))[0] > 0.1
    assert np.max(np.abs(r["newton_x"] - r["newton_cg_x"])) < 1e-8
