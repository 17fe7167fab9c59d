"""forward: emit each primal statement followed by its tangent statement, from the rule table.

Contract: ``Forward(ctx, activity).body(stmts)`` returns new statements; it never mutates its
input. Only active values (see :mod:`activity`) get tangent code; the tangent of ``x`` is the
name ``ctx.namer.tangent("x")``. A subexpression whose primal value a rule needs is first stored
in a temporary (``t1 = ...; dt1 = ...``) so that tangent code never recomputes a primal value.
Zero tangents are the placeholder :func:`templates.zero`, folded away by :mod:`cleanup`.
Constructs that cannot be differentiated are reported with ``ctx.problem`` and left as they are,
so that every problem of a function is found in one pass.
"""

from __future__ import annotations

import functools
import inspect
import types

import gast
import numpy as np

from . import errors
from . import templates as T
from .activity import bound_arguments, iteration_parts, own_nodes, writes_into
from .batch import UNDISPATCHED
from .kinds import float_call, float_valued, value_kinds
from .normalize import field_root
from .calls import callee_name, classify, is_pure, method_kind
from .codegen import operator_symbol
from .cleanup import Floats, factor_tangents, simplify
from .rules import (BINOPS, HELPERS, INPLACE, LINEAR_ATTRIBUTES, MUTATORS, RULES, SEQUENCES,
                    UNARYOPS, VALUE_ATTRIBUTES, VIEW_FUNCTIONS, write_instead)
from . import batch
from .special import (fit, fresh, keyed, is_record, members, method_jvp, tangent_failed, update,
                      zeros_like)

ANS = "__pf_ans__"  # the result of the rule at the root of an assignment, resolved by s_Assign


def _names_loaded(node):
    return {n.id for n in T.walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}


_STRAIGHT = (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr, gast.Pass, gast.Assert,
             gast.Delete, gast.Return, gast.Raise, gast.Break, gast.Continue)


def _key_reads(key):
    """The names a T.key reads, leaving out the functions it calls (``math`` of
    ``math.sin(t)``); None if it reads items or attributes, which can change unseen."""
    if not isinstance(key, tuple) or not key:
        return set()
    if key[0] is gast.Name:
        return {key[1]}
    if key[0] in (gast.Subscript, gast.Attribute, gast.Starred):
        return None
    if key[0] is gast.Call:  # (Call, function, args, keywords)
        parts = key[2:]
    else:  # (node class, fields...) or a list of keys
        parts = key[1:] if isinstance(key[0], type) else key
    out = set()
    for part in parts:
        names = _key_reads(part)
        if names is None:
            return None
        out |= names
    return out


def _names_stored(target):
    root = target
    while isinstance(root, (gast.Subscript, gast.Attribute)):
        root = root.value
    return {n.id for n in T.walk(root) if isinstance(n, gast.Name)}


class Forward:
    def __init__(self, ctx, act, flat=0):
        self.flat = flat  # > 0: this function returns its n values then n tangents, flat
        self.nested = 0  # depth inside nested function definitions
        self.ctx = ctx
        self.act = act
        self.namer = ctx.namer
        self.globals = ctx.resolution.globals
        self.declared = self.globals | ctx.resolution.nonlocals
        # Names that surely hold numbers; and whether arrays may be updated in place here
        # (then zeros take the value's shape, and tangents follow the primal's aliasing).
        kinds = value_kinds(ctx)
        self.scalars, self.floats = kinds.scalars, set(kinds.floats)
        # the names surely holding floats, with the temporaries stored from float values: int
        # literals beside them in tangents are written as floats (see cleanup.simplify)
        self.float_info = Floats(self.floats, float_call(ctx.bindings, ctx.func.__globals__))
        self.plain = kinds.scalars | kinds.private  # no array care needed: nothing aliases them
        # ... but a zero 0.0 cannot stand for an array that is an operand of @ (A @ dv)
        self.plain -= ctx.resolution.matmul_operands
        self.arrays = ctx.resolution.uses_numpy or bool(kinds.updated - self.plain)
        self.pre = []
        self.hoisted = {}  # T.key of a constant expression -> its temporary, per statement
        self.computed = {}  # T.key of a call whose value a temporary holds, per statement
        # T.key of a call that an earlier statement of this block stored -> its name, while
        # the names it reads keep their values (none of them is assigned again): for locals
        # only, and not in functions with nested functions, which could rebind them
        self.available = {}
        self.reads = {}  # T.key -> the names it reads
        self.stable = ctx.resolution.locals - self.declared
        if ctx.local_defs or ctx.resolution.lowerable:
            self.stable = set()
        # Values are found again by their expression (t1 holds 0.5 * h), unless an assignment
        # expression can change a name in the middle of a statement.
        self.by_value = not ctx.resolution.walrus
        self.local_jvps = {}  # nested def name -> (generated name, [(param, tangent name)])
        self._list_names = None  # see _lists
        self._shaped_names = None  # see _shaped
        self.records = set()  # temporaries holding namedtuples
        self.in_try = False  # in the body of a try statement

    # -- helpers -----------------------------------------------------------------------------
    def dname(self, ident, ctx=None):
        return T.name(self.namer.tangent(ident), ctx)

    def problem(self, node, message, hint="", kind=errors.UnsupportedSyntaxError):
        self.ctx.problem(node, message, hint, kind)

    def simple(self, node):
        """Cheap to evaluate again and free of side effects: names, constants, ``xs[i - 1]``."""
        if isinstance(node, (gast.Name, gast.Constant)):
            return True
        if isinstance(node, gast.Attribute):
            return self.ctx.resolution.lookup(node) is not None
        if isinstance(node, gast.Subscript):
            return self.simple(node.value) and _index_like(node.slice)
        return isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)) \
            and isinstance(node.operand, (gast.Constant, gast.Name))

    def hoist(self, p, t):
        """Store a primal (and its tangent) in fresh temporaries; return their names.

        A constant expression hoisted twice for one statement (``0.5 * h`` in two arguments) is
        stored once: the same operations on the same values give the same result.
        """
        key = None
        if t is None and self.by_value and is_pure(p, self.ctx):
            key = T.key(p)
            known = self.hoisted.get(key) or self.available.get(key)
            if known is not None:
                return T.name(known), None
        tmp = self.namer.temp()
        if key is not None:
            self.hoisted[key] = tmp
        elif is_pure(p, self.ctx):
            self.computed[T.key(p)] = tmp
        self.store(tmp, p)
        if t is not None and not T.is_zero(t):
            if not self.simple(t):
                dtmp = self.namer.tangent(tmp)
                self.pre.append(T.assign(dtmp, t))
                t = T.name(dtmp)
        return T.name(tmp), t

    def store(self, tmp, p):
        """``tmp = p`` before the statement; ``tmp`` is a float if ``p`` surely is one."""
        self.pre.append(T.assign(tmp, p))
        if float_valued(p, self.floats, self.float_info.call):
            self.floats.add(tmp)
        elif isinstance(p, gast.Call) and (is_record(self.ctx.resolution.lookup(p.func)) or (
                isinstance(p.func, gast.Attribute) and p.func.attr == "_replace")):
            self.records.add(tmp)  # its zero is a namedtuple of zeros, not 0.0

    def zero_of(self, p):
        """A zero tangent with the structure of the primal expression ``p``."""
        if isinstance(p, (gast.List, gast.Tuple)):
            return type(p)(elts=[self.zero_of(e) for e in p.elts], ctx=gast.Load())
        if isinstance(p, gast.Dict):
            return gast.Dict(keys=T.clone(p.keys), values=[self.zero_of(v) for v in p.values])
        if isinstance(p, gast.BinOp) and isinstance(p.op, gast.Mult) and isinstance(p.left, gast.List):
            return gast.BinOp(left=self.zero_of(p.left), op=gast.Mult(), right=T.clone(p.right))
        if isinstance(p, gast.BinOp) and isinstance(p.op, gast.Add) and any(
                isinstance(side, T.SEQUENCE_DISPLAYS) for side in (p.left, p.right)):
            return gast.BinOp(left=self.zero_of(p.left), op=gast.Add(), right=self.zero_of(p.right))
        if isinstance(p, gast.Constant) and isinstance(p.value, (int, float)) or isinstance(
                p, (gast.BinOp, gast.UnaryOp)):
            return T.const(0.0)
        if isinstance(p, gast.Call):
            info = classify(p, self.ctx)
            if info.kind in ("rule", "zero") \
                    and getattr(info.target, "func", None) not in (list, tuple, sorted,
                                                                   zeros_like, fresh):
                return T.const(0.0)
        if isinstance(p, gast.Constant) and p.value is None:
            return T.const(None)
        if isinstance(p, gast.Name) and (p.id in self.scalars or p.id not in self._shaped()):
            return T.const(0.0)  # surely a number, or a value no operation needs the shape of
        return T.expr("zeros_like(p)", p=p, zeros_like=self.ctx.bind("zeros_like", zeros_like))

    def _shaped(self):
        """The names whose zero tangent must have the value's shape (``zeros_like``): those
        indexed, iterated, measured, written into, holding records, operands of ``@`` or
        given to functions (``np.sum(v, axis=1)``, ``step(v)``), and the names copied into
        one of them (``h = h0``: h0's zero becomes h's)."""
        if self._shaped_names is None:
            res = self.ctx.resolution
            shaped = res.containers | res.matmul_operands | res.passed | self.act.filled \
                | self.act.written | self.records
            copies = [(t.id, v.id) for n in T.walk(self.ctx.fdef) if isinstance(n, gast.Assign)
                      for t, v in _copied(n.targets, n.value)]
            grown = True
            while grown:
                grown = False
                for target, source in copies:
                    if target in shaped and source not in shaped:
                        shaped.add(source)
                        grown = True
            self._shaped_names = shaped
        return self._shaped_names

    def _computes(self, t):
        """Whether the zero tangent ``t`` evaluates a call or a comprehension of the primal
        again (besides ``zeros_like`` itself)."""
        return any(isinstance(n, (gast.ListComp, gast.GeneratorExp, gast.DictComp, gast.SetComp))
                   or isinstance(n, gast.Call) and not (
                       isinstance(n.func, gast.Name)
                       and self.ctx.bindings.get(n.func.id) is zeros_like) for n in T.walk(t))

    def _zero_for(self, target, p):
        """The zero tangent of ``target = p``: one with p's structure where the target unpacks
        a value that is not a display (``(a, c), (_, dc) = t1, zeros_like(t1)``)."""
        if isinstance(target, (gast.Tuple, gast.List)) and not isinstance(
                p, (gast.Tuple, gast.List)):
            return T.expr("z(p)", z=self.ctx.bind("zeros_like", zeros_like), p=T.clone(p))
        return self.zero_of(p)

    def tangent_target(self, target):
        """The tangent of an assignment target, or None if it carries no tangent."""
        if isinstance(target, gast.Name):
            return self.dname(target.id, gast.Store()) if self.act.is_name_active(target.id) else None
        if isinstance(target, (gast.Tuple, gast.List)):
            elts = [self.tangent_target(e) for e in target.elts]
            if all(e is None for e in elts):
                return None
            elts = [e if e is not None else T.name(self.ctx.throwaway(), gast.Store()) for e in elts]
            return gast.Tuple(elts=elts, ctx=gast.Store())
        if isinstance(target, gast.Starred):
            inner = self.tangent_target(target.value)
            return None if inner is None else gast.Starred(value=inner, ctx=gast.Store())
        if isinstance(target, gast.Subscript):
            root = field_root(target)
            if not (isinstance(root, gast.Name) and self.act.is_name_active(root.id)):
                return None
            value = T.load(target.value)
            tvalue = self._tangent_chain(value)
            return gast.Subscript(value=tvalue, slice=T.load(target.slice), ctx=gast.Store())
        if isinstance(target, gast.Attribute):
            return None
        return None

    def _tangent_chain(self, node):
        """The tangent of an item chain (``dxs[i][j]``), through namedtuples' fields
        (``ds.w[0]``)."""
        if isinstance(node, gast.Name):
            return self.dname(node.id)
        if isinstance(node, gast.Attribute):
            return gast.Attribute(value=self._tangent_chain(node.value), attr=node.attr,
                                  ctx=gast.Load())
        return gast.Subscript(value=self._tangent_chain(node.value), slice=T.clone(node.slice),
                              ctx=gast.Load())

    # -- statements ----------------------------------------------------------------------------
    def function(self, fdef):
        """The transformed body of the function being differentiated."""
        self._closures_passed_elsewhere(fdef)
        refuse_lost_derivatives(fdef, self.ctx, self.act)
        if self.ctx.resolution.walrus:  # tests (if, while, assert...) are not differentiated
            for node in T.walk(fdef):
                # (y := 2.0) with y differentiated elsewhere: dy would keep its old value
                if isinstance(node, gast.NamedExpr) and (
                        self.act.is_active(node.value) or self.act.is_active(node.target)):
                    self.problem(node, "%s of a differentiated value is not supported"
                                 % _describe(node), _advice(node))
        return self.body(fdef.body)

    def _closures_passed_elsewhere(self, fdef):
        """A nested function that reads a differentiated value is differentiated where it is
        called, and through pf.forward_diff, pf.derivative and pf.jvp of it; passed anywhere
        else (pf.hessian, pf.taylor, map...), its dependence on the value would be lost."""
        if self.ctx.resolution.lowerable and any(isinstance(n, gast.Lambda) for n in T.walk(fdef)):
            self._lambdas_passed_elsewhere(fdef, set())
        reading = {name for name, d in self.ctx.local_defs.items() if self._reads_active(d)}
        if not reading:
            return
        allowed = set()
        for node in T.walk(fdef):
            if isinstance(node, gast.Call):
                allowed.add(id(node.func))
                if classify(node, self.ctx).kind == "nested":  # pf.derivative(inner)(y)
                    inner = node.func if isinstance(node.func, gast.Call) else node
                    allowed.add(id(inner.args[0]))
        for node in T.walk(fdef):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) \
                    and node.id in reading and id(node) not in allowed:
                self.problem(node, "the nested function '%s' reads a differentiated value and is "
                             "passed as a value" % node.id,
                             "call it, or differentiate it with pf.forward_diff, pf.derivative or "
                             "pf.jvp (a nested pf.hessian or pf.taylor of it is not "
                             "differentiated)")

    def _lambdas_passed_elsewhere(self, node, own):
        """A lambda left as a value (not called where it is written: normalize made those
        nested defs) that reads a differentiated value: what it is passed to would call it
        without its tangent (apply(lambda t: t * x, 2.0), map(...), [lambda t: t * x]). An
        ordering key (sorted(xs, key=lambda v: v * x)) only orders: its tangent is not needed.
        ``own``: the names the enclosing nested functions and lambdas bind."""
        for child in gast.iter_child_nodes(node):
            if isinstance(child, gast.keyword) and child.arg == "key":
                continue
            inner = own
            if isinstance(child, (gast.Lambda, gast.FunctionDef)):
                inner = own | {a.id for a in child.args.args + child.args.kwonlyargs}
            if isinstance(child, gast.FunctionDef):
                inner |= {n.id for n in T.walk(child) if isinstance(n, gast.Name)
                          and isinstance(n.ctx, gast.Store)}
            elif isinstance(child, gast.Lambda):
                read = sorted({n.id for n in T.walk(child.body) if isinstance(n, gast.Name)
                               and isinstance(n.ctx, gast.Load) and n.id not in inner
                               and self.act.is_name_active(n.id)})
                if read:
                    self.problem(child, "a lambda that reads the differentiated value '%s' is "
                                 "passed as a value" % read[0],
                                 "pushforward differentiates a function where it is called: "
                                 "call it there, or write the computation out (a comprehension "
                                 "instead of map)")
                    continue
            self._lambdas_passed_elsewhere(child, inner)

    def _reads_active(self, fdef):
        """Whether a nested def reads a differentiated name of the enclosing function."""
        own = {a.id for a in fdef.args.args + fdef.args.kwonlyargs}
        own |= {n.id for n in T.walk(fdef) if isinstance(n, gast.Name)
                and isinstance(n.ctx, gast.Store)}
        return any(isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)
                   and n.id not in own and self.act.is_name_active(n.id) for n in T.walk(fdef))

    def body(self, stmts):
        self.available = {}  # a block (a branch, a loop's body) may run without the one before
        out = []
        for s in stmts:
            out.extend(self.stmt(s))
        return out

    def stmt(self, s):
        saved, self.pre = self.pre, []
        saved_hoisted, self.hoisted = self.hoisted, {}
        saved_computed, self.computed = self.computed, {}
        simple = isinstance(s, _STRAIGHT)
        if not simple:  # its body may run again, or not at all
            self.available = {}
        stored = self._stored_value(s) if simple else None
        method = getattr(self, "s_" + type(s).__name__, None)
        if method is None:
            self.problem(s, "%s is not supported in a differentiated function" % _describe(s),
                         _advice(s))
            out = [s]
        else:
            out = method(s)
        hoisted = self.hoisted
        result, self.pre, self.hoisted = self.pre + out, saved, saved_hoisted
        if simple:
            self._keep_available(s, stored, hoisted)
        else:
            self.available = {}
        self.computed = saved_computed
        origin = getattr(s, "lineno", None)
        for new in result:  # where each generated statement comes from, for tracebacks
            if getattr(new, "origin", None) is None:
                new.origin = origin
        return result

    def _stored_value(self, s):
        """(T.key of the call, name) for ``name = <call>`` (``t1 = math.sin(t)``: a tangent may
        need that value again) if the call is pure and reads only stable locals, else None."""
        if self.stable and isinstance(s, gast.Assign) and len(s.targets) == 1 \
                and isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call):
            key = T.key(s.value)
            if self._stable(key) and s.targets[0].id in self.stable - self.reads[key] \
                    and is_pure(s.value, self.ctx):
                return key, s.targets[0].id
        return None

    def _stable(self, key):
        """Whether the value of ``key`` changes only when a name of ``self.stable`` that it reads
        (``self.reads[key]``, recorded here) is assigned."""
        if key not in self.reads:
            self.reads[key] = _key_reads(key)
        reads = self.reads[key]
        return reads is not None and reads <= self.stable

    def _keep_available(self, s, stored, hoisted):
        """After straight-line statement ``s``: forget the values that read the names it
        assigns, and remember the calls and the constant expressions (``hoisted``: ``0.5 * h``)
        it stored."""
        if not self.stable:
            return
        targets = s.targets if isinstance(s, (gast.Assign, gast.Delete)) \
            else [s.target] if isinstance(s, (gast.AugAssign, gast.AnnAssign)) else []
        assigned = set().union(*[_names_stored(t) for t in targets])
        if assigned:
            self.available = {k: v for k, v in self.available.items()
                              if v not in assigned and not (self.reads[k] & assigned)}
        for key, name in self.computed.items():  # temporaries: calls are pure there
            if key[0] is gast.Call and self._stable(key) and not (self.reads[key] & assigned):
                self.available[key] = name
        for key, name in hoisted.items():
            if self._stable(key) and not (self.reads[key] & assigned):
                self.available[key] = name
        if stored is not None:
            self.available[stored[0]] = stored[1]

    def _verbatim(self, s):
        return [s]

    s_Pass = s_Break = s_Continue = s_Import = s_ImportFrom = s_Raise = s_Assert = _verbatim
    s_Global = s_Nonlocal = _verbatim

    def s_Expr(self, s):
        v = s.value
        if isinstance(v, (gast.Yield, gast.YieldFrom, gast.Await)):
            return [s]  # reported by function()
        if isinstance(v, gast.Call):
            info = classify(v, self.ctx)
            if info.kind == "method" and method_kind(info.target)[0] == "mutate":
                receiver = v.func.value
                if self._receiver_active(receiver):
                    return self._mutate(v, info.target)
                if not isinstance(field_root(receiver), gast.Name) and any(
                        self.act.is_active(a) for a in v.args):
                    self.problem(v.func, "a differentiated value given to '.%s' of the object "
                                 "a call returns" % info.target, "name the object: d[k].%s(...) "
                                 "for d.get(k).%s(...) or d.setdefault(k, []).%s(...), after "
                                 "d[k] = [] where k is new" % ((info.target,) * 3),
                                 errors.NoRuleError)
                    return [s]
            if info.kind == "local" and info.target in self.local_jvps:
                # a nested function with derivative code may update differentiated state
                return [gast.Expr(value=self._pair_call(v, info)[0])]
            if info.kind == "user" and any(
                    self.act.is_active(a) for a in list(v.args) + [k.value for k in v.keywords]):
                return [gast.Expr(value=self._pair_call(v, info)[0])]
        if self.act.is_active(v):
            p, t = self.expr(v)
            out = [gast.Expr(value=p)]
            if t is not None and any(isinstance(n, gast.Call) and isinstance(
                    n.func, gast.Attribute) and n.func.attr in MUTATORS for n in T.walk(t)):
                out.append(gast.Expr(value=t))  # ys.pop(): dys loses its item too
            return out
        return [s]

    def _receiver_active(self, receiver):
        root = field_root(receiver)
        return isinstance(root, gast.Name) and self.act.is_name_active(root.id)

    def _mutate(self, call, method):
        _, positions = method_kind(method)
        pts = self.operands(call.args)
        primal = gast.Call(func=gast.Attribute(value=T.clone(call.func.value), attr=method,
                                               ctx=gast.Load()),
                           args=[p for p, _ in pts], keywords=T.clone(call.keywords))
        targs = [(t if t is not None else self.zero_of(p)) if i in positions else T.clone(p)
                 for i, (p, t) in enumerate(pts)]
        before = []
        for i, t in enumerate(targs):
            if i in positions and self._reads_state(t):  # xs.append(xs[-1] * x): the old xs[-1]
                ident = self.namer.tangent(self.namer.temp())
                before.append(T.assign(ident, simplify(t, self.float_info)))
                targs[i] = T.name(ident)
        tangent = gast.Call(func=gast.Attribute(value=self._tangent_chain(T.load(call.func.value)),
                                                attr=method, ctx=gast.Load()),
                            args=targs, keywords=[])
        return before + [gast.Expr(value=primal),
                         gast.Expr(value=simplify(tangent, self.float_info))]

    def _read_now(self, p, t):
        """An operand and its tangent, stored in temporaries if they read items or attributes
        (a call evaluated next may change them)."""
        if not (self._reads_items(p) or self._reads_items(t)):
            return p, t
        p, t = self.hoist(p, t)
        if self._reads_items(t):  # dxs[-1]: simple, which hoist leaves in place
            dtmp = self.namer.tangent(p.id)
            self.pre.append(T.assign(dtmp, t))
            t = T.name(dtmp)
        return p, t

    def _reads_items(self, node):
        """Whether ``node`` reads an item or an attribute of a local value (a module's
        constants do not change), or calls a function on one (``np.sum(a)``, ``len(xs)``)."""
        return node is not None and any(
            isinstance(n, (gast.Subscript, gast.Attribute)) and not isinstance(
                self._module(getattr(_root(n), "id", None)), types.ModuleType)
            or isinstance(n, gast.Call) and any(isinstance(a, gast.Name) for a in n.args)
            for n in T.walk(node))

    def _reads_state(self, node):
        """Whether ``node`` reads something a store into a primal object could change: an item
        or an attribute of a primal value (a tangent is another object; a module's constant
        does not change), or a call with possible side effects."""
        tangents = set(self.namer.tangents.values())
        for n in T.walk(node):
            if isinstance(n, (gast.Subscript, gast.Attribute)):
                root = _root(n)
                if not (isinstance(root, gast.Name) and (root.id in tangents or isinstance(
                        self._module(root.id), types.ModuleType))):
                    return True
        return bool(self._updated_in_place(node))  # the other calls of tangent code are pure

    def _module(self, ident):
        """What a name of generated code is bound to outside the function (None if local)."""
        if ident in self.ctx.resolution.locals:
            return None
        return self.ctx.bindings.get(ident, self.ctx.func.__globals__.get(ident))

    def _outer_write(self, targets, value):
        """A differentiated value stored in a global or nonlocal name: say so, True."""
        names = set()
        for target in targets:
            names |= _names_stored(target)
        written = sorted(names & self.declared)
        if written and self.act.is_active(value):
            kind = "global" if written[0] in self.globals else "nonlocal"
            self.problem(targets[0], "a differentiated value is written to the %s name '%s'"
                         % (kind, written[0]), "return the value instead: a %s cannot carry a "
                         "derivative out of the function" % kind)
            return True
        return False

    def s_Assign(self, s):
        if self._outer_write(s.targets, s.value) or self._attribute_store(s.targets, s.value):
            return [s]
        if not self.act.is_active(s.value) and all(self.tangent_target(t) is None for t in s.targets):
            return [gast.Assign(targets=s.targets, value=self._updating_calls(s.value),
                                type_comment=None)]
        if len(s.targets) > 1:
            p, t = self.expr(s.value)
            if t is None:
                t = self.zero_of(p)
            tts = [self.tangent_target(tg) for tg in s.targets]
            if not self.simple(p):
                p, t = self.hoist(p, t)
            out = [gast.Assign(targets=s.targets, value=p, type_comment=None)]
            tts = [x for x in tts if x is not None]
            if tts:
                out.append(gast.Assign(targets=tts, value=t, type_comment=None))
            return out
        target, value = s.targets[0], s.value
        if isinstance(value, (gast.IfExp, gast.BoolOp)) and isinstance(target, gast.Name) \
                and self.act.is_active(value):
            return self.body(self._lower_choice(value, target.id))
        if isinstance(value, gast.Call) and self.act.is_active(value):
            info = classify(value, self.ctx)
            if info.kind in ("user", "local"):
                call, flat = self._pair_call(value, info)
                if isinstance(target, gast.Subscript) and self._unstable_indices(target):
                    p, t = self._unpack_flat(call, flat or 1)
                    if not flat:  # the call returns one (value, tangent) pair
                        p, t = p.elts[0], t.elts[0]
                    return self.emit_assign(target, p, t)
                if not flat:
                    pair = gast.Tuple(elts=[target, self._tangent_or_throwaway(target)],
                                      ctx=gast.Store())
                    return [T.assign(pair, call)]
                if isinstance(target, (gast.Tuple, gast.List)) and len(target.elts) == flat \
                        and not any(isinstance(x, gast.Starred) for x in target.elts):
                    tts = [self._tangent_or_throwaway(x) for x in target.elts]
                    return [T.assign(gast.Tuple(elts=list(target.elts) + tts, ctx=gast.Store()),
                                     call)]
                p, t = self._unpack_flat(call, flat)
                return self.emit_assign(target, p, t)
        if isinstance(target, (gast.Tuple, gast.List)) and isinstance(value, (gast.Tuple, gast.List)) \
                and len(target.elts) == len(value.elts) \
                and not any(isinstance(e, gast.Starred) for e in target.elts + value.elts):
            return self._assign_elementwise(target, value)
        p, t = self.expr(value, root=isinstance(target, gast.Name))
        return self.emit_assign(target, p, t)

    def emit_assign(self, target, p, t):
        tt = self.tangent_target(target)
        if tt is None:
            return [T.assign(target, p)]
        if isinstance(target, gast.Subscript):
            target, p, t = self._stable_target(target, p, t)
            tt = self.tangent_target(target)
        numpy = self.arrays and not (isinstance(target, gast.Name) and target.id in self.plain)
        # out = x * 1.0, then out[1] = s: x may be an array, and the zero must be one too
        indexed = isinstance(target, gast.Name) and target.id in self.ctx.resolution.containers \
            and (t is None or T.is_zero(t)) and _is_number_zero(self.zero_of(p))
        if (t is None or T.is_zero(t)) and (numpy or indexed) and isinstance(target, gast.Name):
            # a zero with the value's type and shape: an array may be written into later
            zero = T.expr("z(v)", z=self.ctx.bind("zeros_like", zeros_like), v=T.load(target))
            return [T.assign(target, p), T.assign(tt, zero)]
        if t is None or T.is_zero(t):
            if isinstance(target, (gast.Tuple, gast.List)) and not self.simple(p):
                p, _ = self.hoist(p, None)  # a, c = f(a): the call once, its zero after it
            t = self._zero_for(target, p)
            if isinstance(target, gast.Name) and self._computes(t):
                # b = make_buffer(2): the call once, the zero of its result after it
                zero = T.expr("z(v)", z=self.ctx.bind("zeros_like", zeros_like), v=T.load(target))
                return [T.assign(target, p), T.assign(tt, zero)]
        t = self._finish(t)
        written = isinstance(target, gast.Name) and target.id in self.ctx.resolution.containers
        if (numpy or written) and _refers(t) and not _refers(p):
            # the primal made a new object, the tangent names an existing one: copy it, or an
            # in-place update of one would show in the other
            t = T.expr("fresh(t)", t=t, fresh=self.ctx.bind("fresh", fresh))
        stored = _names_stored(target)
        uses_ans = ANS in _names_loaded(t)
        # xs[0] = ys[0] * ys[0] with ys = xs: the tangent reads the old item, before the store
        reads_target = bool(stored & _names_loaded(t)) or (
            not isinstance(target, gast.Name) and self._reads_state(t))
        if uses_ans and (reads_target or not isinstance(target, gast.Name)):
            tmp = self.namer.temp()
            t = _rename(t, ANS, tmp)
            return [T.assign(tmp, p), T.assign(tt, t), T.assign(target, T.name(tmp))]
        if uses_ans:
            return [T.assign(target, p), T.assign(tt, _rename(t, ANS, target.id))]
        updated = self._updated_in_place(p)
        if updated and (reads_target or updated & _names_loaded(t)):
            # dy = update(y, dy, ...) at second order (or dt1 = update(y, ddy, ...) at third):
            # update writes dy before the tangent's expression would read it
            tmp = self.namer.tangent(self.namer.temp())
            return [T.assign(tmp, t), T.assign(target, p), T.assign(tt, T.name(tmp))]
        if reads_target:
            pair = gast.Tuple(elts=[target, tt], ctx=gast.Store())
            return [T.assign(pair, gast.Tuple(elts=[p, t], ctx=gast.Load()))]
        return [T.assign(target, p), T.assign(tt, t)]

    def _updated_in_place(self, node):
        """The names of the tangents that ``node`` updates in place, by calls of the helper
        ``update(value, tangent, new)``."""
        out = set()
        for n in T.walk(node):
            if isinstance(n, gast.Call) and isinstance(n.func, gast.Name):
                func = self.ctx.bindings.get(n.func.id) or self.ctx.resolution.lookup(n.func)
                if any(func is f for f in _IN_PLACE):
                    out |= _names_loaded(n.args[1])
        return out

    def _unstable_indices(self, target):
        """The subscripts of an item target whose index the store could change (``y[y < 0]``,
        ``ys[int(ys[0])]``: they read the object) or that call a function: evaluated twice,
        for the primal and the tangent store, they could differ (and a call run twice)."""
        out, node = [], target
        while isinstance(node, gast.Subscript):
            out.append(node)
            node = node.value
        reads = _names_stored(node) | self.ctx.resolution.containers
        return [sub for sub in out
                if not _index_like(sub.slice) or _names_loaded(sub.slice) & reads]

    def _stable_target(self, target, p, t):
        """``(target, p, t)`` with the unstable indices of ``target`` (see above) stored in
        temporaries before the store, after the value, as Python evaluates them: ``t1 = y <
        0.0``, then ``y[t1] = 0.0`` and ``dy[t1] = 0.0``."""
        if not self._unstable_indices(target):
            return target, p, t
        if not self.simple(p):
            p, t = self.hoist(p, t)
        target, stores = self._stored_indices(target)
        self.pre.extend(stores)
        return target, p, t

    def _stored_indices(self, target):
        """``target`` with its unstable indices replaced by temporaries, and the assignments
        that store them, outer object's index first."""
        unstable = self._unstable_indices(target)
        stores = []

        def rebuilt(node):  # copies on the path to the root only: resolution knows the rest
            if not isinstance(node, gast.Subscript):
                return node
            inner = rebuilt(node.value)  # the outer object's index first
            index = node.slice
            if node in unstable:
                # Y[:, [1, 2]]: the parts other than slices, each in its own temporary
                parts = index.elts if isinstance(index, gast.Tuple) else [index]
                stored = []
                for part in parts:
                    if not isinstance(part, gast.Slice):
                        tmp = self.namer.temp()
                        stores.append(T.assign(tmp, part))
                        part = T.name(tmp)
                    stored.append(part)
                index = gast.Tuple(elts=stored, ctx=gast.Load()) \
                    if isinstance(index, gast.Tuple) else stored[0]
            return T.shallow(node, {"value": inner, "slice": index})

        return rebuilt(target), stores

    def _assign_elementwise(self, target, value):
        pts = self.operands(value.elts)
        ps, tts, ts = [], [], []
        for tg, (p, t) in zip(target.elts, pts):
            ps.append(p)
            tt = self.tangent_target(tg)
            if tt is not None:
                tts.append(tt)
                ts.append(t if t is not None and not T.is_zero(t) else self._zero_for(tg, p))
        primal = T.assign(gast.Tuple(elts=list(target.elts), ctx=gast.Store()),
                          gast.Tuple(elts=ps, ctx=gast.Load()))
        if not tts:
            return [primal]
        if any(isinstance(tg, (gast.Subscript, gast.Attribute)) for tg in target.elts):
            # xs[i], i = v, 1: the stores run left to right, dxs[i] with xs[i]'s index
            stores, loads = [], []
            for tg, p, (_, t) in zip(target.elts, ps, pts):
                stores.append(tg)
                loads.append(p)
                tt = self.tangent_target(tg)
                if tt is not None:
                    stores.append(tt)
                    loads.append(t if t is not None and not T.is_zero(t)
                                 else self._zero_for(tg, p))
            return [T.assign(gast.Tuple(elts=stores, ctx=gast.Store()),
                             gast.Tuple(elts=loads, ctx=gast.Load()))]
        ttarget = tts[0] if len(tts) == 1 else gast.Tuple(elts=tts, ctx=gast.Store())
        tvalue = ts[0] if len(ts) == 1 else gast.Tuple(elts=ts, ctx=gast.Load())
        if _names_stored(target) & _names_loaded(tvalue):
            both = gast.Tuple(elts=[primal.targets[0], ttarget], ctx=gast.Store())
            return [T.assign(both, gast.Tuple(elts=[primal.value, tvalue], ctx=gast.Load()))]
        return [primal, T.assign(ttarget, tvalue)]

    def s_AugAssign(self, s):
        if self._outer_write([s.target], s.value) or self._attribute_store([s.target], s.value):
            return [s]
        target_active = self.tangent_target(s.target) is not None
        if not target_active and not self.act.is_active(s.value):
            return [s]
        if isinstance(s.target, gast.Subscript) and self._unstable_indices(s.target):
            # d[k()] += x, y[y < 0] += x: the index once, before the value, as Python does
            target, stores = self._stored_indices(s.target)
            return stores + self.s_AugAssign(T.shallow(s, {"target": target}))
        if self.arrays and isinstance(s.target, gast.Name) and s.target.id not in self.plain \
                and type(s.op).__name__ in INPLACE:
            return self._inplace(s)
        if isinstance(s.op, (gast.Add, gast.Sub)) and isinstance(s.target, (gast.Name, gast.Subscript)):
            p, t = self._augmented_value(s)
            primal = gast.AugAssign(target=s.target, op=s.op, value=p)
            if t is None or T.is_zero(t):
                return [primal]
            if not (_names_stored(s.target) & _names_loaded(t)):
                # never in place: a tangent may share its object with another (``da = dx``)
                tt = self.tangent_target(s.target)
                return [primal, T.assign(tt, gast.BinOp(left=T.load(tt), op=s.op, right=t))]
        as_assign = T.assign(T.store(s.target), gast.copy_location(
            gast.BinOp(left=T.load(s.target), op=s.op, right=s.value), s))
        return self.s_Assign(as_assign)

    def _augmented_value(self, s):
        """(primal, tangent) of the value of ``target op= value``; ``ys += [c]`` extends the
        tangent with a zero."""
        p, t = self.expr(s.value)
        if t is None and isinstance(s.op, gast.Add) and isinstance(p, T.SEQUENCE_DISPLAYS):
            t = self.zero_of(p)
        return p, t

    def _inplace(self, s):
        """``a op= b`` where ``a`` may be an array, updated in place (its aliases and views see
        the change): the tangent is computed first, from the value before the update, and stored
        into ``da`` in place too; then the primal statement runs unchanged."""
        template = INPLACE[type(s.op).__name__]
        p, t = self._augmented_value(s)
        old = T.load(s.target)
        told = self._tangent_chain(old) if self.tangent_target(s.target) is not None else None
        kept = []
        if self.in_try:
            # the primal may raise into a handler (a /= 0.0): the tangent is computed after
            # it, from copies of the values before (a *= a reads a on both sides)
            def kept_copy(v):
                name = self.namer.temp()
                kept.append(T.assign(name, T.expr("fresh(v)", v=v,
                                                  fresh=self.ctx.bind("fresh", fresh))))
                return T.name(name)

            before = old
            if "l" in _template_names(template):
                old = kept_copy(old)
            if _names_loaded(p) & _names_stored(s.target):
                p = old if T.key(p) == T.key(before) and old is not before else kept_copy(p)
        new, tangent = self.apply(template, ("l", "r"), [(old, told), (p, t)],
                                  lambda ps: gast.BinOp(left=ps[0], op=s.op, right=ps[1]), False)
        primal = gast.AugAssign(target=s.target, op=s.op, value=new.right)  # r, once
        tt = self.tangent_target(s.target)
        if tangent is None and isinstance(s.op, gast.FloorDiv) and tt is not None:
            tangent = T.const(0.0)  # the old tangent is stored over with zeros
        if tangent is None:
            return [primal]
        tangent = self._finish(tangent)
        if isinstance(tt, gast.Name):
            tangent = T.expr("update(v, d, new)", v=T.load(s.target), d=T.load(tt), new=tangent,
                             update=self.ctx.bind("update", update))
        if self.in_try:  # the tangent after the primal, which may raise into a handler
            return kept + [primal, T.assign(tt, tangent)]
        return [T.assign(tt, tangent), primal]

    def s_AnnAssign(self, s):
        if s.value is None:
            return [s]
        out = self.s_Assign(T.assign(s.target, s.value))
        for i, o in enumerate(out):
            if isinstance(o, gast.Assign) and len(o.targets) == 1 and isinstance(o.targets[0], gast.Name) \
                    and isinstance(s.target, gast.Name) and o.targets[0].id == s.target.id:
                out[i] = gast.AnnAssign(target=o.targets[0], annotation=s.annotation, value=o.value,
                                        simple=s.simple)
                break
        return out

    def s_Delete(self, s):
        """``del x`` deletes ``dx`` too; ``del xs[i]`` deletes ``dxs[i]`` (each tangent target
        right after its primal target, with the same index)."""
        targets = []
        for target in s.targets:
            if isinstance(target, gast.Subscript) and self.tangent_target(target) is not None:
                target, _, _ = self._stable_target(target, T.const(None), None)
            targets.append(target)
            tt = self.tangent_target(target)
            if tt is not None:
                targets.append(tt)
        for node in targets:
            node.ctx = gast.Del()
        return [gast.Delete(targets=targets)]

    def s_If(self, s):
        return [gast.If(test=self._updating_calls(s.test), body=self.body(s.body) or [gast.Pass()],
                        orelse=self.body(s.orelse))]

    def s_While(self, s):
        if any(isinstance(n, gast.Call) and self._updates(n) for n in T.walk(s.test)):
            self.problem(s.test, "a call that writes differentiated values into its arguments, "
                         "in the test of a while loop", "call it in the loop's body and test "
                         "its value: while True: ... if not ...: break")
        return [gast.While(test=s.test, body=self.body(s.body), orelse=self.body(s.orelse))]

    def s_With(self, s):
        for item in s.items:
            if self.act.is_active(item.context_expr):
                self.problem(item.context_expr, "a differentiated value used as a context "
                             "manager", "open the context with a value that is not differentiated")
        return [gast.With(items=s.items, body=self.body(s.body), type_comment=None)]

    def s_Try(self, s):
        """An exception the derivative raises in the try block (math.sqrt(x) has no derivative
        at 0) is not the handlers' to catch: each re-raises it, and the primal runs as it
        would without pushforward."""
        outer, self.in_try = self.in_try, True
        body = self.body(s.body)
        self.in_try = outer
        guarded = any(isinstance(n, gast.Name) and self.act.is_name_active(n.id)
                      for st in s.body for n in T.walk(st))
        handlers = []
        for h in s.handlers:
            name, guard = h.name, []
            if guarded and not self._guards(h.body):
                name = name or T.name(self.namer.fresh("exc"), gast.Store())
                guard = [T.stmt("if failed(e):\n    raise", e=T.load(name),
                                failed=self.ctx.bind("tangent_failed", tangent_failed))]
            handlers.append(gast.ExceptHandler(type=h.type, name=name,
                                               body=guard + self.body(h.body)))
        return [gast.Try(body=body, handlers=handlers, orelse=self.body(s.orelse),
                         finalbody=self.body(s.finalbody))]

    def _guards(self, body):
        """Whether a handler's body starts with the guard (code differentiated again)."""
        first = body[0] if body else None
        return isinstance(first, gast.If) and isinstance(first.test, gast.Call) \
            and self.ctx.resolution.lookup(first.test.func) is tangent_failed

    def s_For(self, s):
        body, orelse = self.body(s.body), self.body(s.orelse)
        kind, parts = iteration_parts(s.iter, self.ctx)
        inits = []
        if any(self.act.is_active(p) for p in parts if p is not None):
            primal_iter, titer, ttarget = self._iteration(s.iter, s.target, inits, False)
        else:  # a constant iterable
            primal_iter, titer = self._updating_calls(s.iter), None
            self._zero_target(s.target, inits)
        if titer is None:  # no tangent to iterate over
            return [gast.For(target=s.target, iter=primal_iter, body=inits + body, orelse=orelse,
                             type_comment=None)]
        new_iter = T.expr("zip(a, b)", a=primal_iter, b=titer)
        new_target = gast.Tuple(elts=[s.target, ttarget], ctx=gast.Store())
        return [gast.For(target=new_target, iter=new_iter, body=inits + body, orelse=orelse,
                         type_comment=None)]

    def _iteration(self, it, target, inits, ordered):
        """``for target in it`` split into (primal iterable, tangent iterable, tangent target).

        ``enumerate``, ``dict.items`` and ``zip`` over a matching tuple target split into their
        parts, each part again (``zip(enumerate(xs), dxs)``, as first-order code iterates);
        only the parts with a tangent are iterated in the tangent loop (None if none has). A
        part without a tangent whose target has one gets a zero at the top of the body, in
        ``inits``. ``ordered``: a zip's parts are evaluated in order (calls in temporaries).
        """
        kind, parts = iteration_parts(it, self.ctx)
        elts = getattr(target, "elts", None)
        if kind in ("plain", "range") or elts is None or len(elts) != len(parts):
            p, t = self.expr(it)
            if ordered and not self.simple(p) and not is_pure(p, self.ctx):
                p, t = self.hoist(p, t)
            if t is None or T.is_zero(t):
                self._zero_target(target, inits)
                return p, None, None
            return p, t, self.tangent_target(target)
        if kind in ("enumerate", "items"):  # an index or a key
            self._zero_target(elts[0], inits)
        if kind == "enumerate":
            p, t, tt = self._iteration(parts[1], elts[1], inits, ordered)
            p = gast.Call(func=T.clone(it.func), args=[p] + it.args[1:],
                          keywords=T.clone(it.keywords))
            return p, t, tt
        if kind == "items":
            p, t = self.expr(parts[1])
            if t is None:
                self._zero_target(elts[1], inits)
                return T.expr("d.items()", d=p), None, None
            return T.expr("d.items()", d=p), T.expr("d.values()", d=t), \
                self.tangent_target(elts[1])
        split = [self._iteration(part, e, inits, True) for part, e in zip(parts, elts)]
        p = gast.Call(func=T.clone(it.func), args=[p for p, _, _ in split], keywords=[])
        active = [(t, tt) for _, t, tt in split if t is not None]
        if not active:
            return p, None, None
        if len(active) == 1:
            return (p,) + active[0]
        titer = T.expr("zip()")
        titer.args = [t for t, _ in active]
        return p, titer, gast.Tuple(elts=[tt for _, tt in active], ctx=gast.Store())

    def _zero_target(self, target, inits):
        """A loop target without a tangent in the iterable: its tangent (if it has one, from
        assignments in the body) starts each iteration at zero."""
        tt = self.tangent_target(target)
        if tt is not None:
            inits.append(T.assign(tt, self.zero_of(T.load(target))))

    def s_Return(self, s):
        if s.value is None:
            return [gast.Return(value=T.expr("None, None"))]
        v = s.value
        if isinstance(v, gast.Call) and self.act.is_active(v):
            info = classify(v, self.ctx)
            if info.kind in ("user", "local"):
                call, flat = self._pair_call(v, info)
                if not flat:
                    return [gast.Return(value=call)]
                p, t = self._unpack_flat(call, flat)
                return [gast.Return(value=gast.Tuple(elts=[p, t], ctx=gast.Load()))]
        p, t = self.expr(v)
        if t is None or T.is_zero(t):
            t = self.zero_of(p)
            if isinstance(t, gast.Call) and not self.simple(p):  # zeros_like(p): p once
                p, _ = self.hoist(p, None)
                t = self.zero_of(p)
        t = self._finish(t)
        if not self.arrays and _is_number_zero(t) and not isinstance(p, gast.Constant) \
                and not (isinstance(p, gast.Name) and p.id in self.scalars):
            # no NumPy here, but an argument may be an array (x * 2.0): a zero of its shape
            if not self.simple(p):
                p, _ = self.hoist(p, None)
            t = T.expr("f(v, 0.0)", f=self.ctx.bind("fit", fit), v=T.clone(p))
        if self.arrays:  # an array result's tangent has its shape
            fit_ = self.ctx.bind("fit", fit)
            if isinstance(p, gast.Tuple) and isinstance(t, gast.Tuple):
                for i, (v, d) in enumerate(zip(p.elts, t.elts)):
                    # a zero shaped like an array result, which may be indexed; the arrays in
                    # a list or a dict result too
                    if not isinstance(v, gast.Name) and (
                            _is_number_zero(d) or isinstance(v, (gast.List, gast.Dict))):
                        v, _ = self.hoist(v, None)
                        p.elts[i] = v
                t.elts = [T.expr("f(v, d)", f=fit_, v=T.clone(v), d=d)
                          if isinstance(v, gast.Name) else d for v, d in zip(p.elts, t.elts)]
            elif isinstance(p, (gast.List, gast.Dict)):
                p, t = self.hoist(p, t)
                t = T.expr("f(v, d)", f=fit_, v=T.clone(p), d=t)
            elif not isinstance(p, gast.Tuple):
                if not self.simple(p):
                    p, t = self.hoist(p, t)
                t = T.expr("f(v, d)", f=fit_, v=T.clone(p), d=t)
        if self.flat and not self.nested:  # values then tangents, in one flat tuple
            return [gast.Return(value=gast.Tuple(elts=list(p.elts) + list(t.elts), ctx=gast.Load()))]
        return [gast.Return(value=gast.Tuple(elts=[p, t], ctx=gast.Load()))]

    def _attribute_store(self, targets, value):
        """``a.v = x * 2.0``: an object's attribute holds no tangent (a problem; True)."""
        if not self.act.is_active(value):
            return False
        stores = [n for t in targets for n in T.walk(t)
                  if isinstance(n, gast.Attribute) and isinstance(n.ctx, gast.Store)]
        for n in stores:
            self.problem(n, "a differentiated value written to the attribute '%s' of an object"
                         % n.attr, "keep the value in a variable, or in a namedtuple "
                         "(state = state._replace(%s=...))" % n.attr)
        return bool(stores)

    def _tangent_or_throwaway(self, target):
        tt = self.tangent_target(target)
        return tt if tt is not None else T.name(self.ctx.throwaway(), gast.Store())

    def _unpack_flat(self, call, n):
        """Store the results of a call returning ``v1..vn, dv1..dvn`` in temporaries."""
        ts = [self.namer.temp() for _ in range(n)]
        dts = [self.namer.tangent(t) for t in ts]
        self.pre.append(T.assign(gast.Tuple(elts=[T.name(x, gast.Store()) for x in ts + dts],
                                            ctx=gast.Store()), call))
        return (gast.Tuple(elts=[T.name(x) for x in ts], ctx=gast.Load()),
                gast.Tuple(elts=[T.name(x) for x in dts], ctx=gast.Load()))

    def s_FunctionDef(self, s):
        """A nested function: kept as written for constant uses, plus a transformed twin."""
        for default in s.args.defaults + s.args.kw_defaults:
            if default is not None and self.act.is_active(default):
                self.problem(default, "a default value of the nested function '%s' that depends "
                             "on a differentiated value" % s.name, "pass the value as an "
                             "argument: defaults are evaluated once, when the function is defined")
        if s.name not in self.ctx.local_defs or not self._local_active(s):
            return [s]
        jvp_name, tangents = self._twin(s)
        args = T.clone(s.args)
        args.kwonlyargs = args.kwonlyargs + [T.name(d, gast.Param()) for _, d in tangents]
        args.kw_defaults = args.kw_defaults + [T.const(0.0) for _ in tangents]
        self.nested += 1
        body = self.body(s.body)
        self.nested -= 1
        if not body or not isinstance(body[-1], gast.Return):
            body.append(gast.Return(value=T.expr("None, None")))
        twin = gast.FunctionDef(name=jvp_name, args=args, body=body, decorator_list=[],
                                returns=None, type_comment=None, type_params=[])
        return [s, twin]

    def _updates(self, call):
        """Whether a call writes differentiated values into its arguments (or, a nested
        function, into its caller's containers): it runs its derivative code wherever it is,
        also where its value is a constant (``if bump(c) > 0:``, ``int(bump(c))``)."""
        info = classify(call, self.ctx)
        if info.kind == "local":
            return info.target in self.local_jvps and self.act.updates_state(info.target)
        if info.kind != "user" or not isinstance(info.target, types.FunctionType):
            return False
        code = info.target.__code__
        return any(param is not None and self._receiver_active(arg)
                   and writes_into(info.target, param)
                   for param, arg in bound_arguments(call, code.co_varnames[:code.co_argcount]))

    def _updating_calls(self, e):
        """``e``, a constant expression, with its calls that write differentiated values
        (see ``_updates``) running their derivative code: ``bump_jvp(c, dc)[0] > 0``."""
        if not any(isinstance(n, gast.Call) and self._updates(n) for n in T.walk(e)):
            return e
        forward = self

        class Calls(gast.NodeTransformer):
            def visit_Call(self, node):
                self.generic_visit(node)
                if not forward._updates(node):
                    return node
                call, flat = forward._pair_call(node, classify(node, forward.ctx))
                values = T.const(0) if not flat else gast.Slice(lower=None, upper=T.const(flat),
                                                                step=None)
                return gast.Subscript(value=call, slice=values, ctx=gast.Load())

        return Calls().visit(e)

    def _twin(self, fdef):
        """(name, [(parameter, tangent parameter)]) of a nested function's twin: named when it
        is defined, or where a function defined before it calls it (a def calling a sibling
        defined after it, as Python allows)."""
        if fdef.name not in self.local_jvps:
            active = [a.id for a in fdef.args.args + fdef.args.kwonlyargs
                      if self.act.is_name_active(a.id)]
            self.local_jvps[fdef.name] = (self.namer.fresh(fdef.name + "_jvp"),
                                          [(a, self.namer.tangent(a)) for a in active])
        return self.local_jvps[fdef.name]

    def _local_active(self, fdef):
        params = [a.id for a in fdef.args.args + fdef.args.kwonlyargs]
        if fdef.name in self.act.local_returns or any(self.act.is_name_active(p) for p in params):
            return True
        return any(isinstance(n, gast.Name) and self.act.is_name_active(n.id) for n in T.walk(fdef))

    # -- expressions ---------------------------------------------------------------------------
    def expr(self, e, root=False):
        """(primal, tangent) of an expression; tangent None when it is constant."""
        if not self.act.is_active(e):
            return self._updating_calls(e), None
        method = getattr(self, "e_" + type(e).__name__, None)
        if method is None:
            if not isinstance(e, (gast.Yield, gast.YieldFrom, gast.Await)):  # see generators
                self.problem(e, "%s of a differentiated value is not supported" % _describe(e),
                             _advice(e))
            return e, None
        return method(e, root)

    def operands(self, nodes):
        """(primal, tangent) of several operands, in evaluation order.

        An operand that calls a function with possible side effects is stored in a temporary
        before later operands' hoisted statements, so calls keep their order; so are the items
        and attributes earlier operands read, before a call that may change them
        (``c[0] * 10.0 + bump(c)``, ``xs[-1] + xs.pop()``).
        """
        out = []
        for node in nodes:
            impure = not isinstance(node, (gast.Name, gast.Constant)) and not is_pure(node,
                                                                                    self.ctx)
            if out and impure:
                out = [self._read_now(p, t) for p, t in out]
            p, t = self.expr(node)
            if impure:  # values stored before it may have changed: not to be reused after it
                self.hoisted, self.computed, self.available = {}, {}, {}
            if not self.simple(p) and not is_pure(p, self.ctx):
                p, t = self.hoist(p, t)
            out.append((p, t))
        return out

    def apply(self, template, params, pts, primal, root, builder=None, namespace=HELPERS):
        """Instantiate a rule, storing in temporaries only the operands its tangent reads.

        Operands are first bound to placeholders; after zero tangents are folded away, an operand
        whose placeholder survives (and is not a plain name or constant) is hoisted.
        """
        holders, subs, stored = {}, {}, {}
        for param, (p, t) in zip(params, pts):
            holder = p if self.simple(p) else T.name("__pf_operand_%s" % param)
            if holder is not p:
                stored[holder.id] = p
            holders[param] = holder
            if t is None and isinstance(p, (gast.List, gast.Tuple)):
                t = self.zero_of(p)  # a display's zero has its structure: sum(rows, [])
            subs[param], subs["d" + param] = holder, (t if t is not None else T.zero())
        state = {}

        def ans():
            if root:
                state["name"] = ANS
            elif "name" not in state:
                state["name"] = self.namer.temp()
            return T.name(state["name"])

        if builder is not None:
            tangent = builder([(subs[p], None if T.is_zero(subs["d" + p]) else subs["d" + p])
                               for p in params], ans, lambda n: self.ctx.bind(n, namespace[n]))
        else:
            uses = _template_names(template)
            if "ans" in uses:
                subs["ans"] = ans()
            subs.update({n: self.ctx.bind(n, namespace[n]) for n in uses
                         if n in namespace and n not in subs})
            tangent = T.expr(template, **subs)
        floats = self.float_info
        if stored:  # a placeholder holds a float if its operand surely is one
            floats = Floats(_FloatNames(self.floats, stored, floats.call), floats.call)
        tangent = simplify(tangent, floats)
        # only the rule's own nodes can read a placeholder: not the operands' tangents in it
        names = [n for n in T.walk(tangent, skip="simplified") if n.__class__ is gast.Name]
        read = {n.id for n in names}
        final, stored = [], {}
        for param, (p, t) in zip(params, pts):
            if holders[param] is not p and holders[param].id in read:
                p, _ = self.hoist(p, None)  # a Name
                stored[holders[param].id] = p.id
            final.append(p)
        for n in names:
            if n.id in stored:
                n.id = stored[n.id]
        tangent = self._reuse(tangent, skip="simplified")  # all of it: at the statement's end
        if not T.is_zero(tangent):
            tangent.simplified = True
        new_primal = primal(final)
        if "name" in state and state["name"] != ANS:
            tmp = state["name"]
            self.store(tmp, new_primal)
            if is_pure(new_primal, self.ctx):
                self.computed[T.key(new_primal)] = tmp
            if T.is_zero(tangent):
                return T.name(tmp), None
            dtmp = self.namer.tangent(tmp)
            self.pre.append(T.assign(dtmp, tangent))
            return T.name(tmp), T.name(dtmp)
        return new_primal, (None if T.is_zero(tangent) else tangent)

    def _finish(self, tangent):
        """A statement's final tangent: stored primal values reused, common tangents factored
        (a factored coefficient that this statement stored is read: ``100.0 * dt * t + t1 * dt``
        with ``t1 = 100.0 * t`` is ``2 * t1 * dt``)."""
        known = {**self.computed, **self.hoisted} if self.by_value else {}
        return factor_tangents(self._reuse(tangent), set(self.namer.tangents.values()), known,
                               self.float_info)

    def _reuse(self, tangent, skip=None):
        """Read a primal value this statement, or an earlier one, already stored
        (``math.sin(phi)`` in ``t2``). ``skip``: see ``T.walk``."""
        if not self.by_value or not self.computed and not self.hoisted and not self.available:
            return tangent
        if not any(isinstance(n, gast.Call) for n in T.walk(tangent, skip)):
            return tangent
        return _Reuse({**self.available, **self.computed, **self.hoisted}, skip).visit(tangent)

    def e_Name(self, e, root):
        return e, self.dname(e.id)

    def e_BinOp(self, e, root):
        if _formats(e):  # "%.3f" % x: a string
            return e, None
        if refuse_bitwise(self.ctx, e.op, e):
            return e, None
        template = BINOPS[type(e.op).__name__]
        if isinstance(e.op, gast.Mult) and isinstance(e.left, gast.Name) \
                and isinstance(e.right, gast.Name) and e.left.id == e.right.id:
            template = BINOPS["Square"]
        pts = self.operands([e.left, e.right])
        if isinstance(e.op, gast.Add) and any(isinstance(p, T.SEQUENCE_DISPLAYS) for p, _ in pts):
            # list concatenation: a constant part's tangent keeps its length (ys + [c]), and
            # its arrays' shapes (parts + [np.zeros(2)])
            pts = [self._concatenated_zero(p) if t is None else (p, t) for p, t in pts]
        op = e.op
        return self.apply(template, ("l", "r"), pts,
                          lambda ps: gast.BinOp(left=ps[0], op=op, right=ps[1]), root)

    def e_UnaryOp(self, e, root):
        template = UNARYOPS[type(e.op).__name__]
        op = e.op
        return self.apply(template, ("x",), self.operands([e.operand]),
                          lambda ps: gast.UnaryOp(op=op, operand=ps[0]), root)

    def e_Subscript(self, e, root):
        p, t = self.expr(e.value)
        index = e.slice
        if not is_pure(index, self.ctx):
            index, _ = self.hoist(index, None)
        if isinstance(p, gast.Tuple) and isinstance(t, gast.Tuple) and isinstance(index, gast.Constant) \
                and type(index.value) is int and -len(p.elts) <= index.value < len(p.elts):
            return p.elts[index.value], t.elts[index.value]  # (t3, t4)[1] from a flat call
        primal = gast.Subscript(value=p, slice=index, ctx=gast.Load())
        if t is None:
            return primal, None
        return primal, gast.Subscript(value=t, slice=T.clone(index), ctx=gast.Load())

    def _sequence(self, e, root):
        pts = self.operands([x.value if isinstance(x, gast.Starred) else x for x in e.elts])
        ps, ts = [], []
        for x, (p, t) in zip(e.elts, pts):
            if isinstance(x, gast.Starred):
                if t is None:
                    self.problem(x, "unpacking a constant sequence into a differentiated one",
                                 "build the list with + instead")
                ps.append(gast.Starred(value=p, ctx=gast.Load()))
                ts.append(gast.Starred(value=t if t is not None else T.zero(), ctx=gast.Load()))
            else:
                ps.append(p)
                ts.append(t if t is not None else self.zero_of(p))
        return type(e)(elts=ps, ctx=gast.Load()), type(e)(elts=ts, ctx=gast.Load())

    e_List = e_Tuple = _sequence

    def e_Dict(self, e, root):
        pts = self.operands(e.values)
        return (gast.Dict(keys=e.keys, values=[p for p, _ in pts]),
                gast.Dict(keys=T.clone(e.keys),
                          values=[t if t is not None else self.zero_of(p) for p, t in pts]))

    def e_IfExp(self, e, root):
        tmp = self.namer.temp()
        self.act.names.add(tmp)
        self.pre.extend(self.body(self._lower_choice(e, tmp)))
        return T.name(tmp), self.dname(tmp)

    e_BoolOp = e_IfExp

    def _lower_choice(self, e, target):
        """``x = a if c else b`` (or ``a or b``) as an if statement, so each branch runs alone."""
        if isinstance(e, gast.IfExp):
            return [gast.If(test=e.test, body=[T.assign(target, e.body)],
                            orelse=[T.assign(target, e.orelse)])]
        # a or b or c: x = a; if not x: x = b ...;  a and b: x = a; if x: x = b ...
        out = [T.assign(target, e.values[0])]
        nest = out
        for v in e.values[1:]:
            test = T.expr("not x", x=target) if isinstance(e.op, gast.Or) else T.name(target)
            branch = gast.If(test=test, body=[T.assign(target, v)], orelse=[])
            nest.append(branch)
            nest = branch.body
        return out

    def e_Call(self, e, root):
        info = classify(e, self.ctx)
        if info.kind == "rule":
            return self._rule_call(e, info.target, root)
        if info.kind in ("user", "local"):
            call, flat = self._pair_call(e, info)
            if flat:
                return self._unpack_flat(call, flat)
            tmp = self.namer.temp()
            dtmp = self.namer.tangent(tmp)
            self.pre.append(T.assign(gast.Tuple(elts=[T.name(tmp, gast.Store()),
                                                      T.name(dtmp, gast.Store())],
                                                ctx=gast.Store()), call))
            return T.name(tmp), T.name(dtmp)
        if info.kind == "method":
            return self._method_call(e, info.target)
        if info.kind == "nested":
            return self._nested_call(e, *info.target)
        if info.kind == "unknown" and info.target is zip and not e.keywords \
                and not any(isinstance(a, gast.Starred) for a in e.args):
            # zip pairs values; its tangent pairs their tangents (a loop over a zip of zips)
            pts = self.operands(e.args)
            tangent = gast.Call(func=T.clone(e.func), keywords=[], args=[
                t if t is not None else self.zero_of(p) for p, t in pts])
            return gast.Call(func=e.func, args=[p for p, _ in pts], keywords=[]), tangent
        if info.kind == "unknown" and info.target is enumerate and not e.keywords \
                and len(e.args) in (1, 2) and not any(isinstance(a, gast.Starred) for a in e.args):
            # (i, x) pairs: their tangents (0.0, dx), the index a constant
            (p, t), *start = self.operands(e.args)
            tangent = T.expr("k(t)", k=self.ctx.bind("keyed", keyed),
                             t=t if t is not None else self.zero_of(p))
            return gast.Call(func=e.func, args=[p] + [q for q, _ in start], keywords=[]), tangent
        if info.kind == "unknown" and info.target is dict and len(e.args) == 1 and not e.keywords \
                and isinstance(e.args[0], gast.Call) and classify(e.args[0], self.ctx).target is zip \
                and len(e.args[0].args) == 2 and not e.args[0].keywords:
            # dict(zip(keys, values)): the tangent pairs the same keys with the values' tangents
            keys, values = e.args[0].args
            if self.act.is_active(keys):
                self.problem(keys, "dict(zip(keys, values)) with differentiated keys",
                             "make the keys constants (names, indices)", errors.NoRuleError)
                return e, None
            (k, _), (v, dv) = [(keys, None) if self.simple(keys) else self.hoist(keys, None),
                               self.expr(values)]
            primal = T.expr("d(z(k, v))", d=e.func, z=e.args[0].func, k=k, v=v)
            tangent = T.expr("d(z(k, dv))", d=T.clone(e.func), z=T.clone(e.args[0].func),
                             k=T.clone(k), dv=dv if dv is not None else self.zero_of(v))
            return primal, tangent
        if info.kind == "unknown" and is_record(info.target):
            return self._record_call(e, info.target)
        name = _dotted(e.func)
        if info.kind == "unknown" and info.target is None:
            self.problem(e.func, "a call of '%s', a function held in a variable, with "
                                 "differentiated arguments" % name,
                         "pushforward follows calls it can resolve before running: module-level "
                         "functions, nested defs and lambdas assigned to a name; call one of those",
                         errors.NoRuleError)
            return e, None
        if info.kind == "missing":
            self.problem(e.func, "'%s' is not defined" % name,
                         "define it before the differentiated function is first called",
                         errors.UndefinedNameError)
        elif info.target is method_jvp:  # differentiating a derivative with self.predict(x)
            self.problem(e, "a method of an object known only when the code runs (.%s), in a "
                         "derivative differentiated again" % getattr(e.args[1], "value", "?"),
                         "call the class's function with the object as its first argument",
                         errors.NoRuleError)
        elif getattr(info.target, "_pf_derivative", None) is not None:  # made by forward_diff
            self.problem(e.func, "a call of %s, a derivative made by pushforward.forward_diff "
                         "with several wrt arguments (or defaults): it cannot be differentiated "
                         "again" % name, "decorate a function of one argument, or call the "
                         "function itself and differentiate the whole", errors.NoRuleError)
        elif _numpy(info.target):  # a NumPy function without a rule (most are dispatchers)
            self.problem(e.func, "no tangent rule for %s" % _qualified(info.target),
                         "write it with NumPy functions that have one (docs/rules.md lists "
                         "them), or register a rule with @pushforward.defjvp(%s)" % name,
                         errors.NoRuleError)
        elif inspect.ismethod(info.target) or hasattr(info.target, "__wrapped__"):
            if inspect.ismethod(info.target):
                how, fix = "a method bound to %r" % (info.target.__self__,), \
                    "make it a staticmethod or a module-level function"
            else:
                how, fix = "a function wrapped by a decorator", \
                    "call %s.__wrapped__(...), the function it wraps" % name
            self.problem(e.func, "a call of %s, %s: pushforward transforms plain functions"
                         % (name, how), "%s, or register a rule with @pushforward.defjvp(%s)"
                         % (fix, name), errors.NoRuleError)
        elif write_instead(info.target):
            self.problem(e.func, "no tangent rule for '%s', which calls a function it is given"
                         % name, write_instead(info.target), errors.NoRuleError)
        elif info.target in (zip, enumerate) and e.keywords:
            self.problem(e, "%s(..., %s=...) with differentiated arguments" % (
                name, e.keywords[0].arg), "call %s without keywords (check the lengths first "
                "if zip's strict= matters)" % name, errors.NoRuleError)
        elif callable(info.target) and not inspect.isclass(info.target) \
                and inspect.isfunction(getattr(type(info.target), "__call__", None)):
            cls = type(info.target).__qualname__
            self.problem(e.func, "a call of %s, an object of the class %s: pushforward "
                         "transforms plain functions" % (name, cls), "call the class's function "
                         "with the object: %s.__call__(%s, ...)" % (cls, name), errors.NoRuleError)
        elif inspect.isclass(info.target) and info.target.__module__ != "builtins":
            self.problem(e.func, "an object of the class %s made of differentiated values: "
                         "pushforward differentiates namedtuples, not other classes"
                         % info.target.__qualname__, "make it a typing.NamedTuple, or keep "
                         "the differentiated values in variables of their own",
                         errors.NoRuleError)
        else:
            what = getattr(info.target, "__qualname__", None) or name
            self.problem(e.func, "no tangent rule for '%s', and it has no Python source" % what,
                         "register one with @pushforward.defjvp(%s), or mark it constant with "
                         "pushforward.nondifferentiable(%s)" % (name, name), errors.NoRuleError)
        return e, None

    def _rule_call(self, e, rule, root):
        refused = call_problem(rule, e, [self.act.is_active(a) for a in
                                         e.args + [k.value for k in e.keywords]])
        if refused is not None:
            self.problem(e, *refused)
            return e, None
        nargs = len(e.args) + len(e.keywords)
        if nargs == 1 and e.args and e.args[0].__class__ is gast.BinOp \
                and type(e.args[0].op).__name__ in rule.patterns:
            return self._pattern_call(e, rule, root)
        if rule.linear is not None:
            return self._linear_call(e, rule)
        if rule.helper is not None:
            return self._helper_call(e, rule, root)
        if rule.builder is not None:
            params = tuple("a%d" % i for i in range(len(e.args)))
            func, keywords = e.func, e.keywords  # max(a, b, key=abs): key= (see call_problem)
            builder = functools.partial(rule.builder, keyed=True) if keywords else rule.builder
            return self.apply(None, params, self.operands(e.args),
                              lambda ps: gast.Call(func=func, args=ps, keywords=keywords), root,
                              builder=builder)
        params = rule.params(nargs)
        template = (rule.variants.get(nargs) or rule.variants["*"])[1]
        by_name = {k.arg: k.value for k in e.keywords}
        order = list(e.args) + [by_name[p] for p in params[len(e.args):]]
        pts = self._list_operands(rule, self.operands(order))
        if _numpy(rule.func):  # np.maximum([x, y], 0.0): its template compares arrays
            np_ = self.ctx.bind("np", np)
            pts = [(T.expr("n.asarray(p)", n=T.clone(np_), p=p), t)
                   if isinstance(p, (gast.List, gast.Tuple)) else (p, t) for p, t in pts]
        npos, func = len(e.args), e.func
        kwnames = params[npos:]

        def primal(ps):
            return gast.Call(func=func, args=ps[:npos],
                             keywords=[gast.keyword(arg=k, value=v) for k, v in zip(kwnames, ps[npos:])])

        return self.apply(template, params, pts, primal, root, namespace=rule.namespace)

    def _list_operands(self, rule, pts):
        """The tangents of a NumPy function's operands that may be lists: a list variable's
        have its members' shapes (``members(parts, dparts)``: a constant member's tangent is
        0.0 until here, which ``np.array(parts)`` would not stack); in vector mode a list of
        tangents is one batch (``np.sum([dx, dy])``: NumPy would convert the list, which a
        batch refuses)."""
        if rule.func in SEQUENCES or not _numpy(rule.func):
            return pts  # (sequences: _linear_tangent gives them their members)
        scalars = value_kinds(self.ctx).scalars
        out = []
        for p, t in pts:
            listed = t is not None and (isinstance(p, (gast.List, gast.Tuple)) or isinstance(
                p, gast.Name) and p.id not in scalars)
            if listed and isinstance(p, gast.Name) and p.id in self._lists():
                t = T.expr("m(p, t)", m=self.ctx.bind("members", members), p=T.clone(p), t=t)
            if listed and self.ctx.batch and rule.func not in UNDISPATCHED:
                t = T.expr("a(t)", a=self.ctx.bind("asarray", batch.asarray), t=t)
            out.append((p, t))
        return out

    def _lists(self):
        """The names the function assigns a list display or comprehension, or appends to:
        lists, which may hold arrays and constants."""
        if self._list_names is None:
            self._list_names = set()
            for n in T.walk(self.ctx.fdef):
                if isinstance(n, gast.Assign) and isinstance(n.value, (gast.List, gast.ListComp)):
                    self._list_names.update(t.id for t in n.targets if isinstance(t, gast.Name))
                elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                        and n.func.attr in ("append", "extend", "insert") \
                        and isinstance(n.func.value, gast.Name):
                    self._list_names.add(n.func.value.id)
        return self._list_names

    def _pattern_call(self, e, rule, root):
        """``log(n / d)``: the rule for calls of a quotient or product takes the operands'
        tangents (``dn / n - dd / d``); the call is the same."""
        arg, func = e.args[0], e.func
        params, template = rule.patterns[type(arg.op).__name__]
        return self.apply(template, params, self.operands([arg.left, arg.right]),
                          lambda ps: gast.Call(func=func, keywords=[], args=[
                              gast.BinOp(left=ps[0], op=arg.op, right=ps[1])]),
                          root, namespace=rule.namespace)

    def _linear_call(self, e, rule):
        """A primitive linear in some arguments: the tangent applies it to their tangents, one
        argument at a time (the product rule for multilinear ones), the rest as in the call."""
        pts = self._list_operands(rule, self.operands(e.args))
        # other arguments give shapes, axes or counts: np.full_like(x, v) does not depend on x
        positions = [i for i in rule.linear if i < len(pts) and pts[i][1] is not None]
        if not positions:
            return gast.Call(func=e.func, args=[p for p, _ in pts], keywords=e.keywords), None
        # initial= adds a constant (np.sum(x, initial=1.0)): not to the tangent
        keywords = [k for k in e.keywords if k.arg != "initial"]
        if len(positions) > 1:  # each argument appears in several terms: evaluate it once
            pts = [pt if self.simple(pt[0]) else self.hoist(*pt) for pt in pts]
        terms = []
        func = e.func
        if self.ctx.batch and rule.func in UNDISPATCHED:  # np.array([dx, dy]) of batches
            func = self.ctx.bind(rule.func.__name__, UNDISPATCHED[rule.func])
        for i in positions:
            args = [T.clone(p) for p, _ in pts]
            args[i] = self._linear_tangent(e.args[i], *pts[i], sequence=rule.func in SEQUENCES)
            terms.append(gast.Call(func=T.clone(func), args=args, keywords=T.clone(keywords)))
        tangent = terms[0]
        for term in terms[1:]:
            tangent = gast.BinOp(left=tangent, op=gast.Add(), right=term)
        primal = gast.Call(func=e.func, args=[p for p, _ in pts], keywords=e.keywords)
        return primal, tangent

    def _nested_call(self, e, api, local):
        """``pf.forward_diff(inner)(y)`` (or ``pf.derivative``, ``pf.jvp``) where ``inner``
        reads differentiated values: the same call on inner's twin ``inner_jvp``, whose results
        are (value, tangent) pairs, gives the value and its tangent at once. Each level has its
        own tangent variables, so perturbations cannot be confused."""
        if local not in self.local_jvps:
            self.problem(e, "the nested function '%s' is differentiated before it is defined"
                         % local)
            return e, None
        inner = e if api == "jvp" else e.func
        position = {"forward_diff": 1, "derivative": 2}.get(api)
        wrt = [k.value for k in inner.keywords if k.arg == "wrt"] + (
            inner.args[position:position + 1] if position else [])
        if any(isinstance(w, (gast.Tuple, gast.List)) for w in wrt):
            self.problem(e, "pushforward.%s of the nested function '%s' with a wrt that is not "
                         "one name or index" % (api, local),
                         "differentiate with respect to one argument at a time")
            return e, None
        point = list(inner.args[1:]) + [k.value for k in inner.keywords]
        if api != "jvp":
            point += list(e.args) + [k.value for k in e.keywords]
        if any(self.act.is_active(a) for a in point):
            self.problem(e, "pushforward.%s of the nested function '%s' at a point that depends "
                         "on the differentiated arguments" % (api, local),
                         "evaluate it at a constant point, or define the derivative at module "
                         "level and call it")
            return e, None
        twin = gast.Call(func=inner.func, args=[T.name(self.local_jvps[local][0])] + inner.args[1:],
                         keywords=inner.keywords)
        call = twin if api == "jvp" else gast.Call(func=twin, args=e.args, keywords=e.keywords)

        def pair():  # a temporary and its tangent, as an assignment target
            t = self.namer.temp()
            dt = self.namer.tangent(t)
            return t, dt, gast.Tuple(elts=[T.name(t, gast.Store()), T.name(dt, gast.Store())],
                                     ctx=gast.Store())

        if api == "derivative":  # inner_jvp's derivative: (derivative, its tangent)
            t, dt, target = pair()
            self.pre.append(T.assign(target, call))
            return T.name(t), T.name(dt)
        # ((value, its tangent), (derivative, its tangent))
        (v, dv, first), (d, dd, second) = pair(), pair()
        self.pre.append(T.assign(gast.Tuple(elts=[first, second], ctx=gast.Store()), call))
        return (gast.Tuple(elts=[T.name(v), T.name(d)], ctx=gast.Load()),
                gast.Tuple(elts=[T.name(dv), T.name(dd)], ctx=gast.Load()))

    def _helper_call(self, e, rule, root, receiver=None):
        """``f(x, *rest, **kw)`` (or ``x.f(*rest, **kw)`` with ``receiver``): the tangent is
        ``helper(x, dx, ans, *rest, **kw)``, with every option as in the primal call."""
        args = list(e.args) if receiver is None else [receiver] + list(e.args)
        pts = self._list_operands(rule, self.operands(args))
        if any(t is not None for _, t in pts[1:]) or any(self.act.is_active(k.value)
                                                         for k in e.keywords):
            self.problem(e, "%s is differentiated only in its first argument" % rule.name,
                         kind=errors.NoRuleError)
            return e, None
        (x, dx), rest = pts[0], [p for p, _ in pts[1:]]
        if dx is None:
            return e, None
        refused = receiver is not None and _options_problem(rule, len(rest),  # a method's
                                                            [k.arg for k in e.keywords])
        if refused:
            self.problem(e, *refused)
            return e, None
        if not self.simple(x):
            x, dx = self.hoist(x, dx)
        if receiver is None:
            primal = gast.Call(func=e.func, args=[x] + rest, keywords=e.keywords)
        else:
            primal = gast.Call(func=gast.Attribute(value=x, attr=e.func.attr, ctx=gast.Load()),
                               args=rest, keywords=e.keywords)
        if root:
            ans = T.name(ANS)
        else:
            ans = T.name(self.namer.temp())
            self.pre.append(T.assign(ans.id, primal))
            primal = T.name(ans.id)
        tangent = gast.Call(func=self.ctx.bind(rule.helper.__name__, rule.helper),
                            args=[T.clone(x), dx, T.clone(ans)] + T.clone(rest),
                            keywords=T.clone(e.keywords))
        if root:
            return primal, tangent
        dtmp = self.namer.tangent(ans.id)
        self.pre.append(T.assign(dtmp, tangent))
        return primal, T.name(dtmp)

    def _linear_tangent(self, node, p, t, sequence=False):
        """The tangent of a linear argument; in a list of arrays, constant ones get zero
        arrays of their shape (``np.concatenate([da, zeros_like(b)])``, or for a list in a
        variable, ``np.concatenate(members(parts, dparts))``)."""
        if isinstance(node, (gast.List, gast.Tuple)) and isinstance(t, (gast.List, gast.Tuple)):
            zeros = self.ctx.bind("zeros_like", zeros_like)
            t.elts = [T.expr("z(p)", z=zeros, p=T.clone(pe)) if not self.act.is_active(ne) else te
                      for ne, pe, te in zip(node.elts, p.elts, t.elts)]
        elif sequence and isinstance(node, gast.Name):
            t = T.expr("m(p, t)", m=self.ctx.bind("members", members), p=T.clone(p), t=t)
        return t

    def _method_call(self, e, method):
        kind, primitive = method_kind(method)
        if kind == "rule" and RULES[primitive].helper is not None:
            # x.max(axis=0): the rule of np.max, the call kept as written
            return self._helper_call(e, RULES[primitive], False, receiver=e.func.value)
        if primitive is np.clip:  # x.clip(lo, hi), x.clip(min=lo): np.clip(x, lo, hi or None)
            func = gast.Attribute(value=self.ctx.bind("np", np), attr=primitive.__name__,
                                  ctx=gast.Load())
            bounds = list(e.args) + [T.const(None)] * (2 - len(e.args))
            others = []
            for k in e.keywords:
                if k.arg in ("min", "max") and len(bounds) == 2:
                    bounds[k.arg == "max"] = k.value
                else:
                    others.append(k)
            call = gast.Call(func=func, args=[e.func.value] + bounds, keywords=others)
            return self._rule_call(gast.copy_location(call, e), RULES[primitive], False)
        receiver, dreceiver = self.expr(e.func.value)
        if method == "_replace" and not e.args and all(k.arg for k in e.keywords):
            return self._replace_fields(e, receiver, dreceiver)
        pts = self.operands(e.args)
        active_args = any(t is not None for _, t in pts) or any(
            self.act.is_active(k.value) for k in e.keywords)

        def call(obj, args, keywords=e.keywords):
            return gast.Call(func=gast.Attribute(value=obj, attr=method, ctx=gast.Load()),
                             args=args, keywords=T.clone(keywords))

        if kind == "bilinear" and len(pts) == 1 and not e.keywords:  # a.dot(b)
            if not self.simple(receiver):
                receiver, dreceiver = self.hoist(receiver, dreceiver)
            (arg, darg), = pts
            if not self.simple(arg):
                arg, darg = self.hoist(arg, darg)
            terms = []
            if dreceiver is not None:
                terms.append(call(dreceiver, [T.clone(arg)]))
            if darg is not None and self.ctx.batch:  # an array's method does not take a batch
                terms.append(gast.Call(func=self.ctx.bind("dot", np.dot),
                                       args=[T.clone(receiver), darg], keywords=[]))
            elif darg is not None:
                terms.append(call(T.clone(receiver), [darg]))
            tangent = terms[0] if len(terms) == 1 else gast.BinOp(
                left=terms[0], op=gast.Add(), right=terms[1])
            return self.hoist(call(receiver, [arg]), tangent)
        if kind == "unknown" and active_args and method in _CONTAINER_METHODS:
            self.problem(e.func, "the method '.%s' with a differentiated argument" % method,
                         "build the list or dict with item assignments instead",
                         kind=errors.NoRuleError)
            return e, None
        ufunc = self.ctx.resolution.lookup(e.func.value)
        if isinstance(ufunc, np.ufunc) and active_args:
            self.problem(e.func, "no tangent rule for the method '.%s' of the ufunc numpy.%s"
                         % (method, ufunc.__name__),
                         "call a NumPy function with a rule instead: np.max(x, axis=0) for "
                         "np.maximum.reduce(x), np.sum for np.add.reduce, np.cumsum for "
                         "np.add.accumulate", errors.NoRuleError)
            return e, None
        if dreceiver is None and kind == "unknown" and active_args and not e.keywords \
                and not self.ctx.batch:  # self.predict(x): pf.jvp of the method when it runs
            tmp = self.namer.temp()
            dtmp = self.namer.tangent(tmp)
            pair = gast.Tuple(elts=[T.name(tmp, gast.Store()), T.name(dtmp, gast.Store())],
                              ctx=gast.Store())
            self.pre.append(T.assign(pair, gast.Call(
                func=self.ctx.bind("method_jvp", method_jvp), keywords=[], args=[
                    receiver, T.const(method),
                    gast.Tuple(elts=[p for p, _ in pts], ctx=gast.Load()),
                    gast.Tuple(elts=[T.const(None) if t is None else t for _, t in pts],
                               ctx=gast.Load())])))
            return T.name(tmp), T.name(dtmp)
        if method in ("get", "pop") and active_args:
            self.problem(e.func, "'.%s' with a differentiated key or default" % method,
                         "write the choice out: d[k] if k in d else default")
            return e, None
        if method == "items" and dreceiver is not None and not e.args and not e.keywords:
            # a dict's (key, value) pairs: their tangents (0.0, dvalue), the keys constants
            return call(receiver, []), T.expr("k(d.values())", d=dreceiver,
                                              k=self.ctx.bind("keyed", keyed))
        if kind != "value" or dreceiver is None or active_args:
            if dreceiver is None:  # model.energy(x): an object's method, differentiated arguments
                self.problem(e.func, "a call of the method '.%s' with differentiated arguments"
                             % method, "pushforward follows functions it can resolve before "
                             "running: for a dict or a list, store the items (d[k] = v); for "
                             "another object, call the class's function with the object as its "
                             "first argument (Model.%s(model, ...))" % method,
                             kind=errors.NoRuleError)
            else:
                self.problem(e.func, "no tangent rule for the method '.%s' of a differentiated "
                             "value" % method, _METHOD_ADVICE.get(method, "write it with "
                             "functions and methods that have rules (docs/rules.md)"),
                             kind=errors.NoRuleError)
            return e, None
        args = [p for p, _ in pts]  # the tangent needs no primal value: nothing to store
        targs = T.clone(args)
        if method in ("get", "pop") and len(targs) == 2:  # the default's tangent: a zero
            targs[1] = self.zero_of(targs[1])
        if any(k.arg == "out" for k in e.keywords):
            self.problem(e, "out= in a call of the method '.%s' of a differentiated value"
                         % method, "assign the result instead", errors.NoRuleError)
            return e, None
        # x.sum(initial=1.0) adds a constant: not to the tangent
        return call(receiver, args), call(dreceiver, targs,
                                          [k for k in e.keywords if k.arg != "initial"])

    def _record_call(self, e, cls):
        """``State(p, vel=v)``, a namedtuple: its tangent is the namedtuple of the tangents,
        ``State(dp, vel=0.0)``, with a zero for each field left to its default."""
        if _star_arguments(e):
            self.problem(e, "star-arguments in a call of %s with differentiated arguments"
                         % cls.__name__, "pass the fields one by one")
            return e, None
        pts = [self._zero_tangent(*pt) for pt in self.operands(e.args)]
        kws = [self._zero_tangent(*pt) for pt in self.operands([k.value for k in e.keywords])]
        names = [k.arg for k in e.keywords]
        given = set(cls._fields[:len(e.args)]) | set(names)
        defaults = [f for f in cls._fields if f not in given and f in cls._field_defaults]
        tangents = [T.const(0.0) if t is None else t for _, t in pts + kws]
        for f in defaults:
            default = cls._field_defaults[f]
            tangents.append(T.const(0.0) if isinstance(default, (int, float)) else T.expr(
                "z(c._field_defaults[f])", z=self.ctx.bind("zeros_like", zeros_like),
                c=T.clone(e.func), f=T.const(f)))
        n = len(pts)
        return (gast.Call(func=e.func, args=[p for p, _ in pts], keywords=[
                    gast.keyword(arg=k, value=p) for k, (p, _) in zip(names, kws)]),
                gast.Call(func=T.clone(e.func), args=tangents[:n], keywords=[
                    gast.keyword(arg=k, value=t) for k, t in zip(names + defaults, tangents[n:])]))

    def _concatenated_zero(self, p):
        """A constant part of a concatenation (``ys + [c]``, ``parts + [np.zeros(2)]``, ``dp +
        (...)``) and its zero tangent: its length, and a zero like each item that may be an
        array (``[zeros_like(t1)]``), or like the whole (``zeros_like(dp)``)."""
        if not isinstance(p, (gast.List, gast.Tuple)):
            p, zero = self._zero_tangent(p, None)
            return p, zero if zero is not None else self.zero_of(p)
        items = [self._zero_tangent(e, None) for e in p.elts]
        return (type(p)(elts=[e for e, _ in items], ctx=gast.Load()),
                type(p)(elts=[T.const(0.0) if z is None else z for _, z in items], ctx=gast.Load()))

    def _zero_tangent(self, p, t):
        """``(p, t)``, an argument and its tangent; for a constant that is not surely a number,
        ``(p, zeros_like(p))`` (``p`` stored first if evaluating it twice would cost)."""
        if t is not None or isinstance(p, gast.Constant) \
                or float_valued(p, self.floats, self.float_info.call):
            return p, t
        if not self.simple(p):
            p, _ = self.hoist(p, None)
        return p, T.expr("z(p)", z=self.ctx.bind("zeros_like", zeros_like), p=T.clone(p))

    def _replace_fields(self, e, receiver, dreceiver):
        """``s._replace(pos=p)`` of a namedtuple: the tangent is ``ds._replace(pos=dp)``."""
        kws = [self._zero_tangent(*pt) for pt in self.operands([k.value for k in e.keywords])]
        if dreceiver is None:  # a constant namedtuple with differentiated fields
            receiver, dreceiver = self._zero_tangent(receiver, None)

        def replace(obj, values):
            return gast.Call(func=gast.Attribute(value=obj, attr="_replace", ctx=gast.Load()),
                             args=[], keywords=[gast.keyword(arg=k.arg, value=v)
                                                for k, v in zip(e.keywords, values)])

        return (replace(receiver, [p for p, _ in kws]),
                replace(dreceiver, [T.const(0.0) if t is None else t for _, t in kws]))

    def e_Attribute(self, e, root):
        if e.attr not in LINEAR_ATTRIBUTES and e.attr in VALUE_ATTRIBUTES:
            self.problem(e, "the attribute '.%s' of a differentiated value" % e.attr,
                         "pass the attribute's value as an argument instead")
            return e, None
        p, t = self.expr(e.value)
        return (gast.Attribute(value=p, attr=e.attr, ctx=gast.Load()),
                gast.Attribute(value=t, attr=e.attr, ctx=gast.Load()))

    def _pair_call(self, e, info):
        """A call to a transformed function, and n if it returns ``v1..vn, dv1..dvn`` flat.

        A call with n == 0 returns the pair (value, tangent).
        """
        if _star_arguments(e):
            self.problem(e, "star-arguments in a call with differentiated arguments",
                         "pass the arguments one by one")
            return e, 0
        pos = self.operands(e.args)
        kws = self.operands([k.value for k in e.keywords])
        if info.kind == "local":
            fdef = self.ctx.local_defs[info.target]
            if info.target not in self.local_jvps and not (self.nested and self._local_active(fdef)):
                self.problem(e, "the nested function '%s' is called before it is defined"
                             % info.target)
                return e, 0
            name, tangents = self._twin(fdef)  # a sibling defined later: its twin's name now
            params = [a.id for a in fdef.args.args]
            slots = {p for p, _ in tangents}
            # a constant argument for a parameter with a tangent: a zero like it (W @ dv needs
            # an array), unless it is a number (the default 0.0)
            pos = [self._zero_tangent(*pt) if param in slots else pt
                   for param, pt in zip(params, pos)] + pos[len(params):]
            kws = [self._zero_tangent(*pt) if k.arg in slots else pt
                   for k, pt in zip(e.keywords, kws)]
            bound = dict(zip(params, pos))
            bound.update({k.arg: pt for k, pt in zip(e.keywords, kws)})
            tkw = [gast.keyword(arg=d, value=bound[p][1]) for p, d in tangents
                   if p in bound and bound[p][1] is not None]
            return gast.Call(func=T.name(name), args=[p for p, _ in pos],
                             keywords=[gast.keyword(arg=k.arg, value=p) for k, (p, _) in
                                       zip(e.keywords, kws)] + tkw), 0
        callee = self.ctx.callee(info.target, e, len(e.args), [k.arg for k in e.keywords],
                                 [t is not None for _, t in pos], [t is not None for _, t in kws])
        if callee is None:
            return e, 0
        args = [p for p, _ in pos]
        keywords = [gast.keyword(arg=k.arg, value=p) for k, (p, _) in zip(e.keywords, kws)]
        by_param = {param: t for param, (_, t) in zip(callee.arg_params, pos + kws) if t is not None}
        if callee.positional and not keywords:
            args += [by_param[p] for p in callee.order]
        else:
            keywords += [gast.keyword(arg=callee.tangent_params[p], value=by_param[p])
                         for p in callee.order]
        return gast.Call(func=T.name(callee.name), args=args, keywords=keywords), callee.flat


class _FloatNames:
    """The names ``floats`` holds, and those of ``values`` ({name: expression}) whose
    expression surely gives a float: asked only where an int literal is met."""

    def __init__(self, floats, values, call):
        self.floats, self.values, self.call = floats, values, call

    def __contains__(self, name):
        return name in self.floats or name in self.values and float_valued(
            self.values[name], self.floats, self.call)


_IN_PLACE = (update, batch.update)
#: dict methods without a tangent rule, which no object of the user's is likely to define
#: (an object's own methods are differentiated by pf.jvp when the code runs)
_CONTAINER_METHODS = {"setdefault"}


def _is_number_zero(node):
    return isinstance(node, gast.Constant) and node.value == 0.0 and type(node.value) is float


def _formats(node):
    """``"%.3f" % x``: string formatting, not a remainder."""
    return isinstance(node.op, gast.Mod) \
        and isinstance(node.left, (gast.Constant, gast.JoinedStr)) \
        and isinstance(getattr(node.left, "value", ""), str)


def _star_arguments(call):
    """Whether a call passes ``*args`` or ``**kwargs``."""
    return any(isinstance(a, gast.Starred) for a in call.args) \
        or any(k.arg is None for k in call.keywords)


def _qualified(func):
    """``numpy.linalg.slogdet``: a function's module and name."""
    module = getattr(func, "__module__", None) or ""
    return "%s.%s" % (module.split("._")[0], getattr(func, "__name__", "?"))  # not ._linalg


def _numpy(func):
    """Whether a primitive is NumPy's."""
    return (getattr(func, "__module__", None) or "").startswith("numpy")


def _root(node):
    """The object an item or attribute chain starts from (``x`` of ``x[1:].T``)."""
    while isinstance(node, (gast.Subscript, gast.Attribute)):
        node = node.value
    return node


def _refers(node):
    """An expression naming an existing object (``x``, ``x[1:]``, ``x.T``, ``np.asarray(x)``,
    ``members(xs, dxs)``, which is ``dxs`` unless it is a list), not computing one."""
    while isinstance(node, gast.Call) and node.args:
        if callee_name(node) in VIEW_FUNCTIONS:
            node = node.args[0]
        elif callee_name(node) == "members" and len(node.args) == 2:
            node = node.args[1]
        else:
            break
    return isinstance(_root(node), gast.Name)


def _index_like(node):
    """An index made of names, constants, arithmetic and slices (no calls)."""
    return all(isinstance(n, (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Slice,
                              gast.Tuple, gast.operator, gast.unaryop, gast.expr_context))
               for n in T.walk(node))


class _Reuse(T.Transformer):
    """Replace calls whose value a temporary already holds by that temporary."""

    def __init__(self, known, skip=None):
        self.known, self.skip = known, skip

    def visit(self, node):
        if self.skip and node.__dict__.get(self.skip):
            return node
        return T.Transformer.visit(self, node)

    def visit_Call(self, node):
        name = self.known.get(T.key(node))
        return T.name(name) if name is not None else self.generic_visit(node)


def _rename(node, old, new):
    for sub in T.walk(node):
        if isinstance(sub, gast.Name) and sub.id == old:
            sub.id = new
    return node


_TEMPLATE_NAMES = {}


def _template_names(template):
    if template not in _TEMPLATE_NAMES:
        _TEMPLATE_NAMES[template] = _names_loaded(T.expr(template))
    return _TEMPLATE_NAMES[template]


def _dotted(node):
    if isinstance(node, gast.Name):
        return node.id
    if isinstance(node, gast.Attribute):
        return _dotted(node.value) + "." + node.attr
    return "<expression>"


_DESCRIPTIONS = {
    "Yield": "yield", "YieldFrom": "yield from", "Await": "await", "ClassDef": "a class definition",
    "AsyncFunctionDef": "an async function", "AsyncFor": "async for", "AsyncWith": "async with",
    "Lambda": "a lambda", "ListComp": "a list comprehension", "GeneratorExp": "a generator expression",
    "SetComp": "a set comprehension", "DictComp": "a dict comprehension", "Set": "a set",
    "NamedExpr": "an assignment expression (:=)", "Attribute": "an attribute",
    "Starred": "star-unpacking", "Match": "a match statement",
}

#: what to write instead of a method without a rule, on a differentiated value
_METHOD_ADVICE = {
    "astype": "np.asarray(x, dtype=float) for floats; an int dtype truncates (no derivative)",
    "remove": "build the list without the item (xs = [v for v in xs if ...]) or use xs.pop(i)",
    "clear": "rebind the name to a new empty list or dict",
    "items": "loop over the keys (for k in d: ... d[k] ...)",
    "as_integer_ratio": "an exact ratio of ints has no derivative: compute with the float",
}

_ADVICE = {
    "Yield": "differentiate a function that returns a list instead of a generator",
    "YieldFrom": "differentiate a function that returns a list instead of a generator",
    "Await": "differentiate the synchronous computation",
    "AsyncFunctionDef": "differentiate the synchronous computation",
    "ClassDef": "define the class at module level",
    "Attribute": "pass the attribute's value as an argument instead",
    "NamedExpr": "assign the value in its own statement",
    "Match": "write the cases with if/elif",
    "Set": "use a list or a dict (a set's order is not its items' order)",
    "SetComp": "use a list or a dict comprehension",
    "Starred": "pass the items one by one",
}


def _nonlinear_argument(rule, e, active):
    """A differentiated argument of a linear rule's call that is not one it is linear in."""
    for i, on in enumerate(active[:len(e.args)]):
        if on and i not in rule.linear + rule.constant_in:
            return ("%s with a differentiated argument %d: its rule is linear in argument%s %s "
                    "only" % (rule.name, i, "s" * (len(rule.linear) > 1),
                              ", ".join(map(str, rule.linear))),
                    "hold that argument constant, or write the computation with functions "
                    "that have rules", errors.NoRuleError)
    for k, on in zip(e.keywords, active[len(e.args):]):
        if on:
            return ("a differentiated keyword argument of %s" % rule.name,
                    "pass it by position" if k.arg != "initial" else "", errors.NoRuleError)
    return None


def _copied(targets, value):
    """(target, source) pairs of the names an assignment copies: ``a = b``, ``a, b = b, a``."""
    for t in targets:
        if isinstance(t, gast.Name) and isinstance(value, gast.Name):
            yield t, value
        elif isinstance(t, (gast.Tuple, gast.List)) and isinstance(value, (gast.Tuple, gast.List)) \
                and len(t.elts) == len(value.elts):
            for pair in zip(t.elts, value.elts):
                yield from _copied([pair[0]], pair[1])


def call_problem(rule, e, active):
    """Why ``rule`` cannot differentiate the call ``e`` as it is written: ``(message, hint,
    kind)``, or None. ``active``: whether each argument is differentiated, positional ones
    then keywords. Taylor mode asks too, so that both modes refuse such a call at its line."""
    if _star_arguments(e):
        return ("star-arguments in a call to %s" % rule.name, "pass the arguments one by one",
                errors.UnsupportedSyntaxError)
    keywords = [k.arg for k in e.keywords]
    if rule.func is np.einsum and len(e.args) > 1 \
            and isinstance(e.args[1], (gast.List, gast.Tuple)):  # its rule reads a string first
        return ("numpy.einsum with its operands' subscripts as lists", "write the subscripts "
                "as one string: np.einsum('ij,ij->i', A, B)", errors.NoRuleError)
    if "out" in keywords:
        return ("out= in a call of %s with differentiated arguments" % rule.name,
                "assign the result instead (y = np.sum(x, axis=0))", errors.NoRuleError)
    if rule.linear is not None:
        return _nonlinear_argument(rule, e, active)
    if rule.helper is not None:
        return _options_problem(rule, len(e.args) - 1, keywords)
    if rule.builder is not None:
        if rule.func in (max, min) and keywords == ["key"] and not active[-1]:
            return None  # the tangent of the argument returned, whatever the order
        return None if not keywords else (
            "keyword arguments in a call to %s with differentiated arguments" % rule.name,
            "test for the empty list instead of default=" if rule.func in (max, min) else "",
            errors.UnsupportedSyntaxError)
    params = rule.params(len(e.args) + len(keywords))
    if params is None:
        return ("no tangent rule for %s with %d arguments"
                % (rule.name, len(e.args) + len(keywords)),
                "pow(x, y, m) is integer arithmetic: compute pow(x, y) % m" if rule.func is pow
                else "call it with the arguments the rules table lists (docs/rules.md)",
                errors.NoRuleError)
    unexpected = sorted(set(keywords) - set(params[len(e.args):]))
    if unexpected:
        return ("unexpected keyword arguments %s for %s" % (unexpected, rule.name), "",
                errors.NoRuleError)
    return None


def _options_problem(rule, npositional, keywords):
    """The problem of a call whose first option the rule's helper does not take as the
    primitive does (a keyword it lacks, or a positional argument it would read as another)."""
    unknown = _helper_options(rule, npositional, keywords)
    return None if unknown is None else (
        "%s with the option %s and a differentiated argument" % (rule.name, unknown),
        ("leave the option out, or pass the options it differentiates (axis, keepdims...) by "
         "keyword"), errors.NoRuleError)


def _helper_options(rule, npositional, keywords):
    """The first such option, or None."""
    takes = list(inspect.signature(rule.helper).parameters)[3:]
    try:
        names = list(inspect.signature(rule.func).parameters)[1:]
    except (TypeError, ValueError):  # no signature: options by keyword only
        names = []
    for i in range(npositional):
        if i >= len(takes) or i >= len(names) or names[i] != takes[i]:
            return "at position %d" % (i + 2)
    for k in keywords:
        if k not in takes:
            return "%s=" % k
    return None


def numbers_read_from_text(fdef, ctx, act):
    """float(str(x)), float(f"{x:.3f}"), float("{}".format(x)), float(s) after s = "%.2f" % x:
    the text of a differentiated value carries no derivative, so the number read back from it
    would have none (a problem)."""
    if not any(v is float for v in ctx.resolution.table.values()):
        return
    lookup = ctx.resolution.lookup
    texts = set()  # names holding the text of a differentiated value

    def reads_active(e):
        return any(isinstance(m, gast.Name) and act.is_name_active(m.id) for m in T.walk(e))

    def text_of_active(e):
        if isinstance(e, gast.Name):
            return e.id in texts
        if isinstance(e, gast.Call) and isinstance(e.func, gast.Attribute):  # s.strip()
            return e.func.attr == "format" and reads_active(e) or text_of_active(e.func.value)
        return (isinstance(e, gast.JoinedStr) or isinstance(e, gast.BinOp) and _formats(e)
                or isinstance(e, gast.Call) and lookup(e.func) in (str, repr, format)) \
            and reads_active(e)

    assigns = [n for n in own_nodes(fdef) if isinstance(n, gast.Assign)]
    grown = True
    while grown:  # s = str(x); t = s.strip(): in any order of the walk
        before = len(texts)
        for node in assigns:
            if text_of_active(node.value):
                texts.update(t.id for t in node.targets if isinstance(t, gast.Name))
        grown = len(texts) > before
    for node in own_nodes(fdef):
        if isinstance(node, gast.Call) and len(node.args) == 1 and lookup(node.func) is float \
                and text_of_active(node.args[0]):
            ctx.problem(node, "a number read back from the text of a differentiated value: the "
                        "text carries no derivative",
                        "use the value itself (round(x, 3) for a rounded one)")


def integer_arrays_written(fdef, ctx, act):
    """A differentiated value stored into an array made with an integer dtype (``y =
    np.zeros(3, dtype=int); y[0] = 2.7 * x``): NumPy truncates it, and the derivative of the
    truncation is 0, not the value's (a problem at the store)."""
    if not ctx.resolution.uses_numpy:
        return
    lookup = ctx.resolution.lookup
    integer = {}
    for node in own_nodes(fdef):
        if isinstance(node, gast.Assign) and isinstance(node.value, gast.Call):
            dtype = next((k.value for k in node.value.keywords if k.arg == "dtype"), None)
            kind = lookup(dtype) if dtype is not None else None
            if isinstance(kind, type) and issubclass(kind, (int, np.integer, np.bool_)):
                integer.update((t.id, kind.__name__) for t in node.targets
                               if isinstance(t, gast.Name))
    if not integer:
        return
    for node in own_nodes(fdef):
        if isinstance(node, (gast.Assign, gast.AugAssign)):
            targets = node.targets if isinstance(node, gast.Assign) else [node.target]
            for t in targets:
                root = _root(t)
                if t is not root and isinstance(root, gast.Name) and root.id in integer \
                        and act.is_active(node.value):
                    ctx.problem(t, "a differentiated value stored into '%s', an array with "
                                "dtype=%s: NumPy truncates it, and the truncation has the "
                                "derivative 0" % (root.id, integer[root.id]),
                                "make the array of floats (dtype=float), or store int(...) of "
                                "the value if the truncation is meant")


def outside_roots(fdef, ctx):
    """The root names of the item and attribute targets of ``fdef`` (and of the receivers of
    mutating methods) bound outside the function and not to a module, with what each
    statement writes: [(root, value written)]."""
    local = ctx.resolution.locals
    out = []
    for node in own_nodes(fdef):
        if isinstance(node, (gast.Assign, gast.AugAssign)):
            targets = node.targets if isinstance(node, gast.Assign) else [node.target]
            values = [node.value]
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
                and node.func.attr in MUTATORS:
            targets, values = [node.func], node.args
        else:
            continue
        for t in targets:
            root = t
            while isinstance(root, (gast.Subscript, gast.Attribute)):
                root = root.value
            if root is not t and isinstance(root, gast.Name) and root.id not in local \
                    and not isinstance(ctx.resolution.lookup(root), types.ModuleType):
                out.append((root, values))
    return out


def refuse_lost_derivatives(fdef, ctx, act):
    """Problems where a derivative would be lost without a trace, for every mode (first
    order, Taylor series, Taylor code for numbers); the writes outside the function
    (``outside_roots``), which Taylor mode needs too."""
    generators(fdef, ctx)
    namespace_reads(fdef, ctx)
    exception_values(fdef, ctx)
    nested_star_parameters(fdef, ctx, act)
    numbers_read_from_text(fdef, ctx, act)
    integer_arrays_written(fdef, ctx, act)
    redefined_functions(fdef, ctx)
    roots = outside_roots(fdef, ctx)
    outside_written_and_read(fdef, roots, ctx, act)
    return roots


_NAMESPACE_READERS = {eval: "eval", exec: "exec", locals: "locals()", vars: "vars()"}


def namespace_reads(fdef, ctx):
    """``eval("x * 2.0")``, ``exec(...)``, ``locals()["y"]``, ``vars()``: they read the
    function's variables by name, where generated code holds tangents pushforward cannot hand
    them (a problem at each; ``vars(obj)`` reads an object, not the function)."""
    for node in own_nodes(fdef):
        if isinstance(node, gast.Call):
            func = ctx.resolution.lookup(node.func)
            name = next((n for f, n in _NAMESPACE_READERS.items() if func is f), None)
            if name is not None and not (func is vars and node.args):
                ctx.problem(node, "%s in a differentiated function: it reads the function's "
                            "variables by name, which carry no derivative there" % name,
                            "write the expression in the function itself")


def nested_star_parameters(fdef, ctx, act):
    """A differentiated value passed to a nested function's ``*args`` or ``**kwargs``
    (``g = lambda *a: a[0] * 2.0; g(x)``): pushforward follows named parameters only (a
    problem at the call, as for a function of the module)."""
    for node in own_nodes(fdef):
        if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
                and node.func.id in ctx.local_defs):
            continue
        args = ctx.local_defs[node.func.id].args
        named = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
        extra = [a for a in node.args[len(args.posonlyargs + args.args):] if act.is_active(a)]
        extra += [k.value for k in node.keywords if k.arg not in named and act.is_active(k.value)]
        if extra:
            ctx.problem(node, "a differentiated value passed to %s's %s" % (
                node.func.id, "*args" if extra[0] in node.args else "**kwargs"),
                "give the function a named parameter for it")


#: attributes of exceptions that are not values of the computation (an OSError's errno...)
_EXCEPTION_DETAILS = frozenset({"errno", "strerror", "filename", "filename2", "winerror", "name",
                                "path", "msg", "lineno", "offset", "text", "with_traceback",
                                "add_note", "__notes__", "__class__", "__traceback__",
                                "__cause__", "__context__"})


def exception_values(fdef, ctx):
    """``except ValueError as e: return e.args[0]``: a value an exception carries comes without
    the derivative it had where it was raised (a problem at each attribute read of ``e``;
    ``str(e)``, ``raise``, logging it are fine)."""
    for handler in own_nodes(fdef):
        if isinstance(handler, gast.ExceptHandler) and handler.name is not None:
            name = getattr(handler.name, "id", handler.name)
            for node in (n for s in handler.body for n in T.walk(s)):
                if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) \
                        and node.value.id == name and isinstance(node.ctx, gast.Load) \
                        and node.attr not in _EXCEPTION_DETAILS:
                    ctx.problem(node, "a value read from the caught exception '%s' (%s.%s): it "
                                "carries no derivative" % (name, name, node.attr),
                                "return or store the value before raising, or compute it "
                                "again in the handler")


def generators(fdef, ctx):
    """``yield`` and ``await``: the values come out of a generator or a coroutine, which
    carries no derivative (a problem at each)."""
    if isinstance(fdef, gast.AsyncFunctionDef):
        ctx.problem(fdef, "an async function cannot be differentiated",
                    "differentiate the synchronous computation it awaits")
    for node in own_nodes(fdef):
        if isinstance(node, (gast.Yield, gast.YieldFrom, gast.Await)):
            ctx.problem(node, "'%s' is not supported in a differentiated function"
                        % _describe(node), _advice(node))


def redefined_functions(fdef, ctx):
    """A name defined by two nested defs (or lambdas), in two branches of an if: calls of it
    would all be differentiated as the last one (a problem at the others)."""
    if not ctx.local_defs:
        return
    for node in T.walk(fdef):
        if isinstance(node, gast.FunctionDef) and node is not fdef \
                and ctx.local_defs.get(node.name) is not node:
            last = ctx.local_defs[node.name]
            ctx.problem(node, "the nested function '%s' has another definition, at line %d: "
                        "pushforward differentiates one definition of each name" % (
                            node.name, last.lineno), "give each definition its own name")


def outside_written_and_read(fdef, roots, ctx, act):
    """A container or object from outside the function (a module's, a closure's) that the
    function writes a differentiated value into (CACHE[k] = x, LOG.append(x), BOX.v = x)
    keeps the value only: reading it back in the function would give the value without its
    derivative (a problem at the first read). ``roots``: ``outside_roots(fdef, ctx)``."""
    written = {}
    for root, values in roots:
        if any(act.is_active(v) for v in values):
            written.setdefault(root.id, root)
    if not written:
        return
    stores = {id(root) for root, _ in roots}
    for node in own_nodes(fdef):
        if isinstance(node, gast.Name) and node.id in written and id(node) not in stores:
            ctx.problem(node, "'%s', defined outside the function, is read after a "
                        "differentiated value is written into it (line %d): it keeps the value "
                        "only, not its derivative" % (node.id, written[node.id].lineno),
                        "keep the value in a local variable, or pass the container as an "
                        "argument")
            return


def refuse_bitwise(ctx, op, node):
    """The bitwise operators and shifts (of ints) have no derivative: a problem at ``node``."""
    if type(op).__name__ in BINOPS:
        return False
    ctx.problem(node, "the bitwise operator '%s' of a differentiated value" % operator_symbol(op),
                "apply it to an int that is not differentiated (wrt), or to int(...)")
    return True


def _describe(node):
    return _DESCRIPTIONS.get(type(node).__name__, type(node).__name__)


def _advice(node):
    return _ADVICE.get(type(node).__name__, "")
