"""cleanup: fold zero tangents and constants, and drop tangents nobody reads.

Contract: ``simplify(expr, floats)`` folds the zero placeholder through ``+ - * /``, unary minus,
conditional expressions and containers, folds arithmetic on numeric literals, writes ``x ** 2``
as ``x * x``, and an int literal beside an operand that ``floats`` says is surely a float as a
float literal (``2 * t1`` is ``2.0 * t1``: the same value, without mixed int-float arithmetic,
which CPython runs several times slower); it is used on tangent expressions only (primal code is
never touched). ``run(fdef)`` replaces any remaining
zero placeholder by ``0.0`` and removes assignments to tangent names that are never read.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

import gast

from . import templates as T
from .kinds import float_valued
from .rules import MUTATORS

_FOLD = {gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
         gast.Div: operator.truediv, gast.Pow: operator.pow}


_COMPARE = {gast.Eq: operator.eq, gast.NotEq: operator.ne, gast.Lt: operator.lt,
            gast.LtE: operator.le, gast.Gt: operator.gt, gast.GtE: operator.ge}


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


def _power_of_two(value):
    """Whether multiplying by ``value`` is exact: a power of two (positive or negative)."""
    if value is None or value == 0 or not math.isfinite(value):
        return False
    return math.frexp(abs(value))[0] == 0.5


def _scaled(chain, scale):
    """The product ``chain`` with its numeric factor multiplied by ``scale`` (copied on
    write), or None if it has none. ``2.0 * (x * 3.0 * y)`` is then ``x * 6.0 * y``, bit for
    bit: scaling by a power of two commutes with each rounding (short of overflow and
    underflow)."""
    if not (isinstance(chain, gast.BinOp) and isinstance(chain.op, gast.Mult)):
        return None
    for side in ("right", "left"):
        value = _num(getattr(chain, side))
        if value is not None and type(value) is float:
            return T.shallow(chain, {side: _const(value * scale)})
    left = _scaled(chain.left, scale)
    return None if left is None else T.shallow(chain, {"left": left})


def _like_terms(a, b):
    """``c * x + x`` as ``(c + 1) * x`` for a name ``x`` and a power of two ``c`` (``x + x`` as
    ``2 * x``): exact, since ``c * x`` is, and the sum then rounds ``(c + 1) x`` once. The
    constant keeps the type of ``c`` (an int for ``x + x``), so an int ``x`` stays an int."""
    if not isinstance(b, gast.Name):
        return None
    if isinstance(a, gast.Name) and a.id == b.id:
        c = 1
    elif isinstance(a, gast.BinOp) and isinstance(a.op, gast.Mult) \
            and isinstance(a.right, gast.Name) and a.right.id == b.id \
            and _power_of_two(_num(a.left)) and 0 < _num(a.left) <= 2 ** 52:
        c = _num(a.left)
    else:
        return None
    return gast.BinOp(left=T.const(c + 1), op=gast.Mult(), right=b)


def _float_literal(node, floats):
    """``node``, a ``+ - * /`` of an int literal and a surely-float operand (by ``floats``), with
    the literal made a float: exactly the value Python computes from the int. Only direct
    operands: in ``[0.0] * 3 * x`` the 3 repeats a list."""
    if floats is None or node.__class__ is not gast.BinOp \
            or node.op.__class__ not in (gast.Add, gast.Sub, gast.Mult, gast.Div):
        return node
    for side, other in (("left", node.right), ("right", node.left)):
        value = getattr(node, side)
        if value.__class__ is gast.Constant and type(value.value) is int \
                and abs(value.value) <= 2 ** 53 and _float_valued(other, floats):
            return T.shallow(node, {side: T.const(float(value.value))})
    return node


class _Simplify(T.Transformer):
    def __init__(self, floats=None):
        self.floats = floats

    def visit(self, node):
        if node.__dict__.get("simplified"):  # an operand's tangent, simplified when it was made
            return node
        return T.Transformer.visit(self, node)

    def visit_BinOp(self, node):
        self.generic_visit(node)
        return _float_literal(self._fold(node), self.floats)

    def _fold(self, node):
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
        if op is gast.Pow and type(nr) is int and nr == 2 and isinstance(l, gast.Name):  # 3x faster
            return gast.BinOp(left=l, op=gast.Mult(), right=T.name(l.id))
        if op is gast.Mult and nr == 1:
            return l
        if op is gast.Mult and nl == 1:
            return r
        if op is gast.Add:
            collected = _like_terms(l, r) or _like_terms(r, l)
            if collected is not None:
                return collected
            if isinstance(r, gast.UnaryOp) and isinstance(r.op, gast.USub):  # a + -b: a - b
                return gast.BinOp(left=l, op=gast.Sub(), right=r.operand)
        if op is gast.Mult and (_power_of_two(nl) or _power_of_two(nr)):
            scaled = _scaled(r, nl) if _power_of_two(nl) else _scaled(l, nr)
            if scaled is not None:
                return scaled
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

    def visit_Compare(self, node):
        """A comparison of two numeric literals, as the int 0 or 1 (the power rule's
        ``r == 0``, for a literal exponent)."""
        self.generic_visit(node)
        left, right = _num(node.left), _num(node.comparators[0]) if len(node.comparators) == 1 \
            else None
        compare = _COMPARE.get(node.ops[0].__class__)
        if left is None or right is None or compare is None:
            return node
        return T.const(int(compare(left, right)))

    def visit_Call(self, node):
        self.generic_visit(node)
        if not (isinstance(node.func, gast.Name) and node.func.id in ("sum", "list", "tuple")
                and node.args):
            return node
        if node.func.id == "sum" and len(node.args) == 2:  # sum(dxs, dstart)
            if T.is_zero(node.args[1]):
                return T.shallow(node, {"args": node.args[:1]})
            if _zero_items(node.args[0]):
                return node.args[1]
        return T.zero() if _zero_items(node.args[0]) else node


def _zero_items(node):
    """A zero, or a comprehension of products over zero tangents (``[d * w for i, d in
    enumerate(0)]``, a rule's terms, one tangent factor each): a sum of zeros."""
    if T.is_zero(node):
        return True
    if not isinstance(node, (gast.ListComp, gast.GeneratorExp)) or not (
            isinstance(node.elt, gast.BinOp) and isinstance(node.elt.op, (gast.Mult, gast.Div))):
        return False
    return any(T.is_zero(g.iter) or isinstance(g.iter, gast.Call) and any(
        T.is_zero(a) for a in g.iter.args) for g in node.generators)


def simplify(node, floats=None):
    """See the module contract; ``floats``: a :class:`Floats`, or None to leave int literals."""
    return _Simplify(floats).visit(node)


def run(fdef, tangent_names):
    """Final tidy-up of a generated function (see the module contract)."""
    reads, blocks = _scan_reads(fdef)
    _drop_dead(reads, blocks, set(tangent_names))
    return fdef


def _scan_reads(fdef):
    """In one walk: every zero placeholder replaced by ``0.0``; {name: times read}; and the
    (statement, its block) pairs."""
    reads, blocks, stack, AST, zero = {}, [], [fdef], gast.AST, T.ZERO_ID
    while stack:
        node = stack.pop()
        if node.__class__ is gast.Name:
            if node.ctx.__class__ is gast.Load:
                reads[node.id] = reads.get(node.id, 0) + 1
            continue
        if isinstance(node, (gast.stmt, gast.excepthandler)):
            blocks.extend((node, getattr(node, f)) for f in ("body", "orelse", "finalbody")
                          if isinstance(getattr(node, f, None), list))
        for name in node._fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for i, child in enumerate(value):
                    if child.__class__ is gast.Name and child.id == zero:
                        value[i] = T.const(0.0)
                    elif isinstance(child, AST):
                        stack.append(child)
            elif value.__class__ is gast.Name and value.id == zero:
                setattr(node, name, T.const(0.0))
            elif isinstance(value, AST):
                stack.append(value)
    return reads, blocks


def _drop_dead(reads, blocks, tangent_names):
    """Drop assignments to tangents nobody reads, and nested functions nobody calls (their
    calls now go to the transformed twin), until none is left: the reads are counted once
    (``reads``, in ``blocks``: see _scan_reads), and those of each dropped statement taken off."""
    dropped = set()  # the statements dropped, with those inside them
    changed = True
    while changed:
        changed = False
        dead = {name for name in tangent_names if not reads.get(name)}
        for owner, stmts in blocks:
            if id(owner) in dropped:
                continue
            keep = [s for s in stmts
                    if not (isinstance(s, (gast.Assign, gast.AugAssign)) and _only_assigns(s, dead))
                    and not (isinstance(s, gast.FunctionDef) and not reads.get(s.name))]
            if len(keep) == len(stmts):
                continue
            changed = True
            kept = {id(s) for s in keep}
            for s in stmts:
                if id(s) not in kept:
                    for node in T.walk(s):
                        if node.__class__ is gast.Name and node.ctx.__class__ is gast.Load:
                            reads[node.id] -= 1
                        elif isinstance(node, gast.stmt):
                            dropped.add(id(node))
            stmts[:] = keep or [gast.Pass()]


def _only_assigns(s, dead):
    targets = s.targets if isinstance(s, gast.Assign) else [s.target]
    names = [t for t in targets if isinstance(t, gast.Name)]
    if len(names) != len(targets) or not all(t.id in dead for t in names):
        return False
    return not any(isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute)
                   and n.func.attr in MUTATORS for n in T.walk(s.value))


@dataclass
class Floats:
    """What surely holds or gives a float (or an array): ``names``, and the calls ``call``
    accepts (``call(node)``: ``math.cos(x)``, not ``math.floor(x)``)."""

    names: set
    call: object


def _float_valued(node, floats):
    return float_valued(node, floats.names, floats.call)


def _with_children(node, fn):
    """Copy on write: ``node`` with ``fn`` applied to its child nodes."""
    changes = {}
    for name in node._fields:
        value = getattr(node, name, None)
        if value.__class__ is list:
            new = [fn(v) if isinstance(v, gast.AST) else v for v in value]
            if any(a is not b for a, b in zip(new, value)):
                changes[name] = new
        elif isinstance(value, gast.AST):
            new = fn(value)
            if new is not value:
                changes[name] = new
    return T.shallow(node, changes) if changes else node


def fold_unit_seed(node, wrt, dname, floats):
    """``node`` with the never-reassigned tangent ``dname`` of argument ``wrt`` fixed to 1.0
    and the products and quotients by it simplified; None if the seed does not stay the number
    1.0 (``wrt`` or ``dname`` is assigned, or ``dname`` is used as a container: indexed,
    iterated, its methods called). Copy on write: unchanged subtrees are shared with ``node``,
    which is left as it was. Only the 1.0s introduced here are folded, so primal code is never
    rewritten, and a 1.0 stays where it is the only float factor (``1.0 * k``: k may be an
    int, a derivative is a float)."""
    scan = _scan(node, wrt, dname)
    if scan is None:
        return None
    loads, stores, values = scan
    made = set()  # the nodes _put_units made: those on a path to a 1.0, the only ones to fold
    with_units = _put_units(node, dname, loads, made)
    floats = Floats(set(floats.names), floats.call)
    return _fold_units(with_units, _assigned_floats(stores, values, floats), made)


_ITERATING = {"zip", "sum", "list", "tuple", "reversed", "sorted", "enumerate", "len", "max", "min"}


def _scan(fdef, wrt, dname):
    """In one walk: the ids of the nodes under which ``dname`` is read, {name: times bound},
    {name: the value of its last ``name = value``}; None if the seed changes (see
    ``fold_unit_seed``)."""
    loads, stores, values, parent, stack = set(), {}, {}, {}, [fdef]
    while stack:
        n = stack.pop()
        cls = n.__class__
        if cls in (gast.FunctionDef, gast.Lambda) and n is not fdef and any(
                a.id in (wrt, dname) for a in n.args.posonlyargs + n.args.args
                + n.args.kwonlyargs + [n.args.vararg, n.args.kwarg] if a is not None):
            return None  # a nested function's own x (or dx): another variable
        if cls is gast.Name:
            if n.ctx.__class__ is gast.Load:
                if n.id == dname:
                    while n is not None and id(n) not in loads:
                        loads.add(id(n))  # the name and the nodes above it
                        n = parent.get(id(n))
                continue
            if n.id in (wrt, dname) and n.ctx.__class__ is not gast.Param:
                return None
            stores[n.id] = stores.get(n.id, 0) + 1
            continue
        if cls in (gast.Subscript, gast.Attribute) and n.value.__class__ is gast.Name \
                and n.value.id == dname:
            return None
        if cls is gast.Call and n.func.__class__ is gast.Name and n.func.id in _ITERATING \
                and any(a.__class__ is gast.Name and a.id == dname for a in n.args):
            return None
        if cls is gast.Assign and len(n.targets) == 1 and n.targets[0].__class__ is gast.Name:
            values[n.targets[0].id] = n.value
        for child in T.children(n):
            parent[id(child)] = n
            stack.append(child)
    return loads, stores, values


def _assigned_floats(stores, values, floats):
    """``floats`` and the local names bound once (``stores``: {name: times bound}), by
    ``name = <a float>`` (``values``: {name: value}): temporaries such as ``t1 = math.exp(x)``."""
    once = {name: value for name, value in values.items() if stores.get(name) == 1}
    changed = True
    while changed:
        changed = False
        for name, value in once.items():
            if name not in floats.names and _float_valued(value, floats):
                floats.names.add(name)
                changed = True
    return floats


def _unit(node):
    return getattr(node, "unit_seed", False)


def _put_units(node, dname, loads, made):
    if id(node) not in loads:
        return node
    if isinstance(node, gast.Name):
        new = T.const(1.0)
        new.unit_seed = True
    else:
        new = _with_children(node, lambda child: _put_units(child, dname, loads, made))
    made.add(id(new))
    return new


def _reciprocal(node):
    """``y`` if ``node`` is ``1.0 / y`` with the seed's 1.0, else None."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Div) and _unit(node.left):
        return node.right
    return None


def _fold_units(node, floats, made):
    if id(node) not in made:
        return node
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
        factors = [_fold_units(f, floats, made) for f in _factors(node, [])]
        over = next((f for f in factors if _reciprocal(f) is not None), None)
        if over is not None:  # k * (1.0 / y): k / y
            rest = [f for f in factors if f is not over and not _unit(f)]
            if rest:
                return gast.BinOp(left=_product(rest, floats), op=gast.Div(),
                                  right=_reciprocal(over))
        negated = [f for f in factors if getattr(f, "negated_unit", False)]
        rest = [f for f in factors if f not in negated and not _unit(f)]
        if len(negated) == 1 and any(_float_valued(f, floats) for f in rest):
            return gast.UnaryOp(op=gast.USub(), operand=_product(rest, floats))  # -1.0 * v: -v
        if not any(_unit(f) for f in factors):
            return _product(factors, floats) if any(a is not b for a, b in
                                            zip(factors, _factors(node, []))) else node
        rest = [f for f in factors if not _unit(f)]
        if not rest:
            return T.const(1.0)
        if any(_float_valued(f, floats) for f in rest):
            return _product(rest, floats)
        return _product([T.const(1.0)] + rest)
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Div) and _unit(node.right):
        left = _fold_units(node.left, floats, made)
        return left if _float_valued(left, floats) else gast.BinOp(left=left, op=gast.Div(),
                                                           right=T.const(1.0))
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) and _unit(node.operand):
        negated = _const(-1.0)
        negated.negated_unit = True
        return negated
    return _with_children(node, lambda child: _fold_units(child, floats, made))


def _terms(node, sign, out):
    """Flatten a sum into [(sign, term)]."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub)):
        _terms(node.left, sign, out)
        _terms(node.right, sign if isinstance(node.op, gast.Add) else -sign, out)
    elif isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        _terms(node.operand, -sign, out)
    else:
        out.append((sign, node))
    return out


def _factors(node, out):
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
        _factors(node.left, out)
        _factors(node.right, out)
    else:
        out.append(node)
    return out


def _product(factors, floats=None):
    node = factors[0]
    for f in factors[1:]:
        node = _float_literal(gast.BinOp(left=node, op=gast.Mult(), right=f), floats)
    return node


def _sum(signed):
    sign, node = signed[0]
    if sign < 0:
        node = gast.UnaryOp(op=gast.USub(), operand=node)
    for sign, term in signed[1:]:
        node = gast.BinOp(left=node, op=gast.Add() if sign > 0 else gast.Sub(), right=term)
    return node


def _stored(factors, known):
    """The product of ``factors``, reading a stored value from ``known`` ({T.key: name}):
    ``x * x`` as ``t1``, ``2.0 * x * x`` as ``2.0 * t1``."""
    product = _product(factors)
    if len(factors) > 1 and known:
        if T.key(product) in known:
            return T.name(known[T.key(product)])
        if len(factors) > 2 and _num(factors[0]) is not None:
            rest = _product(factors[1:])
            if T.key(rest) in known:
                return gast.BinOp(left=factors[0], op=gast.Mult(),
                                  right=T.name(known[T.key(rest)]))
    return product


def factor_tangents(node, tangent_names, known=None, floats=None):
    """``a * dx + b * dx`` -> ``(a + b) * dx``: fewer multiplications in tangent code.

    Only tangent expressions are passed here; the regrouping changes rounding in the last
    place of a tangent, never a primal value. A coefficient that ``known`` ({T.key: name})
    holds is read from there: ``c * t * dx + t1 * dx`` with ``t1 = c * t`` is ``2 * t1 * dx``
    (``2.0 * t1 * dx`` if ``floats``, see :func:`simplify`, says ``t1`` is a float).
    """
    for field, value in gast.iter_fields(node):
        if isinstance(value, gast.expr):
            setattr(node, field, factor_tangents(value, tangent_names, known, floats))
        elif isinstance(value, list):
            value[:] = [factor_tangents(v, tangent_names, known, floats) if isinstance(v, gast.expr)
                        else v for v in value]
    if not (isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub))):
        return node
    terms = _terms(node, 1, [])
    groups, order = {}, []
    for sign, term in terms:
        factors = _factors(term, [])
        ds = [i for i, f in enumerate(factors)
              if isinstance(f, gast.Name) and f.id in tangent_names]
        key = factors[ds[0]].id if len(ds) == 1 else id(term)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((sign, factors, ds[0] if len(ds) == 1 else None))
    if len(groups) == len(terms):
        return node
    out = []
    for key in order:
        members = groups[key]
        if len(members) == 1:
            sign, factors, _ = members[0]
            out.append((sign, _product(factors)))
            continue
        coefficients = []
        for sign, factors, i in members:
            rest = factors[:i] + factors[i + 1:]
            coefficients.append((sign, _stored(rest, known) if rest else T.const(1.0)))
        dname = members[0][1][members[0][2]]
        total = simplify(_sum(coefficients), floats)
        out.append((1, gast.BinOp(left=total, op=gast.Mult(), right=dname)))
    return _sum(out)
