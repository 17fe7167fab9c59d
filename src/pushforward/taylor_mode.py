"""Taylor mode: a function rewritten so that every active variable carries K+1 coefficients.

    parse -> resolve -> normalize -> resolve -> activity -> taylor (this pass) -> codegen
    -> compile

The generated ``f_taylor`` has ``f``'s signature; a differentiated argument is passed as a
:class:`pushforward.series.Series` (its value and direction, then zeros), and every value that
depends on one is a Series too. The pass rewrites only what the series arithmetic cannot do by
itself:

* a ``math`` function (or ``float``) applied to an active value becomes the rule of the same
  name in :mod:`pushforward.series` (``series.sin(x)``); NumPy functions and the arithmetic
  operators find their rules through the Series protocols, and stay as written;
* a non-differentiable call (``int``, ``floor``, ``len``...) gets the values of its arguments
  (``math.floor(series.value(x))``);
* an active name first assigned a constant array becomes a series (``series.constant(...)``),
  so that series can be written into it later;
* a call to a user function calls its Taylor version, generated once per activity pattern.

A call with active arguments and no Taylor rule is a :class:`NoRuleError` naming the function.
"""

from __future__ import annotations

import builtins
import math
import numbers

import gast
import numpy as np

from . import activity, errors, normalize, pipeline, series, special, taylor_scalar
from . import batch as vector
from . import templates as T
from .calls import classify, method_kind
from .forward import (
    _dotted,
    _formats,
    call_problem,
    refuse_bitwise,
    refuse_lost_derivatives,
)
from .rules import write_instead

#: math functions (and builtins) whose Taylor rule is ``series.<name>``
MATH = {math.sin: "sin", math.cos: "cos", math.tan: "tan", math.sinh: "sinh",
        math.cosh: "cosh", math.tanh: "tanh", math.exp: "exp", math.expm1: "expm1",
        math.log: "log", math.log1p: "log1p", math.log2: "log2", math.log10: "log10",
        math.sqrt: "sqrt", math.atan: "atan", math.asin: "asin", math.acos: "acos",
        math.atanh: "atanh", math.asinh: "asinh", math.acosh: "acosh", math.erf: "erf",
        math.erfc: "erfc", math.fabs: "fabs", math.copysign: "copysign", math.fmod: "fmod",
        math.atan2: "atan2", math.hypot: "hypot", math.pow: "pow_", math.degrees: "degrees",
        math.radians: "radians", math.fsum: "fsum", math.prod: "prod", math.gamma: "gamma",
        math.lgamma: "lgamma", math.remainder: "remainder", math.ldexp: "ldexp",
        math.modf: "modf", math.dist: "dist", math.frexp: "frexp", math.nextafter: "nextafter",
        builtins.sum: "sum_",
        builtins.float: "to_float", np.array: "array", np.asarray: "asarray", np.full: "full",
        np.full_like: "full_like", special.sort_copy: "sort_copy", builtins.sorted: "sorted_"}
for _name in ("exp2", "cbrt", "fma", "sumprod"):
    if hasattr(math, _name):
        MATH[getattr(math, _name)] = _name
#: primitives a series handles as it is: containers, iteration, and Python's own protocols
AS_WRITTEN = {builtins.list, builtins.tuple, builtins.reversed, builtins.min, builtins.max,
              builtins.abs, builtins.pow, builtins.divmod}
ITERATORS = (builtins.zip, builtins.enumerate, builtins.dict)  # over (and of) containers of series
#: methods of containers of series that only move them (``for k, v in d.items()``)
AS_WRITTEN_METHODS = {"items", "is_integer", "_replace", "_asdict"}  # series objects, and
# namedtuples of them, have them

_CACHE: dict = {}


def clear_cache():
    _CACHE.clear()
    taylor_scalar.clear_cache()


def _supported(rule):
    """A NumPy primitive the Series protocols have a Taylor rule for (one linear in one
    argument acts on each coefficient; a multilinear one needs its own, a Cauchy product)."""
    func = rule.func
    if isinstance(func, np.ufunc):
        return func in series.UFUNCS
    return func in series.FUNCTIONS or func in series.MIXING or \
        rule.linear is not None and len(rule.linear) == 1


def generate(func, active, problems, caller=None, call=None):
    """The cached :class:`pipeline.Generated` Taylor function of ``func`` (None if impossible)."""
    key = (func, tuple(active))
    if key in _CACHE:
        return _CACHE[key]
    parsed = pipeline.parse_callee(func, caller, call)
    if parsed is None:
        return None
    fdef = parsed.node
    gen = pipeline.Generated(func, tuple(active), "", [], {}, True)
    _CACHE[key] = gen  # visible to recursive calls
    ctx = pipeline.Ctx(func, fdef, parsed.filename, problems, gen)
    if normalize.run(fdef, ctx, active):
        ctx.refresh_locals(fdef)
    act = activity.analyse(fdef, ctx, active)
    name = func.__name__ if func.__name__.isidentifier() else "lambda"
    gen.name = ctx.namer.fresh_function(name + "_taylor", func.__globals__)
    gen.params = [a.id for a in fdef.args.posonlyargs + fdef.args.args + fdef.args.kwonlyargs]
    outside = refuse_lost_derivatives(fdef, ctx, act)
    fdef.body = [_Rewrite(ctx, act, gen, outside).visit(s) for s in fdef.body]
    fdef.name = gen.name
    fdef.decorator_list = []
    fdef.returns = None
    pipeline.mark_origins(fdef)
    gen.fdef = fdef
    if ctx.failed:
        gen.ok = False
        del _CACHE[key]
    return gen


class _Rewrite(T.Transformer):
    def __init__(self, ctx, act, gen, outside):
        self.ctx, self.act, self.gen = ctx, act, gen
        self.outside = {id(root) for root, _ in outside}  # roots of writes outside the function
        self._stores = None  # name -> the first line that assigns it

    def series(self, attr):
        return gast.Attribute(value=self.ctx.bind("series", series), attr=attr, ctx=gast.Load())

    def call_series(self, attr, args):
        return gast.Call(func=self.series(attr), args=args, keywords=[])

    def _writes_argument(self, target):
        """An in-place write into an argument: the series a Taylor function receives from the
        user are copies, so the user's array would not see it (refused when the function is
        the one ``pf.taylor`` differentiates; a function it calls writes into its caller's)."""
        root = target
        while isinstance(root, (gast.Subscript, gast.Attribute)):
            root = root.value
        if root is not target and isinstance(root, gast.Name) and root.id in self.gen.params \
                and not self._rebound_before(root.id, target.lineno):
            self.gen.entry_problems.append(errors.Problem.at(
                errors.UnsupportedSyntaxError,
                "Taylor mode cannot write into the argument '%s' in place" % root.id,
                self.ctx.filename, target, "work on a copy: %s = %s.copy()" % (root.id, root.id)))

    def _rebound_before(self, name, line):
        """Whether the argument ``name`` is assigned anew on a line before ``line`` (``xs =
        xs.copy()``): writes after it go into the function's own object."""
        if self._stores is None:
            self._stores = {}
            for n in T.walk(self.ctx.fdef):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                    self._stores[n.id] = min(self._stores.get(n.id, n.lineno), n.lineno)
        return self._stores.get(name, line) < line

    def visit_BinOp(self, node):  # "%.3f" % x formats the value
        self.generic_visit(node)
        if _formats(node) and self.act.is_active(node.right):
            node.right = self.call_series("value", [node.right])
        elif self.act.is_active(node):
            refuse_bitwise(self.ctx, node.op, node)
        return node

    def visit_FormattedValue(self, node):  # f"{x:.3f}" formats the value
        self.generic_visit(node)
        if self.act.is_active(node.value):
            node.value = self.call_series("value", [node.value])
        return node

    def visit_Raise(self, node):
        """``raise ValueError("x = %f" % x)``, ``raise not_a_number('y', y)``: the exception is
        made of the values."""
        def value(c):
            if isinstance(c, gast.Name) and isinstance(c.ctx, gast.Load) \
                    and self.act.is_name_active(c.id):
                return self.call_series("value", [c])
            return c

        for n in list(T.walk(node)):  # the names, before any is wrapped
            for field, child in gast.iter_fields(n):
                if isinstance(child, list):
                    child[:] = [value(c) for c in child]
                else:
                    setattr(n, field, value(child))
        return node

    def visit_AugAssign(self, node):
        self._writes_argument(node.target)
        if self.act.is_active(node.value) or self.act.is_active(node.target):
            refuse_bitwise(self.ctx, node.op, node)
        return self.generic_visit(node)

    def visit_Assign(self, node):
        for t in node.targets:
            self._writes_argument(t)
        names = [t for t in node.targets if isinstance(t, gast.Name)]
        # a constant array that series will be written into; a copy too (u = u.copy() of an
        # argument held constant is an array of numbers, although u is differentiated later)
        copy = isinstance(node.value, gast.Call) and isinstance(node.value.func, gast.Attribute) \
            and node.value.func.attr == "copy" and not node.value.args
        lift = (names and any(self.act.is_name_active(t.id) for t in names)
                and (copy or not self.act.is_active(node.value))
                and not isinstance(node.value, gast.Constant))
        keep_value = self.act.is_active(node.value) and any(
            id(n) in self.outside for t in node.targets for n in T.walk(t))
        self.generic_visit(node)
        if keep_value:  # CACHE[k] = x: a container outside the function keeps the value only
            node.value = self.call_series("value", [node.value])
        if lift:  # a constant array that series will be written into
            node.value = self.call_series("constant", [node.value])
        return node

    def visit_Call(self, node):
        info = classify(node, self.ctx)
        args = list(node.args) + [k.value for k in node.keywords]
        active = [self.act.is_active(a) for a in args]
        receiver = isinstance(node.func, gast.Attribute) and self.act.is_active(node.func.value)
        keep_values = any(id(n) in self.outside for n in T.walk(node.func))
        self.generic_visit(node)
        if keep_values:  # LOG.append(x): a container outside the function keeps the value only
            node.args = [self.call_series("value", [a]) if on else a
                         for a, on in zip(node.args, active)]
            return node
        if info.kind == "nested" and self.act.is_active(node) and self._calls_rules(
                self.ctx.local_defs[info.target[1]]):
            # pf.derivative(inner) runs on inner's Taylor code: arithmetic on series is
            # differentiated again, series.exp(...) is not
            self.ctx.problem(node, "Taylor mode does not differentiate pushforward.%s of a nested "
                             "function that reads a differentiated value and calls math "
                             "functions" % info.target[0], "take the derivative outside, or "
                             "nest pf.derivative instead of pf.taylor")
            return node
        if not any(active) and not receiver:
            return node
        if info.kind == "zero":  # the values of the arguments
            node.args = [self.call_series("value", [a]) if on else a
                         for a, on in zip(node.args, active)]
            for k, on in zip(node.keywords, active[len(node.args):]):
                if on:
                    k.value = self.call_series("value", [k.value])
            return node
        if info.kind == "rule":
            func = info.target.func
            if func in MATH:
                if func is builtins.float and len(node.args) == 1 and not node.keywords:
                    return self.call_series("to_float", node.args)
                node.func = self.series(MATH[func])
            elif func not in AS_WRITTEN and not _supported(info.target):
                self.no_rule(node, info.target.name)
            elif func not in AS_WRITTEN and (refused := call_problem(info.target, node, active)):
                self.ctx.problem(node, *refused)  # np.sin(x, out=y): as at first order
            elif func not in series.MIXING:  # np.sum([x, y]): NumPy sees no series in a list
                node.args = [self.call_series("operand", [a])
                             if on and isinstance(a, (gast.List, gast.Tuple, gast.Name)) else a
                             for a, on in zip(node.args, active)]
            return node
        if info.kind == "user":
            return self.user_call(node, info.target, active)
        if info.kind == "method":
            kind, _ = method_kind(info.target)
            if kind == "unknown" and info.target not in AS_WRITTEN_METHODS:
                self.no_rule(node, "." + info.target)
            elif kind == "mutate" and receiver:  # rows.append(np.zeros(2)): series may be
                node.args = [a if on else self.call_series("constant", [a])  # written into it
                             for a, on in zip(node.args, active)]
            return node
        if info.kind == "local" or info.kind == "unknown" and (
                any(info.target is i for i in ITERATORS) or special.is_record(info.target)):
            return node  # State(x, v): a namedtuple holds series as a tuple does
        self.no_rule(node, _dotted(node.func), write_instead(info.target))
        return node

    def _calls_rules(self, fdef):
        """Whether a (rewritten) nested function calls a rule of pushforward.series."""
        return any(isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute)
                   and isinstance(n.func.value, gast.Name)
                   and self.ctx.bindings.get(n.func.value.id) is series for n in T.walk(fdef))

    def no_rule(self, node, name, hint=None):
        self.ctx.problem(node, "no Taylor rule for '%s'" % name.rsplit(".", 1)[-1],
                         hint or "Taylor mode covers the arithmetic operators and the math and "
                         "NumPy functions of the first-order rule table (see docs/higher-order.md)",
                         kind=errors.NoRuleError)

    def user_call(self, node, func, active):
        code = func.__code__
        params = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
        names = params[:len(node.args)] + [k.arg for k in node.keywords]
        wanted = {n for n, on in zip(names, active) if on and n in params}
        if any(on and n not in params for n, on in zip(names, active)) or \
                any(isinstance(a, gast.Starred) for a in node.args):
            self.ctx.problem(node, "a differentiated value passed to %s's *args or **kwargs"
                             % func.__name__, "give the function a named parameter for it")
            return node
        callee = generate(func, tuple(p for p in params if p in wanted), self.ctx.problems,
                          caller=self.ctx, call=node)
        if callee is None or not callee.ok:
            self.ctx.failed = True
            return node
        node.func = T.name(self.ctx.callee_name(callee))
        return node


def transform(func, active):
    """Generate (or fetch) the Taylor function of ``func``; raise every problem, together."""
    problems = []
    with pipeline.no_gc():
        gen = generate(func, tuple(active), problems)
    errors.raise_problems(problems + (gen.entry_problems if gen is not None else []))
    gen.compile()
    return gen


# -- the API -----------------------------------------------------------------------------------

def _seed(p, d, n):
    """The series of an argument: value ``p``, direction ``d``, then zeros."""
    if isinstance(p, (list, tuple)):
        return special.rebuild(p, [_seed(a, b, n) for a, b in zip(p, d)])
    if isinstance(p, dict):
        return {k: _seed(p[k], d[k], n) for k in p}
    if isinstance(p, numbers.Real) and not isinstance(p, np.ndarray):  # a number: a list
        return series.Taylor(([float(p), float(d)] + [0.0] * (n - 2))[:n])
    a = np.zeros((n,) + np.shape(p))
    a[0] = p
    a[1:2] = d
    return series.ArraySeries(a) if np.ndim(p) == 0 else series.Series(a)


def _coefficient(out, k, n):
    """Coefficient ``k`` of an output (each leaf a series or a constant)."""
    if isinstance(out, (list, tuple)):
        return special.rebuild(out, [_coefficient(v, k, n) for v in out])
    if isinstance(out, dict):
        return {key: _coefficient(v, k, n) for key, v in out.items()}
    if isinstance(out, vector.Batch):
        c = out.a[k]
        return float(c) if c.ndim == 0 else c
    if type(out) is series.Taylor:
        return float(out.c[k])
    if k == 0 or out is None:  # no result has no coefficients, as forward_diff gives None
        return out
    return 0.0 if np.ndim(out) == 0 else np.zeros(np.shape(out))


class TaylorFunction:
    """``pf.taylor(f, order=K)``: call with ``(primals, directions)``."""

    def __init__(self, f, order):
        from . import api

        self._api = api
        self.f, self.order = api._as_python(f), order
        self._params = api._params(self.f)
        self._last = None
        self._generated = {}  # the differentiated parameters -> their Taylor function
        self._fast = {}  # the types of primals and directions -> a coefficient function

    def __call__(self, primals, directions):
        if type(directions) in (tuple, list) and type(primals) in (tuple, list):
            fast = self._fast.get((tuple(map(type, primals)), tuple(map(type, directions))))
            if fast is not None:  # the same types as a call before: floats where differentiated
                gen, active, zeros = fast
                self._last = gen
                coefficients = []
                for i in active:
                    coefficients += [directions[i]] + zeros
                return _scalar_result(gen, gen.function(*coefficients, *primals))
        return self._call(primals, directions)

    def _call(self, primals, directions):
        api = self._api
        with api._about("taylor", self.f):
            api._sequences(primals, directions, "directions")
            primals, directions = tuple(primals), tuple(directions)
            if len(primals) != len(directions):
                raise errors.TangentMismatchError("give one direction (or None) per primal")
            api._check_positional(self.f, primals, directions, who="taylor")
            pairs = [(p, d) for p, d in zip(primals, directions) if d is not None]
            floats = all(type(p) is float and type(d) is float for p, d in pairs)
            if not floats:  # floats need no checks
                for i, (p, d) in enumerate(zip(primals, directions)):
                    if d is not None:
                        api._leaves(p, "", "primal %d" % i)
                        api._check_tangent(p, d, "[%d]" % i, thorough=True)
        # numbers, and no array among the constants either (x ** n with an array n)
        numbers = (floats or all(_is_number(p) and _is_number(d) for p, d in pairs)) \
            and not any(isinstance(p, np.ndarray) for p in primals)
        active = tuple(self._params[i] for i, d in enumerate(directions) if d is not None)
        gen = self._generated.get((active, numbers))
        if gen is None:
            gen = self._generated[active, numbers] = self._transform(active, numbers)
        self._last = gen
        n = self.order + 1
        if gen.slots is not None:  # coefficients as local variables
            if n > 1 and floats and numbers:
                self._fast[tuple(map(type, primals)), tuple(map(type, directions))] = (
                    gen, [i for i, d in enumerate(directions) if d is not None], [0.0] * (n - 2))
            return _scalar_call(gen, primals, directions, n)
        args = [_seed(p, d, n) if d is not None else p for p, d in zip(primals, directions)]
        with vector.size(n):
            out = gen.function(*args)
        if type(out) is series.Taylor:  # a number's series: its list of floats
            return [float(c) for c in out.c]
        return [_coefficient(out, k, n) for k in range(n)]

    def _transform(self, active, numbers):
        """The coefficient function for numbers if it can be written, else the function on
        series objects (``gen.slots`` None)."""
        if numbers:
            try:
                with pipeline.no_gc():
                    gen = taylor_scalar.generate(self.f, active, self.order)
                gen.compile()
                return gen
            except taylor_scalar.Unsupported:
                pass
        return transform(self.f, active)

    @property
    def source(self):
        """The generated Taylor code (of the last call; before one, with every argument
        differentiated)."""
        gen = self._last or transform(self.f, tuple(self._params))
        return "\n\n".join([gen.source] + pipeline.all_sources(gen))


def _is_number(x):
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.ndarray))


def _scalar_call(gen, primals, directions, n):
    """Call a coefficient function: the coefficients of the active arguments first (the
    direction, then zeros), then the arguments; its flat result, as a list of coefficients."""
    zeros = [0.0] * (n - 2)
    args = []
    for d in directions:
        if d is not None:
            args += ([float(d)] + zeros)[:n - 1]
    args += [float(p) if d is not None else p for p, d in zip(primals, directions)]
    return _scalar_result(gen, gen.function(*args))


def _scalar_result(gen, out):
    """The list of coefficients from a coefficient function's flat result."""
    kind, slots = gen.slots
    if kind == "value":
        return _fill(list(out))
    n = len(out) // slots
    values = [_fill(list(out[s * n:(s + 1) * n])) for s in range(slots)]
    return [tuple(v[k] for v in values) for k in range(n)]


def _fill(coefficients):
    """The zero coefficients of a constant result shaped like it (an array's are arrays)."""
    c0 = coefficients[0]
    if type(c0) is float or type(c0) is int:
        return coefficients
    return [c0] + [_coefficient(c0, k, len(coefficients)) if type(c) is float and c == 0.0
                   else c for k, c in enumerate(coefficients[1:], 1)]


def taylor(f, order):
    """Taylor coefficients of ``t -> f(x + t v)`` up to ``order``, in one pass::

        g = pf.taylor(f, order=4)
        c0, c1, c2, c3, c4 = g((x,), (v,))   # c_k = d^k/dt^k f(x + t v) / k! at t = 0

    ``g(primals, directions)`` follows ``pf.jvp``: one direction per primal, None to hold it
    constant. Every active value of the generated code (``g.source``) carries its ``order + 1``
    coefficients; products, quotients and functions are truncated series arithmetic, so the
    cost grows like ``order**2``.
    """
    if not isinstance(order, int) or isinstance(order, bool) or order < 0:
        raise errors.WrtError("order=%r: the order of a Taylor expansion is an int >= 0"
                              % (order,))
    return TaylorFunction(f, order)
