"""Taylor mode on numbers: every coefficient of every active value is a local variable.

    parse -> resolve -> normalize -> resolve -> activity -> taylor_scalar (this pass) -> codegen
    -> compile

When the differentiated arguments of ``pf.taylor(f, order=K)`` are numbers and ``f`` (with the
user functions it calls) computes with numbers only, the generated code spells out truncated
Taylor arithmetic for this K. An active ``y`` is ``y``, its value, computed by the statement
the primal runs, and its coefficients ``y_1 ... y_K``::

    y = math.exp(u)             # the primal statement
    y_1 = u_1 * y               # the recurrences of pushforward.recurrences, written inline
    y_2 = (u_1 * y_1 + 2 * u_2 * y) / 2

Branches, loops, comparisons and non-differentiable calls read the values, as the primal does.
A user function called with active arguments is generated the same way; it takes the
coefficients of its active arguments first, then its own arguments, and returns every
coefficient of its results in one flat tuple.

Covered: ``+ - * / ** % //``, unary minus, conditional expressions, the ``math`` functions of
:data:`FUNCTIONS`, ``abs`` and ``float``. Anything else active (a container, an array, a NumPy or
method call, a closure...) raises :class:`Unsupported`, and :mod:`pushforward.taylor_mode`, where
series are objects, generates the function instead: it covers every construct, several times
slower on numbers.
"""

from __future__ import annotations

import builtins
import functools
import math

import gast

from . import activity, errors, normalize, parse, pipeline, recurrences, series
from . import templates as T
from .calls import classify
from .forward import _formats, refuse_lost_derivatives

LN2, LN10 = math.log(2.0), math.log(10.0)


class Unsupported(Exception):
    """A construct outside this pass (internal: Taylor mode then uses series objects)."""


_CACHE: dict = {}  # (func, active, order) -> Generated, or None where unsupported


def clear_cache():
    _CACHE.clear()


def generate(func, active, order):
    """The cached Generated coefficient function of ``func``; raise Unsupported if impossible."""
    key = (func, tuple(active), order)
    if key in _CACHE:
        if _CACHE[key] is None:
            raise Unsupported(func.__name__)
        return _CACHE[key]
    try:
        parsed = parse.parse(func)
    except errors.PushforwardError as exc:
        raise Unsupported(str(exc)) from None
    gen = pipeline.Generated(func, tuple(active), "", [], {}, True)
    before = set(_CACHE)
    _CACHE[key] = gen  # visible to recursive calls
    try:
        _Emitter(func, parsed, gen, order).function(parsed.node)
    except Unsupported:
        for k in set(_CACHE) - before:  # callees generated meanwhile may call this one
            del _CACHE[k]
        _CACHE[key] = None
        raise
    return gen


@functools.lru_cache(maxsize=None)
def _recurrence(name, n):
    """Recurrence ``name`` of :mod:`pushforward.recurrences` for n coefficients, as trees:
    (its statements after unpacking its list parameters, its returned expression)."""
    fdef = gast.parse(recurrences.source(name, n)).body[0]
    params = {a.id for a in fdef.args.args}
    body = [s for s in fdef.body[:-1]
            if not (isinstance(s.value, gast.Name) and s.value.id in params)]
    return body, fdef.body[-1].value


class _Emitter:
    def __init__(self, func, parsed, gen, order):
        fdef = parsed.node
        self.problems = []
        self.ctx = pipeline.Ctx(func, fdef, parsed.filename, self.problems, gen)
        if normalize.run(fdef, self.ctx, gen.active):
            self.ctx.refresh_locals(fdef)
        self.act = activity.analyse(fdef, self.ctx, gen.active)
        outside = refuse_lost_derivatives(fdef, self.ctx, self.act)
        if self.problems:  # the series code reports them
            raise Unsupported("activity")
        if self.act.names & self.ctx.resolution.containers:
            raise Unsupported("a container of active values")
        if any(self.act.is_active(v) for _, values in outside
               for v in values):  # CACHE[k] = x: the series code keeps the value, or refuses
            raise Unsupported("a differentiated value written outside the function")
        for node in T.walk(fdef):  # a value bound where the code is kept as written
            if isinstance(node, gast.Lambda) and any(
                    isinstance(n, gast.Name) and n.id in self.act.names for n in T.walk(node.body)):
                raise Unsupported("a lambda reading an active value")  # series carry its value
            if isinstance(node, gast.NamedExpr) or isinstance(node, gast.stmt) and not hasattr(
                    self, "s_" + type(node).__name__) and not isinstance(node, gast.FunctionDef):
                if _binds(node) & self.act.names:
                    raise Unsupported(type(node).__name__)
        self.gen, self.K, self.namer = gen, order, self.ctx.namer
        self.bound = set(gen.active)  # active names with coefficients so far
        self.coefficients = {}  # active name -> the names of its coefficients 1..K
        self.scratch = set()  # temporaries, and their coefficients
        self.pre = []  # statements the expression being emitted needs first
        self.reads = set()  # names the value of the statement being emitted reads

    # -- names and values ----------------------------------------------------------------
    # A value is (p, cs): p the expression of the value (a name for an active value), cs the
    # names of coefficients 1..K (None for a constant).

    def names(self, ident):
        self.bound.add(ident)
        if ident not in self.coefficients:
            self.coefficients[ident] = [self.namer.fresh("%s_%d" % (ident, k))
                                        for k in range(1, self.K + 1)]
            if ident in self.scratch:
                self.scratch.update(self.coefficients[ident])
        return self.coefficients[ident]

    def scratch_name(self):
        """A temporary of this pass (t1, t2...): dropped at the end if nothing reads it."""
        ident = self.namer.temp()
        self.scratch.add(ident)
        return ident

    def temp(self):
        ident = self.scratch_name()
        self.act.names.add(ident)
        return ident

    def result(self, target, elementwise):
        """Where an operation stores its value and coefficients: the assignment's target if
        it can be written at once (coefficient k of an elementwise operation reads coefficient k
        of its operands only), else fresh temporaries."""
        ident = target if target is not None and (elementwise or target not in self.reads) \
            else self.temp()
        return ident, self.names(ident)

    def emit(self, target, value, coefficients):
        """``target = value`` and its coefficients (expressions, or names)."""
        self.pre.append(T.assign(target, value))
        for name, c in zip(self.names(target), coefficients):
            if not (c == name or isinstance(c, gast.Name) and c.id == name):  # a_1 = a_1
                self.pre.append(T.assign(name, _node(c)))

    def simple(self, p):
        """Store a constant operand read several times in a temporary (evaluated once, in
        order), unless it is a name or a literal."""
        if isinstance(p, (gast.Name, gast.Constant)):
            return T.clone(p)
        ident = self.scratch_name()
        self.pre.append(T.assign(ident, p))
        return T.name(ident)

    def operands(self, nodes):
        """The values of several expressions, in Python's order: a constant one that calls a
        function is stored before the next one's statements run."""
        out = []
        for node in nodes:
            p, cs = self.ex(node)
            if cs is None and any(isinstance(n, gast.Call) for n in T.walk(p)):
                p = self.simple(p)
            out.append((p, cs))
        return out

    def elementwise(self, target, p, cs):
        """A value whose coefficient k is expression ``cs[k - 1]``."""
        ident, names = self.result(target, True)
        self.emit(ident, p, cs)
        return T.name(ident), names

    # -- statements ----------------------------------------------------------------------

    def function(self, fdef):
        gen = self.gen
        gen.name = self.namer.fresh_function(
            (fdef.name if fdef.name.isidentifier() else "lambda") + "_taylor",
            gen.func.__globals__)
        gen.slots = self.slots(fdef)
        args = fdef.args
        params = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
        if args.vararg is not None or args.kwarg is not None:
            raise Unsupported("*args")
        coefficient_params = [T.name(c, gast.Param()) for p in gen.active for c in self.names(p)]
        # parameters that are not differentiated but receive differentiated values later
        prologue = [T.assign(c, T.const(0.0)) for p in params
                    if p not in gen.active and self.act.is_name_active(p) for c in self.names(p)]
        body = self.body(fdef.body)
        if not body or not isinstance(body[-1], gast.Return):
            if gen.slots is not None and gen.slots[0] == "tuple":
                raise Unsupported("a function returning tuples or None")
            body += self.s_Return(gast.Return(value=None))
        new_args = T.clone(args)
        new_args.posonlyargs = coefficient_params + new_args.posonlyargs
        fdef.body = self.drop_unused(pipeline._docstring_first(prologue, body))
        fdef.args, fdef.name, fdef.decorator_list, fdef.returns = new_args, gen.name, [], None
        gen.params = params
        pipeline.mark_origins(fdef)
        gen.fdef = fdef

    def drop_unused(self, body):
        """The body without the assignments to temporaries nothing reads (the value of the last
        product of ``x ** 3``, whose primal is ``x ** 3`` itself, or a recurrence's own): they
        compute numbers and call nothing but ``math``."""
        math_name = self.ctx.bind("math", math).id
        while True:
            read = {n.id for s in body for n in T.walk(s)
                    if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}

            def dead(s):
                return isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) \
                    and s.targets[0].id in self.scratch and s.targets[0].id not in read \
                    and all(isinstance(c.func, gast.Attribute) and isinstance(
                        c.func.value, gast.Name) and c.func.value.id == math_name
                        for c in T.walk(s.value) if isinstance(c, gast.Call))

            removed = False

            def sweep(stmts):
                nonlocal removed
                out = []
                for s in stmts:
                    if dead(s):
                        removed = True
                        continue
                    for field in ("body", "orelse"):
                        inner = getattr(s, field, None)
                        if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                            setattr(s, field, sweep(inner) or [gast.Pass()])
                    out.append(s)
                return out

            body = sweep(body)
            if not removed:
                return body

    def slots(self, fdef):
        """The results of ``fdef`` as ("tuple", n) (tuple displays of n values) or
        ("value", 1); None if only calls of user functions decide it."""
        kinds = set()
        for r in activity.own_nodes(fdef):
            if not isinstance(r, gast.Return):
                continue
            v = r.value
            if isinstance(v, gast.Tuple):
                if not v.elts or any(isinstance(e, gast.Starred) for e in v.elts):
                    raise Unsupported("an empty or starred tuple")
                kinds.add(("tuple", len(v.elts)))
            elif not (isinstance(v, gast.Call) and classify(v, self.ctx).kind == "user"):
                kinds.add(("value", 1))
        if len(kinds) > 1:
            raise Unsupported("returns of several shapes")
        return kinds.pop() if kinds else None

    def body(self, stmts):
        out, outer = [], (self.pre, self.reads)
        for s in stmts:
            self.pre, self.reads = [], set()
            method = getattr(self, "s_" + type(s).__name__, None)
            if method is None:
                if any(self.act.is_active(c) for c in T.walk(s) if isinstance(c, gast.expr)):
                    raise Unsupported(type(s).__name__)
                new = [s]
            else:
                new = method(s)
            for n in self.pre + new:
                gast.copy_location(n, s)
            out += self.pre + new
        self.pre, self.reads = outer
        return out or ([gast.Pass()] if stmts else [])  # x = x writes nothing

    def s_Expr(self, s):  # a call for its side effects, a docstring: values only
        return [s]

    s_Pass = s_Break = s_Continue = s_Assert = s_Expr  # tests read values

    def s_If(self, s):
        return [gast.If(test=s.test, body=self.body(s.body), orelse=self.body(s.orelse))]

    def s_While(self, s):
        return [gast.While(test=s.test, body=self.body(s.body), orelse=self.body(s.orelse))]

    def s_For(self, s):
        if self.act.is_active(s.iter):
            raise Unsupported("a loop over active values")
        inits = [T.assign(c, T.const(0.0)) for t in T.walk(s.target)
                 if isinstance(t, gast.Name) and self.act.is_name_active(t.id)
                 for c in self.names(t.id)]
        return [gast.For(target=s.target, iter=s.iter, body=inits + self.body(s.body),
                         orelse=self.body(s.orelse), type_comment=None)]

    def s_AugAssign(self, s):
        return self.s_Assign(gast.Assign(
            targets=[s.target], value=gast.BinOp(left=T.load(s.target), op=s.op, right=s.value),
            type_comment=None))

    def s_AnnAssign(self, s):
        if s.value is None:
            return []
        return self.s_Assign(gast.Assign(targets=[s.target], value=s.value, type_comment=None))

    def s_Assign(self, s):
        targets = s.targets
        if not any(self.act.is_name_active(n.id) for t in targets for n in T.walk(t)
                   if isinstance(n, gast.Name)) and not self.act.is_active(s.value):
            return [s]
        if not all(isinstance(n, gast.Name) for t in targets for n in _flat(t)):
            raise Unsupported("assignment target")
        if len(targets) > 1:  # a = b = value: the value once, then each target
            if not all(isinstance(t, gast.Name) for t in targets):
                raise Unsupported("assignment targets")
            p, cs = self.ex(s.value)
            p = self.simple(p)
            for t in targets:
                self.emit(t.id, T.clone(p), cs if cs is not None else [T.const(0.0)] * self.K)
            return []
        target = targets[0]
        self.reads = {n.id for n in T.walk(s.value) if isinstance(n, gast.Name)}
        if isinstance(target, gast.Name):
            p, cs = self.ex(s.value, target.id)
            if not (isinstance(p, gast.Name) and p.id == target.id):
                self.emit(target.id, p, cs if cs is not None else [T.const(0.0)] * self.K)
            return []
        elts = target.elts
        if not self.act.is_active(s.value):  # constants into active names
            return [s] + [T.assign(c, T.const(0.0)) for e in elts
                          if self.act.is_name_active(e.id) for c in self.names(e.id)]
        if isinstance(s.value, gast.Call):  # a, b = f(x)
            call, n = self.user_call(s.value)
            if n != ("tuple", len(elts)):
                raise Unsupported("unpacking a call")
            return [T.assign(gast.Tuple(elts=[T.name(x, gast.Store()) for e in elts
                                              for x in [e.id] + self.names(e.id)],
                                        ctx=gast.Store()), call)]
        if not isinstance(s.value, gast.Tuple) or len(s.value.elts) != len(elts):
            raise Unsupported("unpacking")
        values = self.operands(s.value.elts)  # all values first, as Python does
        stores, loads = [], []
        for e, (p, cs) in zip(elts, values):
            stores.append(e.id)
            loads.append(p)
            if self.act.is_name_active(e.id):
                stores += self.names(e.id)
                loads += [_node(c) for c in cs] if cs is not None else [T.const(0.0)] * self.K
        return [T.assign(gast.Tuple(elts=[T.name(x, gast.Store()) for x in stores],
                                    ctx=gast.Store()),
                         gast.Tuple(elts=loads, ctx=gast.Load()))]

    def s_Return(self, s):
        kind = self.gen.slots
        v = s.value
        if isinstance(v, gast.Call) and classify(v, self.ctx).kind == "user":
            call, n = self.user_call(v)
            if kind is None:
                kind = self.gen.slots = n
            if n != kind:
                raise Unsupported("returns of several shapes")
            return [gast.Return(value=call)]
        if kind is None:
            raise Unsupported("a result only recursion decides")
        if kind[0] == "tuple" and not isinstance(v, gast.Tuple):  # return, in a function of tuples
            raise Unsupported("a function returning tuples or None")
        values = self.operands(v.elts) if kind[0] == "tuple" \
            else [self.ex(v if v is not None else T.const(None))]
        flat = []
        for p, cs in values:
            flat.append(p)
            flat += [_node(c) for c in cs] if cs is not None else [T.const(0.0)] * self.K
        return [gast.Return(value=gast.Tuple(elts=flat, ctx=gast.Load()))]

    # -- expressions ---------------------------------------------------------------------

    def ex(self, e, target=None):
        """The value (p, cs) of expression ``e``; its statements go to ``self.pre``. An active
        result goes into ``target`` (a name) where it can."""
        if not self.act.is_active(e):
            return e, None
        if isinstance(e, gast.Name):
            if e.id not in self.bound:  # a value assigned later (a loop carries it) or elsewhere
                raise Unsupported("a name read before it is assigned")
            return T.name(e.id), self.names(e.id)
        method = getattr(self, "e_" + type(e).__name__, None)
        if method is None:
            raise Unsupported(type(e).__name__)
        return method(e, target)

    def e_UnaryOp(self, e, target):
        p, cs = self.ex(e.operand)
        if isinstance(e.op, gast.UAdd):
            return p, cs
        if not isinstance(e.op, gast.USub):
            return gast.UnaryOp(op=e.op, operand=p), None
        return self.elementwise(target, gast.UnaryOp(op=gast.USub(), operand=p),
                                [_neg(c) for c in cs])

    def e_BinOp(self, e, target):
        op = type(e.op)
        if _formats(e):  # "%.3f" % y
            raise Unsupported("string formatting")
        a, b = self.operands([e.left, e.right])
        if op is gast.FloorDiv:  # piecewise constant
            return gast.BinOp(left=a[0], op=e.op, right=b[0]), None
        rule = _BINOPS.get(op)
        if rule is None:
            raise Unsupported(op.__name__)
        return rule(self, e, a, b, target)

    def add(self, e, a, b, target, sign=1):
        (pa, ca), (pb, cb) = a, b
        if ca is None:
            ca = [None] * self.K
        if cb is None:
            cb = [None] * self.K
        combine = _plus if sign > 0 else _minus
        return self.elementwise(target, gast.BinOp(left=pa, op=e.op, right=pb),
                                [combine(x, y) for x, y in zip(ca, cb)])

    def sub(self, e, a, b, target):
        return self.add(e, a, b, target, -1)

    def mul(self, e, a, b, target):
        (pa, ca), (pb, cb) = a, b
        if ca is None or cb is None:  # by a constant
            c = self.simple(pa if ca is None else pb)
            pa, pb = (c, pb) if ca is None else (pa, c)
            return self.elementwise(target, gast.BinOp(left=pa, op=e.op, right=pb),
                                    [_times(x, c) for x in (cb if ca is None else ca)])
        ident, names = self.result(target, False)
        self.inline("mul", {"a": a, "b": b}, {}, [[ident] + names])
        return T.name(ident), names

    def div(self, e, a, b, target):
        (pa, ca), (pb, cb) = a, b
        if cb is None:  # by a constant
            c = self.simple(pb)
            return self.elementwise(target, gast.BinOp(left=pa, op=e.op, right=c),
                                    [gast.BinOp(left=T.name(x), op=gast.Div(), right=T.clone(c))
                                     for x in ca])
        if ca is None:
            a = (self.simple(pa), [T.const(0.0)] * self.K)
        ident, names = self.result(target, False)
        self.inline("div", {"a": a, "b": b}, {}, [[ident] + names])
        return T.name(ident), names

    def mod(self, e, a, b, target):
        """x % y = x - y * (x // y), the quotient constant."""
        (pa, ca), (pb, cb) = a, b
        pa, pb = self.simple(pa), self.simple(pb)
        q = self.simple(gast.BinOp(left=pa, op=gast.FloorDiv(), right=pb)) if cb is not None \
            else None
        ca = ca if ca is not None else [None] * self.K
        cb = [_times(c, q) for c in cb] if cb is not None else [None] * self.K
        return self.elementwise(target, gast.BinOp(left=pa, op=e.op, right=pb),
                                [_minus(x, y) for x, y in zip(ca, cb)])

    def pow(self, e, a, b, target, value=None):
        """a ** b; ``value``, the primal call (math.pow, pow) instead of the operator."""
        (pa, ca), (pb, cb) = a, b
        ident, names = self.result(target, False)
        if ca is not None and cb is None and isinstance(pb, gast.Constant) \
                and type(pb.value) in (int, float) and float(pb.value).is_integer() \
                and abs(pb.value) < 2 ** 31:  # by products: exact where the base is 0
            n = int(pb.value)
            power = _by_squaring(self, a, abs(n))
            if n < 0:
                power = self.div(None, (T.const(1.0), None), power, None)
            self.pre.append(T.assign(ident, value or gast.BinOp(left=pa, op=gast.Pow(), right=pb)))
            for name, c in zip(names, power[1] if power else [T.const(0.0)] * self.K):
                self.pre.append(T.assign(name, _node(c)))
            return T.name(ident), names
        pa, pb = self.simple(pa), self.simple(pb)
        self.pre.append(T.assign(ident, value or gast.BinOp(left=pa, op=gast.Pow(), right=pb)))
        if cb is None and isinstance(pb, gast.Constant):  # a literal exponent
            self.inline("pow", {"u": (pa, ca)}, {"y0": ident, "r": pb}, [names])
            return T.name(ident), names
        if cb is None:  # a constant exponent, known when the code runs
            rule = self.ctx.bind("power_coefficients", series._lpow)
            call = T.expr("f([a], r, y)", f=rule, r=pb, y=T.name(ident))
            call.args[0].elts = [pa] + [T.name(c) for c in ca]
            self.pre.append(T.assign(gast.Tuple(
                elts=[T.name(self.ctx.throwaway(), gast.Store())]
                + [T.name(c, gast.Store()) for c in names], ctx=gast.Store()), call))
            return T.name(ident), names
        # a ** u = exp(u log a)
        if ca is None:  # 0 ** u: 0, and so are its coefficients (exp's, with y0 = 0)
            log = self.simple(T.expr("m.log(a) if a else 0.0", m=self.ctx.bind("math", math),
                                     a=T.clone(pa)))
            exponent = self.elementwise(None, gast.BinOp(left=pb, op=gast.Mult(), right=log),
                                        [_times(c, log) for c in cb])
        else:
            exponent = self.mul(gast.BinOp(op=gast.Mult()), b, self.log_of(a), None)
        self.inline("exp", {"u": exponent}, {"y0": ident}, [names])
        return T.name(ident), names

    def e_Compare(self, e, target):  # on the values
        return e, None

    def e_IfExp(self, e, target):
        ident, names = self.result(target, False)
        branches = []
        for branch in (e.body, e.orelse):
            outer, self.pre = self.pre, []
            p, cs = self.ex(branch)
            self.emit(ident, p, cs if cs is not None else [T.const(0.0)] * self.K)
            branches.append(self.pre)
            self.pre = outer
        self.pre.append(gast.If(test=e.test, body=branches[0], orelse=branches[1]))
        return T.name(ident), names

    def e_Call(self, e, target):
        info = classify(e, self.ctx)
        if info.kind == "zero":
            return e, None
        if info.kind == "user":
            call, n = self.user_call(e)
            if n != ("value", 1):
                raise Unsupported("a call returning a tuple")
            ident, names = self.result(target, False)
            self.pre.append(T.assign(gast.Tuple(
                elts=[T.name(x, gast.Store()) for x in [ident] + names], ctx=gast.Store()), call))
            return T.name(ident), names
        func = info.target.func if info.kind == "rule" else None
        if e.keywords or any(isinstance(a, gast.Starred) for a in e.args):
            raise Unsupported("call arguments")
        args = self.operands(e.args)
        if func is builtins.float and len(args) == 1:  # y may hold an int
            p, cs = args[0]
            return self.elementwise(target, gast.Call(func=e.func, args=[p], keywords=[]), cs)
        if func in (math.pow, builtins.pow) and len(args) == 2:
            args = [(self.simple(p), cs) for p, cs in args]
            value = gast.Call(func=e.func, args=[T.clone(p) for p, _ in args], keywords=[])
            return self.pow(e, args[0], args[1], target, value)
        rule = FUNCTIONS.get(func)
        if rule is None or not 1 <= len(args) <= 2 or any(cs is not None for _, cs in args[1:]):
            raise Unsupported(getattr(func, "__name__", "call"))
        u = args[0]
        ident, names = self.result(target, False)
        rest = [self.simple(p) for p, _ in args[1:]]
        self.pre.append(T.assign(ident, gast.Call(func=e.func, args=[u[0]] + rest, keywords=[])))
        rule(self, u, ident, names, *rest)
        return T.name(ident), names

    def user_call(self, e):
        """The call of the coefficient function of a user function, and its slots."""
        info = classify(e, self.ctx)
        if info.kind != "user" or any(isinstance(a, gast.Starred) for a in e.args) \
                or any(k.arg is None for k in e.keywords):
            raise Unsupported("call")
        func = info.target
        code = func.__code__
        params = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
        names = params[:len(e.args)] + [k.arg for k in e.keywords]
        values = self.operands(list(e.args) + [k.value for k in e.keywords])
        values = [(self.simple(p), cs) for p, cs in values]
        given = {n: cs for n, (_, cs) in zip(names, values) if cs is not None}
        if any(n not in params for n in given):
            raise Unsupported("an active argument to *args or **kwargs")
        active = tuple(p for p in params if p in given)
        callee = generate(func, active, self.K)
        ident = self.ctx.callee_name(callee)
        args = [T.name(c) for p in active for c in given[p]]
        args += [p for p, _ in values[:len(e.args)]]
        keywords = [gast.keyword(arg=k.arg, value=p)
                    for k, (p, _) in zip(e.keywords, values[len(e.args):])]
        slots = callee.slots
        if slots is None:
            raise Unsupported("a result only recursion decides")
        return gast.Call(func=T.name(ident), args=args, keywords=keywords), slots

    # -- the rules of functions ----------------------------------------------------------

    def call_value(self, func, p):
        """A temporary holding ``func(p)`` for a math function (a value the rule needs)."""
        ident = self.scratch_name()
        self.pre.append(T.assign(ident, T.expr("m.%s(x)" % func.__name__,
                                               m=self.ctx.bind("math", math), x=T.clone(p))))
        return T.name(ident)

    def inline(self, name, lists, scalars, outputs):
        """Recurrence ``name`` written out: ``lists`` maps its list parameters to values,
        ``scalars`` its others to names or nodes; ``outputs`` gives, for each list it returns,
        the names of coefficients 1..K (or 0..K), or None to drop it."""
        body, out = _recurrence(name, self.K + 1)
        subs = dict(scalars)
        for param, (p, cs) in lists.items():
            for i, c in enumerate([p] + list(cs)):
                subs["%s%d" % (param, i)] = c.id if isinstance(c, gast.Name) else c
        assigned = {s.targets[0].id for s in body}
        results = out.elts if isinstance(out, gast.Tuple) else [out]
        tail = []
        for returned, wanted in zip(results, outputs):
            if wanted is None:
                continue
            elts = returned.elts if len(wanted) > self.K else returned.elts[1:]
            for e, ident in zip(elts, wanted):
                if isinstance(e, gast.Name) and e.id in assigned and e.id not in subs:
                    subs[e.id] = ident
                else:
                    tail.append((ident, e))
        mapped = set(subs)
        for s in body:  # a copy (ju1 = u1) renames
            local, value = s.targets[0].id, s.value
            if isinstance(value, gast.Name) and local not in mapped:
                subs[local] = subs.get(value.id, value.id)
        for local in sorted(assigned - set(subs)):
            subs[local] = self.scratch_name()
        used = {k for k, v in subs.items() if not isinstance(v, str)}  # copied at each use
        self.pre += [T.clone(s, subs, used) for s in body
                     if not (isinstance(s.value, gast.Name) and s.targets[0].id not in mapped)]
        self.pre += [T.assign(ident, T.clone(e, subs, used)) for ident, e in tail]

    def integrate(self, u, g, ident, names):
        """y with y' = g(u) u' (g a value)."""
        self.inline("integrate", {"u": u, "g": g}, {"y0": ident}, [names])

    def log_of(self, u):
        ident = self.temp()
        self.pre.append(T.assign(ident, T.expr("m.log(x)", m=self.ctx.bind("math", math),
                                               x=T.clone(u[0]))))
        names = self.names(ident)
        self.inline("log", {"u": u}, {"y0": ident}, [names])
        return T.name(ident), names

    def scaled(self, u, factor):
        return self.elementwise(None, gast.BinOp(left=u[0], op=gast.Mult(), right=T.const(factor)),
                                [_times(c, T.const(factor)) for c in u[1]])

    def sq(self, u):
        return self.mul(gast.BinOp(op=gast.Mult()), u, u, None)

    def negated(self, u):
        return self.elementwise(None, gast.UnaryOp(op=gast.USub(), operand=T.clone(u[0])),
                                [_neg(x) for x in u[1]])

    def offset(self, u, c):
        """c + u, for a number c."""
        return self.add(gast.BinOp(op=gast.Add()), (T.const(c), None), u, None)


def _by_squaring(em, x, n):
    """x ** n for an int n >= 0 by repeated squaring (None for n = 0)."""
    out, base = None, x
    mult = gast.BinOp(op=gast.Mult())
    while n:
        if n & 1:
            out = base if out is None else em.mul(mult, out, base, None)
        n >>= 1
        if n:
            base = em.mul(mult, base, base, None)
    return out


def _binds(node):
    """The names ``node`` binds: name targets, and the captures of match patterns."""
    out = set()
    for n in T.walk(node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
            out.add(n.id)
        for attr in ("name", "rest"):  # MatchAs, MatchStar, MatchMapping
            if type(n).__name__.startswith("Match") and isinstance(getattr(n, attr, None), str):
                out.add(getattr(n, attr))
    return out


def _node(c):
    return T.name(c) if isinstance(c, str) else c


def _plus(x, y):
    if x is None:
        return _node(y) if y is not None else T.const(0.0)
    return _node(x) if y is None else gast.BinOp(left=_node(x), op=gast.Add(), right=_node(y))


def _minus(x, y):
    if y is None:
        return _node(x) if x is not None else T.const(0.0)
    if x is None:
        return _neg(y)
    return gast.BinOp(left=_node(x), op=gast.Sub(), right=_node(y))


def _neg(x):
    return gast.UnaryOp(op=gast.USub(), operand=_node(x))


def _times(x, c):
    return gast.BinOp(left=_node(x), op=gast.Mult(), right=T.clone(c)) if x is not None \
        else T.const(0.0)


def _flat(target):
    return target.elts if isinstance(target, gast.Tuple) else [target]


_BINOPS = {gast.Add: _Emitter.add, gast.Sub: _Emitter.sub, gast.Mult: _Emitter.mul,
           gast.Div: _Emitter.div, gast.Mod: _Emitter.mod, gast.Pow: _Emitter.pow}


# -- the rule table: y = f(u), y the value the primal call computed ----------------------------
# Each rule writes coefficients 1..K of y (``names``) from the value u (p, coefficients).

def _sincos(which, other, sign):
    """sin/cos (sign -1) or sinh/cosh (sign +1): ``which`` 0 for the first of the pair."""
    def rule(em, u, ident, names):
        v = em.call_value(other, u[0])
        pair = {"s0": ident, "c0": v} if which == 0 else {"s0": v, "c0": ident}
        em.inline("sincos" if sign < 0 else "sinhcosh", {"u": u}, pair,
                  [names, None] if which == 0 else [None, names])
    return rule


def _from_g(g):
    """y' = g(u) u', with ``g(em, u)`` building the value of g."""
    return lambda em, u, ident, names: em.integrate(u, g(em, u), ident, names)


def _reciprocal(em, v):
    return em.div(gast.BinOp(op=gast.Div()), (T.const(1.0), None), v, None)


def _inverse_sqrt(em, v):
    return em.pow(None, v, (T.const(-0.5), None), None)


def _erf_g(em, u):
    """2 / sqrt(pi) exp(-u**2)."""
    minus = em.negated(em.sq(u))
    value = em.call_value(math.exp, minus[0])
    names = em.names(value.id)
    em.inline("exp", {"u": minus}, {"y0": value.id}, [names])
    return em.scaled((value, names), series.TWO_OVER_SQRT_PI)


def _log(em, u, ident, names, base=None, divisor=None):
    """log(u), or log(u) / log(base), or log(u) / divisor (log2, log10)."""
    if base is None and divisor is None:
        return em.inline("log", {"u": u}, {"y0": ident}, [names])
    logs = [em.scratch_name() for _ in names]  # the recurrence does not read its value
    em.inline("log", {"u": u}, {"y0": ident}, [logs])
    divisor = em.call_value(math.log, base) if base is not None else T.const(divisor)
    for name, c in zip(names, logs):
        em.pre.append(T.assign(name, gast.BinOp(left=T.name(c), op=gast.Div(),
                                                right=T.clone(divisor))))


def _linear(factor):
    def rule(em, u, ident, names):
        c = factor(em, u)
        for name, x in zip(names, u[1]):
            em.pre.append(T.assign(name, _times(x, c)))
    return rule


def _sign(em, u):
    """sign(value): 0 where the value is 0 (the first-order convention of |x|)."""
    ident = em.scratch_name()
    em.pre.append(T.assign(ident, T.expr("(x > 0) - (x < 0)", x=T.clone(u[0]))))
    return T.name(ident)


FUNCTIONS = {
    math.exp: lambda em, u, ident, names: em.inline("exp", {"u": u}, {"y0": ident}, [names]),
    math.expm1: lambda em, u, ident, names: em.inline(
        "exp", {"u": u}, {"y0": em.call_value(math.exp, u[0])}, [names]),
    math.log: _log,
    math.log1p: lambda em, u, ident, names: em.inline(
        "log", {"u": (gast.BinOp(left=T.const(1.0), op=gast.Add(), right=u[0]), u[1])},
        {"y0": ident}, [names]),
    math.log2: lambda em, u, ident, names: _log(em, u, ident, names, divisor=LN2),
    math.log10: lambda em, u, ident, names: _log(em, u, ident, names, divisor=LN10),
    math.sqrt: lambda em, u, ident, names: em.inline("sqrt", {"u": u}, {"y0": ident}, [names]),
    math.sin: _sincos(0, math.cos, -1.0),
    math.cos: _sincos(1, math.sin, -1.0),
    math.sinh: _sincos(0, math.cosh, 1.0),
    math.cosh: _sincos(1, math.sinh, 1.0),
    math.tan: lambda em, u, ident, names: em.inline(
        "tan", {"u": u}, {"y0": ident, "sign": T.const(1.0)}, [names]),
    math.tanh: lambda em, u, ident, names: em.inline(
        "tan", {"u": u}, {"y0": ident, "sign": T.const(-1.0)}, [names]),
    # y' = g(u) u'
    math.atan: _from_g(lambda em, u: _reciprocal(em, em.offset(em.sq(u), 1.0))),
    math.atanh: _from_g(lambda em, u: _reciprocal(em, em.offset(em.negated(em.sq(u)), 1.0))),
    math.asin: _from_g(lambda em, u: _inverse_sqrt(em, em.offset(em.negated(em.sq(u)), 1.0))),
    math.acos: _from_g(lambda em, u: em.scaled(
        _inverse_sqrt(em, em.offset(em.negated(em.sq(u)), 1.0)), -1.0)),
    math.asinh: _from_g(lambda em, u: _inverse_sqrt(em, em.offset(em.sq(u), 1.0))),
    math.acosh: _from_g(lambda em, u: _inverse_sqrt(em, em.offset(em.sq(u), -1.0))),
    math.erf: _from_g(_erf_g),
    math.erfc: _from_g(lambda em, u: em.scaled(_erf_g(em, u), -1.0)),
    math.fabs: _linear(_sign),
    builtins.abs: _linear(_sign),
    math.degrees: _linear(lambda em, u: T.const(180.0 / math.pi)),
    math.radians: _linear(lambda em, u: T.const(math.pi / 180.0)),
}
for _name in ("exp2", "cbrt"):
    if hasattr(math, _name):
        FUNCTIONS[getattr(math, _name)] = {
            "exp2": lambda em, u, ident, names: em.inline(
                "exp", {"u": em.scaled(u, LN2)}, {"y0": ident}, [names]),
            "cbrt": lambda em, u, ident, names: em.inline(
                "pow", {"u": u}, {"y0": ident, "r": T.const(1.0 / 3.0)}, [names]),
        }[_name]
