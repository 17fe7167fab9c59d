"""pushforward against finite differences on the NumPy corpus (corpus_numpy.CASES).

For every corpus function, at two seeded points of its domain:
  (a) pf.jvp along a seeded random direction (tangents shaped like the differentiated
      arguments, None for the data arguments): value bit-identical to f(*args) (arrays: same
      dtype, shape and bytes), tangent equal to the finite-difference JVP;
  (b) pf.forward_diff(f, wrt=i) for every differentiated *float* argument i (arrays held
      constant): the derivative, shaped like the output, equals the FD derivative along i.
Full Jacobians w.r.t. array arguments are not tested here.

The corpus itself is checked first, without pushforward: every function runs on its domain,
does not change its arguments (unless it says so), and its FD reference is stable (two step
sizes agree, so no sampled point sits on a kink) and agrees with hand-derived derivatives.
"""

import copy
import functools
import random
import zlib

import numpy as np
import pytest
from checks import (
    assert_close_structured,
    assert_primal_identical,
    fd_jvp,
    max_abs_leaf,
    random_direction,
)
from corpus_numpy import CASES

import pushforward as pf

N_POINTS = 2
RTOL = 1e-6
ATOL = 1e-8  # times the scale of the value and the derivative (at least 1)

IDS = [case.name for case in CASES]
_CASE_BY_NAME = {case.name: case for case in CASES}

# Corpus functions that modify their arguments in place on purpose.
MUTATES_ARGUMENTS = {"inplace_on_argument", "inplace_through_an_alias_of_the_argument"}


def _atol(case, value, derivative):
    if case.atol is not None:
        return case.atol
    return ATOL * max(1.0, max_abs_leaf(value), max_abs_leaf(derivative))


@functools.cache
def _points(name):
    return tuple(_CASE_BY_NAME[name].points(N_POINTS))


def _direction(case, k, args):
    rng = random.Random(zlib.crc32(f"direction:{case.name}:{k}".encode()))
    return random_direction(args, rng, case.active)


@functools.cache
def _expected_jvp(name, k):
    case = _CASE_BY_NAME[name]
    args = _points(name)[k]
    return fd_jvp(case.func, args, _direction(case, k, args), h=case.fd_step)


def _float_arguments(case):
    """Differentiated arguments that are plain floats (interval specs)."""
    return [i for i in case.active if isinstance(case.domain[i], tuple)]


def _unit(args, i):
    tangents = [None] * len(args)
    tangents[i] = 1.0
    return tuple(tangents)


# ----------------------------------------------------------------------------- the corpus itself


def test_corpus_size_and_names():
    assert len(CASES) >= 45
    assert len(set(IDS)) == len(IDS)
    for case in CASES:
        assert case.active, f"{case.name}: nothing is differentiated"
        assert len(case.domain) == len(case.arg_names), case.name


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_corpus_function_runs_plainly(case):
    for args in _points(case.name):
        kept = copy.deepcopy(args)
        out = case.func(*args)
        if case.name not in MUTATES_ARGUMENTS:
            assert_primal_identical(args, kept)  # no argument was changed
        for leaf in [out] if not isinstance(out, tuple) else list(out):
            arr = np.asarray(leaf)
            assert arr.dtype == np.float64, f"{case.name}: output dtype {arr.dtype}"
            assert np.all(np.isfinite(arr)), f"{case.name}: non-finite output {leaf!r}"
        # Deterministic: a second call on fresh copies gives the same bits.
        assert_primal_identical(case.func(*copy.deepcopy(kept)), case.func(*copy.deepcopy(kept)))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_corpus_fd_reference_is_stable(case):
    """FD with the default step and a 5x smaller one agree: the points are off the kinks."""
    for k, args in enumerate(_points(case.name)):
        tangents = _direction(case, k, args)
        big = _expected_jvp(case.name, k)
        small = fd_jvp(case.func, args, tangents, h=(case.fd_step or 1e-2) / 5.0)
        assert_close_structured(
            small, big, rtol=1e-7, atol=1e-9 * max(1.0, max_abs_leaf(big))
        )


def _fd_close(f, primals, tangents, expected, rtol=1e-8):
    got = fd_jvp(f, primals, tangents)
    assert_close_structured(got, expected, rtol=rtol, atol=1e-10 * max(1.0, max_abs_leaf(expected)))


def test_fd_hand_derivatives_elementwise():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 7)
    v = rng.standard_normal(7)
    # d sum(sin(x)) along v = sum(cos(x) v)
    _fd_close(lambda x: np.sum(np.sin(x)), (x,), (v,), float(np.sum(np.cos(x) * v)))
    # d exp(x) * x = exp(x) (1 + x) v, elementwise
    _fd_close(lambda x: np.exp(x) * x, (x,), (v,), np.exp(x) * (1.0 + x) * v)
    # d ||x|| = x.v / ||x||
    _fd_close(np.linalg.norm, (x,), (v,), float(x @ v / np.linalg.norm(x)))


def test_fd_hand_derivatives_linear_algebra():
    rng = np.random.default_rng(1)
    A = 3.0 * np.eye(3) + rng.uniform(-0.3, 0.3, (3, 3))
    V = rng.standard_normal((3, 3))
    Ainv = np.linalg.inv(A)
    # d det(A) = det(A) tr(A^-1 V);  d inv(A) = -A^-1 V A^-1
    _fd_close(np.linalg.det, (A,), (V,), float(np.linalg.det(A) * np.trace(Ainv @ V)))
    _fd_close(np.linalg.inv, (A,), (V,), -Ainv @ V @ Ainv)
    B = rng.standard_normal((3, 2))
    W = rng.standard_normal((3, 2))
    # d (A @ B) = V B + A W
    _fd_close(lambda A, B: A @ B, (A, B), (V, W), V @ B + A @ W)


def test_fd_hand_derivatives_corpus_functions():
    import corpus_numpy as cn

    # Softmax: ds = s * (v - s.v); d logsumexp = s.v.
    z = np.array([0.3, -1.2, 2.0, 0.7, -0.1, 1.1])
    v = np.array([1.0, -0.5, 0.25, 2.0, -1.0, 0.3])
    s = np.exp(z) / np.sum(np.exp(z))
    _fd_close(cn.softmax_logsumexp, (z,), (v,), (s * (v - s @ v), float(s @ v)))

    # Logistic regression: gradient X^T (p - y) / n + 0.02 w.
    w = np.array([0.2, -0.4, 0.9])
    dw = np.array([-1.0, 0.5, 2.0])
    X, y = cn.LOGREG_X, cn.LOGREG_Y
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    grad = X.T @ (p - y) / len(y) + 0.02 * w
    _fd_close(cn.logistic_regression_loss, (w, X, y), (dw, None, None), float(grad @ dw))

    # The heat equation is linear in u0: its JVP along v is the heat equation applied to v.
    u0 = np.linspace(-1.0, 1.0, 12) ** 2
    du = np.cos(np.arange(12.0))
    _fd_close(cn.heat_equation_explicit, (u0, 0.3), (du, None), cn.heat_equation_explicit(du, 0.3))

    # Gaussian log-likelihood: d/dmu = sum(data - mu) / sigma^2.
    mu, ls = 0.2, 0.1
    data = cn.GAUSS_DATA
    _fd_close(
        cn.gaussian_log_likelihood,
        (mu, ls, data),
        (1.0, None, None),
        float(np.sum(data - mu) / np.exp(2 * ls)),
    )

    # prod with an exact zero entry: d prod(x) = v[1] * prod(others).
    x = np.array([0.7, 0.0, 1.3, 0.9, 1.1])
    v = np.array([0.3, -2.0, 0.5, 1.0, -1.0])
    expected = v[1] * (0.7 * 1.3 * 0.9 * 1.1) + v[1] * (0.7 * 1.3)
    _fd_close(cn.reduce_prod_zero_entry, (x,), (v,), expected)


# ----------------------------------------------------------------------------- pushforward


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_jvp_random_direction(case):
    for k, args in enumerate(_points(case.name)):
        tangents = _direction(case, k, args)
        expected_value = case.func(*copy.deepcopy(args))
        value, tangent = pf.jvp(case.func, copy.deepcopy(args), copy.deepcopy(tangents))
        assert_primal_identical(value, expected_value)
        expected = _expected_jvp(case.name, k)
        assert_close_structured(
            tangent, expected, rtol=case.rtol, atol=_atol(case, expected_value, expected)
        )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_jvp_argument_side_effects(case):
    """The primal runs as written, so pf.jvp changes the caller's arguments exactly as a plain
    call does (not at all, unless the function mutates an argument on purpose); and derivative
    code writing into a view or a slice never writes into the caller's tangent arrays."""
    args = _points(case.name)[0]
    tangents = _direction(case, 0, args)
    args_plain = copy.deepcopy(args)
    case.func(*args_plain)
    args_in, tangents_in = copy.deepcopy(args), copy.deepcopy(tangents)
    pf.jvp(case.func, args_in, tangents_in)
    try:
        assert_primal_identical(args_in, args_plain)
    except AssertionError as e:
        raise AssertionError(
            f"pf.jvp left the caller's arguments different from a plain call: {e}"
        ) from None
    if case.name not in MUTATES_ARGUMENTS:
        try:
            assert_primal_identical(tangents_in, tangents)
        except AssertionError as e:
            raise AssertionError(f"pf.jvp changed the caller's tangents: {e}") from None


FLOAT_CASES = [case for case in CASES if _float_arguments(case)]


@pytest.mark.parametrize("case", FLOAT_CASES, ids=[case.name for case in FLOAT_CASES])
def test_forward_diff_float_argument(case):
    for args in _points(case.name):
        expected_value = case.func(*copy.deepcopy(args))
        for i in _float_arguments(case):
            value, d = pf.forward_diff(case.func, wrt=i)(*copy.deepcopy(args))
            assert_primal_identical(value, expected_value)
            expected = fd_jvp(case.func, args, _unit(args, i), h=case.fd_step)
            assert_close_structured(
                d, expected, rtol=case.rtol, atol=_atol(case, expected_value, expected)
            )


def test_norms_of_singular_values_closed_form_and_no_second_derivative():
    """For A = diag(3, 1) the singular vectors are the axes: d norm(A, 2) = dA[0, 0],
    d norm(A, -2) = dA[1, 1], d norm(A, 'nuc') = their sum. Second derivatives and Taylor
    coefficients would need the singular vectors' derivatives: refused by name."""
    A = np.diag([3.0, 1.0])
    dA = np.array([[0.7, -0.4], [0.9, 0.25]])
    for ord, expected in ((2, 0.7), (-2, 0.25), ("nuc", 0.95)):
        def norm(A):
            return np.linalg.norm(A, ord=ord, axis=(0, 1))

        assert pf.jvp(norm, (A,), (dA,))[1] == pytest.approx(expected, rel=1e-14)
        # raised as the code runs, at the user's line (its statement's column)
        where = r"test_corpus_numpy.py:%d:13: " % (norm.__code__.co_firstlineno + 1)
        with pytest.raises(pf.errors.UnsupportedDerivativeError,
                           match=where + "pushforward has no second derivative of "
                           "np.linalg.norm with ord=%r" % (ord,)):
            pf.hessian(norm)(A)
        with pytest.raises(pf.errors.UnsupportedDerivativeError,
                           match=where + "no Taylor rule for numpy.linalg.norm with ord=%r"
                           % (ord,)):
            pf.taylor(norm, order=2)((A,), (dA,))


def test_int_tangents_of_functions_updating_arrays_in_place():
    """The generated code updates tangent copies in place: an int tangent array becomes a
    float one first (dy *= 0.5 would truncate it)."""

    def halve(x):
        y = x.copy()
        y *= 0.5
        return y

    def smooth(x):
        x = x.copy()
        x[1:] += 0.25 * x[:-1]
        return x

    x = np.array([1.0, 2.0, 3.0])
    for _ in range(2):  # the checked call, then the fast one
        assert pf.jvp(halve, (x,), (np.array([1, 1, 1]),))[1].tolist() == [0.5, 0.5, 0.5]
        assert pf.jvp(smooth, (x,), (np.array([1, 1, 1]),))[1].tolist() == [1.0, 1.25, 1.25]


def test_derivative_of_np_max_of_a_float_input_is_a_number():
    a = np.array([1.0, 2.0])
    value, d = pf.forward_diff(lambda s: np.max(a * s))(0.5)
    assert (value, d) == (1.0, 2.0) and np.ndim(d) == 0 and not isinstance(d, np.ndarray)
