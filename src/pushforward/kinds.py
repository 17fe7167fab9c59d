"""kinds: which local names surely hold numbers, and which of those surely floats.

Contract: an analysis, never mutates. ``value_kinds(ctx)`` returns ``scalars`` (every
assignment gives a number: literals, arithmetic on such names, ``math`` functions,
``float``/``int``/``len``/``round``/``abs``, loops over ``range``), ``floats`` (of those, the
ones a float literal, a true division or a ``math`` function enters every assignment of),
``updated`` (names changed by ``op=``) and ``private`` (names whose value no other name or
container can share: every assignment computes a new value, and every use reads it in
arithmetic, a comparison, a ``math`` function or a ``return``). The emitter uses them to keep
scalar code free of the care arrays need (in-place updates, aliasing) and to keep derivatives
floats: ``s += x[i]`` on a private ``s`` may rebind ``s`` whether it holds a number or an array.
"""

from __future__ import annotations

import math
import types
from dataclasses import dataclass

import gast

from . import special
from . import templates as T
from .rules import RULES


@dataclass
class Kinds:
    scalars: set
    floats: set
    updated: set
    private: set


def value_kinds(ctx) -> Kinds:
    """The kinds of ``ctx``'s function (computed once: activity and the emitter both ask)."""
    cached = getattr(ctx, "kinds", None)
    if cached is not None and cached[0] is ctx.fdef:
        return cached[1]
    sources = _sources(ctx)
    scalars = _scalar_names(ctx, sources)
    updated = {n for n, values in sources.items() if any(v is _UPDATE for v in values)}
    kinds = Kinds(scalars, _float_names(ctx, sources, scalars), updated,
                  _private_names(ctx, sources))
    ctx.kinds = (ctx.fdef, kinds)
    return kinds


_READS = (gast.BinOp, gast.UnaryOp, gast.Compare, gast.BoolOp, gast.Return, gast.AugAssign)


def _private_names(ctx, sources):
    """Names no other name or container can share the value of (see the module docstring)."""
    res = ctx.resolution
    fresh = {n for n, values in sources.items() if all(
        v is _UPDATE or isinstance(v, (gast.BinOp, gast.UnaryOp))
        or (isinstance(v, gast.Constant) and type(v.value) in (int, float))
        or (isinstance(v, gast.Call) and getattr(res.lookup(v.func), "__module__", "") == "math")
        for v in values)}
    for node in T.walk(ctx.fdef):
        for child in T.children(node):
            if isinstance(child, gast.Name) and child.id in fresh \
                    and isinstance(child.ctx, gast.Load) and not (
                        isinstance(node, _READS) or (isinstance(node, gast.Call)
                                                      and child is not node.func
                                                      and getattr(res.lookup(node.func),
                                                                  "__module__", "") == "math")):
                fresh.discard(child.id)
    return fresh


_UPDATE = object()  # an augmented assignment, in the sources of a name


def _sources(ctx):
    """{local name: the expressions assigned to it}; None for an unknown value (a parameter,
    a loop over anything but range, ...), the marker _UPDATE for ``name op= value``."""
    res, sources = ctx.resolution, {}
    for node in T.walk(ctx.fdef):
        if isinstance(node, gast.Assign):
            for target in node.targets:
                for n in T.walk(target):
                    if isinstance(n, gast.Name):
                        sources.setdefault(n.id, []).append(
                            node.value if isinstance(target, gast.Name) else None)
        elif isinstance(node, (gast.AugAssign, gast.AnnAssign)) and node.value is not None:
            if isinstance(node.target, gast.Name):
                sources.setdefault(node.target.id, []).append(
                    _UPDATE if isinstance(node, gast.AugAssign) else node.value)
                if isinstance(node, gast.AugAssign):
                    sources[node.target.id].append(node.value)
        elif isinstance(node, (gast.For, gast.comprehension)):
            ranged = isinstance(node.iter, gast.Call) and \
                getattr(res.lookup(node.iter.func), "__name__", None) == "range"
            for n in T.walk(node.target):
                if isinstance(n, gast.Name):
                    sources.setdefault(n.id, []).append(gast.Constant(value=0, kind=None)
                                                        if ranged else None)
        elif isinstance(node, (gast.Global, gast.Nonlocal)):  # a value from outside first
            for name in node.names:
                sources.setdefault(name, []).append(None)
        elif isinstance(node, (gast.arguments, gast.withitem, gast.ExceptHandler,
                               gast.NamedExpr)):
            for n in T.walk(node):
                if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load):
                    sources.setdefault(n.id, []).append(None)
    return sources


_SCALAR_FUNCTIONS = (float, int, len, round, abs)


def _scalar_names(ctx, sources):
    """Local names every assignment gives a number: literals, arithmetic on such names,
    ``math`` functions, ``float``/``int``/``len``/``round``, loops over ``range``."""
    res = ctx.resolution

    def numeric(e, known):
        if e is _UPDATE:
            return True
        if isinstance(e, gast.Constant):
            return type(e.value) in (int, float, bool)
        if isinstance(e, gast.Name):
            return e.id in known
        if isinstance(e, gast.BinOp):
            return numeric(e.left, known) and numeric(e.right, known)
        if isinstance(e, gast.UnaryOp):
            return numeric(e.operand, known)
        if isinstance(e, gast.Call):
            func = res.lookup(e.func)
            return getattr(func, "__module__", None) == "math" or func in _SCALAR_FUNCTIONS
        return False

    return _fixpoint(sources, numeric, set(sources))


def _float_names(ctx, sources, scalars):
    """Of the number names, those surely floats: a float literal, a true division or a
    ``math`` function enters every assignment (an update keeps the type)."""
    res = ctx.resolution

    def floaty(e, known):
        return e is _UPDATE or float_valued(e, known,
                                            lambda call: gives_float(res.lookup(call.func)))

    plain = {n: [v for i, v in enumerate(vs) if not (i > 0 and vs[i - 1] is _UPDATE)]
             for n, vs in sources.items()}  # the value added by an update does not set the type
    return _fixpoint(plain, floaty, {n for n in scalars if n in plain})


def gives_float(func):
    """Whether a call of ``func`` surely gives a float (or an array): a function of ``math`` or
    NumPy with a tangent rule (``math.floor`` has none: it gives an int), but not ``math.prod``
    (of ints, an int); or the helpers of tangent code ``pow_log`` and ``digamma``."""
    if func is special.pow_log or func is special.digamma:
        return True
    try:
        rule = RULES.get(func)
    except TypeError:  # unhashable
        return False
    module = (getattr(func, "__module__", None) or "").split(".")[0]
    return rule is not None and not rule.zero and module in ("math", "numpy") \
        and func is not math.prod


def float_call(bindings, module_globals):
    """Whether a call of generated code surely gives a float (``gives_float`` of the function
    it resolves to through ``bindings``, the generated code's closure, or the module's globals)."""
    def resolve(node):
        if isinstance(node, gast.Name):
            return bindings.get(node.id, module_globals.get(node.id))
        if isinstance(node, gast.Attribute):
            base = resolve(node.value)
            return getattr(base, node.attr, None) if isinstance(base, types.ModuleType) else None
        return None

    return lambda call: gives_float(resolve(call.func))


def float_valued(node, floats, float_call):
    """Whether ``node`` surely evaluates to a float (or an array): a float literal, a name of
    ``floats``, a call that ``float_call`` accepts, a true division, or arithmetic with one of
    those as an operand (not ``"%.2f" % x``, nor what a comparison or ``len`` gives)."""
    cls = node.__class__
    if cls is gast.Constant:
        return type(node.value) is float
    if cls is gast.Name:
        return node.id in floats
    if cls is gast.Call:
        return bool(float_call(node))
    if cls is gast.BinOp:
        if isinstance(node.left, gast.Constant) and isinstance(node.left.value, (str, bytes)):
            return False  # string formatting
        return isinstance(node.op, gast.Div) or float_valued(node.left, floats, float_call) \
            or float_valued(node.right, floats, float_call)
    if cls is gast.UnaryOp:
        return isinstance(node.op, (gast.USub, gast.UAdd)) \
            and float_valued(node.operand, floats, float_call)
    if cls is gast.IfExp:
        return float_valued(node.body, floats, float_call) \
            and float_valued(node.orelse, floats, float_call)
    return False


def _fixpoint(sources, test, known):
    """The largest set of names all of whose sources pass ``test`` given that set."""
    changed = True
    while changed:
        changed = False
        for name in list(known):
            if not all(v is not None and test(v, known) for v in sources[name]):
                known.discard(name)
                changed = True
    return known
