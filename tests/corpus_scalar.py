"""Corpus of plain scalar Python functions, each with its input domain.

Every function uses only floats, ints, lists/tuples/dicts and the ``math`` module, and is
registered right after its definition with ``register(func, domain, ...)`` (see
``checks.Case`` for the domain specs).  Domains keep sampled points away from
non-differentiable points and branch boundaries (``kinks=`` distance functions with a
``margin`` well above the finite-difference step), so finite differences are valid there.

Functions are named after the construct they exercise.  ``CASES`` lists them all.
"""

import collections
import math
import math as m
from typing import NamedTuple
from math import exp as _exp
from math import sin as s

import corpus_helpers
from checks import Case, Const, FloatDict, FloatList, FloatRecord, FloatTuple, Int
from corpus_helpers import cubic, scaled_sin

CASES = []


def register(func, domain, **options):
    CASES.append(Case(func, domain, **options))
    return func


def _frac_dist(u):
    """Distance from ``u`` to the nearest integer."""
    return abs(u - round(u))


def _half_dist(u):
    """Distance from ``u`` to the nearest half-integer (``k + 0.5``)."""
    return abs((u - 0.5) - round(u - 0.5))


def _pairwise_gap(values):
    vals = list(values)
    return min(abs(a - b) for i, a in enumerate(vals) for b in vals[i + 1 :])


# Module-level constants read by corpus functions.
SCALE = 2.5
OFFSET = -0.75
COEFFS = (1.0, -2.0, 0.5, 3.0)
GRAVITY = 9.81
PENDULUM_LENGTH = 1.3
DAMPING = 0.1

# Appended to by side_effect_append, once per call.
CALL_LOG = []


# ============================================================================ operators


def arith_binops(x, y):
    a = x + y
    b = x - y
    c = x * y
    d = x / y
    return a * b + c / d - d + 3.0 / x


register(arith_binops, [(0.5, 2.0), (0.5, 2.0)])


def floordiv_mod(x, y):
    q = x // y
    r = x % y
    return q * x + r * r + (x // 2.0) * y + x % 1.5


register(
    floordiv_mod,
    [(0.3, 4.0), (0.6, 1.7)],
    kinks=lambda x, y: min(_frac_dist(x / y), _frac_dist(x / 2.0), _frac_dist(x / 1.5)),
    margin=0.15,
    fd_step=1e-3,
)


def unary_ops(x):
    y = -x
    z = +y
    return -(z * z) + (-x) * 3.0 + (+x) - -(-y)


register(unary_ops, [(-2.0, 2.0)])


def pow_const_exponent(x):
    return x ** 3 + x ** 0.5 - 2.0 * x ** -2 + x ** 2.5 + (x + 1.0) ** 2


register(pow_const_exponent, [(0.5, 3.0)])


def pow_active_exponent(x, y):
    return x ** y + 2.0 ** x + y ** 2 + (x * y) ** (0.5 * y)


register(pow_active_exponent, [(0.5, 3.0), (0.5, 2.0)])


def augmented_assign(x, y):
    a = x
    a += y
    a -= 0.5 * x
    a *= y
    a /= 1.0 + x * x
    a **= 2
    b = 3.0
    b **= x
    b += a
    return a + b


register(augmented_assign, [(-2.0, 2.0), (0.5, 2.0)])


# ============================================================================ assignment forms


def tuple_unpack_swap(x, y):
    a, b = x, y * 2.0
    a, b = b, a
    (c, d) = (a * b, a - b)
    [e, f] = [c + 1.0, d * d]
    return c * d + a / b + e * f


register(tuple_unpack_swap, [(0.5, 2.0), (0.5, 2.0)])


def multiple_targets(x):
    a = b = x * 2.0
    a = a + 1.0
    c = d = e = math.sin(x)
    return a * b + c * d - e


register(multiple_targets, [(-2.0, 2.0)])


def multiple_targets_share_a_list(x, y):
    a = b = [0.0, 0.0]  # one list under two names
    a[0] = x * y
    acc = out = {}
    acc["k"] = 3.0 * x
    return b[0] + out["k"] * b[0]


register(multiple_targets_share_a_list, [(-2.0, 2.0), (-2.0, 2.0)])


# ============================================================================ branches


def conditional_expr(x):
    y = x * x if x > 0.0 else -x
    z = math.sin(y) if y > 1.0 else y * 0.5
    return z + (1.0 if x < 2.0 else x) * x


register(
    conditional_expr,
    [(-3.0, 3.0)],
    kinks=lambda x: min(abs(x), abs(x - 1.0), abs(x + 1.0), abs(x - 2.0)),
)


def if_elif_else(x):
    if x < -1.0:
        y = -x * x
    elif x < 1.0:
        y = x * math.exp(x)
    else:
        y = math.log(x) + 1.0
    return y * 2.0


register(if_elif_else, [(-3.0, 3.0)], kinks=lambda x: min(abs(x + 1.0), abs(x - 1.0)))


def piecewise_huber(x):
    delta = 1.0
    if abs(x) <= delta:
        loss = 0.5 * x * x
    else:
        loss = delta * (abs(x) - 0.5 * delta)
    return loss


register(piecewise_huber, [(-3.0, 3.0)], kinks=lambda x: min(abs(x), abs(abs(x) - 1.0)))


def early_return(x):
    if x < 0.0:
        return -x * x
    y = math.sqrt(x + 1.0)
    return y * x


register(early_return, [(-2.0, 2.0)], kinks=lambda x: abs(x))


def multiple_returns(x, n):
    y = 1.0
    for k in range(10):
        y = y * x + 1.0
        if k == n:
            return y
    if n > 20:
        return 0.0
    return -y


register(multiple_returns, [(-1.2, 1.2), Int(2, 12)])


def bool_and_or_not(x, y):
    if (x > 0.0 and y > 0.0) or not (x > -1.0):
        z = x * y
    else:
        z = x + y
    ok = x < 2.0 and not y > 2.0
    if ok or x > 2.5:
        z = z * 2.0
    return z


register(
    bool_and_or_not,
    [(-2.0, 3.0), (-1.0, 3.0)],
    kinks=lambda x, y: min(
        abs(x), abs(y), abs(x + 1.0), abs(x - 2.0), abs(y - 2.0), abs(x - 2.5)
    ),
)


def chained_comparison(x):
    if 0.0 < x < 1.0:
        return x * x
    elif 1.0 <= x < 2.0:
        return 2.0 * x - 1.0 + (x - 1.0) ** 3
    return -x if x <= 0.0 else x * 1.5


register(chained_comparison, [(-1.0, 3.0)], kinks=lambda x: min(abs(x), abs(x - 1.0), abs(x - 2.0)))


# ============================================================================ loops


def for_range(x, n):
    total = 0.0
    term = 1.0
    for k in range(1, n + 1):
        term = term * x / k
        total += term
    return total


register(for_range, [(-2.0, 2.0), Int(6, 10)])


def for_list(x):
    acc = 0.0
    for c in [2.0, -1.0, 0.5, 3.0]:
        acc = acc * x + c
    return acc


register(for_list, [(-2.0, 2.0)])


def for_tuple(x, y):
    acc = 1.0
    for v in (x, y, x * y):
        acc += math.sin(v) * v
    return acc


register(for_tuple, [(-2.0, 2.0), (-2.0, 2.0)])


def for_zip(xs, ys):
    dot = 0.0
    for a, b in zip(xs, ys):
        dot += a * b
    return dot + 0.1 * dot * dot


register(for_zip, [FloatList(5, -1.0, 1.0), FloatList(5, -1.0, 1.0)])


def for_zip_of_zip(xs, ys, zs):
    total = 0.0
    for (a, b), c in zip(zip(xs, ys), zs):
        total += a * math.sin(b) * c
    pairs = list(zip(xs, zs))
    return total + pairs[1][0] * pairs[2][1]


register(for_zip_of_zip, [FloatList(4, -1.0, 1.0), FloatList(4, -1.0, 1.0),
                          FloatList(4, -1.0, 1.0)])


def for_enumerate(xs):
    acc = 0.0
    for i, v in enumerate(xs):
        acc += (i + 1) * v * v
    return acc


register(for_enumerate, [FloatList(4, -2.0, 2.0)])


def while_loop(x):
    k = 0
    y = 1.0
    while k < 5:
        y = y * x + 1.0
        k += 1
    return y


register(while_loop, [(-1.5, 1.5)])


def while_break(x):
    y = x
    k = 0
    while True:
        y = math.sin(y) + x
        k += 1
        if k >= 6:
            break
    return y


register(while_break, [(-2.0, 2.0)])


def for_continue_break(xs):
    acc = 0.0
    for i, v in enumerate(xs):
        if i % 2 == 1:
            continue
        if i > 6:
            break
        acc += v * math.cos(v)
    return acc


register(for_continue_break, [FloatList(10, -2.0, 2.0)])


def int_counter(x, n):
    count = 0
    y = 1.0
    while count < n:
        y = y * x
        count += 1
    steps = 0
    for _ in range(n):
        steps += 2
    return y + steps * x


register(int_counter, [(-2.0, 2.0), Int(1, 6)])


# ============================================================================ calls


def _square_plus_sin(t):
    return t * t + math.sin(t)


def call_same_module(x):
    return _square_plus_sin(x) * _square_plus_sin(2.0 * x)


register(call_same_module, [(-2.0, 2.0)])


def call_other_module(x, y):
    return corpus_helpers.cubic(x) + cubic(y) * corpus_helpers.norm2(x, y)


register(call_other_module, [(0.2, 2.0), (0.2, 2.0)])


def _affine(t, scale=2.0, shift=0.0):
    return scale * t + shift


def call_keyword_default(x, y):
    a = _affine(x, shift=y)
    b = corpus_helpers.scaled_sin(x, shift=0.5)
    c = _affine(y, 3.0)
    d = _affine(shift=x, t=y)
    e = scaled_sin(y, scale=x)
    return a * b + c + d * e


register(call_keyword_default, [(-2.0, 2.0), (-2.0, 2.0)])


def _kwonly_helper(t, *, power, scale=1.0):
    return scale * t ** power


def keyword_only_call(x):
    a = _kwonly_helper(x, power=3)
    b = _kwonly_helper(x, power=2, scale=x)
    c = corpus_helpers.poly_kwonly(x, degree=3)
    return a + b + c


register(keyword_only_call, [(-2.0, 2.0)])


def keyword_only_default(x, y, *, weight=0.25):
    return x * y + weight * x * x


register(keyword_only_default, [(-2.0, 2.0), (-2.0, 2.0)])


def recursive_power(x, n):
    if n == 0:
        return 1.0
    return x * recursive_power(x, n - 1)


register(recursive_power, [(-2.0, 2.0), Int(1, 7)])


def _horner_from(coeffs, x, i):
    if i == len(coeffs) - 1:
        return coeffs[i]
    return coeffs[i] + x * _horner_from(coeffs, x, i + 1)


def recursive_horner(coeffs, x):
    return _horner_from(coeffs, x, 0)


register(recursive_horner, [FloatList(5, -2.0, 2.0), (-1.5, 1.5)])


def nested_function(x):
    def inner(t):
        return t * t + 1.0

    return inner(x) * inner(math.sin(x))


register(nested_function, [(-2.0, 2.0)])


def closure_capture(x, y):
    w = x * y

    def g(t):
        return t * w + math.sin(x)

    return g(y) + g(2.0) * x


register(closure_capture, [(-2.0, 2.0), (-2.0, 2.0)])


def make_scaler(k):
    def scale(t):
        return k * t + math.sin(t)

    return scale


TRIPLE = make_scaler(3.0)  # a closure made at module level: its cell is read live


def closure_factory(x):
    return TRIPLE(x) + TRIPLE(2.0) * x


register(closure_factory, [(-2.0, 2.0)])


def lambda_assigned(x):
    sq = lambda t: t * t + x  # noqa: E731
    return sq(x) + sq(2.0) * 0.5


register(lambda_assigned, [(-2.0, 2.0)])


def lambda_inline(x):
    return 1.0 + (lambda u, v: u * v + math.cos(u))(x, x + 1.0) * 2.0 - x


register(lambda_inline, [(-2.0, 2.0)])


# ============================================================================ containers


def list_literal_index(x, y):
    v = [x, y, x * y, 2.0]
    return v[0] * v[2] - v[-1] * v[1] + v[3]


register(list_literal_index, [(-2.0, 2.0), (-2.0, 2.0)])


def tuple_literal_index(x):
    t = (x, x * x, 3.0)
    a = t[1] + t[0] * t[2]
    return a * t[-2]


register(tuple_literal_index, [(-2.0, 2.0)])


def dict_literal(x, y):
    d = {"a": x, "b": y * y, "c": 2.0}
    return d["a"] * d["b"] + d["c"] * d["a"]


register(dict_literal, [(-2.0, 2.0), (-2.0, 2.0)])


def dict_call(x, y):
    params = dict(a=x, b=2.0 * y, c=3.0)
    out = dict()
    out["k"] = params["a"] * params["b"]
    return out["k"] + params["c"] * math.sin(params["a"])


register(dict_call, [(-2.0, 2.0), (-2.0, 2.0)])


def list_append(x):
    vals = []
    for k in range(4):
        vals.append(x ** k + k)
    vals.append(math.exp(x))
    return vals[0] + vals[2] * vals[4] - vals[3]


register(list_append, [(-2.0, 2.0)])


def list_reversed_in_place(x, y):
    vals = [x, x * y, math.sin(y)]
    vals.reverse()
    return vals[0] * vals[1] + vals[2] ** 2


register(list_reversed_in_place, [(-2.0, 2.0), (-2.0, 2.0)])


def list_item_assign(x, y):
    v = [0.0, 0.0, 0.0]
    v[1] = x * y
    v[2] = v[1] + x
    v[0] += y
    v[1] *= 2.0
    return v[0] * v[1] + v[2]


register(list_item_assign, [(-2.0, 2.0), (-2.0, 2.0)])


def dict_item_assign(x):
    d = {}
    d["sq"] = x * x
    d["cube"] = d["sq"] * x
    d["sq"] += 1.0
    return d["sq"] / d["cube"]


register(dict_item_assign, [(0.5, 2.0)])


def list_comprehension(xs):
    squares = [v * v for v in xs]
    evens = [v for i, v in enumerate(xs) if i % 2 == 0]
    return sum(squares) + evens[0] * evens[-1]


register(list_comprehension, [FloatList(5, -2.0, 2.0)])


def generator_in_sum(xs):
    return sum(math.exp(v) * v for v in xs)


register(generator_in_sum, [FloatList(4, -2.0, 2.0)])


def generator_in_max_min(xs):
    return max(v * v for v in xs) + min(math.sin(v) for v in xs) + max([2.0 * v for v in xs])


register(
    generator_in_max_min, [FloatList(3, 0.1, 1.5)], kinks=lambda xs: _pairwise_gap(xs)
)


def tuple_output(x, y):
    return x * y, x + y, math.sin(x)


register(tuple_output, [(-2.0, 2.0), (-2.0, 2.0)])


def list_output(x):
    return [x, x * x, math.exp(x)]


register(list_output, [(-2.0, 2.0)])


def dict_argument(params, x):
    return params["a"] * x * x + params["b"] * x + params["c"] * math.sin(x)


register(
    dict_argument, [FloatDict({"a": (-1.0, 1.0), "b": (-1.0, 1.0), "c": (0.5, 2.0)}), (-2.0, 2.0)]
)


def tuple_argument(point, scale):
    px, py = point
    return scale * (px * px + 3.0 * py) + point[0] * point[1]


register(tuple_argument, [FloatTuple(2, -2.0, 2.0), (0.5, 2.0)])


# ============================================================================ globals, docs, misc


def module_constants(x):
    return SCALE * x + OFFSET * x * x + COEFFS[2] * math.sin(x * COEFFS[1])


register(module_constants, [(-2.0, 2.0)])


def math_pi_e(x):
    return math.pi * x * x + math.e ** x + m.pi / x


register(math_pi_e, [(0.5, 2.0)])


def docstring_annotations(x: float, y: float = 2.0) -> float:
    """Return a smooth combination of x and y.

    The docstring and the annotations must survive transformation.
    """
    z: float = x * y
    w: float = math.sin(z)
    return z + w


register(docstring_annotations, [(-2.0, 2.0), (-2.0, 2.0)])


def with_assert(x):
    assert x > 0.0, "x must be positive"
    y = math.log(x)
    assert y == y
    return y * x


register(with_assert, [(0.5, 3.0)])


def side_effect_append(x):
    CALL_LOG.append("side_effect_append")
    return x * math.exp(x)


register(side_effect_append, [(-2.0, 2.0)], side_effect_log=CALL_LOG)


def import_aliases(x):
    return s(x) * m.cos(x) + m.exp(-x * x) + _exp(0.5 * x)


register(import_aliases, [(-2.0, 2.0)])


# ============================================================================ math module


def math_sin(x):
    return math.sin(2.0 * x + 0.3)


register(math_sin, [(-3.0, 3.0)])


def math_cos(x):
    return math.cos(x * x) * x


register(math_cos, [(-2.0, 2.0)])


def math_tan(x):
    return math.tan(x)


register(math_tan, [(-1.2, 1.2)])


def math_asin(x):
    return math.asin(x) * 2.0


register(math_asin, [(-0.9, 0.9)])


def math_acos(x):
    return math.acos(0.5 * x + 0.1)


register(math_acos, [(-1.5, 1.5)])


def math_atan(x):
    return math.atan(3.0 * x)


register(math_atan, [(-3.0, 3.0)])


def math_atan2(y, x):
    return math.atan2(y, x)


register(math_atan2, [(0.2, 2.0), (-2.0, 2.0)])


def math_sinh(x):
    return math.sinh(x)


register(math_sinh, [(-2.0, 2.0)])


def math_cosh(x):
    return math.cosh(x) - x


register(math_cosh, [(-2.0, 2.0)])


def math_tanh(x):
    return math.tanh(1.5 * x)


register(math_tanh, [(-2.0, 2.0)])


def math_asinh(x):
    return math.asinh(x)


register(math_asinh, [(-3.0, 3.0)])


def math_acosh(x):
    return math.acosh(x)


register(math_acosh, [(1.1, 4.0)])


def math_atanh(x):
    return math.atanh(x)


register(math_atanh, [(-0.9, 0.9)])


def math_exp(x):
    return math.exp(x) * 0.5


register(math_exp, [(-3.0, 3.0)])


def math_expm1(x):
    return math.expm1(x)


register(math_expm1, [(-1.0, 2.0)])


def math_exp2(x):
    return math.exp2(x)


register(math_exp2, [(-3.0, 3.0)], min_python=(3, 11))


def math_log(x):
    return math.log(x) * x


register(math_log, [(0.2, 5.0)])


def math_log_base(x, b):
    return math.log(x, b)


register(math_log_base, [(0.5, 5.0), (1.5, 4.0)])


def math_log1p(x):
    return math.log1p(x)


register(math_log1p, [(-0.5, 2.0)])


def math_log2(x):
    return math.log2(x)


register(math_log2, [(0.2, 8.0)])


def math_log10(x):
    return math.log10(x)


register(math_log10, [(0.2, 20.0)])


def math_sqrt(x):
    return math.sqrt(x) + math.sqrt(x * x + 1.0)


register(math_sqrt, [(0.2, 5.0)])


def math_cbrt(x):
    return math.cbrt(x)


register(math_cbrt, [(-8.0, 8.0)], kinks=lambda x: abs(x), margin=0.3, min_python=(3, 11))


def math_pow(x, y):
    return math.pow(x, y) + math.pow(x, 2.0)


register(math_pow, [(0.5, 3.0), (-2.0, 2.0)])


def math_hypot2(x, y):
    return math.hypot(x, y)


register(math_hypot2, [(0.2, 2.0), (-2.0, -0.2)])


def math_hypot3(x, y, z):
    return math.hypot(x, y, z)


register(math_hypot3, [(0.2, 2.0), (-2.0, 2.0), (0.5, 1.5)])


def math_erf(x):
    return math.erf(x)


register(math_erf, [(-2.0, 2.0)])


def math_erfc(x):
    return math.erfc(x)


register(math_erfc, [(-2.0, 2.0)])


def math_gamma(x):
    return math.gamma(x)


register(math_gamma, [(0.3, 4.0)])


def math_lgamma(x):
    return math.lgamma(x)


register(math_lgamma, [(0.3, 8.0)])


def math_fabs(x):
    return math.fabs(x - 0.3) * 2.0


register(math_fabs, [(-2.0, 2.0)], kinks=lambda x: abs(x - 0.3))


def math_copysign(x, y):
    return math.copysign(x, y) + x * math.copysign(2.0, y)


register(math_copysign, [(-2.0, 2.0), (-2.0, 2.0)], kinks=lambda x, y: min(abs(x), abs(y)))


def math_fmod(x, y):
    return math.fmod(x, y)


register(
    math_fmod,
    [(-4.0, 4.0), (0.7, 1.6)],
    kinks=lambda x, y: _frac_dist(x / y),
    margin=0.15,
    fd_step=1e-3,
)


def math_degrees(x):
    return math.degrees(x) * x


register(math_degrees, [(-2.0, 2.0)])


def math_radians(x):
    return math.sin(math.radians(x))


register(math_radians, [(-180.0, 180.0)])


def math_fsum(xs):
    return math.fsum([v * v for v in xs]) + math.fsum((xs[0], 1.0))


register(math_fsum, [FloatList(5, -2.0, 2.0)])


def math_prod(xs):
    return math.prod(xs) + math.prod([xs[0], xs[1], 2.0])


register(math_prod, [FloatList(4, 0.5, 1.5)])


# ============================================================================ builtins


def builtin_abs(x, y):
    return abs(x) * y + abs(y - 0.5)


register(builtin_abs, [(-2.0, 2.0), (-2.0, 2.0)], kinks=lambda x, y: min(abs(x), abs(y - 0.5)))


def builtin_min_args(x, y, z):
    return min(x, y, z) * 2.0 + min(x, 1.0)


register(
    builtin_min_args,
    [(-2.0, 2.0), (-2.0, 2.0), (-2.0, 2.0)],
    kinks=lambda x, y, z: min(_pairwise_gap((x, y, z)), abs(x - 1.0)),
)


def builtin_max_args(x, y):
    return max(x, y, 0.5) * x + max(y, 0.0)


register(
    builtin_max_args,
    [(-2.0, 2.0), (-2.0, 2.0)],
    kinks=lambda x, y: min(_pairwise_gap((x, y, 0.5)), abs(y)),
)


def builtin_min_max_iterable(xs):
    return max(xs) - min(xs) + max([xs[0], 2.0 * xs[1]]) * min((xs[2], 1.0))


register(
    builtin_min_max_iterable,
    [FloatList(4, -2.0, 2.0)],
    kinks=lambda xs: min(_pairwise_gap(xs), abs(xs[0] - 2.0 * xs[1]) / 2.0, abs(xs[2] - 1.0)),
)


def builtin_sum(xs, x):
    return sum(xs) * x + sum([x, x * x, 1.0]) + sum(xs, 2.0)


register(builtin_sum, [FloatList(4, -2.0, 2.0), (-2.0, 2.0)])


def builtin_pow(x, y):
    return pow(x, 3) + pow(x, y) + pow(2.0, y)


register(builtin_pow, [(0.5, 3.0), (-2.0, 2.0)])


def builtin_float(x, n):
    return float(n) * x + float(x) * x


register(builtin_float, [(-2.0, 2.0), Int(1, 9)])


def builtin_divmod(x, y):
    q, r = divmod(x, y)
    return q * x + r * y + r * r


register(
    builtin_divmod,
    [(0.3, 4.0), (0.6, 1.7)],
    kinks=lambda x, y: _frac_dist(x / y),
    margin=0.15,
    fd_step=1e-3,
)


# ============================================================================ non-differentiable helpers


def nondiff_int(x):
    return int(x) * x + int(2.9)


register(nondiff_int, [(0.2, 4.8)], kinks=lambda x: _frac_dist(x))


def nondiff_round(x):
    return round(x) * x + x


register(nondiff_round, [(-3.0, 3.0)], kinks=lambda x: _half_dist(x))


def nondiff_floor(x):
    return x * math.floor(x)


register(nondiff_floor, [(-3.0, 3.0)], kinks=lambda x: _frac_dist(x))


def nondiff_ceil(x):
    return math.ceil(x) * x * x


register(nondiff_ceil, [(-3.0, 3.0)], kinks=lambda x: _frac_dist(x))


def nondiff_trunc(x):
    return math.trunc(x) * math.sin(x) + x


register(nondiff_trunc, [(-3.0, 3.0)], kinks=lambda x: _frac_dist(x))


def nondiff_len(xs):
    n = len(xs)
    mean = sum(xs) / n
    return sum((v - mean) ** 2 for v in xs) / (n - 1)


register(nondiff_len, [FloatList(6, -2.0, 2.0)])


def nondiff_comparisons(x, y):
    bigger = x > y
    same_sign = (x > 0.0) == (y > 0.0)
    k = 2 if bigger else 1
    return k * x * y + (1.0 if same_sign else -1.0) * x + (x >= y) * 0.0


register(
    nondiff_comparisons,
    [(-2.0, 2.0), (-2.0, 2.0)],
    kinks=lambda x, y: min(abs(x - y) / 2.0, abs(x), abs(y)),
)


# ============================================================================ realistic programs


def black_scholes_call(spot, strike, t, rate, vol):
    sqrt_t = math.sqrt(t)
    d1 = (math.log(spot / strike) + (rate + 0.5 * vol * vol) * t) / (vol * sqrt_t)
    d2 = d1 - vol * sqrt_t
    nd1 = 0.5 * (1.0 + math.erf(d1 / math.sqrt(2.0)))
    nd2 = 0.5 * (1.0 + math.erf(d2 / math.sqrt(2.0)))
    return spot * nd1 - strike * math.exp(-rate * t) * nd2


register(
    black_scholes_call, [(80.0, 120.0), (90.0, 110.0), (0.25, 2.0), (0.0, 0.05), (0.1, 0.5)]
)


def _pendulum_rhs(theta, omega):
    return omega, -GRAVITY / PENDULUM_LENGTH * math.sin(theta) - DAMPING * omega


def rk4_pendulum(theta0):
    dt = 0.02
    theta = theta0
    omega = 0.0
    for _ in range(100):
        k1t, k1w = _pendulum_rhs(theta, omega)
        k2t, k2w = _pendulum_rhs(theta + 0.5 * dt * k1t, omega + 0.5 * dt * k1w)
        k3t, k3w = _pendulum_rhs(theta + 0.5 * dt * k2t, omega + 0.5 * dt * k2w)
        k4t, k4w = _pendulum_rhs(theta + dt * k3t, omega + dt * k3w)
        theta += dt / 6.0 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t)
        omega += dt / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w)
    return theta


register(rk4_pendulum, [(-1.5, 1.5)])


def newton_sqrt(a):
    y = a if a > 1.0 else 1.0
    iterations = 0
    while abs(y * y - a) > 1e-13 * a and iterations < 100:
        y = 0.5 * (y + a / y)
        iterations += 1
    return y


register(newton_sqrt, [(0.1, 50.0)], kinks=lambda a: abs(a - 1.0))


def horner(coeffs, x):
    acc = 0.0
    for c in coeffs:
        acc = acc * x + c
    return acc


register(horner, [FloatList(6, -2.0, 2.0), (-1.5, 1.5)])


def softplus(x):
    shift = max(x, 0.0)
    return shift + math.log(math.exp(-shift) + math.exp(x - shift))


register(softplus, [(-8.0, 8.0)])


def logsumexp(xs):
    shift = max(xs)
    return shift + math.log(sum(math.exp(v - shift) for v in xs))


register(logsumexp, [FloatList(6, -5.0, 5.0)])


def gaussian_loglik(xs, mu, sigma):
    n = len(xs)
    total = -0.5 * n * math.log(2.0 * math.pi) - n * math.log(sigma)
    for v in xs:
        z = (v - mu) / sigma
        total -= 0.5 * z * z
    return total


register(gaussian_loglik, [FloatList(8, -3.0, 3.0), (-1.0, 1.0), (0.5, 2.0)])


def rosenbrock(xs):
    total = 0.0
    for i in range(len(xs) - 1):
        total += 100.0 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1.0 - xs[i]) ** 2
    return total


register(rosenbrock, [FloatList(10, -1.5, 1.5)])


def bisection_root(c):
    """Cube root of c by bisection to full precision, then one Newton step for the slope."""
    lo, hi = 0.0, max(1.0, c)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if mid * mid * mid < c:
            lo = mid
        else:
            hi = mid
    y = 0.5 * (lo + hi)
    return y - (y * y * y - c) / (3.0 * y * y)


register(bisection_root, [(0.5, 8.0)], kinks=lambda c: abs(c - 1.0))


_names = [case.name for case in CASES]
assert len(_names) == len(set(_names)), "corpus function names must be unique"
del _names


# ============================================================= callees returning tuples (flat)
def _polar(r, phi):
    return r * math.cos(phi), r * math.sin(phi)


def tuple_callee_uses(r, phi):
    a, b = _polar(r, phi)  # unpacked at once
    pair = _polar(b, a)  # kept as a value
    c = _polar(r, 0.5)[1] * phi  # indexed inside an expression
    return a * pair[0] + pair[1] * b + c


register(tuple_callee_uses, [(0.5, 2.0), (-1.0, 1.0)])


def tuple_callee_returned(r, phi):
    return _polar(r * r, phi)


register(tuple_callee_returned, [(0.5, 2.0), (-1.0, 1.0)])


# ============================================================ try / except / finally, with blocks
class _Scale:
    """A context manager defined at module level, used in a differentiated with-block."""

    def __init__(self, factor):
        self.factor = factor

    def __enter__(self):
        return self.factor

    def __exit__(self, *exc):
        return False


def try_except_finally(x, y):
    total = 0.0
    try:
        total = total + math.log(x) * y
        if x > 1.0:
            raise ValueError("large")
    except ValueError:
        total = total - x * x
    else:
        total = total + math.sqrt(x)
    finally:
        total = total * 1.5
    return total


register(try_except_finally, [(0.2, 2.5), (-1.0, 1.0)], kinks=lambda x, y: abs(x - 1.0), margin=0.05)


def with_block(x):
    with _Scale(2.0) as s:
        y = s * math.sin(x)
        z = y * x
    return z + y


register(with_block, [(-2.0, 2.0)])


# ===================================== found by adversarial review: each once was a bug or a risk
# (a nested function updating a differentiated list through its closure; an int-valued
# derivative; a tangent first assigned inside a loop; aliasing of lists)
def adv_loop_first_assign(x):
    k = 0
    while k < 3:
        y = x * k
        k += 1
    return y

def adv_one_branch(x, flag):
    z = 1.0
    if flag:
        z = math.exp(x)
    return z * x

def adv_one_branch_not_taken(x):
    return adv_one_branch(x, False)


def adv_for_else(x):
    acc = 0.0
    for i in range(5):
        acc += x * i
        if acc > 100.0:
            break
    else:
        acc = acc * 2.0
    return acc

def adv_list_item_aug(x):
    ys = [0.0] * 3
    ys[1] += x * x
    ys[2] = ys[1] * 3.0
    return sum(ys)

def adv_closure_append(x):
    acc = []
    def push(v):
        acc.append(v * x)
    push(2.0)
    push(x)
    return acc[0] + acc[1]

def adv_cond_genexp(x):
    return sum(v * x for v in [1.0, 2.0, 3.0, 4.0] if v > 1.5)

def adv_dict_comp(x):
    d = {k: x ** k for k in range(1, 4)}
    return d[1] + d[2] * d[3]

def adv_chained(x):
    a = b = 0.0
    for i in range(3):
        a = a + x
        b = b + a * x
    return a + b

def adv_fstring(x):
    label = f"{x:.3f}"
    return x * len(label)

def adv_alias_list(x):
    xs = [x, 2.0]
    ys = xs
    ys.append(x * 3.0)
    ys[0] = ys[0] * x
    return xs[0] + xs[2]

def adv_tuple_rec(x, n):
    if n == 0:
        return x, 1.0
    a, b = adv_tuple_rec(x, n - 1)
    return a * x, b + a

def adv_uses_tuple_rec(x):
    a, b = adv_tuple_rec(x, 3)
    return a + b

def adv_swap_loop(x, y):
    for _ in range(3):
        x, y = y, x * y
    return x + y

def adv_nested_loops(x):
    total = 0.0
    for i in range(3):
        for j in range(i):
            total += math.sin(x * i) * j
    return total

def adv_ternary_chain(x):
    y = x * 2 if x > 0 else (x * 3 if x > -1 else -x)
    return y * y

def adv_boolop_value(x):
    y = (x > 0) and x * 2.0 or -x
    return y

def adv_walrus_free(x):
    s = 0.0
    i = 0
    while i < 4:
        s += math.cos(s + x)
        i += 1
    return s


register(adv_loop_first_assign, [(-2.0, 2.0)])
register(adv_one_branch, [(-1.0, 1.0), Const(True)])
register(adv_one_branch_not_taken, [(-1.0, 1.0)])
register(adv_for_else, [(-2.0, 2.0)])
register(adv_list_item_aug, [(-2.0, 2.0)])
register(adv_closure_append, [(-2.0, 2.0)])
register(adv_cond_genexp, [(-2.0, 2.0)])
register(adv_dict_comp, [(-2.0, 2.0)])
register(adv_chained, [(-2.0, 2.0)])
register(adv_fstring, [(0.1, 2.0)])
register(adv_alias_list, [(-2.0, 2.0)])
register(adv_uses_tuple_rec, [(-1.5, 1.5)])
register(adv_swap_loop, [(-1.5, 1.5), (-1.5, 1.5)])
register(adv_nested_loops, [(-2.0, 2.0)])
register(adv_ternary_chain, [(-2.0, 2.0)], kinks=lambda x: min(abs(x), abs(x + 1.0)))
register(adv_boolop_value, [(-2.0, 2.0)], kinks=lambda x: abs(x))
register(adv_walrus_free, [(-2.0, 2.0)])


def call_value_after_reassignment(x, y):
    t = x * y
    c = math.cos(t)
    s = math.sin(t)
    t = t * 3.0 + y
    return c * s + math.sin(t) * math.cos(t) + s


register(call_value_after_reassignment, [(-1.5, 1.5), (-1.5, 1.5)])


def constant_after_walrus(x, n):
    a = 0.5 * n * x
    b = (n := n + 1) * x
    return a + b + 0.5 * n * x


def constant_reused_in_loop(x, h):
    y = x
    for _ in range(3):
        y = y + 0.5 * h * math.sin(y)
        y = y + 0.5 * h * math.cos(y)
        h = h * 0.9
    return y


def walrus_between_operands(x, n):
    return math.sin(x) * (0.5 * n) + ((n := n + 1) + x) * (0.5 * n) * x


def constant_in_both_branches(x, k):
    if x > 0.0:
        y = (1.0 + k * k) * math.sin(x)
    else:
        y = (1.0 + k * k) * math.cos(x)
    for i in range(2):
        y = y + (0.5 * k) * math.sin(y)
    else:
        y = y + (0.5 * k) * math.cos(y)
    return y


register(constant_after_walrus, [(-1.5, 1.5), Const(2)])
register(constant_in_both_branches, [(-2.0, 2.0), Const(1.5)], kinks=lambda x, k: abs(x))


def call_stored_in_one_branch(x):
    if x > 0:
        s = math.sin(x)
        y = s * x
    else:
        y = math.cos(x)
    return y


register(call_stored_in_one_branch, [(-2.0, 2.0)], kinks=lambda x: abs(x))
register(walrus_between_operands, [(-1.5, 1.5), Const(2)])
register(constant_reused_in_loop, [(-1.5, 1.5), (0.5, 1.5)])


def power_series(x):
    """x ** k with k from a loop, k = 0 included: its tangent must be 0 at x = 0 too."""
    total = 0.0
    for k, c in enumerate(COEFFS):
        total += c * x ** k
    return total


def power_in_place(x, k):
    y = x + 0.0
    y **= k
    return y + x


register(power_series, [(-1.5, 1.5)])
register(power_in_place, [(-1.5, 1.5), Const(0)])


def index_read_from_the_list(x):
    """ys[int(ys[0])]: the index reads the list being stored into, once, before the store."""
    ys = [0.0, 5.0, 1.0]
    ys[int(ys[0])] = x * x
    grid = [[1.0, 0.0], [0.0, 2.0]]
    grid[int(grid[0][0])][int(grid[1][1]) - 1] = x
    return ys[0] + 2.0 * ys[1] + 3.0 * grid[1][1] + 4.0 * grid[1][0]


register(index_read_from_the_list, [(-1.5, 1.5)])


def _store_scaled(out, v):
    out[0] = v * 3.0


def _store_through(buf, key, v):
    buf[key] = v * v
    _store_scaled(buf, v)  # a second level: the same object, passed on


def _append_sin(ys, v):
    ys.append(math.sin(v))


def filled_by_helpers(x):
    """Containers made of constants here and filled with differentiated values by the
    functions they are passed to: they carry tangents from the call on."""
    out = [0.0, 1.0]
    _store_through(out, 1, x)
    table = {"a": 1.0}
    _store_scaled(table, x)
    ys = [2.0]
    _append_sin(ys, x)
    return out[0] * out[1] + table[0] + ys[0] * ys[1]


register(filled_by_helpers, [(-1.5, 1.5)])


def nested_sines(x, n=3, *, scale=1.0):
    """Recursion in a function with a default and a keyword-only parameter: the recursive call
    passes its tangents by keyword."""
    if n == 0:
        return scale * x
    return math.sin(nested_sines(x, n - 1, scale=scale))


register(nested_sines, [(-1.5, 1.5)])


def _grow(ys, v):
    ys += [v * v]


def extended_in_place(x):
    """ys += [...] extends the list in place: through another name, and in a callee."""
    ys = [x]
    zs = ys
    ys += [math.sin(x)]
    _grow(zs, x)
    return zs[1] * ys[2] + zs[0]


register(extended_in_place, [(-1.5, 1.5)])


def concatenated(x):
    """A constant part of a concatenation keeps its place in the tangent: ys[2] is a constant."""
    ys = [x] + [2.0, 3.0]
    zs = (1.0,) + (x * x,)
    return ys[2] * ys[0] + zs[1] * ys[1]


register(concatenated, [(-1.5, 1.5)])


def shared_rows(x):
    """grid = [row, row]: one list twice, so a store through grid[0] shows in grid[1]."""
    row = [0.0, 1.0]
    grid = [row, row, [x, 2.0]]
    grid[0][1] = x * x
    return grid[1][1] * 2.0 + grid[2][0] * grid[0][0]


register(shared_rows, [(-1.5, 1.5)])


def sorted_products(x):
    """sorted's tangent, differentiated again in higher derivatives (its permutation is a
    constant)."""
    ys = sorted([x * x, 3.0, 0.1, math.sin(x)])
    return ys[1] * ys[2] + ys[3] * ys[0]


register(sorted_products, [(0.5, 1.5)], kinks=lambda x: min(abs(x * x - math.sin(x)),
                                                              abs(x * x - 3.0)))


class Oscillator(NamedTuple):
    """The state of a pendulum; its time starts at 0."""

    pos: float
    vel: float
    t: float = 0.0


Point2 = collections.namedtuple("Point2", "x y", defaults=[1.0])


def _oscillator_rhs(s, damping):
    return Oscillator(s.vel, -math.sin(s.pos) - damping * s.vel, t=1.0)


def namedtuple_midpoint_steps(theta, damping):
    """A NamedTuple state through midpoint steps: built by position, keyword and default,
    its fields read, replaced (_replace), and passed to and returned by a helper."""
    s = Oscillator(theta, vel=0.0)
    h = 0.1
    for _ in range(8):
        k = _oscillator_rhs(s, damping)
        mid = Oscillator(s.pos + 0.5 * h * k.pos, s.vel + 0.5 * h * k.vel, s.t)
        k2 = _oscillator_rhs(mid, damping)
        s = s._replace(pos=s.pos + h * k2.pos, vel=s.vel + h * k2.vel, t=s.t + h)
    return s.pos * s.vel + s.t


register(namedtuple_midpoint_steps, [(-1.0, 1.0), (0.1, 0.5)], active=[0, 1])


Bins = collections.namedtuple("Bins", "counts scale")


def namedtuple_fields_written_and_listed(x, y):
    """Writes through a namedtuple's list field (an item, an append), and a list of
    namedtuples of which one is constant where only x is differentiated."""
    b = Bins([x, 1.0], 2.0)
    b.counts[0] = b.counts[0] * 3.0
    b.counts.append(x * y)
    points = [Point2(x, 1.0), Point2(y, 2.0)]
    p = points[1 if x > 0 else 0]
    return sum(b.counts) * b.scale + p.x * p.y * x


register(namedtuple_fields_written_and_listed, [(0.2, 1.0), (-1.0, 1.0)], active=[0, 1])


def namedtuple_argument(s, c):
    """A namedtuple as a differentiated argument (its tangent is one too): unpacked, indexed,
    as a dict (_asdict), and in a result, with a collections.namedtuple field left to its
    default."""
    pos, vel, t = s
    d = s._asdict()
    p = Point2(pos * c)
    return Point2(x=d["vel"] * p.x + s[2] * p.y, y=p.y * vel), pos


register(namedtuple_argument,
         [FloatRecord(Oscillator, {"pos": (-1.0, 1.0), "vel": (-1.0, 1.0), "t": (0.0, 2.0)}),
          (0.5, 1.5)], active=[0, 1])


def _gaps(values):
    values = sorted(values)
    return min(b - a for a, b in zip(values, values[1:]))


def trimmed_mean_sorted_in_place(xs, c):
    """list.sort with a key and reverse, of values that depend on the inputs: the mean of the
    middle values by distance from c, and the nearest two by sorted with a key."""
    ds = [x - c for x in xs]
    ds.sort(key=abs, reverse=True)
    middle = ds[1:-1]
    nearest = sorted(xs, key=lambda x: (x - c) ** 2)[:2]
    return sum(middle) / len(middle) + nearest[0] * nearest[1]


register(trimmed_mean_sorted_in_place, [FloatList(5, -2.0, 2.0), (-0.5, 0.5)],
         kinks=lambda xs, c: _gaps([abs(x - c) for x in xs]))


def enumerate_from_one(xs):
    """enumerate with a start, by keyword and by position."""
    s = 0.0
    for i, v in enumerate(xs, start=1):
        s += i * math.sin(v)
    for i, v in enumerate(xs, 2):
        s += i * v * v
    return s


register(enumerate_from_one, [FloatList(3, -1.5, 1.5)])


def loops_over_built_lists(x):
    """zip, enumerate, enumerate(reversed(...)) and dict.items() over values built from a float
    argument: second derivatives differentiate the first-order loops, which zip these with
    their tangents (``zip(enumerate(xs), dxs)``)."""
    xs = [x, x * x, math.sin(x)]
    s = 0.0
    for a, w in zip(xs, [1.0, -2.0, 0.5]):
        s += w * math.exp(0.5 * a)
    for i, a in enumerate(xs):
        s += (i + 1) * a * a
    for i, a in enumerate(reversed(xs), start=1):
        s += i * math.cos(a)
    for key, v in {"p": x, "q": 3.0 * x}.items():
        s += v * v * len(key)
    return s


register(loops_over_built_lists, [(-1.2, 1.2)])


def loop_targets_rebound_in_the_body(x):
    """A loop target that the iterable gives no tangent (a constant weight, an index, a key)
    and the body makes a function of x: its tangent starts each iteration at zero."""
    s = 0.0
    for a, w in zip([x, 2.0 * x], [1.0, 2.0]):
        s += w * a
        w = w * x
        s += w * w
    for i, a in enumerate([x, x * x]):
        s += i * a
        i = i * math.sin(x)
        s += i
    for k, v in {1.5: x, 2.5: x * x}.items():
        k = k * x
        s += k * v
    return s


register(loop_targets_rebound_in_the_body, [(-1.5, 1.5)])


def powers_appended_from_the_list(x):
    """append and insert whose argument reads the list: the tangent reads the item the call
    is about to change, before it."""
    xs = [x]
    while len(xs) < 4:
        xs.append(xs[-1] * x)
    xs.insert(0, xs[0] * 0.5)
    xs.extend([xs[-1] * xs[1]])
    return sum(xs)


register(powers_appended_from_the_list, [(-1.3, 1.3)])


def item_stores_through_aliases(x):
    """An item store whose value reads the list through another name, or whose index the same
    tuple assignment rebinds."""
    xs = [x, 2.0 * x, 0.5]
    ys = xs
    xs[0] = ys[0] * ys[1]
    rows = [xs]
    rows[0][1] = xs[1] * xs[0]
    i = 0
    xs[i], i = xs[i] * xs[i], 2
    xs[i], i = xs[i] + x, 1
    return xs[0] + xs[1] + xs[2] * x


register(item_stores_through_aliases, [(-1.2, 1.2)])


def lists_joined_with_constants(x):
    """+ and += with constant lists (the tangent keeps their length), del of items and
    dict.get with a default: the derivative must follow the items, not their positions."""
    a = [x, 2.0]
    a += [3.0]
    b = [1.0] + [2.0]
    b[1] = x * x
    c = [x, x * x, 3.0]
    del c[0]
    d = {"a": x, "b": x * x}
    del d["a"]
    m = [[2.0]]
    m[0][0] *= x
    return a[-2] * x + a[-1] * b[1] + c[0] * c[1] + d.get("z", 2.0) * x + d["b"] + m[0][0] * x


register(lists_joined_with_constants, [(-1.5, 1.5)])


def containers_built_then_written(x):
    """Lists and dicts built by a comprehension, list(), a copy or a slice, then written into:
    their second-order tangents are containers too."""
    m = [0.0 for _ in range(2)]
    m[0] = x * x
    a = [1.0, 2.0]
    b = list(a)
    b[1] = math.sin(x)
    c = a[:]
    c[0] = x * b[1]
    d = dict(p=1.0)
    d["p"] *= x * x
    return m[0] + b[1] * c[0] + d["p"]


register(containers_built_then_written, [(-1.5, 1.5)])


def formats_its_value(x):
    """String formatting of a differentiated value (%, f-strings, str.format) is a constant."""
    label = "%.2f" % x
    other = "%s and %s" % (x, 2.0 * x)
    told = "y = {:.3f}".format(2.0 * x) + ", ".join(["{:.1f}".format(x)])
    return x * x * len(label) + len(other) * 0.0 + len(f"{x:.3f}") * x + len(told) * x


register(formats_its_value, [(0.5, 0.9)])


def inner_parameter_shadows_x(x, y):
    """The nested function's own x is another variable: its derivative is not x's."""
    def sq(x, z=1.0):
        return x * x * z

    return sq(3.0) * x + sq(y, x)


register(inner_parameter_shadows_x, [(0.5, 2.0), (0.5, 2.0)])


def loop_over_a_generator(x):
    """A loop consumes a generator item by item: the items after the break are never computed
    (here log(1 - k x) would fail for k = 3)."""
    total = 0.0
    for y in (math.log(1.0 - k * x) for k in (1, 2, 3) if k != 0):
        total += y
        if y < -0.5:
            break
    else:
        total = -total
    return total


register(loop_over_a_generator, [(0.34, 0.38)])


def nested_comprehensions(x):
    """A comprehension inside the element of another (a matrix, a matrix-vector product), and
    in a filter."""
    m = [[x * i + j for i in range(2)] for j in range(3)]
    a = [[1.0, x], [x * x, 2.0]]
    v = [x, 1.0]
    w = [sum(a[i][j] * v[j] for j in range(2)) for i in range(2)]
    big = [r[1] for r in m if sum(c * c for c in r) > 1.0]
    return m[2][1] * w[0] * w[1] + sum(big)


register(nested_comprehensions, [(0.5, 1.2)],
         kinks=lambda x: min(abs((x * 1 + j) ** 2 + j * j - 1.0) for j in range(3)))


UNPACK_LOG = []  # appended to by _logged_pair, once per call of unpacks_a_constant_call


def _logged_pair(u):
    UNPACK_LOG.append("pair")
    return math.sin(u), u * 0.5


def unpacks_a_constant_call(x):
    """A call with constant arguments unpacked into names that carry tangents later: the
    call runs once, and the tangents start as zeros of its result's structure."""
    a, c = _logged_pair(0.3)
    for _ in range(2):
        if c > 0.09:
            c = 0.1 - x * a
    return a * x - c * c


register(unpacks_a_constant_call, [(-1.0, 1.0)], side_effect_log=UNPACK_LOG)


def _same_list(xs):
    return xs


def _entry(d, key):
    return d[key]


def writes_through_returned_aliases(x):
    """Writes through the objects a call returns, an argument itself or one of its items:
    the lists they are stay the caller's, which carry the tangents too."""
    a = [0.0, 0.0]
    b = _same_list(a)
    b[1] = x * x
    d = {"k": [0.0, 1.0]}
    row = _entry(d, "k")
    row[0] = 4.0 * x
    return a[1] * 2.0 + d["k"][0] * d["k"][1]


register(writes_through_returned_aliases, [(-1.0, 1.0)])


def nested_function_appends_to_its_callers_list(x):
    """A nested function that appends a differentiated value to its caller's list and
    returns a constant: its calls run its derivative code all the same."""
    hist = []

    def step(v):
        hist.append(v * x)
        return v + 1.0

    v = step(0.5)
    v = step(v)
    return sum(hist) * v


register(nested_function_appends_to_its_callers_list, [(-1.0, 1.0)])


def _bump(lst):
    lst[0] = lst[0] + 1.0
    return 2.0


def reads_items_before_a_call_changes_them(x):
    """Python reads c[0] before _bump(c) changes it, and xs[-1] before xs.pop() takes it
    away: so do the value and the derivative."""
    c = [x]
    y = c[0] * 10.0 + _bump(c) * math.sin(x)
    xs = [x, 2.0 * x]
    return y + xs[-1] + xs.pop() + c[0] * xs[0]


register(reads_items_before_a_call_changes_them, [(-1.0, 1.0)])


def calls_read_a_list_before_and_after_it_changes(x, y):
    """sum(c) and len(xs) are read on each side of a call that changes c or xs: each read
    sees the list as it is then (the second one was taken for the first)."""
    c = [x, y]
    xs = [x, 2.0]
    return sum(c) + _bump(c) * y + sum(c) + len(xs) * x + xs.pop() * len(xs)


register(calls_read_a_list_before_and_after_it_changes, [(-1.0, 1.0), (-1.0, 1.0)],
         active=[0, 1])


def concatenates_tuples_and_lists(x, y):
    """A tuple variable and a list display concatenated with differentiated items (at second
    order the tuple's zero tangent was 0.0, added to a tuple)."""
    p = (x, y)
    q = p + (x * y,)
    r = [x] + [2.0, y]
    return q[2] * q[0] + r[2] * r[0] * r[1]


register(concatenates_tuples_and_lists, [(-1.0, 1.0), (-1.0, 1.0)], active=[0, 1])


def _triple_first(c):
    c[0] = c[0] * 3.0
    return 1.0


def calls_that_scale_a_list_where_their_values_are_constants(x):
    """A call that scales a list of x in a test and inside int(): it runs its derivative
    code there too (the derivative missed the scaling)."""
    c = [x]
    if _triple_first(c) > 0.0:
        k = int(_triple_first(c))
        return c[0] * k + x
    return 0.0


register(calls_that_scale_a_list_where_their_values_are_constants, [(-1.0, 1.0)])


def augmented_steps_some_of_which_raise(xs):
    """total += ... in a try block whose primal raises for some items: the handler's update
    replaces that step's (the step's tangent was added before it raised)."""
    total = 0.0
    for x in xs:
        try:
            total += math.log(x)  # its tangent, dx / x, does not raise
        except ValueError:
            total -= 0.5 * x * x
    return total


register(augmented_steps_some_of_which_raise, [FloatList(4, -2.0, 2.0)],
         kinks=lambda xs: min(abs(x) for x in xs))


def groups_values_in_defaultdicts(xs):
    """collections.defaultdict of lists and of floats, filled with differentiated values
    (the tangent of a defaultdict is one too: its missing keys get tangents)."""
    groups = collections.defaultdict(list)
    totals = collections.defaultdict(float)
    for i, x in enumerate(xs):
        key = "even" if i % 2 == 0 else "odd"
        groups[key].append(x * x)
        totals[key] += math.sin(x)
    return sum(groups["even"]) * totals["odd"] + groups["odd"][0]


register(groups_values_in_defaultdicts, [FloatList(4, -1.0, 1.0)])


BUFFER_LOG = []


def _logged_buffer(n):
    BUFFER_LOG.append("buffer")
    return [0.0] * n


def fills_a_buffer_from_a_constant_call(x):
    """A list from a call with constant arguments, then written with x: the call runs once,
    and its tangent is the zero of its result, not of a second call."""
    b = _logged_buffer(2)
    b[1] = x * x
    return b[1] * 3.0 + b[0]


register(fills_a_buffer_from_a_constant_call, [(-1.0, 1.0)], side_effect_log=BUFFER_LOG)


def writes_through_aliases_of_items(x):
    """An inner list or a dict's list, named and written into before the outer one holds any
    differentiated value."""
    m = [[0.0, 0.0], [0.0, 0.0]]
    row = m[1]
    row[0] = 3.0 * x
    d = {"a": [0.0, 0.0]}
    inner = d["a"]
    inner[1] = x * x
    return m[1][0] * d["a"][1] + m[0][1]


register(writes_through_aliases_of_items, [(-1.5, 1.5)])


def loops_over_a_sorted_dict(d):
    """sorted(d) of a dict sorts its keys, constants: the loop reads the values through them."""
    total = 0.0
    for k in sorted(d):
        total = total * 0.5 + d[k] * d[k]
    return total + sum(d[k] for k in sorted(d)) * d["b"]


register(loops_over_a_sorted_dict,
         [FloatDict({"b": (-1.5, 1.5), "a": (-1.5, 1.5), "c": (0.5, 2.0)})])


def pops_without_using_the_item(x):
    """ys.pop() and d.pop(k) as statements: the tangents lose their items too."""
    ys = [x, 2.0 * x, 3.0 * x * x]
    ys.pop()
    ys.pop(0)
    d = {"a": x, "b": 2.0 * x * x}
    d.pop("a")
    return sum(ys) * x + sum(d.values())


register(pops_without_using_the_item, [(-1.5, 1.5)])


def augments_items_at_computed_indices(x):
    """d[next_slot()] += v: the index is computed once, before the value, as Python does
    (the tangent store must not call next_slot again)."""
    slots = []

    def next_slot():
        slots.append(x)
        return len(slots) - 1

    d = [0.0, 0.0, 0.0, 0.0]
    d[next_slot()] += x * x
    M = [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    M[next_slot()][1] += math.sin(x)
    return d[0] + 2.0 * d[1] + 3.0 * M[1][1] + 5.0 * M[2][1] + len(slots)


register(augments_items_at_computed_indices, [(-1.5, 1.5)])


def reduces_one_pass_iterables(x, y):
    """max, min and math.prod of iterators and dict views (reversed, zip, d.values()), and
    sum with a list start (flattening rows): the rules index the items, the iterators are
    used up by the primal."""
    xs = [x, 2.0 * y, 0.5 * x * y]
    d = {"a": x * x, "b": 3.0 * y}
    rows = [[x, 2.0 * x], [x * y]]
    flat = sum(rows, [])
    return (max(reversed(xs)) + min(zip([x, 5.0], [y, x]))[1] + max(d.values())
            + math.prod(d.values()) + math.prod(reversed(xs)) + flat[1] * flat[2]
            + sum(xs, x * y))


register(reduces_one_pass_iterables, [(0.5, 1.5), (-1.5, -0.5)])


def updates_in_place_in_a_try_block_whose_primal_raises(x):
    """a /= b and a **= -1.0 that raise ZeroDivisionError into a handler, and a *= a: in a try
    block the tangent is computed after the primal, from the values before it."""
    a = x * 3.0
    b = x * 0.0
    try:
        a /= b
    except ZeroDivisionError:
        a = x * x
    c = x - x
    try:
        c **= -1.0
    except ZeroDivisionError:
        c = math.sin(x)
    try:
        a *= a
        a /= x
    except ZeroDivisionError:
        a = 0.0
    return a + c


register(updates_in_place_in_a_try_block_whose_primal_raises, [(0.5, 2.0)])


def counts_in_a_counter(xs):
    """collections.Counter of differentiated values: its tangent is a Counter too, whose
    missing keys count 0 (c[k] += v on a new key)."""
    c = collections.Counter()
    for i, x in enumerate(xs):
        c["ab"[i % 2]] += x * x
    return c["a"] - 2.0 * c["b"] + c["z"]


register(counts_in_a_counter, [FloatList(3, -1.5, 1.5)])


def nested_function_calls_a_sibling_defined_after_it(x):
    """a calls b, which is defined after a (Python looks b up when a runs): a's twin calls
    b's twin the same way."""
    def a(t):
        return b(t) * x

    def b(t):
        return t * t + math.sin(x)

    return a(x) + b(2.0)


register(nested_function_calls_a_sibling_defined_after_it, [(-1.5, 1.5)])


def builds_pairs_and_dicts_from_iterators(x, y):
    """list(enumerate(xs)) (the indices are constants) and dict(zip(names, values))."""
    xs = [x, 2.0 * y, x * y]
    pairs = list(enumerate(xs, 1))
    params = dict(zip(["rate", "scale"], [math.exp(x), y * y]))
    return sum(i * v for i, v in pairs) + params["rate"] * params["scale"]


register(builds_pairs_and_dicts_from_iterators, [(-1.0, 1.0), (0.5, 1.5)])


def sorts_the_items_of_a_dict(x, y):
    """sorted(d.items()) and list(d.items()) of a dict of differentiated values: the pairs'
    tangents are (0.0, dvalue), sorted as the pairs are."""
    d = {2.0: x * y, 1.0: math.sin(x), 3.0: y}
    ordered = sorted(d.items())
    first_key, first = list(d.items())[0]
    return sum(k * v for k, v in ordered) + first * first_key + ordered[0][1]


register(sorts_the_items_of_a_dict, [(-1.0, 1.0), (0.5, 1.5)])
