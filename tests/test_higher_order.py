"""Nested derivatives: forward_diff of forward_diff, jvp of a decorated function, derivative."""

import inspect
import math
import random
import re

import pytest

import checks
import corpus_scalar
import pushforward as pf
from checks import _is_interval


def _float_only(case):
    """Cases whose arguments are all float intervals (defaults and keyword-only parameters
    included, not *args or **kwargs)."""
    if not case.supported or not all(_is_interval(spec) for spec in case.domain):
        return False
    params = inspect.signature(case.func).parameters.values()
    return all(p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in params)


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


def test_second_derivative_reads_values_the_first_stored():
    """The first derivative stores sin(u) in a temporary; the tangent of its cos(u) needs
    sin(u) again and reads that temporary instead of calling sin once more."""
    def f(x):
        u = x * x
        return math.sin(u) * x

    second = pf.derivative(f, order=2)
    jvp_of_jvp = second.source.split("def f_jvp_jvp_x")[1]
    assert jvp_of_jvp.count("math.sin(") == 1
    x = 0.7
    assert second(x) == pytest.approx(6 * x * math.cos(x * x) - 4 * x ** 3 * math.sin(x * x),
                                      rel=1e-14)


def _defaults(x, scale=2.0, *, shift=0.5, power=3):
    return scale * math.sin(x) + shift * x ** power


def _defaults_d2(x, scale=2.0, shift=0.5, power=3):
    return -scale * math.sin(x) + shift * power * (power - 1) * x ** (power - 2)


def _defaults_d4(x, scale=2.0, shift=0.5, power=3):
    return scale * math.sin(x) + shift * power * (power - 1) * (power - 2) * (power - 3) * x ** (power - 4)


@pytest.mark.parametrize("args, kwargs", [((0.7,), {}), ((0.7, 1.5), {"power": 4}),
                                          ((0.7,), {"scale": -1.0, "shift": 2.0})])
def test_nested_derivatives_of_a_function_with_defaults_and_keyword_only_parameters(args, kwargs):
    expected = _defaults_d2(*args, **kwargs)
    assert pf.derivative(_defaults, order=2)(*args, **kwargs) == pytest.approx(expected, rel=1e-14)
    (_, d1), (_, d2) = pf.forward_diff(pf.forward_diff(_defaults))(*args, **kwargs)
    assert d2 == pytest.approx(expected, rel=1e-14)
    assert d1 == pf.forward_diff(_defaults)(*args, **kwargs)[1]
    fourth = pf.derivative(pf.derivative(_defaults, order=2), order=2)(*args, **kwargs)
    assert fourth == pytest.approx(_defaults_d4(*args, **kwargs), rel=1e-13)
    assert "def _defaults_d_deriv(x, scale=2.0, *, shift=0.5, power=3):" in \
        pf.derivative(_defaults, order=2).source


def test_nesting_a_function_with_star_parameters_or_two_wrt_is_refused_clearly():
    def h(x, *scales):
        return sum(scales) * x * x

    def k(x, y):
        return x * y

    for made in pf.forward_diff(h), pf.forward_diff(k, wrt=("x", "y")):
        with pytest.raises(pf.PushforwardError, match=r"nested derivatives take one wrt "
                                                      r"argument and no \*args"):
            pf.forward_diff(made)
    assert pf.derivative(h)(0.5, 1.0, 2.0) == 3.0
    with pytest.raises(pf.PushforwardError, match="cannot differentiate the function "
                                                  "pf.derivative returned"):
        pf.forward_diff(pf.derivative(h))


def test_derivative_takes_its_one_argument_named_in_a_tuple():
    def f(x, y):
        return x * x * math.sin(y)

    for order, expected in (1, 2 * 0.5 * math.sin(0.3)), (2, 2 * math.sin(0.3)), (3, 0.0):
        assert pf.derivative(f, order=order, wrt=("x",))(0.5, 0.3) == pytest.approx(expected)
    assert pf.derivative(f, order=2, wrt=("y",))(0.5, 0.3) == pytest.approx(-0.25 * math.sin(0.3))


_ZETA = {2: math.pi ** 2 / 6, 3: 1.2020569031595942, 4: math.pi ** 4 / 90, 5: 1.0369277551433699}


def _polygamma_at_half_integer(n, x):
    """psi^(n)(x) for x in 1/2 + Z: (-1)^(n+1) n! (2^(n+1) - 1) zeta(n+1) at 1/2, then the
    recurrence psi^(n)(x + 1) = psi^(n)(x) + (-1)^n n! / x^(n+1)."""
    value, at = (-1) ** (n + 1) * math.factorial(n) * (2 ** (n + 1) - 1) * _ZETA[n + 1], 0.5
    while at > x:
        at -= 1.0
        value -= (-1) ** n * math.factorial(n) / at ** (n + 1)
    while at < x:
        value += (-1) ** n * math.factorial(n) / at ** (n + 1)
        at += 1.0
    return value


def _lgamma(x):
    return math.lgamma(x)


@pytest.mark.parametrize("x", [-1.5, -0.5, 0.5, 2.5])
@pytest.mark.parametrize("order", [2, 3, 4, 5])
def test_derivatives_of_lgamma_at_half_integers(x, order):
    """The reflection psi(x) = psi(1 - x) - pi cot(pi x) is differentiated at x = -1.5, where
    tan(pi x) is 1e16: the n-th derivatives must stay well conditioned."""
    expected = _polygamma_at_half_integer(order - 1, x)
    assert pf.derivative(_lgamma, order=order)(x) == pytest.approx(expected, rel=1e-9)


def test_order_must_be_positive():
    with pytest.raises(pf.PushforwardError, match="positive int"):
        pf.derivative(math.sin, order=0)


# -- Hessians and Hessian-vector products (forward over forward, vector mode) ---------------

import numpy as np  # noqa: E402
import corpus_numpy  # noqa: E402


def _scalar_output_array_cases():
    out = []
    for case in corpus_numpy.CASES:
        arrays = [i for i in case.active if isinstance(case.domain[i], corpus_numpy.Array)]
        if not arrays:
            continue
        args = case.sample(random.Random(11))
        value = case.func(*args)
        if not isinstance(value, tuple) and np.ndim(value) == 0:
            out.append((case, arrays[0]))
    return out


HESSIAN_CASES = _scalar_output_array_cases()  # (case, the array argument)
HESSIAN_IDS = [c.name for c, _ in HESSIAN_CASES]


def test_there_are_enough_hessian_cases():
    assert len(HESSIAN_CASES) >= 8, HESSIAN_IDS


@pytest.mark.parametrize("case, i", HESSIAN_CASES, ids=HESSIAN_IDS)
def test_hessian_matches_differences_of_the_gradient(case, i):
    rng = random.Random(zlib_seed(case.name))
    args = case.sample(rng)
    H = pf.hessian(case.func, wrt=i)(*args)
    x = args[i]
    assert H.shape == x.shape + x.shape
    grad = pf.jacobian(case.func, wrt=i)
    h = 1e-5 * max(1.0, float(np.max(np.abs(x))))
    cols = []
    for e in np.eye(x.size):
        plus, minus = list(args), list(args)
        plus[i] = x + h * e.reshape(x.shape)
        minus[i] = x - h * e.reshape(x.shape)
        cols.append(((grad(*plus) - grad(*minus)) / (2 * h)).reshape(-1))
    fd = np.stack(cols, axis=-1)  # fd[a, b] = d grad_a / d x_b
    scale = max(1.0, float(np.max(np.abs(fd))))
    np.testing.assert_allclose(H.reshape(x.size, x.size), fd, rtol=1e-5, atol=1e-6 * scale)


@pytest.mark.parametrize("case, i", HESSIAN_CASES, ids=HESSIAN_IDS)
def test_hvp_equals_hessian_times_vector(case, i):
    rng = random.Random(zlib_seed("hvp" + case.name))
    args = case.sample(rng)
    v = np.random.default_rng(zlib_seed(case.name)).normal(size=args[i].shape)
    tangents = tuple(v if j == i else None for j in range(len(args)))
    out = pf.hvp(case.func, args, tangents)
    H = pf.hessian(case.func, wrt=i)(*args).reshape(v.size, v.size)
    assert all(o is None for j, o in enumerate(out) if j != i)
    assert out[i].shape == v.shape
    expected = (H @ v.reshape(-1)).reshape(v.shape)
    np.testing.assert_allclose(out[i], expected, rtol=1e-10,
                               atol=1e-12 * max(1.0, float(np.max(np.abs(expected)))))


def zlib_seed(text):
    import zlib

    return zlib.crc32(text.encode())


def test_hessian_closed_forms():
    def quadratic(x, A):
        return x @ A @ x

    def logsumexp(z):
        m = np.max(z)
        return m + np.log(np.sum(np.exp(z - m)))

    def rosenbrock(x):
        return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    rng = np.random.default_rng(7)
    A = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    np.testing.assert_allclose(pf.hessian(quadratic)(x, A), A + A.T, rtol=1e-14, atol=1e-14)
    s = np.exp(x) / np.sum(np.exp(x))
    np.testing.assert_allclose(pf.hessian(logsumexp)(x), np.diag(s) - np.outer(s, s),
                               rtol=1e-12, atol=1e-14)
    # Rosenbrock in two variables: [[1200 x^2 - 400 y + 2, -400 x], [-400 x, 200]]
    p = np.array([0.7, -0.2])
    expected = np.array([[1200 * 0.49 + 80 + 2, -280.0], [-280.0, 200.0]])
    np.testing.assert_allclose(pf.hessian(rosenbrock)(p), expected, rtol=1e-13)


def _prod_of_t(t):
    return np.prod(np.array([t, t + 1.0, 2.0 * t]))  # 2t^3 + 2t^2


def _largest_of_t(t):
    return np.sort(np.array([t, 1.0, -t]))[2] ** 3  # t^3 for t > 1


def _norm_of_t(t):
    return np.linalg.norm(np.array([t, 1.0]))  # sqrt(1 + t^2)


def _norms_of_t(t):
    v = np.array([t, 1.0, -0.5])
    return np.linalg.norm(v, 1) + np.linalg.norm(v, np.inf) * t  # t + 1.5 + t^2 for t > 1


def _max_of_cubes(t):
    return np.max(np.array([t ** 3, 1.0]))  # t^3 for t > 1


@pytest.mark.parametrize("f, derivatives", [
    (_prod_of_t, lambda t: (6 * t * t + 4 * t, 12 * t + 4, 12.0)),
    (_largest_of_t, lambda t: (3 * t * t, 6 * t, 6.0)),
    (_norm_of_t, lambda t: (t / math.sqrt(1 + t * t), (1 + t * t) ** -1.5,
                            -3 * t * (1 + t * t) ** -2.5)),
    (_norms_of_t, lambda t: (1 + 2 * t, 2.0, 0.0)),
    (_max_of_cubes, lambda t: (3 * t * t, 6 * t, 6.0)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_third_derivatives_through_the_helpers_of_numpy_rules(f, derivatives):
    """The tangents of prod, sort, norm and max are helper functions, differentiated again
    for higher orders: orders 1 to 3 match the closed forms (the third raised TypeError or
    NoRuleError), and so do Taylor coefficients."""
    t = 1.5
    for n, expected in enumerate(derivatives(t), 1):
        assert pf.derivative(f, order=n)(t) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    c = pf.taylor(f, order=3)((t,), (1.0,))
    assert [c[1], 2 * c[2], 6 * c[3]] == pytest.approx(list(derivatives(t)), rel=1e-12,
                                                       abs=1e-12)


def test_hessian_of_a_sorted_array():
    """np.sort(x)[-1] ** 3 is the cube of the largest entry: its Hessian has 6 max(x) at that
    entry, and zeros elsewhere."""
    def cube_of_largest(x):
        return np.sort(x)[-1] ** 3

    x = np.array([0.7, 1.1, 0.3])
    expected = np.zeros((3, 3))
    expected[1, 1] = 6 * 1.1
    np.testing.assert_allclose(pf.hessian(cube_of_largest)(x), expected, rtol=1e-14)
    np.testing.assert_allclose(pf.hvp(cube_of_largest, (x,), (np.ones(3),))[0],
                               expected @ np.ones(3), rtol=1e-14)

    def sorted_squares(x):  # sort of a nonlinear value: np.take_along_axis at second order
        return np.sort(x * x) @ np.array([1.0, 2.0, 3.0])

    # sorted squares of (0.7, 1.1, 0.3): 0.09, 0.49, 1.21 with weights 1, 2, 3 on x3, x1, x2
    np.testing.assert_allclose(pf.hessian(sorted_squares)(x), np.diag([4.0, 6.0, 2.0]),
                               rtol=1e-14)


def test_hessian_of_a_float_function_and_of_an_array_output():
    def f(x, y):
        return math.sin(x * y) + x ** 3

    assert pf.hessian(f)(0.4, 1.3) == pytest.approx(-math.sin(0.52) * 1.69 + 2.4, rel=1e-14)

    def g(x):
        return np.array([x[0] * x[1], np.sin(x[0])])

    H = pf.hessian(g)(np.array([0.3, 0.8]))
    assert H.shape == (2, 2, 2)
    np.testing.assert_allclose(H[0], [[0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(H[1], [[-math.sin(0.3), 0.0], [0.0, 0.0]], atol=1e-16)


def test_hvp_of_several_arguments_and_hessian_wrt_errors():
    def f(x, w):
        return np.sum(np.tanh(w * x) ** 2)

    x, w = np.array([0.2, -0.4, 0.9]), 1.3
    hx, hw = pf.hvp(f, (x, w), (np.ones(3), 1.0))
    # against FD of the gradient along (v, 1)
    def grad(x, w):
        return pf.forward_diff(f, wrt=(0, 1))(x, w)[1]
    h = 1e-6
    gp, gm = grad(x + h, w + h), grad(x - h, w - h)
    np.testing.assert_allclose(hx, (gp[0] - gm[0]) / (2 * h), rtol=1e-6)
    assert hw == pytest.approx((gp[1] - gm[1]) / (2 * h), rel=1e-6)
    with pytest.raises(pf.PushforwardError, match="one wrt"):
        pf.hessian(f, wrt=(0, 1))
    with pytest.raises(pf.PushforwardError, match="number"):
        pf.hvp(lambda x: x * 2.0, (x,), (x,))


# -- pushforward called inside differentiated code: no perturbation confusion ---------------

import nesting_functions as nf  # noqa: E402


@pytest.mark.parametrize("x", [-2.0, 0.0, 0.7, 3.5])
def test_perturbation_confusion_is_avoided(x):
    value, derivative = pf.forward_diff(nf.confusion)(x)
    assert value == x
    assert derivative == 1.0  # a confused implementation gives 2


@pytest.mark.parametrize("x", [-1.1, 0.4, 1.9])
def test_derivatives_of_closures_over_the_differentiated_variable(x):
    # d/dy (x y^2 + sin(x y)) at y=2 is 4x + x cos(2x); its d/dx is 4 + cos(2x) - 2x sin(2x)
    value, d = pf.forward_diff(nf.mixed_partial)(x)
    assert value == pytest.approx(4 * x + x * math.cos(2 * x), rel=1e-14)
    assert d == pytest.approx(4 + math.cos(2 * x) - 2 * x * math.sin(2 * x), rel=1e-13)
    # x^2 exp(x/2), derivative (2x + x^2/2) exp(x/2)
    value, d = pf.forward_diff(nf.second_through_closure)(x)
    assert value == pytest.approx(x * x * math.exp(x / 2), rel=1e-13)
    assert d == pytest.approx((2 * x + x * x / 2) * math.exp(x / 2), rel=1e-13)
    # x*1.5*(-0.5) + x*((-0.5)*1 + 1.5*2) = 1.75 x: derivative 1.75
    value, d = pf.forward_diff(nf.jvp_of_closure)(x)
    assert value == pytest.approx(1.75 * x, rel=1e-14)
    assert d == pytest.approx(1.75, rel=1e-14)
    # against finite differences too
    expected = checks.fd_jvp(nf.mixed_partial, (x,), (1.0,))
    assert pf.jvp(nf.mixed_partial, (x,), (1.0,))[1] == pytest.approx(expected, rel=1e-7)


def test_a_decorated_function_called_in_differentiated_code():
    x = 0.8
    # x (sin x + x cos x): derivative sin x + x cos x + x (2 cos x - x sin x)
    value, d = pf.forward_diff(nf.calls_decorated)(x)
    assert value == pytest.approx(x * (math.sin(x) + x * math.cos(x)), rel=1e-14)
    assert d == pytest.approx(math.sin(x) + x * math.cos(x)
                              + x * (2 * math.cos(x) - x * math.sin(x)), rel=1e-13)
    _, dd = pf.forward_diff(nf.calls_decorated, wrt=(0,))(x)
    assert dd[0] == pytest.approx(d, rel=1e-14)


def test_taylor_coefficients_of_a_function_calling_a_decorated_one():
    """pf.taylor runs on the decorated function's generated code, whose guard raises with the
    argument (raise not_a_number('y', y)): g = x sin x + x^2 cos x and its derivatives."""
    x = 0.8
    s, c = math.sin(x), math.cos(x)
    derivatives = [x * s + x * x * c, s + 3 * x * c - x * x * s, 4 * c - 5 * x * s - x * x * c,
                   -9 * s - 7 * x * c + x * x * s]
    coefficients = pf.taylor(nf.calls_decorated, order=3)((x,), (1.0,))
    assert coefficients == pytest.approx(
        [d / math.factorial(k) for k, d in enumerate(derivatives)], rel=1e-13)


def _taylor_of_a_nested_hessian(x):
    def inner(y):
        return x * np.sum(y ** 2)

    return pf.hessian(inner)(np.array([1.0, 2.0]))[0, 0] * x


def _taylor_of_a_nested_jacobian(x):
    def inner(y):
        return x * y ** 2

    return pf.jacobian(inner)(np.array([1.0, 2.0]))[1, 1] * x


def _taylor_of_a_nested_gradient(x):
    def inner(y):
        return np.sum(x * y)

    return pf.forward_diff(inner)(np.ones(2))[1][0] * x


@pytest.mark.parametrize("f, who", [(_taylor_of_a_nested_hessian, "pf.hessian or pf.hvp"),
                                    (_taylor_of_a_nested_jacobian, "pf.jacobian"),
                                    (_taylor_of_a_nested_gradient, "pf.jacobian")])
def test_taylor_refuses_vector_mode_of_a_closure_over_its_series(f, who):
    """Vector mode of a nested function that reads the expanded value would mix the batch
    of tangents with the series' coefficients: wrong coefficients (the Hessian) or a
    ValueError (the others) before; a clear error at the line, in Taylor mode only."""
    line = inspect.getsourcelines(f)[1] + 4
    with pytest.raises(pf.errors.UnsupportedDerivativeError,
                       match=r"test_higher_order.py:%d:5: pf.taylor does not follow %s"
                       % (line, re.escape(who))):
        pf.taylor(f, order=2)((0.7,), (1.0,))
    x = 0.7  # the functions themselves run: 2 x^2, 4 x^2, x^2
    assert f(x) == pytest.approx({_taylor_of_a_nested_hessian: 2, _taylor_of_a_nested_jacobian: 4,
                                  _taylor_of_a_nested_gradient: 1}[f] * x * x, rel=1e-14)


def _refuses_large(x):
    if x > 5.0:
        raise ValueError(x, "is too large")
    return math.exp(x)


def test_an_exception_raised_in_taylor_code_holds_values():
    assert pf.taylor(_refuses_large, order=2)((0.0,), (1.0,)) == [1.0, 1.0, 0.5]
    with pytest.raises(ValueError) as info:
        pf.taylor(_refuses_large, order=2)((6.0,), (1.0,))
    assert info.value.args == (6.0, "is too large")


def test_a_bad_argument_of_a_higher_derivative_names_the_users_function():
    with pytest.raises(pf.PushforwardError, match=r"calling the derivative of _x3_sin "
                       r"\(.*test_higher_order.py:\d+\): argument 'x' is True") as info:
        pf.derivative(_x3_sin, order=2)(True)
    assert "pushforward-" not in str(info.value)  # not the generated code's file


def test_taylor_mode_follows_a_lambda_passed_as_a_value():
    """First order refuses a lambda reading x passed as a value (test_errors): its tangent
    would be lost. Taylor mode runs it on series, which carry every coefficient (the code for
    numbers, which would drop them, is not written for it)."""
    import bad_functions as bad

    x = 0.5
    assert pf.taylor(bad.passes_a_lambda_reading_x, order=3)((x,), (1.0,)) == [2 * x, 2.0, 0.0, 0.0]
    assert pf.taylor(bad.keeps_a_lambda_reading_x, order=3)((x,), (1.0,)) == pytest.approx(
        [2 * math.sin(x), 2 * math.cos(x), -math.sin(x), -math.cos(x) / 3], rel=1e-14)


_RECORDED = {"log": []}


def _records_its_inputs(x):
    _RECORDED["log"].append(np.sin(x))
    _RECORDED["last"] = 2.0 * x
    return np.sum(x * x)


def test_taylor_mode_writes_values_into_containers_outside_the_function():
    """As at first order, a global keeps a differentiated value, not its Taylor series."""
    x = np.array([0.5, -0.25])
    c = pf.taylor(_records_its_inputs, order=2)((x,), (np.ones(2),))
    assert c == pytest.approx([0.3125, 0.5, 2.0], rel=1e-14)
    assert type(_RECORDED["log"][-1]) is np.ndarray and type(_RECORDED["last"]) is np.ndarray
    assert _RECORDED["log"][-1].tolist() == np.sin(x).tolist()
    assert _RECORDED["last"].tolist() == [1.0, -0.5]


def _x3_sin(x):
    return math.sin(x) * x ** 3


def _x3_sin_derivatives(x, n):
    """d^k/dx^k (x^3 sin x), k = 0..n, by Leibniz's rule."""
    powers = [x ** 3, 3 * x ** 2, 6 * x, 6.0] + [0.0] * n
    sines = [math.sin(x), math.cos(x), -math.sin(x), -math.cos(x)]
    return [sum(math.comb(k, j) * powers[j] * sines[(k - j) % 4] for j in range(k + 1))
            for k in range(n + 1)]


def test_the_function_pf_derivative_returns_is_differentiated_again():
    x = 0.7
    d = _x3_sin_derivatives(x, 5)
    d2 = pf.derivative(_x3_sin, order=2)
    assert pf.derivative(d2, order=2)(x) == pytest.approx(d[4], rel=1e-13)
    assert pf.derivative(pf.derivative(d2), order=2)(x) == pytest.approx(d[5], rel=1e-13)
    assert pf.forward_diff(d2)(x) == pytest.approx((d[2], d[3]), rel=1e-13)
    assert pf.jvp(d2, (x,), (2.0,)) == pytest.approx((d[2], 2.0 * d[3]), rel=1e-13)
    assert pf.hessian(pf.derivative(_x3_sin))(x) == pytest.approx(d[3], rel=1e-13)
    assert pf.taylor(pf.derivative(_x3_sin), order=2)((x,), (1.0,)) == pytest.approx(
        [d[1], d[2], d[3] / 2], rel=1e-13)
    assert "def _x3_sin_d2_deriv(x):" in pf.source(d2)


def test_the_functions_pf_hessian_and_pf_jacobian_return_are_refused_by_name():
    for made, api in ((pf.hessian(_x3_sin), "pf.hessian"), (pf.jacobian(_x3_sin), "pf.jacobian")):
        for differentiate in (pf.forward_diff, pf.derivative, lambda f: pf.jvp(f, (0.5,), (1.0,))):
            with pytest.raises(pf.PushforwardError, match=r"the function %s returned for "
                               r"_x3_sin \(.*test_higher_order.py:\d+\)" % api):
                differentiate(made)


def test_nested_derivative_at_a_differentiated_point_is_refused():
    with pytest.raises(pf.PushforwardError, match="derivative of the nested function 'inner'"):
        pf.forward_diff(nf.derivative_at_a_moving_point)(1.0)


@pytest.mark.parametrize("case", CASES[::3], ids=[c.name for c in CASES[::3]])
def test_third_derivative_against_differences_of_the_second(case):
    rng = random.Random(7)
    args = case.sample(rng)
    i = case.active[0]
    second = pf.derivative(case.func, order=2, wrt=i)
    third = pf.derivative(case.func, order=3, wrt=i)(*args)
    unit = tuple(1.0 if j == i else None for j in range(len(args)))
    expected = checks.fd_jvp(second, args, unit)
    checks.assert_close_structured(third, expected, rtol=1e-5,
                                   atol=1e-6 * (1 + checks.max_abs_leaf(expected)))


def test_nested_derivatives_of_closures_keep_no_per_call_state():
    """The twin of a nested function is a new object at every call: nothing is cached for it."""
    f = pf.forward_diff(nf.second_through_closure)
    g = pf.forward_diff(nf.jvp_of_closure)
    f(0.3), g(0.3)
    sizes = (len(pf.api._FORWARD), len(pf.pipeline._CACHE), len(pf.api._JVP),
             len(pf.api._NESTED))
    for i in range(5):
        assert f(0.3 + 0.1 * i)[1] == pytest.approx(
            (2 * (0.3 + 0.1 * i) + (0.3 + 0.1 * i) ** 2 / 2) * math.exp((0.3 + 0.1 * i) / 2),
            rel=1e-13)
        g(0.1 * i)
    assert (len(pf.api._FORWARD), len(pf.pipeline._CACHE), len(pf.api._JVP),
            len(pf.api._NESTED)) == sizes


def _doubles_in_place(xs):
    for i in range(len(xs)):
        xs[i] = xs[i] * 2.0
    return xs[0] * xs[1]  # 4 x0 x1: Hessian [[0, 4], [4, 0]]


def _fill_square(out, v):
    out[0] = 3.0 * v * v


def _filled(x, out):
    _fill_square(out, x)
    return out[0]  # 3 x^2


def test_second_derivatives_of_functions_writing_into_lists():
    """The second-order tangent of a list that is written into (an argument, or a list a
    callee fills) is a list too."""
    assert pf.hvp(_doubles_in_place, ([2.0, 1.5],), ([1.0, 0.0],)) == ([0.0, 4.0],)
    assert pf.hvp(_doubles_in_place, ([2.0, 1.5],), ([0.5, -1.0],)) == ([-4.0, 2.0],)
    assert pf.derivative(_filled, order=2, wrt="x")(0.7, [0.0]) == pytest.approx(6.0, rel=1e-14)


def test_higher_derivative_with_respect_to_a_list_is_refused():
    def f(x, ys):
        return x * ys[0] + ys[1] ** 2

    assert pf.derivative(f, order=1, wrt="ys")(0.5, [1.0, 2.0]) == [0.5, 4.0]
    with pytest.raises(pf.PushforwardError, match="use pf.hessian or pf.hvp"):
        pf.derivative(f, order=2, wrt="ys")(0.5, [1.0, 2.0])


def _products_of_x_with_itself(x):
    return (np.dot(x, x) + np.inner(x, x) + np.sum(np.outer(x, x)) + np.tensordot(x, x, 1)
            + x.dot(x))


def _stacked_with_lists(x):
    return np.sum(np.hstack([x, [x[0] * 2.0]]) ** 2) + np.sum(np.vstack([x, [x[0], x[1], 1.0]]))


def test_second_derivatives_of_products_with_the_array_on_both_sides():
    """np.dot(x, x) and its kind differentiated twice: the two tangents are batches."""
    import numpy as np

    x = np.array([0.3, -0.5, 0.7])
    # 4 |x|^2 + (sum x)^2: Hessian 8 I + 2 ones
    want = 8.0 * np.eye(3) + 2.0 * np.ones((3, 3))
    assert np.allclose(pf.hessian(_products_of_x_with_itself)(x), want, rtol=1e-14)
    v = np.array([1.0, -2.0, 0.5])
    assert np.allclose(pf.hvp(_products_of_x_with_itself, (x,), (v,))[0], want @ v, rtol=1e-14)
    # |x|^2 + 4 x0^2: Hessian 2 I + 8 e0 e0
    want = 2.0 * np.eye(3)
    want[0, 0] += 8.0
    assert np.allclose(pf.hessian(_stacked_with_lists)(x), want, rtol=1e-14)


def _in_place_powers(x):
    y = np.zeros(2)
    y[0] = x
    y[1] = 1.0
    y *= x  # [x^2, x]
    y *= y  # [x^4, x^2]
    y += x
    y[1] /= x  # [x^4 + x, x + 1]
    return y[0] + y[1]


def test_derivatives_of_every_order_through_in_place_array_updates():
    """x^4 + 2x + 1 built by in-place updates of an array: the update of a tangent in place
    must not be seen by the derivative of higher order computed beside it."""
    x = 1.5
    want = [4 * x ** 3 + 2, 12 * x ** 2, 24 * x, 24.0, 0.0]
    assert [pf.derivative(_in_place_powers, order=k)(x) for k in range(1, 6)] == \
        pytest.approx(want, rel=1e-14, abs=1e-13)
    coefficients = pf.taylor(_in_place_powers, order=5)((x,), (1.0,))
    assert coefficients == pytest.approx([x ** 4 + 2 * x + 1, 15.5, 13.5, 6.0, 1.0, 0.0],
                                         rel=1e-14, abs=1e-13)


def test_hessian_of_a_list_output_is_refused():
    import numpy as np

    with pytest.raises(pf.PushforwardError, match="f returned a list"):
        pf.hessian(lambda x: [np.sum(x * x), x[0] * x[1]])(np.ones(2))


@pytest.mark.parametrize("x", [-1.3, 0.4, 3.0])
def test_inline_lambdas_differentiated_inside_are_not_confused(x):
    """The lambda passed to pf.derivative or pf.jvp reads x: it is differentiated like a
    named nested function, so d/dx [x * 2x] = 4x and d/dx [2x] = 2."""
    assert pf.forward_diff(nf.inline_lambda_derivative)(x) == pytest.approx((2 * x * x, 4 * x))
    assert pf.forward_diff(nf.inline_lambda_jvp)(x) == pytest.approx((2 * x, 2.0))


def test_closures_other_entry_points_cannot_differentiate_are_refused():
    with pytest.raises(pf.PushforwardError, match="'h' reads a differentiated value and is "
                                                  "passed as a value"):
        pf.forward_diff(nf.hessian_of_a_closure)(0.5)
    with pytest.raises(pf.PushforwardError, match="wrt that is not one name or index"):
        pf.forward_diff(nf.closure_with_two_wrt)(0.5)


@pf.forward_diff
def _gradient_of_a_product(xs):
    return xs[0] * xs[1]


def _calls_a_list_derivative(x):
    v, grad = _gradient_of_a_product([x, 2.0 * x])
    return grad[0] * grad[1]


def test_a_derivative_of_a_list_called_in_differentiated_code_is_refused():
    """Its seed is 1.0, a number's: a list's derivative is a vector-mode pass that pushforward
    cannot differentiate again (it raised a TypeError from generated code)."""
    assert _calls_a_list_derivative(0.5) == 0.5
    with pytest.raises(pf.PushforwardError, match="its argument 'xs' is a list"):
        pf.forward_diff(_calls_a_list_derivative)(0.5)


@pf.forward_diff(wrt=("x", "y"))
def _gradient_of_two(x, y):
    return x * y * y


def _calls_a_two_argument_derivative(x):
    v, (dx, dy) = _gradient_of_two(x, 3.0)
    return dx * dy


def test_a_derivative_with_several_wrt_called_in_differentiated_code_is_refused_by_name():
    with pytest.raises(pf.PushforwardError, match="a derivative made by pushforward.forward_diff "
                                                  "with several wrt arguments"):
        pf.forward_diff(_calls_a_two_argument_derivative)(0.5)
