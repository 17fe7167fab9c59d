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
from .rules import LINEAR_ATTRIBUTES, RULES, Rule, _qualname

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
            parsed = parse.parse(rule_fn)
        except SourceUnavailableError as exc:
            raise RuleError("the rule for %s: %s" % (name, exc)) from None
        fdef = parsed.node

        def refuse(node, message):
            where = "%s:%d:%d: " % (parsed.filename, node.lineno, node.col_offset + 1)
            return RuleError(where + "the rule for %s " % name + message)

        body = [s for s in fdef.body
                if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))]
        if len(body) != 1 or not isinstance(body[0], gast.Return) or body[0].value is None:
            raise refuse(fdef, "must be one 'return <expression>' (a docstring may precede it), "
                         "written in the tangents d<arg>")
        args = [a.id for a in fdef.args.args]
        if fdef.args.vararg or fdef.args.kwarg or fdef.args.kwonlyargs or fdef.args.defaults:
            raise refuse(fdef, "takes plain parameters: the arguments, their tangents d<arg>, "
                         "and optionally ans")
        has_ans = bool(args) and args[-1] == "ans"
        core = args[:-1] if has_ans else args
        n = len(core) // 2
        primals, tangents = core[:n], core[n:]
        if len(core) % 2 or tangents != ["d" + p for p in primals]:
            values = [a for a in args if a != "ans" and a[:1] != "d"] or primals
            expected = ", ".join(values + ["d" + p for p in values] + ["ans"])
            raise refuse(fdef, "has parameters (%s); a rule takes the arguments, then one "
                         "tangent per argument named d<arg>, then optionally ans: (%s)"
                         % (", ".join(args), expected))
        arity = _arity(func)
        if arity is not None and not (arity[0] <= n and (arity[1] is None or n <= arity[1])):
            raise refuse(fdef, "takes %d argument%s, but %s takes %s" % (
                n, "" if n == 1 else "s", name,
                "%d" % arity[0] if arity[0] == arity[1] else
                "%d to %s" % (arity[0], "any number" if arity[1] is None else arity[1])))
        expr = body[0].value
        known = set(args) | set(dir(builtins))
        namespace = dict(rule_fn.__globals__)
        namespace.update(inspect.getclosurevars(rule_fn).nonlocals)  # names of the enclosing def
        unknown = sorted({x.id for x in T.walk(expr) if isinstance(x, gast.Name)
                          and x.id not in known and x.id not in namespace})
        if unknown:
            raise refuse(expr, "uses undefined name%s %s" % (
                "" if len(unknown) == 1 else "s", ", ".join(map(repr, unknown))))
        nonlinear = _nonlinear_part(expr, set(tangents), namespace)
        if nonlinear is not None:
            raise refuse(nonlinear, "is not linear in the tangents at %r: a rule is a sum of "
                         "terms with one tangent factor each (dx * math.cos(x)), which vector "
                         "mode and zero tangents rely on" % to_source(gast.Module(
                             body=[gast.Expr(value=nonlinear)], type_ignores=[])).strip())
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


def _nonlinear_part(e, tangents, namespace):
    """The part of ``e`` that is not linear in the names ``tangents`` (None if it is linear):
    a constant term beside tangent terms (``dx + 1.0``), a product or quotient of tangents, a
    tangent in a function other than ``sum`` and the linear NumPy ones, or in a comparison."""
    def reads(node):
        return any(isinstance(n, gast.Name) and n.id in tangents for n in T.walk(node))

    def zero(node):  # 0.0, 0.0 * ans
        if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
            return zero(node.left) or zero(node.right)
        return isinstance(node, gast.Constant) and node.value == 0 and not isinstance(node.value, bool)

    def check(node):  # None if linear (or zero), else the offending node
        if not reads(node):
            return None if zero(node) else node  # a constant term
        if isinstance(node, gast.Name):
            return None
        if isinstance(node, gast.BinOp):
            left, right = reads(node.left), reads(node.right)
            if isinstance(node.op, (gast.Add, gast.Sub)):
                return check(node.left) or check(node.right)
            if isinstance(node.op, (gast.Mult, gast.MatMult)) and left != right:
                return check(node.left if left else node.right)
            if isinstance(node.op, gast.Div) and left and not right:
                return check(node.left)
            return node
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
            return check(node.operand)
        if isinstance(node, gast.IfExp) and not reads(node.test):
            return check(node.body) or check(node.orelse)
        if isinstance(node, gast.Subscript) and not reads(node.slice):
            return check(node.value)
        if isinstance(node, gast.Attribute) and node.attr in LINEAR_ATTRIBUTES:
            return check(node.value)
        if isinstance(node, (gast.Tuple, gast.List)):
            return next((bad for bad in map(check, node.elts) if bad is not None), None)
        if isinstance(node, gast.Call) and not any(reads(k.value) for k in node.keywords):
            func = _resolved(node.func, namespace)
            rule = RULES.get(func) if func is not None else None
            linear = (0,) if func is builtins.sum else getattr(rule, "linear", None) or ()
            if func is not None and all(i in linear for i, a in enumerate(node.args) if reads(a)):
                return next((check(a) for a in node.args if reads(a) and check(a) is not None), None)
        return node

    return check(e)


def _resolved(node, namespace):
    """The object a name or dotted name refers to in the rule's namespace, or None."""
    if isinstance(node, gast.Name):
        return namespace.get(node.id, getattr(builtins, node.id, None))
    if isinstance(node, gast.Attribute):
        base = _resolved(node.value, namespace)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def nondifferentiable(func):
    """Declare ``func`` constant: its results carry no tangent. Returns ``func``."""
    if not callable(func):
        raise RuleError("nondifferentiable(%r): not callable" % (func,))
    RULES[func] = Rule(func, _qualname(func), zero=True)
    api.clear_cache()
    return func
