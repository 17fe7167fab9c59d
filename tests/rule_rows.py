"""One test row per entry of the tangent rule table (``pushforward.rules``).

Each row is a tiny plain function that applies one primitive, with its input domain (a
``checks.Case``: intervals that keep away from singularities, kinks and branch cuts) and a
key naming the table entry it covers:

    ("rule", callable, arity)     a template in ``RULES[callable].variants[arity]``
    ("builder", callable, nargs)  a variadic rule (max, min, math.hypot) called with nargs
                                  arguments (1 means one iterable argument)
    ("zero", callable)            a non-differentiable primitive (``RULES[callable].zero``)
    ("linear", callable)          a primitive linear in some arguments (``RULES[callable].linear``)
    ("helper", callable)          a primitive whose tangent is a helper function of
                                  ``pushforward.special`` (``RULES[callable].helper``)
    ("pattern", callable, op)     a call of one quotient or product, ``log(n / d)``
                                  (``RULES[callable].patterns[op]``, op "Div" or "Mult")
    ("inplace", name)             an in-place update of an array, ``INPLACE[name]`` (``a += b``)
    ("binop", name)               an operator template, ``BINOPS[name]``
    ("unaryop", name)             an operator template, ``UNARYOPS[name]``

``test_rules.py`` checks every row against finite differences and asserts that the rows cover
the table.  The functions live in this file (not generated at run time) because pushforward
reads their source.  Several rows may cover the same key (other domains, constant exponents).

A row whose callable this Python lacks (``math.cbrt`` and ``math.exp2`` before 3.11) is not
listed at all.

The NumPy rows live in ``rule_rows_numpy`` (registered at the bottom of this module).
"""

import builtins
import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from checks import Case, FloatList, Int

ROWS = []


@dataclass
class Row:
    """A table key and the case that exercises it.

    ``zero``: the primitive is non-differentiable; the test expects an exact zero tangent
    (0.0, or a zero array shaped like an array result) and no tangent code instead of a
    finite-difference match.  ``skip``: a reason not to run it.  ``xfail``: the row fails
    because of a known library bug (the reason); the test expects it to fail.
    """

    key: tuple
    case: Case
    zero: bool = False
    skip: Optional[str] = None
    xfail: Optional[str] = None

    @property
    def name(self):
        return self.case.name

    def __repr__(self):
        return f"Row({self.name})"


#: Key kinds whose second item is a callable.
CALLABLE_KINDS = ("rule", "builder", "zero", "linear", "helper", "pattern")


def row(key, func, domain, zero=False, skip=None, xfail=None, **case_options):
    """Register ``func`` as a row covering ``key`` (see the module docstring)."""
    if key[0] in CALLABLE_KINDS and key[1] is None:
        return func  # this Python lacks the primitive
    ROWS.append(Row(key, Case(func, domain, **case_options), zero=zero, skip=skip, xfail=xfail))
    return func


def _frac_dist(u):
    """Distance from ``u`` to the nearest integer."""
    return abs(u - round(u))


def _pairwise_gap(values):
    values = list(values)
    return min(abs(a - b) for i, a in enumerate(values) for b in values[i + 1 :])


@dataclass(frozen=True)
class Matrix:
    """A float array of ``shape``, entries uniform in ``[lo, hi]`` (for ``@``)."""

    shape: tuple
    lo: float
    hi: float

    def sample(self, rng):
        n = int(np.prod(self.shape))
        return np.array([rng.uniform(self.lo, self.hi) for _ in range(n)]).reshape(self.shape)


CBRT = getattr(math, "cbrt", None)
EXP2 = getattr(math, "exp2", None)
FMA = getattr(math, "fma", None)
SUMPROD = getattr(math, "sumprod", None)

# Kink rows use a smaller finite-difference step so a 0.1 margin is ample.
KINK = dict(margin=0.1, fd_step=1e-3)


# ============================================================================ math: trigonometric


def r_sin(x):
    return math.sin(x)


def r_cos(x):
    return math.cos(x)


def r_tan(x):
    return math.tan(x)


def r_asin(x):
    return math.asin(x)


def r_acos(x):
    return math.acos(x)


def r_atan(x):
    return math.atan(x)


def r_atan2(y, x):
    return math.atan2(y, x)


row(("rule", math.sin, 1), r_sin, [(-3.0, 3.0)])
row(("rule", math.cos, 1), r_cos, [(-3.0, 3.0)])
row(("rule", math.tan, 1), r_tan, [(-1.3, 1.3)])
row(("rule", math.asin, 1), r_asin, [(-0.9, 0.9)])
row(("rule", math.acos, 1), r_acos, [(-0.9, 0.9)])
row(("rule", math.atan, 1), r_atan, [(-3.0, 3.0)])
# away from the origin and from the branch cut (x < 0, y = 0)
row(
    ("rule", math.atan2, 2),
    r_atan2,
    [(-2.0, 2.0), (-2.0, 2.0)],
    kinks=lambda y, x: min(math.hypot(y, x) - 0.2, abs(y) if x < 0 else 1.0),
    **KINK,
)


# ============================================================================ math: hyperbolic


def r_sinh(x):
    return math.sinh(x)


def r_cosh(x):
    return math.cosh(x)


def r_tanh(x):
    return math.tanh(x)


def r_asinh(x):
    return math.asinh(x)


def r_acosh(x):
    return math.acosh(x)


def r_atanh(x):
    return math.atanh(x)


row(("rule", math.sinh, 1), r_sinh, [(-2.0, 2.0)])
row(("rule", math.cosh, 1), r_cosh, [(-2.0, 2.0)])
row(("rule", math.tanh, 1), r_tanh, [(-2.0, 2.0)])
row(("rule", math.asinh, 1), r_asinh, [(-3.0, 3.0)])
row(("rule", math.acosh, 1), r_acosh, [(1.2, 4.0)])
row(("rule", math.atanh, 1), r_atanh, [(-0.9, 0.9)])


# ============================================================================ math: exp and log


def r_exp(x):
    return math.exp(x)


def r_expm1(x):
    return math.expm1(x)


def r_exp2(x):
    return math.exp2(x)


def r_log(x):
    return math.log(x)


def r_log_base(x, base):
    return math.log(x, base)


def r_log1p(x):
    return math.log1p(x)


def r_log2(x):
    return math.log2(x)


def r_log10(x):
    return math.log10(x)


row(("rule", math.exp, 1), r_exp, [(-2.0, 2.0)])
row(("rule", math.expm1, 1), r_expm1, [(-2.0, 2.0)])
row(("rule", EXP2, 1), r_exp2, [(-2.0, 2.0)], min_python=(3, 11))
row(("rule", math.log, 1), r_log, [(0.1, 5.0)])
row(("rule", math.log, 2), r_log_base, [(0.2, 5.0), (1.5, 8.0)])


def r_log_base_below_one(x, base):
    return math.log(x, base)


row(("rule", math.log, 2), r_log_base_below_one, [(0.2, 5.0), (0.2, 0.7)])
row(("rule", math.log1p, 1), r_log1p, [(-0.8, 4.0)])


def r_log_ratio(n, d):
    return math.log(n / d)


def r_log_product(a, b):
    return math.log(a * b)


def r_log_of_expressions(x, y):
    return math.log((x + y * y) / (2.0 * y)) + math.log(3.0 * math.exp(x))


row(("pattern", math.log, "Div"), r_log_ratio, [(0.2, 5.0), (0.2, 5.0)])
row(("pattern", math.log, "Mult"), r_log_product, [(0.2, 5.0), (0.2, 5.0)])
row(("pattern", math.log, "Div"), r_log_of_expressions, [(0.2, 2.0), (0.2, 2.0)])
row(("rule", math.log2, 1), r_log2, [(0.1, 5.0)])
row(("rule", math.log10, 1), r_log10, [(0.1, 5.0)])


# ============================================================================ math: powers, roots


def r_sqrt(x):
    return math.sqrt(x)


def r_cbrt(x):
    return math.cbrt(x)


def r_math_pow(l, r):
    return math.pow(l, r)


row(("rule", math.sqrt, 1), r_sqrt, [(0.1, 5.0)])
row(("rule", CBRT, 1), r_cbrt, [(-3.0, 3.0)], kinks=abs, margin=0.2, min_python=(3, 11))
row(("rule", math.pow, 2), r_math_pow, [(0.2, 3.0), (-2.0, 2.0)])


# ============================================================================ math: special


def r_erf(x):
    return math.erf(x)


def r_erfc(x):
    return math.erfc(x)


def r_gamma(x):
    return math.gamma(x)


def r_gamma_negative(x):
    return math.gamma(x)


def r_lgamma(x):
    return math.lgamma(x)


def r_lgamma_negative(x):
    return math.lgamma(x)


row(("rule", math.erf, 1), r_erf, [(-2.0, 2.0)])
row(("rule", math.erfc, 1), r_erfc, [(-2.0, 2.0)])
row(("rule", math.gamma, 1), r_gamma, [(0.3, 4.5)])
# between the poles at -3, -2, -1, 0 (digamma's reflection branch)
row(("rule", math.gamma, 1), r_gamma_negative, [(-2.8, -0.2)], kinks=_frac_dist, margin=0.2)
row(("rule", math.lgamma, 1), r_lgamma, [(0.3, 6.0)])
row(("rule", math.lgamma, 1), r_lgamma_negative, [(-2.8, -0.2)], kinks=_frac_dist, margin=0.2)


# ======================================================================= math: sign, remainders


def r_fabs(x):
    return math.fabs(x)


def r_copysign(x, y):
    return math.copysign(x, y)


def r_fmod(x, y):
    return math.fmod(x, y)


def r_fmod_negative_divisor(x, y):
    return math.fmod(x, y)


def r_degrees(x):
    return math.degrees(x)


def r_radians(x):
    return math.radians(x)


def r_fsum(xs):
    return math.fsum(xs)


def r_prod(xs):
    return math.prod(xs)


row(("rule", math.fabs, 1), r_fabs, [(-2.0, 2.0)], kinks=abs, **KINK)
row(
    ("rule", math.copysign, 2),
    r_copysign,
    [(-2.0, 2.0), (-2.0, 2.0)],
    kinks=lambda x, y: min(abs(x), abs(y)),
    **KINK,
)
row(
    ("rule", math.fmod, 2),
    r_fmod,
    [(-3.0, 3.0), (0.6, 1.8)],
    kinks=lambda x, y: _frac_dist(x / y),
    **KINK,
)
row(
    ("rule", math.fmod, 2),
    r_fmod_negative_divisor,
    [(-3.0, 3.0), (-1.8, -0.6)],
    kinks=lambda x, y: _frac_dist(x / y),
    **KINK,
)
row(("rule", math.degrees, 1), r_degrees, [(-5.0, 5.0)])
row(("rule", math.radians, 1), r_radians, [(-200.0, 200.0)])
row(("rule", math.fsum, 1), r_fsum, [FloatList(4, -2.0, 2.0)])
row(("rule", math.prod, 1), r_prod, [FloatList(4, -2.0, 2.0)])


def r_prod_start(xs, s):
    return math.prod(xs, start=s)


def r_remainder(x, y):
    return math.remainder(x, y)


def r_modf(x):
    return math.modf(x)


def r_ldexp(x):
    return math.ldexp(x, 3) + math.ldexp(x, -2)


def b_dist(p, q):
    return math.dist(p, q)


row(("rule", math.prod, 2), r_prod_start, [FloatList(3, -2.0, 2.0), (-2.0, 2.0)])
row(
    ("rule", math.remainder, 2),
    r_remainder,
    [(-3.0, 3.0), (0.6, 1.8)],
    kinks=lambda x, y: abs(_frac_dist(x / y + 0.5)),  # jumps where x / y is half an integer
    **KINK,
)
row(("rule", math.modf, 1), r_modf, [(-3.0, 3.0)], kinks=_frac_dist, **KINK)
row(("rule", math.ldexp, 2), r_ldexp, [(-2.0, 2.0)])
row(("builder", math.dist, 2), b_dist, [FloatList(3, -2.0, 2.0), FloatList(3, -2.0, 2.0)])


def r_frexp(x):
    return math.frexp(x)


def r_nextafter(x, y):
    return math.nextafter(x, y)


def r_fma(x, y, z):
    return math.fma(x, y, z)


def b_sumprod(p, q):
    return math.sumprod(p, q)


def _binade_dist(x):  # frexp's exponent jumps at the powers of 2
    return abs(math.log2(abs(x)) - round(math.log2(abs(x)))) * abs(x)


row(("rule", math.frexp, 1), r_frexp, [(0.3, 3.0)], kinks=_binade_dist, **KINK)
row(("rule", math.nextafter, 2), r_nextafter, [(-2.0, 2.0), (-2.0, 2.0)],
    kinks=lambda x, y: abs(x - y), **KINK)
row(("rule", FMA, 3), r_fma, [(-2.0, 2.0)] * 3, min_python=(3, 13))
row(("builder", SUMPROD, 2), b_sumprod, [FloatList(3, -2.0, 2.0), FloatList(3, -2.0, 2.0)],
    min_python=(3, 12))


# ============================================================================ builtins


def r_abs(x):
    return abs(x)


def r_sum(xs):
    return sum(xs)


def r_sum_start(xs, start):
    return sum(xs, start)


def r_pow(l, r):
    return pow(l, r)


def r_float(x):
    return float(x)


def r_float_of_int(n):
    return float(n)


def r_divmod(x, y):
    return divmod(x, y)


def r_divmod_of_constant(y):
    return divmod(2.5, y)


def r_list(xs):
    return list(xs)


def r_tuple(xs):
    return tuple(xs)


def r_reversed(xs):
    return list(reversed(xs))


def r_sorted(xs):
    return sorted(xs)


def r_sorted_key_reverse(xs):
    return sorted(xs, key=abs, reverse=True)

row(("rule", builtins.abs, 1), r_abs, [(-2.0, 2.0)], kinks=abs, **KINK)
row(("rule", builtins.sum, 1), r_sum, [FloatList(4, -2.0, 2.0)])
row(("rule", builtins.sum, 2), r_sum_start, [FloatList(3, -2.0, 2.0), (-2.0, 2.0)])
row(("rule", builtins.pow, 2), r_pow, [(0.2, 3.0), (-2.0, 2.0)])
row(("rule", builtins.float, 1), r_float, [(-3.0, 3.0)])
row(("rule", builtins.float, 1), r_float_of_int, [Int(-5, 5)], active=(0,))
row(
    ("rule", builtins.divmod, 2),
    r_divmod,
    [(-3.0, 3.0), (0.6, 1.8)],
    kinks=lambda x, y: _frac_dist(x / y),
    **KINK,
)
row(  # a constant dividend: Taylor mode's divmod(2.0, series)
    ("rule", builtins.divmod, 2),
    r_divmod_of_constant,
    [(0.6, 1.8)],
    kinks=lambda y: _frac_dist(2.5 / y),
    **KINK,
)
row(("rule", builtins.list, 1), r_list, [FloatList(3, -2.0, 2.0)])
row(("rule", builtins.tuple, 1), r_tuple, [FloatList(3, -2.0, 2.0)])
row(("rule", builtins.reversed, 1), r_reversed, [FloatList(3, -2.0, 2.0)])
row(("helper", builtins.sorted), r_sorted, [FloatList(4, -2.0, 2.0)], kinks=_pairwise_gap, **KINK)
row(("helper", builtins.sorted), r_sorted_key_reverse, [FloatList(4, -2.0, 2.0)],
    kinks=lambda xs: _pairwise_gap([abs(x) for x in xs]), **KINK)


# ======================================================================= variadic: max, min, hypot


def b_max_list(xs):
    return max(xs)


def b_max2(a, b):
    return max(a, b)


def b_max3(a, b, c):
    return max(a, b, c)


def b_min_list(xs):
    return min(xs)


def b_min2(a, b):
    return min(a, b)


def b_min3(a, b, c):
    return min(a, b, c)


def b_hypot2(x, y):
    return math.hypot(x, y)


def b_hypot3(x, y, z):
    return math.hypot(x, y, z)


def b_max2_key(a, b):
    return max(a, b, key=abs)


def b_min_list_key(xs):
    return min(xs, key=lambda v: (v - 0.5) ** 2)


def b_max3_key(a, b, c):
    return max(a, b, c, key=abs)


def _gap(*args):
    return _pairwise_gap(args)


def _abs_gap(*args):
    return _pairwise_gap([abs(a) for a in args])


def _key_gap(xs):
    return _pairwise_gap([(v - 0.5) ** 2 for v in xs])


LIST4 = [FloatList(4, -2.0, 2.0)]
row(("builder", builtins.max, 1), b_max_list, LIST4, kinks=_pairwise_gap, **KINK)
row(("builder", builtins.max, 2), b_max2, [(-2.0, 2.0)] * 2, kinks=_gap, **KINK)
row(("builder", builtins.max, 3), b_max3, [(-2.0, 2.0)] * 3, kinks=_gap, **KINK)
row(("builder", builtins.min, 1), b_min_list, LIST4, kinks=_pairwise_gap, **KINK)
row(("builder", builtins.min, 2), b_min2, [(-2.0, 2.0)] * 2, kinks=_gap, **KINK)
row(("builder", builtins.min, 3), b_min3, [(-2.0, 2.0)] * 3, kinks=_gap, **KINK)
# key=: the tangent of the argument returned, compared by its key
row(("builder", builtins.max, 2), b_max2_key, [(-2.0, 2.0)] * 2, kinks=_abs_gap, **KINK)
row(("builder", builtins.max, 3), b_max3_key, [(-2.0, 2.0)] * 3, kinks=_abs_gap, **KINK)
row(("builder", builtins.min, 1), b_min_list_key, LIST4, kinks=_key_gap, **KINK)
row(("builder", math.hypot, 2), b_hypot2, [(-2.0, 2.0)] * 2, kinks=math.hypot, margin=0.3)
row(("builder", math.hypot, 3), b_hypot3, [(-2.0, 2.0)] * 3, kinks=math.hypot, margin=0.3)


# ============================================================================ operators


def op_add(x, y):
    return x + y


def op_sub(x, y):
    return x - y


def op_mult(x, y):
    return x * y


def op_square(x):
    return x * x


def op_div(x, y):
    return x / y


def op_pow(l, r):
    return l ** r


def op_pow_int_exponent(x):
    return x ** 3


def op_mod(x, y):
    return x % y


def op_mod_negative_divisor(x, y):
    return x % y


def op_matmult(a, b):
    return a @ b


def op_usub(x):
    return -x


def op_uadd(x):
    return +x


row(("binop", "Add"), op_add, [(-2.0, 2.0)] * 2)
row(("binop", "Sub"), op_sub, [(-2.0, 2.0)] * 2)
row(("binop", "Mult"), op_mult, [(-2.0, 2.0)] * 2)
row(("binop", "Square"), op_square, [(-2.0, 2.0)])
row(("binop", "Div"), op_div, [(-2.0, 2.0), (-2.0, 2.0)], kinks=lambda x, y: abs(y), margin=0.3)
row(("binop", "Pow"), op_pow, [(0.2, 3.0), (-2.0, 2.0)])
# a constant integer exponent: a negative base must not reach math.log
row(("binop", "Pow"), op_pow_int_exponent, [(-2.0, 2.0)])
row(("binop", "Mod"), op_mod, [(-3.0, 3.0), (0.6, 1.8)], kinks=lambda x, y: _frac_dist(x / y),
    **KINK)
row(
    ("binop", "Mod"),
    op_mod_negative_divisor,
    [(-3.0, 3.0), (-1.8, -0.6)],
    kinks=lambda x, y: _frac_dist(x / y),
    **KINK,
)
row(("binop", "MatMult"), op_matmult, [Matrix((2, 3), -2.0, 2.0), Matrix((3, 2), -2.0, 2.0)],
    active=(0, 1))
row(("unaryop", "USub"), op_usub, [(-2.0, 2.0)])
row(("unaryop", "UAdd"), op_uadd, [(-2.0, 2.0)])


# ============================================================================ zero: no tangent


def z_floordiv(x, y):
    return x // y


def z_int(x):
    return int(x)


def z_round(x):
    return round(x)


def z_round_digits(x):
    return round(x, 2)


def z_len(xs):
    return len(xs)


def z_bool(x):
    return bool(x)


def z_print(x):
    return print(x)


def z_isinstance(x):
    return isinstance(x, float)


def z_range(n):
    return range(n)


def z_str(x):
    return str(x)


def z_repr(x):
    return repr(x)


def z_hash(x):
    return hash(x)


def z_type(x):
    return type(x)


def z_id(x):
    return id(x)


def z_format(x):
    return format(x, ".3f")


def z_floor(x):
    return math.floor(x)


def z_ceil(x):
    return math.ceil(x)


def z_trunc(x):
    return math.trunc(x)


def z_isnan(x):
    return math.isnan(x)


def z_isinf(x):
    return math.isinf(x)


def z_isfinite(x):
    return math.isfinite(x)


def z_isclose(x, y):
    return math.isclose(x, y)


def z_factorial(n):
    return math.factorial(n)


def z_comb(n, k):
    return math.comb(n, k)


def z_perm(n, k):
    return math.perm(n, k)


def z_gcd(a, b):
    return math.gcd(a, b)


def z_lcm(a, b):
    return math.lcm(a, b)


def z_isqrt(n):
    return math.isqrt(n)


def z_ulp(x):
    return math.ulp(x)


X = [(-3.0, 3.0)]
row(("binop", "FloorDiv"), z_floordiv, [(-3.0, 3.0), (0.5, 2.0)], zero=True)
row(("zero", builtins.int), z_int, X, zero=True)
row(("zero", builtins.round), z_round, X, zero=True)
row(("zero", builtins.round), z_round_digits, X, zero=True)
row(("zero", builtins.len), z_len, [FloatList(3, -2.0, 2.0)], zero=True)
row(("zero", builtins.bool), z_bool, X, zero=True)
row(("zero", builtins.print), z_print, X, zero=True)
row(("zero", builtins.isinstance), z_isinstance, X, zero=True)
# ints with a tangent: pushforward must still treat these results as constants
row(("zero", builtins.range), z_range, [Int(1, 6)], active=(0,), zero=True)
row(("zero", builtins.str), z_str, X, zero=True)
row(("zero", builtins.repr), z_repr, X, zero=True)
row(("zero", builtins.hash), z_hash, X, zero=True)
row(("zero", builtins.type), z_type, X, zero=True)
row(("zero", builtins.id), z_id, X, zero=True)
row(("zero", builtins.format), z_format, X, zero=True)
row(("zero", math.floor), z_floor, X, zero=True)
row(("zero", math.ceil), z_ceil, X, zero=True)
row(("zero", math.trunc), z_trunc, X, zero=True)
row(("zero", math.isnan), z_isnan, X, zero=True)
row(("zero", math.isinf), z_isinf, X, zero=True)
row(("zero", math.isfinite), z_isfinite, X, zero=True)
row(("zero", math.isclose), z_isclose, X * 2, zero=True)
row(("zero", math.factorial), z_factorial, [Int(0, 8)], active=(0,), zero=True)
row(("zero", math.comb), z_comb, [Int(5, 9), Int(0, 4)], active=(0, 1), zero=True)
row(("zero", math.perm), z_perm, [Int(5, 9), Int(0, 4)], active=(0, 1), zero=True)
row(("zero", math.gcd), z_gcd, [Int(1, 40), Int(1, 40)], active=(0, 1), zero=True)
row(("zero", math.lcm), z_lcm, [Int(1, 40), Int(1, 40)], active=(0, 1), zero=True)
row(("zero", math.isqrt), z_isqrt, [Int(0, 99)], active=(0,), zero=True)
row(("zero", math.ulp), z_ulp, X, zero=True)


# ============================================================================ table keys


#: Argument counts every builder rule must have a row for (other builders: at least one).
BUILDER_ARITIES = {builtins.max: (1, 2, 3), builtins.min: (1, 2, 3), math.hypot: (2, 3),
                   math.dist: (2,), SUMPROD: (2,)}


def table_keys(rules, binops, unaryops, inplace=()):
    """Every key a row must cover, from the rule table as it is on this Python."""
    keys = set()
    for func, rule in rules.items():
        if func is None:
            continue
        keys.update(("rule", func, arity) for arity in rule.variants)
        if rule.zero:
            keys.add(("zero", func))
        if rule.linear is not None:
            keys.add(("linear", func))
        if getattr(rule, "helper", None) is not None:
            keys.add(("helper", func))
        if rule.builder is not None:
            keys.update(("builder", func, n) for n in BUILDER_ARITIES.get(func, ()))
        keys.update(("pattern", func, op) for op in getattr(rule, "patterns", ()))
    keys.update(("binop", name) for name in binops)
    keys.update(("unaryop", name) for name in unaryops)
    keys.update(("inplace", name) for name in inplace)
    return keys


def builder_funcs(rules):
    return {func for func, rule in rules.items() if func is not None and rule.builder is not None}


def key_repr(key):
    """``('rule', 'math.atan2', 2)``: a key with its callable named, for messages and ids."""
    kind, *rest = key
    if kind in CALLABLE_KINDS:
        func = rest[0]
        module = getattr(func, "__module__", None) or "builtins"
        name = getattr(func, "__qualname__", repr(func))
        rest[0] = name if module == "builtins" else f"{module}.{name}"
    return repr((kind, *rest))



# ============================================================================ NumPy rows

# Imported last: rule_rows_numpy does not import this module; it only records its rows.
from rule_rows_numpy import SPECS as _NUMPY_SPECS  # noqa: E402

for _key, _func, _domain, _options in _NUMPY_SPECS:
    row(_key, _func, _domain, **_options)
