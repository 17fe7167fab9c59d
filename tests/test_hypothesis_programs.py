"""Random small programs built from the rule table, checked against finite differences.

Hypothesis writes straight-line programs (3 to 8 assignments, each a primitive or operator of
the rule table applied to earlier variables or constants) and branching programs (an
``if``/``elif``/``else`` on comparisons of earlier variables, assignments in every branch, and
optionally a ``for i in range(k)`` accumulation loop).  Each program is written to a real .py
file (pushforward reads its source), imported, and ``pf.jvp`` is checked at a random point
along a random direction, some inputs held constant: the value bit-identical to the plain
call, the tangent against ``checks.fd_jvp``.

Domains: every primitive is wrapped so that any finite argument is in its domain
(``math.log(1.0 + v * v)``, ``math.asin(0.5 * math.tanh(v))``...).  Each program is also
rendered a second time with every kink and branch test instrumented; points where a branch or
kink switches within the finite-difference step (or comes within ``MARGIN`` of switching) are
rejected with ``assume``.

The operations come from ``OPS`` (hand-written wrappers, each naming the table keys it
exercises) plus one generic op per unary or binary rule that has a kink-free interval row in
``rule_rows`` (its argument squashed into that interval), and only those whose keys the table
holds on this Python are drawn; ``test_generator_uses_every_rule`` fails when a rule is
exercised by neither.  NumPy's elementwise rules take part too, called on Python floats
(``numpy.sin(v)`` is a NumPy scalar; ``numpy.where`` a 0-d array); its array-only rules are
left to the NumPy rows of ``rule_rows`` and to ``test_corpus_numpy``.
"""

import builtins
import importlib.util
import itertools
import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import numpy
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import pushforward as pf
import rule_rows
from checks import assert_close_structured, assert_primal_identical, fd_jvp, max_abs_leaf
from pushforward.api import clear_cache
from pushforward.rules import BINOPS, RULES, UNARYOPS

settings.register_profile(
    "pushforward-programs",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    report_multiple_bugs=False,  # shrink the first failure only: much faster to report
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = settings.get_profile("pushforward-programs")

INPUT_RANGE = (-2.0, 2.0)
FD_STEP = 1e-3  # the largest change of an input coordinate in fd_jvp
MARGIN = 1e-4  # a kink or branch test must stay this far from switching over the FD step
SINGULAR_RADIUS = 0.05  # distance kept from points where a derivative blows up
LIMIT = 1e4  # bound on the magnitude of every variable (statically, by interval bounds)
RTOL = 1e-6
ATOL = 1e-8  # times the scale of the value and the derivative (at least 1)
CONSTANTS = (0.5, -0.75, 1.25, 2.0, -1.5, 3.0)

INF = math.inf


def _key(func, arity):
    return ("rule", func, arity)


def BIN(name):
    return ("binop", name)


def UN(name):
    return ("unaryop", name)


MUL, ADD, SUB, POW = BIN("Mult"), BIN("Add"), BIN("Sub"), BIN("Pow")
SQUARE = BIN("Square")
CBRT = getattr(math, "cbrt", None)
EXP2 = getattr(math, "exp2", None)


@dataclass(frozen=True)
class Op:
    """An expression pattern over operands ``{a}``, ``{b}``, ``{c}``.

    ``inst`` is the same expression with its kinks recorded (see ``_Recorder``); it must
    compute the same value.  ``bound(*operand_bounds)`` bounds the result's magnitude (INF:
    do not use with these operands).  ``keys`` are the rule-table keys (``rule_rows`` format)
    the pattern exercises.
    """

    name: str
    arity: int
    text: str
    bound: Callable
    keys: tuple
    inst: Optional[str] = None

    def render(self, operands, instrumented=False):
        names = dict(zip("abc", operands))
        return (self.inst if instrumented and self.inst else self.text).format(**names)


def _capped(limit, f):
    """f(B) for operand bounds up to ``limit``, otherwise unusable."""
    return lambda b, *rest: f(b, *rest) if b <= limit else INF


OPS = [
    # -- smooth, bounded whatever the argument ------------------------------------------------
    Op("sin", 1, "math.sin({a})", lambda a: 1.0, (_key(math.sin, 1),)),
    Op("cos", 1, "math.cos({a})", lambda a: 1.0, (_key(math.cos, 1),)),
    Op("tan", 1, "math.tan(0.9 * math.atan({a}))", lambda a: 6.4,
       (_key(math.tan, 1), _key(math.atan, 1), MUL)),
    Op("asin", 1, "math.asin(0.5 * math.tanh({a}))", lambda a: 0.53,
       (_key(math.asin, 1), _key(math.tanh, 1), MUL)),
    Op("acos", 1, "math.acos(0.5 * math.tanh({a}))", lambda a: 2.1,
       (_key(math.acos, 1), _key(math.tanh, 1), MUL)),
    Op("atan", 1, "math.atan({a})", lambda a: 1.6, (_key(math.atan, 1),)),
    Op("tanh", 1, "math.tanh({a})", lambda a: 1.0, (_key(math.tanh, 1),)),
    Op("atanh", 1, "math.atanh(0.5 * math.tanh({a}))", lambda a: 0.56,
       (_key(math.atanh, 1), _key(math.tanh, 1), MUL)),
    Op("gauss", 1, "math.exp(-{a} * {a})", lambda a: 1.0, (_key(math.exp, 1), UN("USub"), MUL)),
    Op("erf", 1, "math.erf({a})", lambda a: 1.0, (_key(math.erf, 1),)),
    Op("erfc", 1, "math.erfc({a})", lambda a: 2.0, (_key(math.erfc, 1),)),
    Op("gamma", 1, "math.gamma(1.5 + math.tanh({a}))", lambda a: 1.8,
       (_key(math.gamma, 1), _key(math.tanh, 1), ADD)),
    Op("atan2", 2, "math.atan2({a}, 0.5 + {b} * {b})", lambda a, b: 1.6,
       (_key(math.atan2, 2), ADD, SQUARE)),
    # -- smooth, growing ------------------------------------------------------------------------
    Op("sinh", 1, "math.sinh({a})", _capped(6.0, math.sinh), (_key(math.sinh, 1),)),
    Op("cosh", 1, "math.cosh({a})", _capped(6.0, math.cosh), (_key(math.cosh, 1),)),
    Op("asinh", 1, "math.asinh({a})", math.asinh, (_key(math.asinh, 1),)),
    Op("acosh", 1, "math.acosh(1.5 + {a} * {a})", lambda a: math.acosh(1.5 + a * a),
       (_key(math.acosh, 1), ADD, SQUARE)),
    Op("exp", 1, "math.exp({a})", _capped(6.0, math.exp), (_key(math.exp, 1),)),
    Op("expm1", 1, "math.expm1({a})", _capped(6.0, math.exp), (_key(math.expm1, 1),)),
    Op("exp2", 1, "math.exp2({a})", _capped(8.0, lambda a: 2.0 ** a), (_key(EXP2, 1),)),
    Op("log", 1, "math.log(1.0 + {a} * {a})", lambda a: math.log1p(a * a),
       (_key(math.log, 1), ADD, SQUARE)),
    Op("log_base", 2, "math.log(1.0 + {a} * {a}, 2.0 + {b} * {b})",
       lambda a, b: 1.5 * math.log1p(a * a), (_key(math.log, 2), ADD, SQUARE)),
    # log of a quotient or a product: rules of their own (the "pattern" keys)
    *(Op("%s_log_of_%s" % (log.__module__, op), 2,
         "%s.log((1.0 + {a} * {a}) %s (0.5 + {b} * {b}))" % (log.__module__, symbol),
         lambda a, b: math.log1p(a * a) + math.log1p(2.0 * b * b) + 0.7,
         (("pattern", log, op), BIN(op), ADD, SQUARE))
      for log in (math.log, numpy.log) for op, symbol in (("Div", "/"), ("Mult", "*"))),
    Op("log1p", 1, "math.log1p({a} * {a})", lambda a: math.log1p(a * a),
       (_key(math.log1p, 1), SQUARE)),
    Op("log2", 1, "math.log2(1.0 + {a} * {a})", lambda a: math.log2(1.0 + a * a),
       (_key(math.log2, 1), ADD, SQUARE)),
    Op("log10", 1, "math.log10(1.0 + {a} * {a})", lambda a: math.log10(1.0 + a * a),
       (_key(math.log10, 1), ADD, SQUARE)),
    Op("lgamma", 1, "math.lgamma(1.0 + {a} * {a})", lambda a: 1.0 + math.lgamma(1.0 + a * a),
       (_key(math.lgamma, 1), ADD, SQUARE)),
    Op("sqrt", 1, "math.sqrt(1.0 + {a} * {a})", lambda a: math.sqrt(1.0 + a * a),
       (_key(math.sqrt, 1), ADD, SQUARE)),
    Op("cbrt", 1, "math.cbrt(0.5 + {a} * {a})", lambda a: (0.5 + a * a) ** (1 / 3) + 1e-9,
       (_key(CBRT, 1), ADD, SQUARE)),
    Op("degrees", 1, "math.degrees({a})", lambda a: 57.3 * a, (_key(math.degrees, 1),)),
    Op("radians", 1, "math.radians({a})", lambda a: 0.0175 * a, (_key(math.radians, 1),)),
    Op("float", 1, "float({a})", lambda a: a, (_key(builtins.float, 1),)),
    # -- powers -----------------------------------------------------------------------------------
    Op("square", 1, "{a} * {a}", lambda a: a * a, (SQUARE,)),
    Op("pow2", 1, "{a} ** 2", lambda a: a * a, (POW,)),
    Op("pow3", 1, "{a} ** 3", lambda a: a ** 3, (POW,)),
    Op("pow_op", 2, "(1.0 + {a} * {a}) ** math.tanh({b})", lambda a, b: 1.0 + a * a,
       (POW, ADD, SQUARE, _key(math.tanh, 1))),
    Op("math_pow", 2, "math.pow(1.0 + {a} * {a}, math.tanh({b}))", lambda a, b: 1.0 + a * a,
       (_key(math.pow, 2), ADD, SQUARE, _key(math.tanh, 1))),
    Op("pow", 2, "pow(1.0 + {a} * {a}, math.sin({b}))", lambda a, b: 1.0 + a * a,
       (_key(builtins.pow, 2), ADD, SQUARE, _key(math.sin, 1))),
    # -- arithmetic -------------------------------------------------------------------------------
    Op("add", 2, "{a} + {b}", lambda a, b: a + b, (ADD,)),
    Op("sub", 2, "{a} - {b}", lambda a, b: a + b, (SUB,)),
    Op("mul", 2, "{a} * {b}", lambda a, b: a * b, (MUL,)),
    Op("div", 2, "{a} / (1.0 + {b} * {b})", lambda a, b: a, (BIN("Div"), ADD, SQUARE)),
    Op("neg", 1, "-{a}", lambda a: a, (UN("USub"),)),
    Op("pos", 1, "+{a}", lambda a: a, (UN("UAdd"),)),
    # -- kinks and jumps ------------------------------------------------------------------------
    Op("abs", 1, "abs({a})", lambda a: a, (_key(builtins.abs, 1),),
       inst="_ks({a}, abs({a}))"),
    Op("fabs", 1, "math.fabs({a})", lambda a: a, (_key(math.fabs, 1),),
       inst="_ks({a}, math.fabs({a}))"),
    Op("copysign", 2, "math.copysign({a}, {b})", lambda a, b: a, (_key(math.copysign, 2),),
       inst="_ks({a}, _ks({b}, math.copysign({a}, {b})))"),
    Op("fmod", 2, "math.fmod({a}, 0.75 + {b} * {b})", lambda a, b: a,
       (_key(math.fmod, 2), ADD, SQUARE),
       inst="_ki({a} / (0.75 + {b} * {b}), math.fmod({a}, 0.75 + {b} * {b}))"),
    Op("mod", 2, "{a} % (0.75 + {b} * {b})", lambda a, b: 0.75 + b * b,
       (BIN("Mod"), ADD, SQUARE),
       inst="_ki({a} / (0.75 + {b} * {b}), {a} % (0.75 + {b} * {b}))"),
    Op("divmod", 2, "divmod({a}, 0.75 + {b} * {b})[1]", lambda a, b: 0.75 + b * b,
       (_key(builtins.divmod, 2), ADD, SQUARE),
       inst="_ki({a} / (0.75 + {b} * {b}), divmod({a}, 0.75 + {b} * {b})[1])"),
    Op("floordiv", 1, "{a} // 0.75", lambda a: a / 0.75 + 1.0, (BIN("FloorDiv"),),
       inst="_ki({a} / 0.75, {a} // 0.75)"),
    Op("floor", 1, "math.floor({a})", lambda a: a + 1.0, (("zero", math.floor),),
       inst="_ki({a}, math.floor({a}))"),
    Op("ceil", 1, "math.ceil({a})", lambda a: a + 1.0, (("zero", math.ceil),),
       inst="_ki({a}, math.ceil({a}))"),
    Op("trunc", 1, "math.trunc({a})", lambda a: a, (("zero", math.trunc),),
       inst="_ki({a}, math.trunc({a}))"),
    Op("int", 1, "int({a})", lambda a: a, (("zero", builtins.int),),
       inst="_ki({a}, int({a}))"),
    Op("round", 1, "round({a})", lambda a: a + 1.0, (("zero", builtins.round),),
       inst="_ki({a} - 0.5, round({a}))"),
    Op("ifexp", 2, "({a} if {a} > {b} else {b})", lambda a, b: max(a, b), (),
       inst="({a} if _ks({a} - {b}, {a} > {b}) else {b})"),
    # -- variadic ---------------------------------------------------------------------------------
    Op("max2", 2, "max({a}, {b})", max, (("builder", builtins.max, 2),),
       inst="_kc(({a}, {b}), max({a}, {b}))"),
    Op("min2", 2, "min({a}, {b})", max, (("builder", builtins.min, 2),),
       inst="_kc(({a}, {b}), min({a}, {b}))"),
    Op("max3", 3, "max({a}, {b}, {c})", max, (("builder", builtins.max, 3),),
       inst="_kc(({a}, {b}, {c}), max({a}, {b}, {c}))"),
    Op("min3", 3, "min({a}, {b}, {c})", max, (("builder", builtins.min, 3),),
       inst="_kc(({a}, {b}, {c}), min({a}, {b}, {c}))"),
    Op("max_list", 3, "max([{a}, {b}, {c}])", max, (("builder", builtins.max, 1),),
       inst="_kc(({a}, {b}, {c}), max([{a}, {b}, {c}]))"),
    Op("min_list", 2, "min([{a}, {b}])", max, (("builder", builtins.min, 1),),
       inst="_kc(({a}, {b}), min([{a}, {b}]))"),
    Op("hypot2", 2, "math.hypot({a}, {b})", lambda a, b: a + b, (("builder", math.hypot, 2),),
       inst="_kr(math.hypot({a}, {b}), math.hypot({a}, {b}))"),
    Op("hypot3", 3, "math.hypot({a}, {b}, 0.5 * {c})", lambda a, b, c: a + b + c,
       (("builder", math.hypot, 3), MUL),
       inst="_kr(math.hypot({a}, {b}, 0.5 * {c}), math.hypot({a}, {b}, 0.5 * {c}))"),
    # -- sequences ------------------------------------------------------------------------------
    Op("sum", 3, "sum([{a}, {b}, {c}])", lambda a, b, c: a + b + c, (_key(builtins.sum, 1),)),
    Op("sum_start", 3, "sum([{a}, {b}], {c})", lambda a, b, c: a + b + c,
       (_key(builtins.sum, 2),)),
    Op("fsum", 3, "math.fsum([{a}, {b}, {c}])", lambda a, b, c: a + b + c,
       (_key(math.fsum, 1),)),
    Op("prod", 2, "math.prod([{a}, {b}])", lambda a, b: a * b, (_key(math.prod, 1),)),
    Op("prod_start", 2, "math.prod([{a}], start={b})", lambda a, b: a * b, (_key(math.prod, 2),)),
    Op("dist", 2, "math.dist([{a}, 1.0], [0.5, {b}])", lambda a, b: a + b + 2.0,
       (("builder", math.dist, 2),),
       inst="_kr(math.dist([{a}, 1.0], [0.5, {b}]), math.dist([{a}, 1.0], [0.5, {b}]))"),
    Op("ldexp", 1, "math.ldexp({a}, 2)", lambda a: 4.0 * a, (_key(math.ldexp, 2),)),
    Op("modf", 1, "math.modf({a})[0]", lambda a: 1.0, (_key(math.modf, 1),),
       inst="_ki({a}, math.modf({a})[0])"),
    Op("remainder", 2, "math.remainder({a}, 0.75 + {b} * {b})", lambda a, b: a,
       (_key(math.remainder, 2), ADD, SQUARE),
       inst="_ki({a} / (0.75 + {b} * {b}) + 0.5, math.remainder({a}, 0.75 + {b} * {b}))"),
    Op("median", 3, "sorted([{a}, {b}, {c}])[1]", max, (("helper", builtins.sorted),),
       inst="_kc(({a}, {b}, {c}), sorted([{a}, {b}, {c}])[1])"),
    Op("farthest", 3, "sorted([{a}, {b}, {c}], key=abs, reverse=True)[0]", max,
       (("helper", builtins.sorted),),
       inst="_kc((abs({a}), abs({b}), abs({c})), "
            "sorted([{a}, {b}, {c}], key=abs, reverse=True)[0])"),
    Op("reversed", 2, "list(reversed([{a}, {b}]))[0]", max,
       (_key(builtins.reversed, 1), _key(builtins.list, 1))),
    Op("tuple", 2, "tuple([{a}, {b}])[1]", max, (_key(builtins.tuple, 1),)),
    Op("list", 2, "list(({a}, {b}))[0]", max, (_key(builtins.list, 1),)),
    # -- NumPy on floats, with kinks (the smooth ones are generic ops) -------------------------
    Op("np_abs", 1, "numpy.abs({a})", lambda a: a, (_key(numpy.absolute, 1),),
       inst="_ks({a}, numpy.abs({a}))"),
    Op("np_maximum", 2, "numpy.maximum({a}, {b})", max, (_key(numpy.maximum, 2),),
       inst="_kc(({a}, {b}), numpy.maximum({a}, {b}))"),
    Op("np_minimum", 2, "numpy.minimum({a}, {b})", max, (_key(numpy.minimum, 2),),
       inst="_kc(({a}, {b}), numpy.minimum({a}, {b}))"),
    Op("np_fmax", 2, "numpy.fmax({a}, {b})", max, (_key(numpy.fmax, 2),),
       inst="_kc(({a}, {b}), numpy.fmax({a}, {b}))"),
    Op("np_fmin", 2, "numpy.fmin({a}, {b})", max, (_key(numpy.fmin, 2),),
       inst="_kc(({a}, {b}), numpy.fmin({a}, {b}))"),
    # lo < hi always: see the xfail row np_clip_crossed_bounds in rule_rows_numpy
    Op("np_clip", 2, "numpy.clip({a}, {b} - 1.0, {b} + 1.0)", lambda a, b: max(a, b + 1.0),
       (_key(numpy.clip, 3), ADD, SUB),
       inst="_ks({a} - {b} + 1.0, _ks({a} - {b} - 1.0, numpy.clip({a}, {b} - 1.0, {b} + 1.0)))"),
    Op("np_where", 2, "numpy.where({a} > {b}, {a}, {b})", max, (_key(numpy.where, 3),),
       inst="numpy.where(_ks({a} - {b}, {a} > {b}), {a}, {b})"),
]


# ----------------------------------------------------------------------------- generic rule ops


def _callable_name(func):
    module = getattr(func, "__module__", None) or "builtins"
    name = getattr(func, "__qualname__", None) or func.__name__
    return name if module == "builtins" else f"{module}.{name}"


def _generic_ops():
    """One op per table rule of arity 1 or 2 with a kink-free interval row in rule_rows: the
    rule applied to its operands squashed into (the middle 90% of) that row's domain."""
    ops, seen = [], set()
    for row in rule_rows.ROWS:
        kind, *rest = row.key
        case = row.case
        if kind != "rule" or row.zero or row.skip or case.kinks is not None or not case.supported:
            continue
        func, arity = rest
        if arity not in (1, 2) or len(case.domain) != arity or (func, arity) in seen:
            continue
        if getattr(func, "__module__", "") == "pushforward.special":
            continue  # helpers of generated code, not something a user's program calls
        if not all(isinstance(spec, tuple) and len(spec) == 2 for spec in case.domain):
            continue
        if set(case.active) != set(range(arity)):
            continue
        seen.add((func, arity))
        squashed = []
        for name, (lo, hi) in zip("ab", case.domain):
            mid, half = 0.5 * (lo + hi), 0.45 * (hi - lo)
            squashed.append(f"({mid!r} + {half!r} * math.tanh({{{name}}}))")
        text = f"{_callable_name(func)}({', '.join(squashed)})"
        # bound by sampling the (bounded, smooth) function on its squashed domain
        grid = [i / 20.0 for i in range(-20, 21)]
        points = itertools.product(*[[0.5 * (lo + hi) + 0.45 * (hi - lo) * g for g in grid]
                                     for lo, hi in case.domain])
        top = max(abs(float(func(*p))) for p in points)
        ops.append(Op("rule_" + row.name, arity, text, lambda *b, top=top: 2.0 * top + 1.0,
                      (row.key, _key(math.tanh, 1), ADD, MUL)))
    return ops


def _table_keys():
    return rule_rows.table_keys(RULES, BINOPS, UNARYOPS)


def _available(op, keys, builders):
    for key in op.keys:
        if key[0] in ("rule", "zero", "builder") and key[1] is None:
            return False
        if key[0] == "builder":
            if key[1] not in builders:
                return False
        elif key not in keys:
            return False
    return True


ALL_OPS = OPS + _generic_ops()
_KEYS, _BUILDERS = _table_keys(), rule_rows.builder_funcs(RULES)
POOL = [op for op in ALL_OPS if _available(op, _KEYS, _BUILDERS)]
# Ops bounded whatever their operands: the ones a loop may apply to its accumulator.
SATURATING = [op for op in POOL if op.bound(*[INF] * op.arity) < LIMIT]


def _numpy_array_only(key):
    """NumPy rules for arrays: linear (shapes, products, joins), reductions, linear algebra,
    and the constants (comparisons, indices, shapes).  Floats in, floats out programs cannot
    use them; the NumPy rows of rule_rows and tests/test_corpus_numpy.py exercise them."""
    kind, *rest = key
    if kind not in ("rule", "zero", "linear", "helper"):
        return False
    module = getattr(rest[0], "__module__", None) or ""
    if module.split(".")[0] != "numpy":
        return False
    return kind != "rule" or module != "numpy"  # numpy.linalg: solve, inv, det


# Table entries the generator does not exercise on purpose: non-float results or arguments.
NOT_GENERATED = {
    *filter(_numpy_array_only, _KEYS),
    BIN("MatMult"),
    ("rule", numpy.linspace, 3),  # returns an array
    # pushforward's own helpers: they appear in generated code, not in user programs
    *(key for key in _KEYS if getattr(key[1], "__module__", "") in ("pushforward.special",
                                                                    "pushforward.batch",
                                                                    "pushforward.rules")),
    *(("zero", f) for f in (
        builtins.len, builtins.bool, builtins.print, builtins.isinstance, builtins.range,
        builtins.str, builtins.repr, builtins.hash, builtins.type, builtins.id, builtins.format,
        math.isnan, math.isinf, math.isfinite, math.isclose, math.factorial, math.comb,
        math.perm, math.gcd, math.lcm, math.isqrt, math.ulp)),
    # jumps a generated program cannot keep away from (frexp's exponent at every power of 2,
    # nextafter where x meets y), and functions of this Python's newest versions: their rows
    # in rule_rows cover them
    ("rule", math.frexp, 1), ("rule", math.nextafter, 2),
    ("rule", getattr(math, "fma", None), 3), ("builder", getattr(math, "sumprod", None)),
    ("builder", getattr(math, "sumprod", None), 2),
}


def test_generator_uses_every_rule():
    """A new rule must be reachable by the program generator: give it a kink-free interval row
    in rule_rows (it then gets a generic op; for a NumPy ufunc, an ``nps_`` row on floats in
    rule_rows_numpy), a hand-written op in OPS, or, if it cannot take or give floats, an entry
    in NOT_GENERATED (NumPy's array-only rules are there already)."""
    used = {key for op in POOL for key in op.keys}
    builders_used = {key[1] for key in used if key[0] == "builder"}
    missing = {key for key in _KEYS - NOT_GENERATED if key not in used}
    missing |= {("builder", f) for f in _BUILDERS if f not in builders_used} - NOT_GENERATED
    assert not missing, "rules no generated program can use:\n  " + "\n  ".join(
        sorted(map(rule_rows.key_repr, missing))
    )


# ----------------------------------------------------------------------------- programs


@dataclass
class Program:
    """A generated function: its plain source and its kink-recording twin."""

    params: tuple
    plain: list  # lines of the body
    inst: list

    def source(self, name="prog", instrumented=False):
        lines = self.inst if instrumented else self.plain
        head = f"def {name}({', '.join(self.params)}):"
        return "\n".join(["import math", "import numpy", "", "", head]
                         + ["    " + ln for ln in lines]) + "\n"


class _Builder:
    """Accumulates a program; tracks the variables in scope and their magnitude bounds."""

    def __init__(self, draw, n_inputs):
        self.draw = draw
        self.params = tuple(f"x{i}" for i in range(n_inputs))
        self.scope = {p: INPUT_RANGE[1] for p in self.params}
        self.plain, self.inst = [], []
        self.counter = itertools.count()
        self.indent = ""

    def fresh(self, prefix="v"):
        return f"{prefix}{next(self.counter)}"

    def emit(self, plain, inst=None):
        self.plain.append(self.indent + plain)
        self.inst.append(self.indent + (plain if inst is None else inst))

    def variable(self, scope):
        """A variable in scope; the simplest draw is the most recently defined one."""
        names = list(scope)
        return names[-1 - self.draw(st.integers(0, len(names) - 1))]

    def operand(self, scope):
        """(text, bound) of a variable in scope, or one time in eight a constant."""
        if self.draw(st.integers(0, 7)) == 7:
            c = self.draw(st.sampled_from(CONSTANTS))
            return (repr(c) if c >= 0 else f"({c!r})"), abs(c)
        name = self.variable(scope)
        return name, scope[name]

    def expression(self, scope, ops=None):
        """(plain text, instrumented text, bound) of one op applied to operands in scope."""
        operands = [self.operand(scope) for _ in range(3)]
        bounds = [b for _, b in operands]
        allowed = [op for op in (ops or POOL) if op.bound(*bounds[: op.arity]) <= LIMIT]
        op = self.draw(st.sampled_from(allowed))
        names = [n for n, _ in operands[: op.arity]]
        plain = op.render(names)
        inst = op.render(names, instrumented=True)
        return plain, inst, op.bound(*bounds[: op.arity])

    def assign(self, scope, target=None, ops=None):
        plain, inst, bound = self.expression(scope, ops)
        target = target or self.fresh()
        self.emit(f"{target} = {plain}", f"{target} = {inst}")
        return target, bound

    def statements(self, scope, n, last=None):
        """``n`` assignments to fresh variables; the last variable assigned."""
        for _ in range(n):
            last, bound = self.assign(scope)
            scope[last] = bound
        return last

    def condition(self, scope):
        """A comparison of two variables (or a variable and a constant), maybe two joined."""
        parts_plain, parts_inst = [], []
        for _ in range(self.draw(st.integers(1, 2))):
            a = self.variable(scope)
            b, _ = self.operand({n: scope[n] for n in scope if n != a} or scope)
            cmp = self.draw(st.sampled_from(["<", "<=", ">", ">="]))
            parts_plain.append(f"{a} {cmp} {b}")
            parts_inst.append(f"_ks({a} - {b}, {a} {cmp} {b})")
        joiner = " and " if self.draw(st.booleans()) else " or "
        return joiner.join(parts_plain), joiner.join(parts_inst)

    def branches(self, scope):
        """if/elif/else; every branch assigns the same join variable last."""
        join = self.fresh("j")
        n_tests = self.draw(st.integers(1, 2))
        bounds = []
        for k in range(n_tests + 1):
            if k < n_tests:
                plain, inst = self.condition(scope)
                kw = "if" if k == 0 else "elif"
                self.emit(f"{kw} {plain}:", f"{kw} {inst}:")
            else:
                self.emit("else:")
            self.indent += "    "
            local = dict(scope)
            self.statements(local, self.draw(st.integers(0, 2)))
            _, bound = self.assign(local, target=join)
            bounds.append(bound)
            self.indent = self.indent[:-4]
        scope[join] = max(bounds)
        return join

    def loop(self, scope):
        """acc = v; for i in range(k): t = op(acc, ...); acc = update(acc, t)."""
        k = self.draw(st.integers(1, 4))
        acc = self.fresh("acc")
        start = self.variable(scope)
        self.emit(f"{acc} = {start}")
        self.emit(f"for i in range({k}):")
        self.indent += "    "
        local = dict(scope)
        local[acc] = INF
        local["i"] = float(k)
        tbound = 0.0
        for _ in range(self.draw(st.integers(1, 2))):
            t, bound = self.assign(local, ops=SATURATING)
            local[t] = bound
            tbound += bound
        update = self.draw(st.sampled_from([
            f"{acc} = 0.5 * {acc} + {t}", f"{acc} += {t}", f"{acc} -= 0.5 * {t}"]))
        self.emit(update)
        self.indent = self.indent[:-4]
        scope[acc] = scope[start] + k * tbound
        return acc

    def returns(self, scope, last):
        if self.draw(st.integers(0, 3)) == 0 and len(scope) > 1:
            other = self.variable({n: None for n in scope if n != last})
            self.emit(f"return {last}, {other}")
        else:
            self.emit(f"return {last}")

    def program(self):
        return Program(self.params, self.plain, self.inst)


@st.composite
def straight_line_programs(draw):
    b = _Builder(draw, draw(st.integers(1, 3)))
    scope = dict(b.scope)
    last = b.statements(scope, draw(st.integers(3, 8)))
    b.returns(scope, last)
    return b.program()


@st.composite
def branching_programs(draw):
    b = _Builder(draw, draw(st.integers(1, 3)))
    scope = dict(b.scope)
    b.statements(scope, draw(st.integers(1, 3)))
    last = b.branches(scope)
    if draw(st.booleans()):
        last = b.loop(scope)
    last = b.statements(scope, draw(st.integers(0, 2)), last)
    b.returns(scope, last)
    return b.program()


# ----------------------------------------------------------------------------- checking


class _Recorder:
    """Helpers for instrumented programs: each records (outcome, margin) for one kink."""

    def __init__(self):
        self.log = []

    def ks(self, q, value):  # a kink or branch where q changes sign
        self.log.append((q > 0, abs(q)))
        return value

    def ki(self, q, value):  # a jump where q crosses an integer
        q = float(q)  # numpy.where of floats gives a 0-d array, which round() refuses
        self.log.append((math.floor(q), abs(q - round(q))))
        return value

    def kr(self, r, value):  # a singular point at distance r (hypot at the origin)
        self.log.append((True, r - SINGULAR_RADIUS))
        return value

    def kc(self, values, value):  # the order of several values (max, min, sorted)
        order = tuple(sorted(range(len(values)), key=values.__getitem__))
        gap = min(abs(a - b) for i, a in enumerate(values) for b in values[i + 1 :])
        self.log.append((order, gap))
        return value


def _stable(inst_func, recorder, primals, tangents):
    """True if every kink keeps its outcome, at least MARGIN away from switching, at points
    spanning the finite-difference stencil ``primals + s * tangents``, ``|s| <= step``."""
    vmax = max(max_abs_leaf(t) for t in tangents if t is not None)
    step = FD_STEP / vmax
    signature = None
    for k in range(-8, 9):
        s = step * k / 8.0
        args = [p if t is None else p + s * t for p, t in zip(primals, tangents)]
        recorder.log.clear()
        try:
            inst_func(*args)
        except TypeError:  # math.trunc of numpy.where's 0-d array: not a program to check
            return False
        outcomes = [o for o, _ in recorder.log]
        if any(margin < MARGIN for _, margin in recorder.log):
            return False
        if signature is None:
            signature = outcomes
        elif outcomes != signature:
            return False
    return True


_MODULE_IDS = itertools.count()


def _load(program, directory):
    """Write ``program`` as a module file in ``directory``, import it, return the function."""
    name = f"pf_generated_program_{next(_MODULE_IDS)}"
    path = Path(directory) / f"{name}.py"
    path.write_text(program.source())
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return name, module.prog


def _instrumented(program):
    recorder = _Recorder()
    namespace = {"math": math, "numpy": numpy, "_ks": recorder.ks, "_ki": recorder.ki,
                 "_kc": recorder.kc, "_kr": recorder.kr}
    exec(compile(program.source(instrumented=True), "<instrumented program>", "exec"), namespace)
    return namespace["prog"], recorder


def _point(data, n):
    """Primals in INPUT_RANGE and a direction (some inputs held constant: None)."""
    primals = tuple(data.draw(st.floats(*INPUT_RANGE), label=f"x{i}") for i in range(n))
    held = data.draw(st.lists(st.booleans(), min_size=n, max_size=n), label="held constant")
    if all(held):
        held[data.draw(st.integers(0, n - 1))] = False
    tangents = tuple(
        None if h else data.draw(st.floats(0.1, 1.0)) * data.draw(st.sampled_from([1.0, -1.0]))
        for h in held
    )
    return primals, tangents


def stable_point(program, primals, tangents):
    """True if no kink or branch of ``program`` switches near the finite-difference stencil."""
    inst_func, recorder = _instrumented(program)
    return _stable(inst_func, recorder, primals, tangents)


def check_program(program, primals, tangents):
    """Check ``pf.jvp`` on ``program`` at one point; the AssertionError shows the source."""
    source = program.source()
    with tempfile.TemporaryDirectory(prefix="pf_programs_") as directory:
        name, func = _load(program, directory)
        try:
            expected_value = func(*primals)
            value, tangent = pf.jvp(func, primals, tangents)
            assert_primal_identical(value, expected_value)
            expected = fd_jvp(func, primals, tangents, h=FD_STEP)
            atol = ATOL * max(1.0, max_abs_leaf(expected_value), max_abs_leaf(expected))
            assert_close_structured(tangent, expected, rtol=RTOL, atol=atol)
        except Exception as exc:
            try:
                generated = pf.source(func, wrt=tuple(
                    p for p, t in zip(program.params, tangents) if t is not None))
            except Exception as inner:  # noqa: BLE001 - only for the message
                generated = f"<pf.source failed: {type(inner).__name__}: {inner}>"
            raise AssertionError(
                f"generated program:\n{source}\nat primals={primals!r} tangents={tangents!r}\n"
                f"{type(exc).__name__}: {exc}\n\ngenerated derivative:\n{generated}"
            ) from exc
        finally:
            sys.modules.pop(name, None)


def _check_at_random_point(program, data):
    note(program.source())
    primals, tangents = _point(data, len(program.params))
    assume(stable_point(program, primals, tangents))
    check_program(program, primals, tangents)


def check_taylor(program, primals, tangents):
    """Taylor mode to order 2 on ``program``: c0 is the value (the same number; a NumPy scalar
    may come back as a float), c1 the JVP, 2 c2 a (4th-order) central difference of the JVP
    along the direction."""
    with tempfile.TemporaryDirectory(prefix="pf_programs_") as directory:
        name, func = _load(program, directory)
        try:
            c = pf.taylor(func, order=2)(primals, tangents)
            value, tangent = pf.jvp(func, primals, tangents)
            assert_close_structured(c[0], value, rtol=0.0, atol=0.0)  # the same number
            scale = max(1.0, max_abs_leaf(value), max_abs_leaf(tangent))
            assert_close_structured(c[1], tangent, rtol=1e-9, atol=1e-11 * scale)

            def moved(s):
                return tuple(p + s * t if t is not None else p for p, t in zip(primals, tangents))

            def slope(a, b, a2, b2):  # the 4th-order central difference, leaf by leaf
                if isinstance(a, (tuple, list)):
                    return type(a)(slope(*leaves) for leaves in zip(a, b, a2, b2))
                return (8.0 * (a - b) - (a2 - b2)) / (12 * h)

            h = FD_STEP / 2  # the outer points stay within the step the kink margins allow
            second = slope(*(pf.jvp(func, moved(s), tangents)[1] for s in (h, -h, 2 * h, -2 * h)))
            c2 = c[2]
            double = type(c2)(2.0 * v for v in c2) if isinstance(c2, (tuple, list)) else 2.0 * c2
            assert_close_structured(double, second, rtol=1e-4,
                                    atol=1e-5 * max(scale, max_abs_leaf(second)))
        except Exception as exc:
            raise AssertionError(f"generated program:\n{program.source()}\nat primals="
                                 f"{primals!r} directions={tangents!r}\n"
                                 f"{type(exc).__name__}: {exc}") from exc
        finally:
            sys.modules.pop(name, None)


@settings(PROFILE, max_examples=30, deadline=None)
@given(program=branching_programs(), data=st.data())
def test_taylor_mode_on_generated_programs(program, data):
    note(program.source())
    primals, tangents = _point(data, len(program.params))
    assume(stable_point(program, primals, tangents))
    check_taylor(program, primals, tangents)


@settings(PROFILE, max_examples=60, deadline=None)
@given(program=straight_line_programs(), data=st.data())
def test_straight_line_programs(program, data):
    _check_at_random_point(program, data)


@settings(PROFILE, max_examples=60, deadline=None)
@given(program=branching_programs(), data=st.data())
def test_branching_programs(program, data):
    _check_at_random_point(program, data)


# ----------------------------------------------------------------------------- the checker


def _fixed(params, *lines):
    lines = list(lines)
    return Program(tuple(params), lines, lines)


def test_program_check_fails_on_a_wrong_rule(monkeypatch):
    program = _fixed(["x0", "x1"], "v0 = x0 * x1", "v1 = math.sin(v0)", "return v1")
    check_program(program, (0.7, -1.3), (0.4, 0.9))
    clear_cache()
    try:
        monkeypatch.setitem(BINOPS, "Mult", "dl * r")
        with pytest.raises(AssertionError, match=r"(?s)generated program:.*v0 = x0 \* x1"):
            check_program(program, (0.7, -1.3), (0.4, 0.9))
    finally:
        monkeypatch.undo()
        clear_cache()


def test_points_near_kinks_are_rejected():
    program = Program(("x0", "x1"), ["v0 = max(abs(x0), x1)", "return v0"],
                      ["v0 = _kc((_ks(x0, abs(x0)), x1), max(abs(x0), x1))", "return v0"])
    assert stable_point(program, (0.5, -1.0), (1.0, 1.0))
    assert not stable_point(program, (0.0, -1.0), (1.0, 1.0))  # abs at its kink
    assert not stable_point(program, (2e-4, -1.0), (1.0, None))  # crosses within the FD step
    assert not stable_point(program, (0.5, 0.5 + 1e-5), (None, 1.0))  # max near a tie
    assert stable_point(program, (2e-4, -1.0), (None, 1.0))  # x0 held constant: no crossing
    at_origin = Program(("x0",), ["v0 = math.hypot(x0, x0)", "return v0"],
                        ["v0 = _kr(math.hypot(x0, x0), math.hypot(x0, x0))", "return v0"])
    assert not stable_point(at_origin, (0.0,), (1.0,))  # hypot's derivative is singular there
    assert stable_point(at_origin, (0.5,), (1.0,))


@pytest.mark.parametrize("op", POOL, ids=lambda op: op.name)
def test_op_renderings_agree(op):
    """The instrumented form of each op computes the plain form's value."""
    recorder = _Recorder()
    namespace = {"math": math, "numpy": numpy, "_ks": recorder.ks, "_ki": recorder.ki,
                 "_kc": recorder.kc, "_kr": recorder.kr}
    names = ["0.7", "(-1.3)", "0.4"][: op.arity]
    plain = op.render(names)
    inst = op.render(names, instrumented=True)
    assert eval(plain, namespace) == eval(inst, namespace)


@settings(PROFILE, max_examples=20, deadline=None)
@given(program=branching_programs(), data=st.data())
def test_vector_mode_on_generated_programs(program, data):
    """forward_diff with respect to every input (one pass, a batch of tangents) equals one
    pf.jvp per input."""
    note(program.source())
    primals, _ = _point(data, len(program.params))
    # not at a point where the derivative does not exist (hypot at the origin: 0 / 0)
    assume(stable_point(program, primals, (1.0,) * len(primals)))
    with tempfile.TemporaryDirectory(prefix="pf_programs_") as directory:
        name, func = _load(program, directory)
        try:
            n = len(primals)
            _, per_input = pf.forward_diff(func, wrt=tuple(range(n)))(*primals)
            for i in range(n):
                column = pf.jvp(func, primals, tuple(1.0 if j == i else None for j in range(n)))[1]
                assert_close_structured(per_input[i], column, rtol=1e-12,
                                        atol=1e-13 * max(1.0, max_abs_leaf(column)))
        finally:
            sys.modules.pop(name, None)
