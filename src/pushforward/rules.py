"""The tangent rule table: one line per primitive, looked up by the resolved callable object.

Contract for rule authors
-------------------------
A rule is a Python expression in the notation of the generated code. Its parameters name the
primitive's arguments (``"y, x"`` for ``atan2``; ``"*xs"`` for a variadic one); in the template,
a parameter ``x`` is the argument's primal value, ``dx`` its tangent, and ``ans`` the primitive's
result (its primal value is never recomputed). The template must be **linear in the tangents**
(a sum of terms with one tangent factor each), so that an inactive argument's terms vanish when
its tangent is replaced by zero, and must use the tangents only with ``+ - * / @``, unary minus,
conditional expressions, indexing and ``sum``, never inside ``math`` functions: the same rule
then works for a single tangent and for a batch of them (vector mode). ``math``, ``np`` and the
helpers of :mod:`pushforward.special` may be named directly.

Kink convention: at a point where a primitive is not differentiable, the tangent is the one of
the branch the primal takes; on ties ``max``/``min`` follow the argument Python returns (the
first), and ``abs``/``fabs``/``copysign`` have tangent 0 at 0.

Shorthands: ``linear`` (the rule is the primitive applied to the tangent), ``zero`` (a
non-differentiable primitive: its result is constant), ``structural`` (the same as ``linear``
for containers: ``list``, ``tuple``).
"""

from __future__ import annotations

import builtins
import functools
import math
from dataclasses import dataclass, field

import numpy as np

from . import batch, errors, special

# Constants spelled out in templates so generated code does not recompute them.
TWO_OVER_SQRT_PI = "1.1283791670955126"
LN2 = "0.6931471805599453"
LN10 = "2.302585092994046"

#: Names a template may use besides its parameters, bound in the generated code's closure.
HELPERS = {"math": math, "np": np, "digamma": special.digamma, "zeros_like": special.zeros_like,
           "pow_log": special.pow_log, "sign": special.sign, "clip_tangent": special.clip_tangent,
           "update": special.update, "position": special.position}
# templates of in-place updates (``a op= b``): no ``ans``, the tangent is computed before the update
INPLACE = {"Add": "dl + dr", "Sub": "dl - dr", "Mult": "dl * r + l * dr",
           "Div": "dl / r - l * dr / (r * r)",
           # see POW; l ** r is not computed yet: a differentiated exponent computes it here
           "Pow": "r * l ** (r - 1 + (r == 0)) * dl + dr * pow_log(l, l ** r)",
           "Mod": "dl - dr * (l // r)",
           "FloorDiv": "0.0"}  # piecewise constant: the tangent becomes zero


@dataclass
class Rule:
    """How to differentiate one callable: templates by arity, or zero, or a builder."""

    func: object
    name: str
    variants: dict = field(default_factory=dict)  # nargs (or "*") -> (params, template)
    zero: bool = False
    builder: object = None  # function(args, ans, helper) -> tangent node, for variadic rules
    takes: str = ""  # a builder's arguments, for the rules table
    namespace: dict = None  # what the templates' other names refer to (default: HELPERS)
    linear: tuple = None  # argument positions the primitive is (multi)linear in
    constant_in: tuple = ()  # ... and positions it reads shapes, orders or places from only
    helper: object = None  # a function of (x, dx, ans, *rest, **keywords) giving the tangent
    # for a call of one quotient or product, "Div"/"Mult" -> (params, template): the tangent of
    # log(n / d) is dn / n - dd / d, with no tangent of the quotient on the way
    patterns: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.namespace is None:
            self.namespace = HELPERS

    def params(self, nargs):
        if nargs in self.variants:
            return self.variants[nargs][0]
        if "*" in self.variants:
            return self.variants["*"][0]
        return None


RULES: dict = {}


def _qualname(func):
    mod = getattr(func, "__module__", None) or "builtins"
    mod = "" if mod == "builtins" else mod + "."
    return mod + getattr(func, "__qualname__", getattr(func, "__name__", repr(func)))


def _entry(func):
    if func not in RULES:
        RULES[func] = Rule(func, _qualname(func))
    return RULES[func]


def _split(params):
    return tuple(p.strip() for p in params.split(",") if p.strip())


_PATTERN_OPS = {"/": "Div", "*": "Mult"}


def jvp(func, params, template):
    """Register ``template`` as the tangent of ``func`` called with ``params``: names (``"x,
    base"``), or one quotient or product of two (``"n / d"``), a rule for calls of that form
    which takes the operands' tangents."""
    if func is None:  # a function this Python lacks (math.cbrt before 3.11)
        return
    left, op, right = params.partition("/") if "/" in params else params.partition("*")
    if op:
        _entry(func).patterns[_PATTERN_OPS[op]] = ((left.strip(), right.strip()), template)
        return
    ps = _split(params)
    key = "*" if any(p.startswith("*") for p in ps) else len(ps)
    _entry(func).variants[key] = (ps, template)


def zero(*funcs):
    """Non-differentiable primitives: their results carry no tangent."""
    for func in funcs:
        if func is not None:
            _entry(func).zero = True


def builder(func, build, takes):
    """A primitive whose tangent ``build(args, ans, helper)`` writes (``takes``: its arguments,
    as the rules table lists them)."""
    _entry(func).builder = build
    _entry(func).takes = takes


def helper(func, tangent):
    """A primitive of one array (and constant options, such as ``axis``) whose tangent is
    ``tangent(x, dx, ans, *other arguments, **keywords)``, a function of
    :mod:`pushforward.special` that the generated code calls."""
    _entry(func).helper = tangent


def linear(*funcs, at=(0,), constant_in=()):
    """Primitives linear in the arguments at positions ``at`` (multilinear if several): the
    tangent applies the primitive to the tangents, one argument at a time, with every other
    argument and keyword as in the primal call (``np.sum(dx, axis=0)``,
    ``np.dot(dA, x) + np.dot(A, dx)``). The other arguments give axes and counts, or at
    positions ``constant_in`` arrays read for their shapes, orders or places only (piecewise
    constant: no tangent); a differentiated value anywhere else is refused."""
    for func in funcs:
        if func is not None:
            _entry(func).linear, _entry(func).constant_in = tuple(at), tuple(constant_in)


def _maybe(module, name):
    return getattr(module, name, None)


# Arithmetic operators, by gast operator class name: l, r are the operands.
# ``(r == 0)``: x ** 0 is the constant 1, its tangent 0 at x = 0 too (not 0 * 0.0 ** -1); with
# a literal exponent it folds away (x ** 3 gives 3 * (x * x) * dx).
POW = "r * l ** (r - 1 + (r == 0)) * dl + dr * pow_log(l, ans)"
BINOPS = {
    "Add": "dl + dr",
    "Sub": "dl - dr",
    "Mult": "dl * r + l * dr",
    "Square": "2.0 * l * dl",  # x * x, the same name on both sides
    "Div": "(dl - ans * dr) / r",
    "Pow": POW,
    "Mod": "dl - dr * ((l - ans) / r)",
    "MatMult": "dl @ r + l @ dr",
    "FloorDiv": None,  # piecewise constant
}
UNARYOPS = {"USub": "-dx", "UAdd": "dx"}

SIGN_TANGENT = "(dx if x > 0 else (-dx if x < 0 else 0.0 * dx))"

# fmt: off
# -- math: trigonometric --------------------------------------------------------------------
jvp(math.sin,   "x",    "dx * math.cos(x)")
jvp(math.cos,   "x",    "-dx * math.sin(x)")
jvp(math.tan,   "x",    "dx * (1.0 + ans * ans)")
jvp(math.asin,  "x",    "dx / math.sqrt(1.0 - x * x)")
jvp(math.acos,  "x",    "-dx / math.sqrt(1.0 - x * x)")
jvp(math.atan,  "x",    "dx / (1.0 + x * x)")
jvp(math.atan2, "y, x", "(x * dy - y * dx) / (x * x + y * y)")
# -- math: hyperbolic -----------------------------------------------------------------------
jvp(math.sinh,  "x",    "dx * math.cosh(x)")
jvp(math.cosh,  "x",    "dx * math.sinh(x)")
jvp(math.tanh,  "x",    "dx * (1.0 - ans * ans)")
jvp(math.asinh, "x",    "dx / math.sqrt(x * x + 1.0)")
jvp(math.acosh, "x",    "dx / math.sqrt(x * x - 1.0)")
jvp(math.atanh, "x",    "dx / (1.0 - x * x)")
# -- math: exponentials and logarithms ------------------------------------------------------
jvp(math.exp,   "x",    "dx * ans")
jvp(math.expm1, "x",    "dx * (ans + 1.0)")
jvp(_maybe(math, "exp2"), "x", "dx * ans * " + LN2)
jvp(math.log,   "x",    "dx / x")
jvp(math.log,   "n / d", "dn / n - dd / d")  # log of a ratio: cheaper, no quotient tangent
jvp(math.log,   "a * b", "da / a + db / b")
jvp(math.log,   "x, base", "dx / (x * math.log(base)) - dbase * ans / (base * math.log(base))")
jvp(math.log1p, "x",    "dx / (1.0 + x)")
jvp(math.log2,  "x",    "dx / (x * " + LN2 + ")")
jvp(math.log10, "x",    "dx / (x * " + LN10 + ")")
# -- math: powers and roots -----------------------------------------------------------------
jvp(math.sqrt,  "x",    "dx / (2.0 * ans)")
jvp(_maybe(math, "cbrt"), "x", "dx / (3.0 * ans * ans)")
jvp(math.pow,   "l, r", POW)
# -- math: special functions ----------------------------------------------------------------
jvp(math.erf,   "x",    "dx * " + TWO_OVER_SQRT_PI + " * math.exp(-(x * x))")
jvp(math.erfc,  "x",    "-dx * " + TWO_OVER_SQRT_PI + " * math.exp(-(x * x))")
jvp(math.gamma, "x",    "dx * ans * digamma(x)")
jvp(math.lgamma, "x",   "dx * digamma(x)")
# -- math: sign, remainders, units, sums ----------------------------------------------------
jvp(math.fabs,  "x",    SIGN_TANGENT)
jvp(math.copysign, "x, y", "(dx * math.copysign(1.0, x * y) if x != 0 else 0.0 * dx) + 0.0 * dy")
jvp(math.fmod,  "x, y", "dx - dy * ((x - ans) / y)")
jvp(math.remainder, "x, y", "dx - dy * ((x - ans) / y)")  # x - n y, n the nearest integer
jvp(math.modf,  "x",    "(dx, 0.0 * dx)")  # (fraction, integer part)
jvp(math.ldexp, "x, i", "dx * 2.0 ** i")  # exact: a power of 2
jvp(math.frexp, "x",    "(dx * 2.0 ** -ans[1], 0.0 * dx)")  # (x / 2**e, e)
jvp(math.nextafter, "x, y", "dx + 0.0 * dy")  # x moved by one unit: a step, then x again
jvp(_maybe(math, "fma"), "x, y, z", "dx * y + x * dy + dz")
jvp(math.degrees, "x",  "dx * 57.29577951308232")
jvp(math.radians, "x",  "dx * 0.017453292519943295")
jvp(math.fsum,  "xs",   "sum(dxs)")
jvp(math.prod,  "xs",   "sum([d * math.prod(xs[:i]) * math.prod(xs[i + 1:]) for i, d in enumerate(dxs)])")
jvp(math.prod,  "xs, start", "start * sum([d * math.prod(xs[:i]) * math.prod(xs[i + 1:]) "
                             "for i, d in enumerate(dxs)]) + dstart * math.prod(xs)")
# -- builtins -------------------------------------------------------------------------------
jvp(builtins.abs,   "x",        "dx * sign(x)")  # abs takes arrays too
jvp(builtins.sum,   "xs",       "sum(dxs)")
jvp(builtins.sum,   "xs, start", "sum(dxs, dstart)")
jvp(builtins.pow,   "l, r",     POW)
jvp(builtins.float, "x",        "dx")
jvp(builtins.divmod, "x, y",    "(0.0 * dx, dx - dy * ans[0])")
jvp(builtins.list,  "xs",       "list(dxs)")
jvp(builtins.tuple, "xs",       "tuple(dxs)")
jvp(builtins.reversed, "xs",    "reversed(dxs)")
# -- non-differentiable: results are constants ----------------------------------------------
zero(builtins.int, builtins.round, builtins.len, builtins.bool, builtins.print,
     builtins.isinstance, builtins.range, builtins.str, builtins.repr, builtins.hash,
     builtins.type, builtins.id, builtins.format,
     math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite, math.isclose,
     math.factorial, math.comb, math.perm, math.gcd, math.lcm, math.isqrt, math.ulp)
# fmt: on


# -- NumPy: elementwise ----------------------------------------------------------------------
jvp(np.sin,     "x",    "dx * np.cos(x)")
jvp(np.cos,     "x",    "-dx * np.sin(x)")
jvp(np.tan,     "x",    "dx * (1.0 + ans * ans)")
jvp(np.arcsin,  "x",    "dx / np.sqrt(1.0 - x * x)")
jvp(np.arccos,  "x",    "-dx / np.sqrt(1.0 - x * x)")
jvp(np.arctan,  "x",    "dx / (1.0 + x * x)")
jvp(np.arctan2, "y, x", "(x * dy - y * dx) / (x * x + y * y)")
jvp(np.hypot,   "x, y", "x / ans * dx + y / ans * dy")  # x / ans: no under/overflow
jvp(np.logaddexp, "a, b", "da * np.exp(a - ans) + db * np.exp(b - ans)")
jvp(np.logaddexp2, "a, b", "da * np.exp2(a - ans) + db * np.exp2(b - ans)")
jvp(np.sinh,    "x",    "dx * np.cosh(x)")
jvp(np.cosh,    "x",    "dx * np.sinh(x)")
jvp(np.tanh,    "x",    "dx * (1.0 - ans * ans)")
jvp(np.arcsinh, "x",    "dx / np.sqrt(x * x + 1.0)")
jvp(np.arccosh, "x",    "dx / np.sqrt(x * x - 1.0)")
jvp(np.arctanh, "x",    "dx / (1.0 - x * x)")
jvp(np.exp,     "x",    "dx * ans")
jvp(np.exp2,    "x",    "dx * ans * " + LN2)
jvp(np.expm1,   "x",    "dx * (ans + 1.0)")
jvp(np.log,     "x",    "dx / x")
jvp(np.log,     "n / d", "dn / n - dd / d")
jvp(np.log,     "a * b", "da / a + db / b")
jvp(np.log2,    "x",    "dx / (x * " + LN2 + ")")
jvp(np.log10,   "x",    "dx / (x * " + LN10 + ")")
jvp(np.log1p,   "x",    "dx / (1.0 + x)")
jvp(np.sqrt,    "x",    "dx / (2.0 * ans)")
jvp(np.cbrt,    "x",    "dx / (3.0 * ans * ans)")
jvp(np.square,  "x",    "2.0 * x * dx")
jvp(np.reciprocal, "x", "-dx * ans * ans")
jvp(np.power,   "l, r", POW)
jvp(np.abs,     "x",    "dx * np.sign(x)")
jvp(np.absolute, "x",   "dx * np.sign(x)")
jvp(np.maximum, "a, b", "np.where(b > a, db, da)")
jvp(np.minimum, "a, b", "np.where(b < a, db, da)")
jvp(np.fmax,    "a, b", "np.where((b > a) | np.isnan(a), db, da)")  # fmax skips a nan
jvp(np.fmin,    "a, b", "np.where((b < a) | np.isnan(a), db, da)")
jvp(np.where,   "c, a, b", "np.where(c, da, db)")
jvp(np.clip,    "a, a_min, a_max", "clip_tangent(a, a_min, a_max, da, da_min, da_max)")
jvp(np.multiply, "a, b", "da * b + a * db")
jvp(np.add,     "a, b", "da + db")
jvp(np.subtract, "a, b", "da - db")
jvp(np.divide,  "a, b", "(da - ans * db) / b")
jvp(np.linalg.solve, "A, b", "np.linalg.solve(A, db - dA @ ans)")
jvp(np.linalg.inv, "A", "-(ans @ dA @ ans)")
jvp(np.linspace, "start, stop, num", "np.linspace(dstart, dstop, num)")  # linear in both ends
# -- NumPy: linear in their arrays -------------------------------------------------------------
linear(np.sum, np.mean, np.cumsum, np.reshape, np.transpose, np.swapaxes, np.ravel, np.squeeze,
       np.expand_dims, np.concatenate, np.stack, np.hstack, np.vstack, np.broadcast_to,
       np.tile, np.repeat, np.flip, np.roll, np.diff, np.trace, np.copy, np.asarray, np.array,
       np.negative, np.positive, np.real, np.diagonal, np.take, np.moveaxis, np.atleast_1d,
       np.atleast_2d, np.diag, np.triu, np.tril, np.take_along_axis, np.flipud, np.fliplr,
       np.rot90, np.column_stack, np.dstack, np.deg2rad, np.rad2deg, np.degrees, np.radians,
       _maybe(np, "trapezoid"))
linear(np.vdot, at=(0, 1))
linear(np.full, at=(1,))
linear(np.full_like, at=(1,), constant_in=(0,))
linear(np.dot, np.matmul, np.inner, np.outer, np.kron, np.cross, np.tensordot, at=(0, 1))
linear(np.einsum, at=(1, 2, 3, 4, 5))
#: linear primitives taking a sequence of arrays as their first argument
SEQUENCES = (np.concatenate, np.stack, np.hstack, np.vstack, np.column_stack, np.dstack)
# -- pushforward's own helpers, which generated code calls: so that it can be differentiated
# again (a second derivative differentiates the code written for the first) -------------------
zero(special.zeros_like, special.sign, special.sort_order, special.position)
linear(special.fresh, special.keyed)
linear(special.members, at=(1,), constant_in=(0,))
# (x, dx, ans): the order or place of the largest comes from x and ans
linear(special.sorted_tangent, special.sort_copy_tangent, special.max_tangent, special.min_tangent,
       at=(1,), constant_in=(0, 2))
helper(builtins.sorted, special.sorted_tangent)
helper(special.sort_copy, special.sort_copy_tangent)  # xs.sort(): xs[:] = sort_copy(xs)
linear(special.fit, at=(1,), constant_in=(0,))
jvp(special.update, "value, tangent, new", "update(value, dtangent, dnew)")
# ... and vector mode's versions of them (a Hessian differentiates vector-mode code)
zero(batch.zeros_like)
linear(batch.fresh, batch.array, batch.asarray)
linear(batch.fit, batch.full_like, at=(1,), constant_in=(0,))
linear(batch.full, at=(1,))
jvp(batch.update, "value, tangent, new", "update(value, dtangent, dnew)")
jvp(special.pow_log, "base, power", "dpower * pow_log(base, 1.0) + dbase * power / base")
# -- NumPy: reductions whose tangent needs the result --------------------------------------
for _f in (np.max, np.amax):
    helper(_f, special.max_tangent)
for _f in (np.min, np.amin):
    helper(_f, special.min_tangent)
helper(np.prod, special.prod_tangent)
helper(np.cumprod, special.cumprod_tangent)
helper(np.var, special.var_tangent)
helper(np.std, special.std_tangent)
helper(np.linalg.norm, special.norm_tangent)
helper(np.linalg.det, special.det_tangent)


def _singular_vectors_tangent(x, dx, ans, ord):
    """The derivative of singular vectors: not implemented (np.linalg.svd has no rule)."""
    raise errors.at_run_time(
        errors.UnsupportedDerivativeError, "pushforward has no second derivative of "
        "np.linalg.norm with ord=%r: it would need the derivative of the singular vectors" % (ord,))


helper(special.singular_weights, _singular_vectors_tangent)
zero(_singular_vectors_tangent)  # it raises: a derivative of the code calling it needs no rule
helper(np.sort, special.sort_tangent)
# -- NumPy: constants -----------------------------------------------------------------------
zero(np.argmax, np.argmin, np.argsort, np.sign, np.floor, np.ceil, np.round, np.rint, np.trunc,
     np.isnan, np.isfinite, np.isinf, np.shape, np.size, np.ndim, np.zeros, np.ones, np.empty,
     np.zeros_like, np.ones_like, np.empty_like, np.eye, np.identity,
     np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal,
     np.logical_and, np.logical_or, np.logical_not, np.nonzero, np.count_nonzero, np.allclose,
     np.isclose, np.any, np.all, np.floor_divide, np.searchsorted)


def _extreme(op):
    """max/min: the tangent of the argument Python returns (the first one on ties)."""
    from .templates import expr, zero as zero_node

    def build(args, ans, helper, keyed=False):
        """the tangent of the argument returned (the first one on ties), with key= too"""
        # keyed: compared by a key= function, the first argument equal to the result
        if len(args) == 1:  # an iterable
            (xs, dxs), = args
            return expr("dxs[position(xs, ans)]", xs=xs, dxs=dxs, ans=ans(),
                        position=helper("position"))
        if len(args) == 2 and not keyed:
            (a, da), (b, db) = args
            return expr("db if b %s a else da" % op, a=a, b=b, da=da or zero_node(),
                        db=db or zero_node())
        # several arguments: the first one equal to the result
        (last, dlast) = args[-1]
        out = dlast or zero_node()
        for p, d in reversed(args[:-1]):
            out = expr("d if ans == p else rest", d=d or zero_node(), p=p, ans=ans(), rest=out)
        return out

    return build


def _dist(args, ans, helper):
    """`sum((a - b) / ans * (da - db) for the coordinates a, b of p, q)` (the terms of each
    differentiated point; (a - b) / ans is at most 1)"""
    from .templates import expr, zero as zero_node

    (p, dp), (q, dq) = args
    out = None
    for d, sign in ((dp, "+"), (dq, "-")):
        if d is not None:
            term = expr("sum([(a - b) / ans * d for a, b, d in zip(p, q, dps)])", p=p, q=q,
                        dps=d, ans=ans())
            out = term if out is None and sign == "+" else expr(
                "-t" if out is None else "o %s t" % sign, o=out, t=term)
    return out if out is not None else zero_node()


def _sumprod(args, ans, helper):
    """`sum(dp_i * q_i) + sum(p_i * dq_i)` (the terms of each differentiated sequence)"""
    from .templates import expr, zero as zero_node

    (p, dp), (q, dq) = args
    terms = [expr("sum([d * b for d, b in zip(dps, q)])", dps=dp, q=q)] if dp is not None else []
    if dq is not None:
        terms.append(expr("sum([a * d for a, d in zip(p, dqs)])", p=p, dqs=dq))
    return expr("s + t", s=terms[0], t=terms[1]) if len(terms) == 2 else \
        terms[0] if terms else zero_node()


def _hypot(args, ans, helper):
    """`x / ans * dx + y / ans * dy + ...` (x / ans is at most 1: x * dx would underflow
    for x = 1e-200, and overflow for 1e200)"""
    from .templates import expr, zero as zero_node

    total = None
    for p, d in args:
        if d is None:
            continue
        term = expr("p / ans * d", p=p, d=d, ans=ans())
        total = term if total is None else expr("a + b", a=total, b=term)
    return total if total is not None else zero_node()


builder(builtins.max, _extreme(">"), "any number, or one iterable")
builder(builtins.min, _extreme("<"), "any number, or one iterable")
builder(math.hypot, _hypot, "any number")
builder(math.dist, _dist, "p, q (two points)")
if hasattr(math, "sumprod"):  # Python 3.12
    builder(math.sumprod, _sumprod, "p, q (two sequences)")


# Methods, looked up by name on a receiver that carries a tangent. The tangent call is the same
# method on the receiver's tangent, with the arguments at the listed positions replaced by their
# tangents. kind: "mutate" changes the receiver in place; "value" returns a tangent-carrying
# value; "zero" returns a constant (an index, a count, the keys).
METHODS = {
    # NumPy array methods that are linear in the array (the tangent calls them on dself)
    **{name: ("value", ()) for name in (
        "sum", "mean", "cumsum", "reshape", "transpose", "ravel", "flatten", "squeeze",
        "swapaxes", "trace", "diagonal", "repeat", "conj", "conjugate", "take")},
    "dot": ("bilinear", ()),
    "fill": ("mutate", (0,)),
    **{name: ("rule", getattr(np, name)) for name in ("max", "min", "prod", "std", "var",
                                                       "cumprod", "clip")},
    "argmax": ("zero", ()),
    "argmin": ("zero", ()),
    "argsort": ("zero", ()),
    "nonzero": ("zero", ()),
    "tolist": ("value", ()),
    "item": ("value", ()),
    "append": ("mutate", (0,)),
    "extend": ("mutate", (0,)),
    "insert": ("mutate", (1,)),
    "reverse": ("mutate", ()),
    "pop": ("value", ()),
    "copy": ("value", ()),
    "get": ("value", ()),
    "values": ("value", ()),
    "index": ("zero", ()),
    "count": ("zero", ()),
    "keys": ("zero", ()),
    "_asdict": ("value", ()),  # of a namedtuple (and _replace, which forward mode knows)
}

#: functions without a rule that take a function: what to write instead
WRITE_INSTEAD = {
    builtins.map: "write a comprehension instead: [f(v) for v in values]",
    builtins.filter: "write a comprehension instead: [v for v in values if test(v)]",
    functools.reduce: "write the loop out: for v in values: acc = f(acc, v)",
}


def write_instead(obj):
    """What to write instead of a call of ``obj`` (None if it is not in WRITE_INSTEAD)."""
    return next((hint for f, hint in WRITE_INSTEAD.items() if obj is f), None)

#: methods that change the object they are called on (lists, dicts, arrays)
MUTATORS = {"append", "extend", "insert", "pop", "fill", "update", "remove", "clear",
            "setdefault", "sort", "reverse", "popitem"}

#: functions returning their argument, or a view of it, when they can (by name: vector mode
#: binds some under names such as ``asarray_``)
VIEW_FUNCTIONS = {"asarray", "asanyarray", "atleast_1d", "atleast_2d", "atleast_3d", "ravel",
                  "reshape", "squeeze", "transpose", "swapaxes", "moveaxis", "expand_dims",
                  "broadcast_to"}
#: array methods whose result may share the array's memory
VIEW_METHODS = {"reshape", "view", "transpose", "swapaxes", "squeeze", "ravel"}

# Attributes of a differentiated array: linear ones carry a tangent, the others are constants.
LINEAR_ATTRIBUTES = {"T", "real", "imag", "mT"}
CONSTANT_ATTRIBUTES = {"shape", "size", "ndim", "dtype", "itemsize", "nbytes"}
#: the attributes a differentiated value has as a number, a container or an array: any other
#: attribute it has is a namedtuple's field (``state.pos``), whose tangent is the tangent's
VALUE_ATTRIBUTES = frozenset(a for t in (float, int, list, tuple, dict, np.ndarray) for a in dir(t))


def _first_line(func):
    return " ".join((func.__doc__ or "").strip().split("\n\n")[0].split())


def table_markdown():
    """The built-in rules as a Markdown table (docs/rules.md holds this text)."""
    rows = ["| primitive | arguments | tangent |", "|---|---|---|"]
    for name, template in sorted(("`%s`" % k.replace("Square", "x * x"), v)
                                 for k, v in BINOPS.items() if k != "Square"):
        rows.append("| operator %s | l, r | %s |" % (
            name, "`%s`" % template if template else "zero (piecewise constant)"))
    rows.append("| operator `x * x` (same name) | l | `%s` |" % BINOPS["Square"])
    for name, template in sorted(UNARYOPS.items()):
        rows.append("| unary `%s` | x | `%s` |" % (name, template))
    for rule in sorted(RULES.values(), key=lambda r: r.name):
        if rule.zero:
            rows.append("| `%s` | | zero (not differentiable) |" % rule.name)
        elif rule.linear is not None:
            where = ", ".join(map(str, rule.linear))
            rows.append("| `%s` | linear in argument%s %s | the primitive applied to the "
                        "tangent%s |" % (rule.name, "s" if len(rule.linear) > 1 else "", where,
                                          ", one argument at a time" if len(rule.linear) > 1
                                          else ""))
        elif rule.builder is not None:
            rows.append("| `%s` | %s | %s |" % (rule.name, rule.takes, _first_line(rule.builder)))
        elif rule.helper is not None:
            rows.append("| `%s` | one array, and its options | `%s(x, dx, ans, ...)`: %s |" % (
                rule.name, rule.helper.__name__, _first_line(rule.helper)))
        for key, (params, template) in sorted(rule.variants.items(), key=lambda kv: str(kv[0])):
            rows.append("| `%s` | %s | `%s` |" % (rule.name, ", ".join(params),
                                                  template.replace("|", "\\|")))
        for op, (params, template) in sorted(rule.patterns.items()):
            rows.append("| `%s` | one argument `%s %s %s` | `%s` |" % (
                rule.name, params[0], {v: k for k, v in _PATTERN_OPS.items()}[op], params[1],
                template))
    return "\n".join(rows) + "\n"
