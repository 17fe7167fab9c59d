"""What a call in the user's code is: one place shared by activity analysis and emission.

``classify(call, ctx)`` returns a :class:`CallInfo` whose ``kind`` is one of
``rule`` (a primitive in the rule table), ``zero`` (non-differentiable primitive), ``user`` (a
Python function of the user's: transformed too; a function made by ``forward_diff`` counts as the
Python function it computes), ``local`` (a function defined inside the function being
transformed), ``nested`` (pushforward itself differentiating a nested function:
``pf.forward_diff(inner)(y)``, ``pf.derivative(inner, order=2)(y)``, ``pf.jvp(inner, ys, vs)``),
``method`` (a method of a local value), ``unknown`` (no rule and no source: a C function or a
class) or ``missing`` (a name not defined yet).
"""

from __future__ import annotations

import inspect
import types
from dataclasses import dataclass

import gast

from . import special
from . import templates as T
from .errors import PushforwardError

from .resolve import MISSING
from .rules import METHODS, RULES


@dataclass
class CallInfo:
    kind: str
    target: object = None  # rule, function object, local def name, or method name


#: pushforward's API functions that may differentiate a nested function in differentiated code
NESTING = ("forward_diff", "derivative", "jvp")


def nesting_api(obj):
    """pf.forward_diff, pf.derivative or pf.jvp: differentiated inside differentiated code."""
    return getattr(obj, "__module__", "") == "pushforward.api" \
        and getattr(obj, "__name__", "") in NESTING


def _nesting(call, ctx):
    """(API function name, nested def name) for ``pf.forward_diff(inner)(...)``,
    ``pf.derivative(inner, ...)(...)`` or ``pf.jvp(inner, ...)``; else None."""
    inner = call.func if isinstance(call.func, gast.Call) else call
    if not inner.args or not isinstance(inner.args[0], gast.Name) \
            or inner.args[0].id not in ctx.local_defs:
        return None
    obj = ctx.resolution.lookup(inner.func)
    if not nesting_api(obj):
        return None
    name = obj.__name__
    if (name == "jvp") != (inner is call):  # jvp(inner, ...) is called once, the others twice
        return None
    return name, inner.args[0].id


def classify(call, ctx) -> CallInfo:
    func = call.func
    if isinstance(func, gast.Name) and func.id in ctx.local_defs:
        return CallInfo("local", func.id)
    nesting = _nesting(call, ctx)
    if nesting is not None:
        return CallInfo("nested", nesting)
    if isinstance(func, gast.Attribute) and (isinstance(func.value, gast.JoinedStr) or isinstance(
            func.value, gast.Constant) and isinstance(func.value.value, str)):
        return CallInfo("zero", None)  # "{:.3f}".format(y): a string
    obj = ctx.resolution.lookup(func)
    if getattr(obj, "_pf_derivative", None) is not None:  # made by forward_diff
        from .api import _as_python  # the API is built on this module

        try:
            return CallInfo("user", _as_python(obj))
        except PushforwardError:
            return CallInfo("unknown", obj)
    if obj is MISSING:
        if isinstance(func, gast.Attribute) and isinstance(
                ctx.resolution.lookup(func.value), types.ModuleType):
            # math.fma on a Python without it (under an `if hasattr(...)`): the call raises
            # AttributeError if it runs, as the function's own would; it has no tangent
            return CallInfo("zero", None)
        return CallInfo("missing", func)
    if obj is None:
        if isinstance(func, gast.Attribute):
            return CallInfo("method", func.attr)
        return CallInfo("unknown", None)  # calling a local value
    try:
        rule = RULES.get(obj)
    except TypeError:  # unhashable callable
        rule = None
    if rule is not None:
        return CallInfo("zero" if rule.zero else "rule", rule)
    if inspect.isfunction(obj) and not _library(obj):
        return CallInfo("user", obj)
    return CallInfo("unknown", obj)


def _library(func):
    """NumPy's own Python functions are primitives: they need a rule, not a transformation;
    so are pushforward's (its API, vector mode), except the helpers generated code calls."""
    module = getattr(func, "__module__", None) or ""
    return module.split(".")[0] in ("numpy", "scipy", "pushforward") \
        and (module != "pushforward.special" or func is special.method_jvp)


def callee_name(call):
    """The name a call is written with (``reshape`` of ``np.reshape(...)``), without the
    suffix of a name generated code binds (``asarray_1``)."""
    func = call.func
    name = func.attr if isinstance(func, gast.Attribute) else getattr(func, "id", "")
    return name.rstrip("_0123456789")


def method_kind(name):
    return METHODS.get(name, ("unknown", ()))


def is_pure(node, ctx) -> bool:
    """True when evaluating ``node`` cannot have side effects: only rule-table calls, and no
    assignment expression."""
    for sub in T.walk(node):
        if isinstance(sub, gast.Call):
            if classify(sub, ctx).kind not in ("rule", "zero"):
                return False
        elif isinstance(sub, gast.NamedExpr):
            return False
    return True
