"""What a call in the user's code is: one place shared by activity analysis and emission.

``classify(call, ctx)`` returns a :class:`CallInfo` whose ``kind`` is one of
``rule`` (a primitive in the rule table), ``zero`` (non-differentiable primitive), ``user`` (a
Python function of the user's: transformed too), ``local`` (a function defined inside the
function being transformed), ``method`` (a method of a local value), ``unknown`` (no rule and no
source: a C function or a class) or ``missing`` (a name not defined yet).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import gast

from . import templates as T

from .resolve import MISSING
from .rules import METHODS, RULES


@dataclass
class CallInfo:
    kind: str
    target: object = None  # rule, function object, local def name, or method name


def classify(call, ctx) -> CallInfo:
    func = call.func
    if isinstance(func, gast.Name) and func.id in ctx.local_defs:
        return CallInfo("local", func.id)
    obj = ctx.resolution.lookup(func)
    if obj is MISSING:
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
    """NumPy's own Python functions are primitives: they need a rule, not a transformation."""
    return (getattr(func, "__module__", None) or "").split(".")[0] in ("numpy", "scipy")


def method_kind(name):
    return METHODS.get(name, ("unknown", ()))


def is_pure(node, ctx) -> bool:
    """True when evaluating ``node`` cannot have side effects: only rule-table calls."""
    for sub in T.walk(node):
        if isinstance(sub, gast.Call):
            if classify(sub, ctx).kind not in ("rule", "zero"):
                return False
    return True
