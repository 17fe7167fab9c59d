"""cleanup: fold zero tangents and constants, and drop tangents nobody reads.

Contract: ``simplify(expr)`` folds the zero placeholder through ``+ - * /``, unary minus,
conditional expressions and containers, and folds arithmetic on numeric literals; it is used on
tangent expressions only (primal code is never touched). ``run(fdef)`` replaces any remaining
zero placeholder by ``0.0`` and removes assignments to tangent names that are never read.
"""

from __future__ import annotations

import operator

import gast

from . import templates as T

_FOLD = {gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
         gast.Div: operator.truediv, gast.Pow: operator.pow}


def _num(node):
    if isinstance(node, gast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _num(node.operand)
        return None if inner is None else -inner
    return None


def _const(value):
    if value < 0:
        return gast.UnaryOp(op=gast.USub(), operand=T.const(-value))
    return T.const(value)


class _Simplify(gast.NodeTransformer):
    def visit_BinOp(self, node):
        self.generic_visit(node)
        l, r, op = node.left, node.right, type(node.op)
        zl, zr = T.is_zero(l), T.is_zero(r)
        if op in (gast.Add, gast.Sub):
            if zr:
                return l
            if zl:
                return r if op is gast.Add else gast.UnaryOp(op=gast.USub(), operand=r)
        if op in (gast.Mult, gast.MatMult) and (zl or zr):
            return T.zero()
        if op is gast.Div and zl:
            return T.zero()
        nl, nr = _num(l), _num(r)
        if nl is not None and nr is not None and op in _FOLD:
            try:
                return _const(_FOLD[op](nl, nr))
            except (ArithmeticError, ValueError):
                return node
        if op is gast.Pow and nr == 1:
            return l
        if op is gast.Mult and nr == 1:
            return l
        if op is gast.Mult and nl == 1:
            return r
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if T.is_zero(node.operand) and isinstance(node.op, (gast.USub, gast.UAdd)):
            return T.zero()
        if isinstance(node.op, gast.USub) and isinstance(node.operand, gast.UnaryOp) \
                and isinstance(node.operand.op, gast.USub):
            return node.operand.operand
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        if T.is_zero(node.body) and T.is_zero(node.orelse):
            return T.zero()
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        return T.zero() if T.is_zero(node.value) else node

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, gast.Name) and node.func.id in ("sum", "list", "tuple") \
                and node.args and T.is_zero(node.args[0]):
            return T.zero()
        return node


def simplify(node):
    return _Simplify().visit(node)


class _ZeroToConstant(gast.NodeTransformer):
    def visit_Name(self, node):
        return T.const(0.0) if T.is_zero(node) else node


def run(fdef, tangent_names):
    """Final tidy-up of a generated function (see the module contract)."""
    fdef = _ZeroToConstant().visit(fdef)
    while _drop_dead(fdef, set(tangent_names)):
        pass
    return fdef


def _drop_dead(fdef, tangent_names):
    """Drop assignments to tangents nobody reads, and nested functions nobody calls (their
    calls now go to the transformed twin). True if anything was dropped."""
    read, blocks = set(), []
    for node in T.walk(fdef):
        if isinstance(node, gast.Name):
            if isinstance(node.ctx, gast.Load):
                read.add(node.id)
        elif isinstance(node, gast.stmt) or isinstance(node, gast.excepthandler):
            blocks.extend(getattr(node, f) for f in ("body", "orelse", "finalbody")
                          if isinstance(getattr(node, f, None), list))
    dead = tangent_names - read
    changed = False
    for stmts in blocks:
        keep = [s for s in stmts
                if not (isinstance(s, (gast.Assign, gast.AugAssign)) and _only_assigns(s, dead))
                and not (isinstance(s, gast.FunctionDef) and s is not fdef and s.name not in read)]
        if len(keep) != len(stmts):
            changed = True
            stmts[:] = keep or [gast.Pass()]
    return changed


def _only_assigns(s, dead):
    targets = s.targets if isinstance(s, gast.Assign) else [s.target]
    names = [t for t in targets if isinstance(t, gast.Name)]
    if len(names) != len(targets) or not all(t.id in dead for t in names):
        return False
    return not any(isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute)
                   and n.func.attr in _MUTATORS for n in T.walk(s.value))


_MUTATORS = {"pop", "append", "extend", "insert", "update", "clear", "remove"}


class _UnitSeed(gast.NodeTransformer):
    """Replace a seed tangent by 1.0 and fold the products and quotients it enters.

    Only the constants introduced here are folded, so primal code is never rewritten.
    """

    def __init__(self, dname):
        self.dname = dname

    def visit_Name(self, node):
        if node.id == self.dname and isinstance(node.ctx, gast.Load):
            one = T.const(1.0)
            one.unit_seed = True
            return one
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        unit = lambda n: getattr(n, "unit_seed", False)  # noqa: E731
        if isinstance(node.op, gast.Mult) and unit(node.left):
            return node.right
        if isinstance(node.op, (gast.Mult, gast.Div)) and unit(node.right):
            return node.left
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, gast.USub) and getattr(node.operand, "unit_seed", False):
            return _const(-1.0)
        return node


def fold_unit_seed(fdef, dname):
    """The function with the never-reassigned tangent ``dname`` fixed to 1.0."""
    return _UnitSeed(dname).visit(fdef)
