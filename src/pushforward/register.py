"""User-defined tangent rules: ``defjvp`` and ``nondifferentiable``.

A rule is written in the notation of the built-in table (:mod:`pushforward.rules`), as a small
Python function whose parameters are the primitive's arguments, then one tangent per argument
named ``d`` + the argument, then optionally ``ans`` (the primitive's result), and whose body is
one ``return`` of an expression linear in the tangents::

    from scipy import special
    import pushforward as pf

    @pf.defjvp(special.erfcx)            # erfcx(x) = exp(x**2) erfc(x)
    def erfcx_jvp(x, dx, ans):
        return dx * (2.0 * x * ans - 1.1283791670955126)

The expression is copied into the generated code (it is not called), so the derivative stays
readable and fast; names in it other than the parameters (``math``, ``special``...) refer to
what they mean where the rule is defined. Registering a rule forgets every generated function,
so the next call uses it.
"""

from __future__ import annotations

import builtins
import inspect

import gast

from . import api, parse
from .codegen import to_source
from . import templates as T
from .errors import RuleError, SourceUnavailableError
from .rules import RULES, Rule, _qualname

__all__ = ["defjvp", "nondifferentiable"]


def _arity(func):
    """(fewest, most) positional arguments ``func`` accepts, or None if it cannot be told."""
    nin = getattr(func, "nin", None)  # a NumPy ufunc
    if isinstance(nin, int):
        return nin, nin
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    params = [p for p in sig.parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind is p.VAR_POSITIONAL for p in sig.parameters.values()):
        return sum(p.default is p.empty for p in params), None
    return sum(p.default is p.empty for p in params), len(params)


def defjvp(func):
    """Register the decorated function as the tangent rule of ``func`` (see the module doc)."""
    if not callable(func):
        raise RuleError("defjvp(%r): the primitive must be callable" % (func,))

    def register(rule_fn):
        name = _qualname(func)
        try:
            fdef = parse.parse(rule_fn).node
        except SourceUnavailableError as exc:
            raise RuleError("the rule for %s: %s" % (name, exc)) from None
        body = [s for s in fdef.body
                if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))]
        if len(body) != 1 or not isinstance(body[0], gast.Return) or body[0].value is None:
            raise RuleError("the rule for %s must be one 'return <expression>' (a docstring may "
                            "precede it), written in the tangents d<arg>" % name)
        args = [a.id for a in fdef.args.args]
        if fdef.args.vararg or fdef.args.kwarg or fdef.args.kwonlyargs or fdef.args.defaults:
            raise RuleError("the rule for %s takes plain parameters: the arguments, their "
                            "tangents d<arg>, and optionally ans" % name)
        has_ans = bool(args) and args[-1] == "ans"
        core = args[:-1] if has_ans else args
        n = len(core) // 2
        primals, tangents = core[:n], core[n:]
        if len(core) % 2 or tangents != ["d" + p for p in primals]:
            expected = ", ".join(primals + ["d" + p for p in primals] + ["ans"])
            raise RuleError("the rule for %s has parameters (%s); a rule takes the arguments, then "
                            "one tangent per argument named d<arg>, then optionally ans: "
                            "(%s)" % (name, ", ".join(args), expected))
        arity = _arity(func)
        if arity is not None and not (arity[0] <= n and (arity[1] is None or n <= arity[1])):
            raise RuleError("the rule for %s takes %d argument%s, but %s takes %s" % (
                name, n, "" if n == 1 else "s", name,
                "%d" % arity[0] if arity[0] == arity[1] else
                "%d to %s" % (arity[0], "any number" if arity[1] is None else arity[1])))
        expr = body[0].value
        known = set(args) | set(dir(builtins))
        namespace = dict(rule_fn.__globals__)
        unknown = sorted({x.id for x in T.walk(expr) if isinstance(x, gast.Name)
                          and x.id not in known and x.id not in namespace})
        if unknown:
            raise RuleError("the rule for %s uses undefined name%s %s" % (
                name, "" if len(unknown) == 1 else "s", ", ".join(map(repr, unknown))))
        template = to_source(gast.Module(body=[gast.Expr(value=expr)], type_ignores=[])).strip()
        rule = Rule(func, name, namespace={k: v for k, v in namespace.items() if k not in args})
        rule.variants[n] = (tuple(primals), template)
        existing = RULES.get(func)
        if existing is not None and not existing.zero and existing.builder is None:
            rule.variants = {**existing.variants, **rule.variants}  # add an arity
        RULES[func] = rule
        api.clear_cache()
        return rule_fn

    return register


def nondifferentiable(func):
    """Declare ``func`` constant: its results carry no tangent. Returns ``func``."""
    if not callable(func):
        raise RuleError("nondifferentiable(%r): not callable" % (func,))
    RULES[func] = Rule(func, _qualname(func), zero=True)
    api.clear_cache()
    return func
