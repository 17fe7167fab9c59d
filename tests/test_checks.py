"""Tests of the test tools themselves (checks.py) and of the corpus's own soundness.

Nothing here imports pushforward: if these fail, the corpus tests cannot be trusted.
"""

import math
import random

import numpy as np
import pytest

import corpus_scalar
from checks import (
    DEFAULT_STEP,
    Case,
    FloatList,
    Int,
    _shift,
    assert_close_structured,
    assert_primal_identical,
    fd_jvp,
    fd_partials,
    max_abs_leaf,
    random_direction,
    taylor_references,
    unit_direction,
)
from corpus_scalar import CASES

POINTS = [-1.3, -0.4, 0.2, 0.9, 1.7]


def _check(f, primals, tangents, expected, rtol=1e-8, atol=1e-10):
    assert_close_structured(fd_jvp(f, primals, tangents), expected, rtol=rtol, atol=atol)


# ----------------------------------------------------------------------------- fd_jvp on exact derivatives


@pytest.mark.parametrize("x", POINTS)
def test_fd_sin(x):
    _check(math.sin, (x,), (1.0,), math.cos(x))
    _check(math.sin, (x,), (-0.7,), -0.7 * math.cos(x))


@pytest.mark.parametrize("x", POINTS)
def test_fd_exp_times_x(x):
    _check(lambda t: math.exp(t) * t, (x,), (1.0,), math.exp(x) * (1.0 + x))


@pytest.mark.parametrize("x", POINTS + [2.0, 10.0])
def test_fd_cube(x):
    _check(lambda t: t ** 3, (x,), (1.0,), 3.0 * x * x)


def test_fd_is_high_order():
    # A plain central difference with h = 1e-2 would be off by ~1.7e-5 relative here.
    d = fd_jvp(math.exp, (1.0,), (1.0,))
    assert abs(d - math.e) <= 1e-11 * math.e


@pytest.mark.parametrize("x, y", [(0.3, 1.2), (-1.1, 0.5), (2.0, -0.8)])
def test_fd_two_arguments(x, y):
    def f(a, b):
        return a * b + math.sin(a) * b * b

    vx, vy = 0.6, -1.4
    expected = (y + math.cos(x) * y * y) * vx + (x + 2.0 * math.sin(x) * y) * vy
    _check(f, (x, y), (vx, vy), expected)
    _check(f, (x, y), (None, vy), (x + 2.0 * math.sin(x) * y) * vy)
    _check(f, (x, y), (vx, None), (y + math.cos(x) * y * y) * vx)


def test_fd_list_argument():
    def f(xs):
        return sum(v * v for v in xs) * xs[0]

    xs = [0.5, -1.0, 2.0]
    v = [0.3, 0.1, -0.2]
    ss = sum(t * t for t in xs)
    grad = [ss + 2 * xs[0] * xs[0], 2 * xs[1] * xs[0], 2 * xs[2] * xs[0]]
    _check(f, (xs,), (v,), sum(g * d for g, d in zip(grad, v)))
    assert_close_structured(fd_partials(f, (xs,), 0), grad, rtol=1e-8, atol=1e-10)


def test_fd_structured_outputs_and_dict_arguments():
    def f(p, x):
        return (p["a"] * x, [x * x, math.exp(p["b"])], {"k": p["a"] * p["b"]})

    p = {"a": 1.5, "b": -0.5}
    x = 0.7
    tp = {"a": 0.2, "b": 1.0}
    tx = -1.0
    expected = (
        tp["a"] * x + p["a"] * tx,
        [2 * x * tx, math.exp(p["b"]) * tp["b"]],
        {"k": tp["a"] * p["b"] + p["a"] * tp["b"]},
    )
    _check(f, (p, x), (tp, tx), expected)


def test_fd_ints_and_constants():
    def f(n, k, label):
        assert isinstance(k, int) and label == "fixed"
        return n ** 3 / 2 + k

    # n is an int with a tangent: evaluated as a float; k keeps its int type (tangent None).
    _check(f, (3, 4, "fixed"), (1.0, None, None), 13.5)


def test_fd_zero_tangent_gives_zero_structure():
    d = fd_jvp(lambda x, y: (x * y, [x]), (1.0, 2.0), (None, None))
    assert d == (0.0, [0.0])


def test_fd_does_not_leak_mutation():
    def f(xs):
        xs.append(1.0)  # mutating its argument must not change later evaluations
        return xs[0] * len(xs)

    xs = [2.0]
    _check(f, (xs,), ([1.0],), 2.0)
    assert xs == [2.0]


def test_fd_arrays():
    a = np.array([0.5, 1.0, -2.0])
    t = np.array([1.0, 0.0, 0.5])
    d = fd_jvp(lambda v: np.sin(v) * 2.0, (a,), (t,))
    assert_close_structured(d, 2.0 * np.cos(a) * t, rtol=1e-8, atol=1e-10)


def test_fd_error_estimate_is_small_for_smooth_functions():
    d, err = fd_jvp(math.exp, (2.0,), (1.0,), return_error=True)
    assert err < 1e-9


# ----------------------------------------------------------------------------- wrong derivatives fail


@pytest.mark.parametrize("x", POINTS)
def test_wrong_sin_rule_fails(x):
    with pytest.raises(AssertionError):
        _check(math.sin, (x,), (1.0,), math.sin(x))  # "d sin = sin"


@pytest.mark.parametrize("x", POINTS)
def test_factor_two_error_fails(x):
    with pytest.raises(AssertionError):
        _check(lambda t: t ** 3, (x,), (1.0,), 6.0 * x * x)
    with pytest.raises(AssertionError):
        _check(lambda t: math.exp(t) * t, (x,), (1.0,), 2.0 * math.exp(x) * (1.0 + x))


def test_wrong_component_in_list_fails_and_names_path():
    def f(xs):
        return [xs[0] * xs[1], math.sin(xs[1])]

    xs = [0.4, 1.1]
    right = [xs[1] * 1.0 + xs[0] * 0.5, math.cos(xs[1]) * 0.5]
    _check(f, (xs,), ([1.0, 0.5],), right)
    wrong = [right[0], -right[1]]
    with pytest.raises(AssertionError, match=r"root\[1\]"):
        _check(f, (xs,), ([1.0, 0.5],), wrong)


def test_wrong_two_argument_rule_fails():
    def f(a, b):
        return a * b

    # Forgetting the product rule's second term.
    with pytest.raises(AssertionError):
        _check(f, (1.5, 2.0), (1.0, 1.0), 2.0)


def test_small_relative_error_is_caught():
    with pytest.raises(AssertionError):
        _check(math.exp, (1.0,), (1.0,), math.e * (1 + 1e-5), rtol=1e-6)


# ----------------------------------------------------------------------------- assert_close_structured


def test_taylor_references_of_closed_forms():
    """sin(x + s v) = sin x + cos x v s - sin x v^2 s^2 / 2 - cos x v^3 s^3 / 6 + ...; a list
    argument with a constant one beside it."""
    x, v = 0.7, -1.3
    c2, c3 = taylor_references(lambda a, d: math.cos(a[0]) * d[0], (x,), (v,))
    assert c2 == pytest.approx(-math.sin(x) * v * v / 2, rel=1e-9)
    assert c3 == pytest.approx(-math.cos(x) * v ** 3 / 6, rel=1e-6)

    def tangent(a, d):  # of f(xs, k) = [xs[0]^3 * k, xs[1]]
        return [3 * a[0][0] ** 2 * d[0][0] * a[1], d[0][1]]

    c2, c3 = taylor_references(tangent, ([0.5, 2.0], 4.0), ([2.0, 1.0], None))
    assert c2 == pytest.approx([3 * 0.5 * 4.0 * 4.0, 0.0], abs=1e-9)  # 3 x v^2 k
    assert c3 == pytest.approx([8.0 * 4.0, 0.0], abs=1e-6)  # v^3 k


def test_close_structured_passes_and_fails():
    assert_close_structured((1.0, [2.0, {"a": 3.0}]), (1.0, [2.0 + 1e-12, {"a": 3.0}]), 1e-9, 0)
    assert_close_structured(3, 3.0)  # ints are numbers too
    with pytest.raises(AssertionError, match=r"root\[1\]\[1\]\['a'\]"):
        assert_close_structured((1.0, [2.0, {"a": 3.1}]), (1.0, [2.0, {"a": 3.0}]))


def test_close_structured_structure_mismatches():
    with pytest.raises(AssertionError, match="expected a list"):
        assert_close_structured((1.0, 2.0), [1.0, 2.0])
    with pytest.raises(AssertionError, match="expected a tuple"):
        assert_close_structured(1.0, (1.0,))
    with pytest.raises(AssertionError, match="length"):
        assert_close_structured([1.0], [1.0, 2.0])
    with pytest.raises(AssertionError, match="keys"):
        assert_close_structured({"a": 1.0}, {"b": 1.0})
    with pytest.raises(AssertionError, match="expected a number"):
        assert_close_structured([1.0], 1.0)
    with pytest.raises(AssertionError, match="expected a number"):
        assert_close_structured(True, 1.0)


def test_close_structured_none_and_nan():
    assert_close_structured(None, 0.0, atol=1e-12)
    assert_close_structured([None, 1.0], [1e-14, 1.0], atol=1e-12)
    with pytest.raises(AssertionError):
        assert_close_structured(None, 0.5)
    with pytest.raises(AssertionError):
        assert_close_structured(None, 0.0, none_is_zero=False)
    assert_close_structured(float("nan"), float("nan"))
    with pytest.raises(AssertionError):
        assert_close_structured(float("nan"), 1.0)
    with pytest.raises(AssertionError):
        assert_close_structured(1.0, float("nan"))


def test_close_structured_zero_dimensional_arrays():
    """np.where on floats returns a 0-d array: compared like a number, mismatches reported."""
    assert_close_structured(np.array(1.0), np.array(1.0 + 1e-12), 1e-9)
    assert_close_structured(1.0, np.array(1.0))
    with pytest.raises(AssertionError, match=r"root\[\]: actual .*2\.0.*expected .*1\.0"):
        assert_close_structured(np.array(2.0), np.array(1.0))


def test_close_structured_reports_every_mismatch():
    with pytest.raises(AssertionError) as info:
        assert_close_structured([1.0, 2.0, 3.0], [9.0, 2.0, 9.0])
    assert "root[0]" in str(info.value) and "root[2]" in str(info.value)
    assert "root[1]" not in str(info.value).split("actual:")[0]


# ----------------------------------------------------------------------------- assert_primal_identical


def test_primal_identical():
    assert_primal_identical((1.0, [2, {"a": -0.0}]), (1.0, [2, {"a": -0.0}]))
    assert_primal_identical(float("nan"), float("nan"))
    assert_primal_identical([math.inf], [math.inf])
    x = 0.1 + 0.2
    with pytest.raises(AssertionError):
        assert_primal_identical(x, 0.3)  # one ulp apart
    with pytest.raises(AssertionError, match="bitwise"):
        assert_primal_identical(0.0, -0.0)
    with pytest.raises(AssertionError, match="type"):
        assert_primal_identical(1, 1.0)
    with pytest.raises(AssertionError, match="type"):
        assert_primal_identical((1.0,), [1.0])
    with pytest.raises(AssertionError, match=r"root\[1\]"):
        assert_primal_identical([1.0, 2.0], [1.0, 2.0000000000000004])
    with pytest.raises(AssertionError, match="keys"):
        assert_primal_identical({"a": 1.0, "b": 2.0}, {"b": 2.0, "a": 1.0})
    with pytest.raises(AssertionError):
        assert_primal_identical(float("nan"), 1.0)


# ----------------------------------------------------------------------------- directions


def test_random_direction_structure_and_seeding():
    primals = (1.0, 3, [0.5, 2.0], {"a": 1.0}, "label", (1.0, 2.0))
    t1 = random_direction(primals, random.Random(7), active=None)
    t2 = random_direction(primals, random.Random(7), active=None)
    assert t1 == t2
    assert isinstance(t1[0], float)
    assert t1[1] is None  # a pure int argument is not active by default
    assert isinstance(t1[2], list) and len(t1[2]) == 2
    assert isinstance(t1[3], dict) and set(t1[3]) == {"a"}
    assert t1[4] is None
    assert isinstance(t1[5], tuple) and len(t1[5]) == 2
    t3 = random_direction(primals, random.Random(8))
    assert t3 != t1
    t4 = random_direction(primals, np.random.default_rng(0), active=[1, 2])
    assert t4[0] is None and isinstance(t4[1], float) and isinstance(t4[2], list)
    assert random_direction((1.0,), 5) == random_direction((1.0,), 5)


def test_unit_direction_and_partials():
    assert unit_direction((1.0, [2.0, 3.0]), 1, 1) == (None, [0.0, 1.0])
    assert unit_direction((1.0, 2.0), 0) == (1.0, None)

    def f(x, p):
        return x * p["u"] + p["v"] ** 2

    d = fd_partials(f, (2.0, {"u": 1.5, "v": -1.0}), 1)
    assert_close_structured(d, {"u": 2.0, "v": -2.0}, rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------- Case sampling


def test_case_sampling_respects_domain_and_kinks():
    def f(x, n, xs):
        return x * n + sum(xs)

    case = Case(f, [(-2.0, 2.0), Int(1, 3), FloatList(3, 0.0, 1.0)], kinks=lambda x, n, xs: abs(x))
    assert case.active == (0, 2)
    assert case.arg_names == ["x", "n", "xs"]
    pts = case.points(50)
    assert pts == case.points(50)  # deterministic
    for x, n, xs in pts:
        assert -2.0 <= x <= 2.0 and abs(x) >= case.margin
        assert n in (1, 2, 3)
        assert len(xs) == 3 and all(0.0 <= v <= 1.0 for v in xs)


# ----------------------------------------------------------------------------- the corpus itself


def test_corpus_is_large_enough():
    assert len(CASES) >= 70
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_function_runs_plainly(case):
    if not case.supported:
        pytest.skip(f"needs Python >= {case.min_python}")
    for args in case.points(3):
        value = case.func(*args)
        assert all(math.isfinite(leaf) for leaf in _numeric_leaves(value))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_fd_is_reliable(case):
    """FD's own error estimate is far below the tolerance the corpus tests use, and the FD
    stencil never reaches a kink."""
    if not case.supported:
        pytest.skip(f"needs Python >= {case.min_python}")
    for k, args in enumerate(case.points(3)):
        tangents = random_direction(args, random.Random(k), case.active)
        d, err = fd_jvp(case.func, args, tangents, h=case.fd_step, return_error=True)
        value = case.func(*args)
        scale = max(1.0, max_abs_leaf(d), max_abs_leaf(value))
        assert err <= 1e-9 * scale, (args, err)
        if case.kinks is not None:
            vmax = max(max_abs_leaf(t) for t in tangents if t is not None)
            h = (case.fd_step or DEFAULT_STEP) / vmax
            for s in np.linspace(-h, h, 41):
                moved = [a if t is None else _shift(a, t, s) for a, t in zip(args, tangents)]
                assert case.kinks(*moved) > 0.3 * case.margin, (args, s)


def test_side_effect_function_appends_once():
    log = corpus_scalar.CALL_LOG
    before = len(log)
    corpus_scalar.side_effect_append(0.5)
    assert len(log) == before + 1


def _numeric_leaves(tree):
    if isinstance(tree, dict):
        tree = list(tree.values())
    if isinstance(tree, (list, tuple)):
        out = []
        for item in tree:
            out.extend(_numeric_leaves(item))
        return out
    return [float(tree)]


# ----------------------------------------------------------------------------- FD vs hand derivatives of corpus functions


def _norm_cdf(z):
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def _bs_delta(spot, strike, t, rate, vol):
    d1 = (math.log(spot / strike) + (rate + 0.5 * vol * vol) * t) / (vol * math.sqrt(t))
    return _norm_cdf(d1)


def _rosenbrock_grad(xs):
    n = len(xs)
    g = [0.0] * n
    for i in range(n - 1):
        a = xs[i + 1] - xs[i] ** 2
        g[i] += -400.0 * xs[i] * a - 2.0 * (1.0 - xs[i])
        g[i + 1] += 200.0 * a
    return g


# name -> (argument index, derivative of the output w.r.t. that argument)
HAND = {
    "math_sin": (0, lambda x: 2.0 * math.cos(2.0 * x + 0.3)),
    "math_tan": (0, lambda x: 1.0 / math.cos(x) ** 2),
    "math_asin": (0, lambda x: 2.0 / math.sqrt(1.0 - x * x)),
    "math_acosh": (0, lambda x: 1.0 / math.sqrt(x * x - 1.0)),
    "math_atanh": (0, lambda x: 1.0 / (1.0 - x * x)),
    "math_erf": (0, lambda x: 2.0 / math.sqrt(math.pi) * math.exp(-x * x)),
    "math_lgamma": (0, None),  # digamma: checked against a series below
    "math_log_base": (1, lambda x, b: -math.log(x) / (b * math.log(b) ** 2)),
    "math_atan2": (1, lambda y, x: -y / (x * x + y * y)),
    "math_fmod": (1, lambda x, y: -math.trunc(x / y)),
    "math_copysign": (
        0,
        lambda x, y: math.copysign(1.0, x) * math.copysign(1.0, y) + math.copysign(2.0, y),
    ),
    "nondiff_floor": (0, lambda x: math.floor(x)),
    "piecewise_huber": (0, lambda x: x if abs(x) <= 1.0 else math.copysign(1.0, x)),
    "newton_sqrt": (0, lambda a: 0.5 / math.sqrt(a)),
    "bisection_root": (0, lambda c: 1.0 / (3.0 * c ** (2.0 / 3.0))),
    "for_range": (0, lambda x, n: sum(x ** k / math.factorial(k) for k in range(n))),
    "recursive_power": (0, lambda x, n: n * x ** (n - 1)),
    "black_scholes_call": (0, _bs_delta),
    "softplus": (0, lambda x: 1.0 / (1.0 + math.exp(-x))),
    "math_hypot3": (2, lambda x, y, z: z / math.sqrt(x * x + y * y + z * z)),
    "int_counter": (0, lambda x, n: n * x ** (n - 1) + 2 * n),
}


def _digamma(x):
    # Recurrence up to x >= 10, then the asymptotic series; ~1e-13 accurate there.
    acc = 0.0
    while x < 10.0:
        acc -= 1.0 / x
        x += 1.0
    x2 = 1.0 / (x * x)
    series = x2 * (1 / 12 - x2 * (1 / 120 - x2 * (1 / 252 - x2 * (1 / 240 - x2 / 132))))
    return acc + math.log(x) - 0.5 / x - series


CASE_BY_NAME = {c.name: c for c in CASES}


@pytest.mark.parametrize("name", sorted(HAND))
def test_fd_matches_hand_derivative_of_corpus_function(name):
    case = CASE_BY_NAME[name]
    index, deriv = HAND[name]
    if name == "math_lgamma":
        deriv = _digamma
    for args in case.points(3):
        expected = deriv(*args)
        got = fd_jvp(case.func, args, unit_direction(args, index), h=case.fd_step)
        assert_close_structured(got, expected, rtol=1e-8, atol=1e-10)


def test_fd_matches_hand_gradient_of_rosenbrock():
    case = CASE_BY_NAME["rosenbrock"]
    for args in case.points(2):
        grad = fd_partials(case.func, args, 0)
        assert_close_structured(grad, _rosenbrock_grad(args[0]), rtol=1e-8, atol=1e-8)
    assert_close_structured(fd_partials(case.func, ([0.0] * 10,), 0), [-2.0] * 9 + [0.0], 1e-9, 1e-9)


def test_fd_matches_hand_derivative_of_rk4_pendulum_small_angle():
    # For tiny angles the pendulum is linear: theta(T) = theta0 * c, so d theta(T)/d theta0 = c
    # equals theta(T)/theta0 up to O(theta0^2).
    f = corpus_scalar.rk4_pendulum
    theta0 = 1e-4
    d = fd_jvp(f, (theta0,), (1.0,), h=1e-5)
    assert d == pytest.approx(f(theta0) / theta0, rel=1e-6)


# ----------------------------------------------------------------------------- corpus coverage

MATH_FUNCTIONS = (
    "sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh exp expm1 exp2 log "
    "log1p log2 log10 sqrt cbrt pow hypot erf erfc gamma lgamma fabs copysign fmod degrees "
    "radians fsum prod floor ceil trunc"
).split()
BUILTINS = "abs min max sum pow float divmod int round len".split()


def test_corpus_calls_every_listed_function():
    import inspect
    import re

    source = inspect.getsource(corpus_scalar)
    for name in MATH_FUNCTIONS:
        assert re.search(rf"\bmath\.{name}\(", source), f"math.{name} is not in the corpus"
    for name in BUILTINS:
        assert re.search(rf"(?<![.\w]){name}\(", source), f"builtin {name} is not in the corpus"
    assert re.search(r"math\.log\(\w+, \w+\)", source)  # two-argument log
    assert re.search(r"math\.hypot\(\w+, \w+, \w+\)", source)  # three-argument hypot
    assert "from math import sin as s" in source and "import math as m" in source
