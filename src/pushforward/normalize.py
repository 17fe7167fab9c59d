"""normalise: rewrite constructs into the forms the forward pass knows, keeping primal semantics.

Contract: a transformation returning a new FunctionDef.
- ``name = lambda args: body`` inside the function becomes ``def name(args): return body``.
- A list/generator/dict comprehension whose element depends on a differentiated value becomes an
  explicit loop filling a fresh list (``seq1 = []; for ...: seq1.append(...)``) placed before the
  statement that uses it; the same floating-point operations run in the same order. Loop
  variables that would clash with the function's own names are renamed.
- A ``for`` loop over a generator expression of one ``for`` runs the generator's loop itself,
  each item computed when the loop body needs it.
- ``dict(a=x)`` is the literal ``{'a': x}``; ``np.clip(x, min=lo, max=hi)`` (NumPy 2's
  keywords) is ``np.clip(x, lo, hi)``.
- ``xs.sort(key=k)`` of a differentiated list or array is ``xs[:] = sort_copy(xs, key=k)``, an
  assignment of a sorted copy, which forward mode knows.
- An item store into a view the target makes (``A.T[0] = s``, ``np.ravel(B)[1] += s``) stores
  the view in a name first (``view1 = A.T; view1[0] = s``).
"""

from __future__ import annotations

import builtins
import math

import gast
import numpy as np

from . import special
from . import templates as T
from .activity import analyse
from .calls import nesting_api
from .rules import VALUE_ATTRIBUTES

_SCOPES = (gast.FunctionDef, gast.Lambda, gast.ListComp, gast.GeneratorExp, gast.DictComp,
           gast.SetComp)


def run(fdef, ctx, active_params):
    """Normalise ``fdef`` in place (the pipeline's own freshly parsed tree); True if changed."""
    calls = _Calls(ctx)
    if any(v is f for v in ctx.resolution.table.values() for f in _CALLS):
        calls.visit(fdef)
    views = _stores_into_views(fdef, ctx)
    if not ctx.resolution.lowerable:
        return calls.changed or views
    if _lambdas_to_defs(fdef):
        ctx.refresh_locals(fdef)
    act = analyse(fdef, ctx, active_params)
    _Comprehensions(ctx, act).visit(fdef)
    _sorts_in_place(fdef, ctx, act)
    return True


def _dict_literal(node, ctx):
    """``dict(a=x, b=2.0)`` is the literal ``{'a': x, 'b': 2.0}``, which forward mode knows."""
    if node.args or any(k.arg is None for k in node.keywords):
        return node
    return gast.Dict(keys=[gast.Constant(value=k.arg, kind=None) for k in node.keywords],
                     values=[k.value for k in node.keywords])


def _clip_bounds(node, ctx):
    """``np.clip(x, min=lo)``, NumPy 2's keywords: the bounds by position, as the rule takes
    them (a call NumPy refuses stays as it is)."""
    keywords = {k.arg: k.value for k in node.keywords}
    if len(node.args) != 1 or not {"min", "max"} & set(keywords) \
            or {"a_min", "a_max"} & set(keywords):
        return node
    bounds = [keywords.pop(k, None) or T.const(None) for k in ("min", "max")]
    return gast.Call(func=node.func, args=node.args + bounds,
                     keywords=[k for k in node.keywords if k.arg in keywords])


#: calls written in a form the passes know, by the function called
_ONE_PASS = ("reversed", "zip", "enumerate", "map", "filter", "iter")


def _listed_iterable(node, ctx):
    """``max(reversed(xs))``, ``math.prod(d.values())``: the iterable as a list, which the
    rule indexes (a one-pass iterator would be used up by the primal); the same items, in
    the same order."""
    if len(node.args) != 1 or node.keywords or not isinstance(node.args[0], gast.Call):
        return node
    it = node.args[0].func
    if isinstance(it, gast.Name) and it.id in _ONE_PASS and \
            ctx.resolution.lookup(it) is getattr(builtins, it.id) or \
            isinstance(it, gast.Attribute) and it.attr in ("values", "items", "keys"):
        listed = gast.copy_location(gast.Call(func=ctx.bind("list", list), args=node.args,
                                              keywords=[]), node.args[0])
        return T.shallow(node, {"args": [listed]})
    return node


_CALLS = {dict: _dict_literal, np.clip: _clip_bounds, builtins.max: _listed_iterable,
          builtins.min: _listed_iterable, math.prod: _listed_iterable}


class _Calls(gast.NodeTransformer):
    def __init__(self, ctx):
        self.ctx = ctx
        self.changed = False

    def visit_Call(self, node):
        self.generic_visit(node)
        func = self.ctx.resolution.lookup(node.func)
        rewrite = next((r for f, r in _CALLS.items() if f is func), None)
        new = node if rewrite is None else rewrite(node, self.ctx)
        self.changed = self.changed or new is not node
        return gast.copy_location(new, node)


def _statement_lists(fdef):
    """Every list of statements in ``fdef`` (bodies, else and finally blocks), which the
    caller may change in place."""
    for node in list(T.walk(fdef)):
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list):
                yield stmts


def field_root(node):
    """The object an item chain starts from, through namedtuples' fields (``w`` of
    ``w.xs[0]``); an attribute of another kind (``x.T[0]``) or a call ends it."""
    while isinstance(node, gast.Subscript) or (
            isinstance(node, gast.Attribute) and node.attr not in VALUE_ATTRIBUTES):
        node = node.value
    return node


def _stores_into_views(fdef, ctx):
    """``A.T[0] = s``, ``np.ravel(B)[1] += s``: the view first, in a name (``t1 = A.T; t1[0]
    = s``), whose item stores forward mode follows; True if any was rewritten."""
    changed = False
    for stmts in _statement_lists(fdef):
        out = []
        for s in stmts:
            targets = s.targets if isinstance(s, gast.Assign) else \
                [s.target] if isinstance(s, gast.AugAssign) else []
            views = []
            for item in [n for t in targets for n in T.walk(t)
                         if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store)]:
                while isinstance(item.value, gast.Subscript):
                    item = item.value
                if not isinstance(field_root(item), gast.Name):
                    view = ctx.namer.temp("view")
                    views.append(gast.copy_location(gast.Assign(
                        targets=[T.name(view, gast.Store())], value=item.value,
                        type_comment=None), s))
                    item.value = T.name(view)
            out += views + [s]
            changed = changed or bool(views)
        stmts[:] = out
    return changed


def _lambdas_to_defs(fdef):
    changed = False
    for stmts in _statement_lists(fdef):
        for i, s in enumerate(stmts):
            if isinstance(s, gast.Assign) and len(s.targets) == 1 \
                    and isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Lambda):
                new = gast.FunctionDef(name=s.targets[0].id, args=s.value.args,
                                       body=[gast.Return(value=s.value.body)], decorator_list=[],
                                       returns=None, type_comment=None, type_params=[])
                stmts[i] = gast.copy_location(new, s)
                gast.copy_location(new.body[0], s.value.body)
                changed = True
    return changed


def _sorts_in_place(fdef, ctx, act):
    """``xs.sort(...)`` statements of differentiated values: ``xs[:] = sort_copy(xs, ...)``."""
    for stmts in _statement_lists(fdef):
        for i, s in enumerate(stmts):
            call = s.value if isinstance(s, gast.Expr) else None
            if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) \
                    and call.func.attr == "sort" and not call.args \
                    and {k.arg for k in call.keywords} <= {"key", "reverse"} \
                    and act.is_active(call.func.value):
                xs = call.func.value
                every = gast.Slice(lower=None, upper=None, step=None)
                copy = gast.Call(func=ctx.bind("sort_copy", special.sort_copy),
                                 args=[T.clone(xs)], keywords=call.keywords)
                new = gast.Assign(targets=[gast.Subscript(value=xs, slice=every,
                                                          ctx=gast.Store())],
                                  value=copy, type_comment=None)
                for n in T.walk(new):
                    if getattr(n, "lineno", None) is None:
                        gast.copy_location(n, s)
                stmts[i] = new


class _Comprehensions(gast.NodeTransformer):
    def __init__(self, ctx, act):
        self.ctx, self.act = ctx, act
        self.pre = None
        self.guarded = 0  # inside a conditional expression / boolean operator / lambda

    def _statements(self, stmts):
        out = []
        for s in stmts:
            saved, self.pre = self.pre, []
            if self._fill_in_place(s):
                out.extend(self.pre)
                self.pre = saved
                continue
            new = self.visit(s)
            out.extend(self.pre)
            out.append(new)
            self.pre = saved
        return out

    def generic_visit(self, node):
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], gast.stmt):
                setattr(node, field, self._statements(stmts))
        for field, value in gast.iter_fields(node):
            if field in ("body", "orelse", "finalbody") and isinstance(value, list) \
                    and value and isinstance(value[0], gast.stmt):
                continue
            if field in ("test",) and isinstance(node, (gast.While,)):
                self.guarded += 1  # a while test runs many times: never hoist out of it
                setattr(node, field, self.visit(value))
                self.guarded -= 1
                continue
            if isinstance(value, list):
                value[:] = [self.visit(v) if isinstance(v, gast.AST) else v for v in value]
            elif isinstance(value, gast.AST):
                setattr(node, field, self.visit(value))
        return node

    def visit_FunctionDef(self, node):
        return self.generic_visit(node)

    def _guard(self, node):
        self.guarded += 1
        node = self.generic_visit(node)
        self.guarded -= 1
        return node

    visit_IfExp = visit_BoolOp = visit_Lambda = _guard

    def visit_Call(self, node):
        """``(lambda u: ...)(x)`` and ``pf.derivative(lambda y: x * y)``: the lambda becomes a
        nested def placed before the statement (a nested function pushforward can follow)."""
        node = self.generic_visit(node)
        if self.pre is None or self.guarded:
            return node
        if isinstance(node.func, gast.Lambda):
            node.func = self._as_def(node.func)
        elif node.args and isinstance(node.args[0], gast.Lambda) and nesting_api(
                self.ctx.resolution.lookup(node.func)):
            node.args[0] = self._as_def(node.args[0])
        return node

    def _as_def(self, lam):
        ident = self.ctx.namer.temp("lambda_")
        fdef = gast.FunctionDef(name=ident, args=lam.args, body=[gast.Return(value=lam.body)],
                                decorator_list=[], returns=None, type_comment=None,
                                type_params=[])
        gast.copy_location(fdef, lam)
        gast.copy_location(fdef.body[0], lam.body)
        self.pre.append(fdef)
        return T.name(ident)

    def visit_For(self, node):
        """``for y in (f(v) for v in vs if c): body`` is ``for v in vs: if c: y = f(v); body``:
        the generator's items are computed one by one, as the loop consumes them (a ``break``
        leaves the rest uncomputed)."""
        gen = node.iter
        if not (isinstance(gen, gast.GeneratorExp) and len(gen.generators) == 1
                and not gen.generators[0].is_async and self.act.is_active(gen)
                and self.pre is not None and not self.guarded):
            return self.generic_visit(node)
        gen = self._rename_targets(gen)
        comp = gen.generators[0]
        body = [gast.copy_location(T.assign(node.target, gen.elt), gen)] + node.body
        for cond in reversed(comp.ifs):
            body = [gast.copy_location(gast.If(test=cond, body=body, orelse=[]), cond)]
        loop = gast.For(target=comp.target, iter=comp.iter, body=body, orelse=node.orelse,
                        type_comment=None)
        return self.generic_visit(gast.copy_location(loop, node))

    def visit_ListComp(self, node):
        return self._lower(node, "list")

    def visit_GeneratorExp(self, node):
        return self._lower(node, "list")

    def visit_DictComp(self, node):
        return self._lower(node, "dict")

    def _fill_in_place(self, s):
        """``ys = [...]``: fill ``ys`` itself rather than a temporary (if ``ys`` is not read)."""
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1
                and isinstance(s.targets[0], gast.Name)
                and isinstance(s.value, (gast.ListComp, gast.DictComp))
                and self.act.is_active(s.value)):
            return False
        target = s.targets[0].id
        if any(isinstance(n, gast.Name) and n.id == target for n in T.walk(s.value)):
            return False
        self._lower(s.value, "list" if isinstance(s.value, gast.ListComp) else "dict", target)
        return True

    def _lower(self, node, kind, acc=None):
        if not self.act.is_active(node) or self.pre is None:
            return node
        if self.guarded:
            self.ctx.problem(node, "a comprehension of differentiated values inside a conditional "
                                   "expression, boolean operator, lambda or while test",
                             "assign the comprehension to a variable first")
            return node
        node = self._rename_targets(node)
        acc = acc or self.ctx.namer.temp("seq")
        if kind == "list":
            inner = [T.stmt("acc.append(elt)", acc=acc, elt=node.elt)]
        else:
            inner = [T.stmt("acc[key] = value", acc=acc, key=node.key, value=node.value)]
        for gen in reversed(node.generators):
            for cond in reversed(gen.ifs):
                inner = [gast.If(test=cond, body=inner, orelse=[])]
            inner = [gast.For(target=gen.target, iter=gen.iter, body=inner, orelse=[],
                              type_comment=None)]
        init = T.assign(acc, T.expr("[]" if kind == "list" else "{}"))
        for s in [init] + inner:
            gast.copy_location(s, node)
        for s in inner:
            for sub in T.walk(s):
                if isinstance(sub, gast.stmt) and not hasattr(sub, "lineno"):
                    gast.copy_location(sub, node)
        inner = self._statements(inner)  # a comprehension inside: its loop goes inside this one
        self.pre.extend([init] + inner)
        return T.name(acc)

    def _rename_targets(self, node):
        """Comprehension variables become function locals: rename those that would clash."""
        outside = self.ctx.namer.used
        renames = {}
        for gen in node.generators:
            for n in T.walk(gen.target):
                if isinstance(n, gast.Name) and n.id in outside and n.id not in renames:
                    renames[n.id] = self.ctx.namer.fresh(n.id)
        for n in T.walk(node):
            if isinstance(n, gast.Name) and n.id in renames:
                n.id = renames[n.id]
                if self.act.is_name_active(_original(renames, n.id)):
                    self.act.names.add(n.id)
        return node


def _original(renames, new):
    for old, n in renames.items():
        if n == new:
            return old
    return new
