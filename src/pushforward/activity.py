"""activity: which local names carry tangents (an analysis filling a side table, never mutating).

Contract: ``analyse(fdef, ctx, active_params)`` returns an :class:`Activity`. A name is active when
it may hold a value that depends on a differentiated input: the analysis is flow-insensitive
(a name active anywhere is active everywhere in the function, nested functions included), so the
emitter gives an active name a zero tangent wherever it is assigned a constant. Comparisons,
``//``, ``not``, and calls to non-differentiable primitives (``int``, ``len``, ``floor``...)
produce constants. A container is active once an active value is stored into it, here or in a
function it is passed to together with an active value (``fill(out, x)`` with
``def fill(out, v): out[0] = v``).
"""

from __future__ import annotations

import types

import gast

from . import parse
from . import templates as T

from .calls import callee_name, classify, method_kind
from .errors import PushforwardError
from .kinds import value_kinds
from .rules import CONSTANT_ATTRIBUTES, VIEW_FUNCTIONS, VIEW_METHODS


def iteration_parts(it, ctx):
    """How iterating over ``it`` splits into parts: (kind, parts).

    ``("enumerate", [None, X])``, ``("zip", [A, B...])``, ``("items", [None, D])`` or
    ``("plain", [it])``; a None part is a constant (an index, a key).
    """
    if not isinstance(it, gast.Call) or any(k.arg != "start" for k in it.keywords):
        return "plain", [it]
    info = classify(it, ctx)
    if info.kind == "unknown" and info.target is enumerate and it.args \
            and len(it.args) + len(it.keywords) <= 2:
        return "enumerate", [None, it.args[0]]  # enumerate(xs, start=1) too
    if it.keywords:
        return "plain", [it]
    if info.kind == "zero" and getattr(info.target, "func", None) is range:
        return "range", []
    if info.kind == "unknown" and info.target is zip and it.args:
        return "zip", list(it.args)
    if (info.kind == "method" and info.target == "items" and not it.args
            and isinstance(it.func, gast.Attribute)):
        return "items", [None, it.func.value]
    return "plain", [it]


class Activity:
    def __init__(self, ctx, active_params):
        self.ctx = ctx
        self.names = set(active_params)
        self.local_params = {}  # nested def name -> set of active parameter names
        self.local_returns = set()  # nested defs whose result is active
        self.filled = set()  # containers a callee stores active values into
        self._stores = {}  # nested def name -> the names it stores into
        self.written = set()  # names whose objects are stored into, here or by a callee
        self.returns = False

    # -- queries -------------------------------------------------------------------------------
    def is_name_active(self, ident):
        return ident in self.names

    def is_active(self, node) -> bool:
        if node is None:
            return False
        method = getattr(self, "_e_" + type(node).__name__, None)
        if method is not None:
            return method(node)
        return any(self.is_active(c) for c in T.children(node)
                   if isinstance(c, gast.expr))

    def _e_Name(self, node):
        return node.id in self.names and self.ctx.resolution.lookup(node) is None

    def _e_Constant(self, node):
        return False

    _e_Compare = _e_JoinedStr = _e_Lambda = _e_Constant

    def _e_BinOp(self, node):
        if isinstance(node.op, gast.FloorDiv):
            return False
        return self.is_active(node.left) or self.is_active(node.right)

    def _e_UnaryOp(self, node):
        return not isinstance(node.op, (gast.Not, gast.Invert)) and self.is_active(node.operand)

    def _e_Subscript(self, node):
        return self.is_active(node.value)

    def _e_Attribute(self, node):
        if node.attr in CONSTANT_ATTRIBUTES:
            return False
        return self.ctx.resolution.lookup(node) is None and self.is_active(node.value)

    def _e_Dict(self, node):
        return any(self.is_active(v) for v in node.values)

    def _e_Call(self, node):
        info = classify(node, self.ctx)
        args = list(node.args) + [k.value for k in node.keywords]
        if info.kind == "zero":
            return False
        if info.kind == "local":
            return info.target in self.local_returns or self.updates_state(info.target)
        if info.kind == "nested":  # the nested function's result depends on its closure
            return info.target[1] in self.local_returns or any(self.is_active(a) for a in args)
        if info.kind == "method":
            kind, _ = method_kind(info.target)
            if kind in ("zero", "mutate"):
                return False
            # d.get("z", x): a differentiated argument makes the result active too (and the
            # forward pass refuses what it has no rule for)
            return self.is_active(node.func.value) or any(self.is_active(a) for a in args)
        return any(self.is_active(a) for a in args)

    def updates_state(self, name):
        """Whether the nested function ``name`` stores into a container that carries tangents
        (``hist.append(v * x)`` of its caller's list): its calls run its derivative code, even
        where their results are constants."""
        if name not in self._stores:
            self._stores[name] = _stored_roots(self.ctx.local_defs[name])
        return not self._stores[name].isdisjoint(self.names)

    def _e_ListComp(self, node):
        return self.is_active(node.elt)

    _e_GeneratorExp = _e_SetComp = _e_ListComp

    def _e_DictComp(self, node):
        return self.is_active(node.value)

    # -- the fixpoint ----------------------------------------------------------------------------
    def mark(self, target, active):
        """Make the local names stored by ``target`` active (globals stay constants)."""
        if not active:
            return False
        changed = False
        for sub in T.walk(target):
            if isinstance(sub, gast.Name) and isinstance(sub.ctx, gast.Store):
                if sub.id not in self.names and sub.id in self.ctx.resolution.locals:
                    self.names.add(sub.id)
                    changed = True
        return changed

    def mark_root(self, target, active):
        """A store into ``xs[i]`` (or ``xs[i][j]``) makes ``xs`` active."""
        while isinstance(target, (gast.Subscript, gast.Attribute)):
            target = target.value
        if active and isinstance(target, gast.Name) and target.id not in self.names \
                and target.id in self.ctx.resolution.locals:
            self.names.add(target.id)
            return True
        return False

    def assign(self, target, value_active, value=None):
        if isinstance(target, (gast.Tuple, gast.List)) and isinstance(value, (gast.Tuple, gast.List)) \
                and len(target.elts) == len(value.elts) \
                and not any(isinstance(e, gast.Starred) for e in target.elts + value.elts):
            return any([self.assign(t, self.is_active(v), v) for t, v in zip(target.elts, value.elts)])
        if isinstance(target, (gast.Subscript, gast.Attribute)):
            return self.mark_root(target, value_active)
        return self.mark(target, value_active)

    def iterate(self, target, it):
        kind, parts = iteration_parts(it, self.ctx)
        if kind in ("enumerate", "items", "zip") and isinstance(target, (gast.Tuple, gast.List)) \
                and len(target.elts) == len(parts):
            return any([self.iterate(t, p) for t, p in zip(target.elts, parts)])
        changed = self.assign(target, self.is_active(it))
        return self._shares(target, it) or changed  # for row in m: the rows are m's items

    def step(self, nodes, fdef) -> bool:
        changed = False
        for node in nodes:
            if isinstance(node, gast.Assign):
                for t in node.targets:
                    changed |= self.assign(t, self.is_active(node.value), node.value)
                    # ys = xs (or a view, v = xs[1:], r = xs.reshape(2, 2), row = m[1]): one
                    # object under two names; if updates through ys carry tangents, reads
                    # through xs must see them: the two are active together
                    changed |= self._shares(t, node.value)
                    # grid = [row, row]: the rows are grid's items, the same objects; if grid
                    # carries tangents, so do they (or dgrid[0][1] = ... has no list to go to)
                    if isinstance(t, gast.Name) and t.id in self.names \
                            and isinstance(node.value, (gast.List, gast.Tuple)):
                        changed |= self._items_active(node.value.elts)
                # a = b = []: one object under several names, active together
                if len(node.targets) > 1 and any(isinstance(t, gast.Name) and t.id in self.names
                                                 for t in node.targets):
                    changed |= self._items_active(node.targets)
            elif isinstance(node, (gast.AugAssign, gast.AnnAssign)) and node.value is not None:
                changed |= self.assign(node.target, self.is_active(node.value), node.value)
            elif isinstance(node, gast.NamedExpr):
                changed |= self.assign(node.target, self.is_active(node.value))
            elif isinstance(node, (gast.For, gast.comprehension)):
                changed |= self.iterate(node.target, node.iter)
            elif isinstance(node, gast.withitem) and node.optional_vars is not None:
                changed |= self.assign(node.optional_vars, self.is_active(node.context_expr))
            elif isinstance(node, gast.Call):
                changed |= self.call(node)
            elif isinstance(node, gast.FunctionDef) and node is not fdef:
                if node.name not in self.local_returns and any(
                        isinstance(r, gast.Return) and self.is_active(r.value)
                        for r in T.walk(node)):
                    self.local_returns.add(node.name)
                    changed = True
        return changed

    def _shares(self, target, value):
        """``target`` active and bound to ``value``'s object or a part or view of it: the local
        names that hold the object are active too (``ys = xs``, ``v = xs[1:]``, ``r =
        xs.reshape(2, 2)``). Where the object is written through the target, also through
        the parts it unpacks (``b, db = t1``) and the arguments a call returns (``b =
        ident(a)``): those names are written through in turn."""
        active = [n for n in _bound_names(target) if n in self.names]
        if not active:
            return False
        through = not self.written.isdisjoint(active)
        module = _resolved_modules(self.ctx)
        roots = _referred_names(value, module) if isinstance(target, gast.Name) or through else []
        if through and isinstance(value, gast.Call):
            roots += [r for a in _returned_arguments(value, self.ctx)
                      for r in _shared_roots(a, self.ctx)]
        roots = {r for r in roots if r in self.ctx.resolution.locals}
        new = roots - self.names
        self.names |= new
        if through and not roots <= self.written:
            self.written |= roots
            return True
        return bool(new)

    def _items_active(self, elts):
        """The local names among ``elts`` that may hold containers: active."""
        changed = False
        for e in elts:
            if isinstance(e, gast.Name) and e.id not in self.names \
                    and e.id in self.ctx.resolution.locals \
                    and e.id not in value_kinds(self.ctx).scalars:
                self.names.add(e.id)
                changed = True
        return changed

    def call(self, node):
        info = classify(node, self.ctx)
        if info.kind == "method":
            kind, _ = method_kind(info.target)
            if kind == "mutate" and any(self.is_active(a) for a in node.args):
                return self.mark_root(node.func.value, True)
        elif info.kind == "user" and isinstance(info.target, types.FunctionType):
            code = info.target.__code__
            return self._filled(node, code.co_varnames[:code.co_argcount],
                                lambda param: writes_into(info.target, param))
        elif info.kind == "local":
            fdef = self.ctx.local_defs[info.target]
            params = [a.id for a in fdef.args.args]
            changed = self._filled(node, params, lambda param: _writes_in(
                fdef, param, self.ctx.func.__globals__, set()))
            for p, a in zip(params, node.args):
                changed |= self.mark(gast.Name(id=p, ctx=gast.Store(), annotation=None,
                                               type_comment=None), self.is_active(a))
            names = {a.id for a in fdef.args.args + fdef.args.kwonlyargs}
            for k in node.keywords:
                if k.arg in names:
                    changed |= self.mark(gast.Name(id=k.arg, ctx=gast.Store(), annotation=None,
                                                   type_comment=None), self.is_active(k.value))
            return changed
        return False

    def _filled(self, call, positional, writes):
        """Containers passed to a function that stores active values into them (an active
        argument beside them): active. ``positional``: the function's positional parameters."""
        bound = bound_arguments(call, positional)
        if not any(self.is_active(a) for _, a in bound):
            return False
        changed = False
        for param, arg in bound:
            if param is not None and isinstance(arg, (gast.Name, gast.Subscript)) \
                    and not self.is_active(arg) and writes(param):
                changed |= self.mark_root(arg, True)
                self.filled.add(_referred(arg))
                self.written.add(_referred(arg))
        return changed


_WRITES: dict = {}  # (code object, parameter) -> whether the function stores into it


def _referred(node):
    """The local name whose object ``node`` is, or is a part or view of (``xs``, ``xs[1:]``,
    ``m[1]``, ``a.T``, ``a.reshape(2, 2)``, ``np.reshape(a, 4)``); None for a value computed
    anew."""
    names = _referred_names(node)
    return names[0] if names else None


def _referred_names(node, module=lambda name: False):
    """The names ``node`` may be (a part or view of). A call of a view's name is a function's
    (``np.reshape(a, 4)``) where ``module(name)`` says the name it is called on is a module's,
    else a method's (``a.reshape(n, 4)``)."""
    while isinstance(node, (gast.Subscript, gast.Attribute)):
        node = node.value
    if isinstance(node, gast.Name):
        return [node.id]
    if isinstance(node, (gast.Tuple, gast.List)):  # return xs, dxs: both are returned
        return [n for e in node.elts for n in _referred_names(e, module)]
    if not isinstance(node, gast.Call):
        return []
    func = node.func
    method = isinstance(func, gast.Attribute) and not (
        isinstance(func.value, gast.Name) and module(func.value))
    if method and func.attr in VIEW_METHODS:
        return _referred_names(func.value, module)
    if not method and node.args and callee_name(node) in VIEW_FUNCTIONS:
        return _referred_names(node.args[0], module)
    if len(node.args) == 2 and callee_name(node) in ("fit", "members"):  # generated code's
        return _referred_names(node.args[1], module)  # helpers give back their tangent
    return []


def _resolved_modules(ctx):
    """``module(name)`` for _referred_names, in the function being transformed."""
    return lambda name: isinstance(ctx.resolution.lookup(name), types.ModuleType)


def _module_names(namespace):
    """``module(name)`` for _referred_names: whether a Name node is a module's in
    ``namespace`` (a function's globals)."""
    return lambda name: isinstance(namespace.get(name.id), types.ModuleType)


def _shared_roots(node, ctx):
    """The local names whose objects ``node``'s value may be, or be a part or view of: also
    through a call of the user's function that returns (a part of) an argument, ``b =
    ident(a)``."""
    names = _referred_names(node, _resolved_modules(ctx))
    if isinstance(node, gast.Call):
        names += [r for a in _returned_arguments(node, ctx) for r in _shared_roots(a, ctx)]
    return names


_RETURNS: dict = {}  # code object -> the parameters whose objects its returns may be


def _returned_arguments(call, ctx):
    """The arguments of ``call`` whose objects (or parts, or views) the function called, the
    user's or a nested one, may return."""
    info = classify(call, ctx)
    if info.kind == "local":
        fdef = ctx.local_defs[info.target]
        params = [a.id for a in fdef.args.args]
        returned = _returned_names(fdef, _module_names(ctx.func.__globals__))
    elif info.kind == "user" and isinstance(info.target, types.FunctionType):
        code = info.target.__code__
        if code not in _RETURNS:
            try:
                _RETURNS[code] = _returned_names(parse.parse(info.target).node,
                                                 _module_names(info.target.__globals__))
            except PushforwardError:  # the callee's own transformation reports it
                _RETURNS[code] = set()
        params, returned = code.co_varnames[:code.co_argcount], _RETURNS[code]
    else:
        return []
    return [a for p, a in bound_arguments(call, params) if p in returned]


def _returned_names(fdef, module):
    """The names whose objects ``fdef`` may return, through the local names it binds them to
    (``t1 = np.reshape(v, (2, 2)); return t1``: ``v``)."""
    bound, names = {}, set()
    for node in own_nodes(fdef):
        if isinstance(node, gast.Assign):
            parts = _referred_names(node.value, module)
            for name in (n for t in node.targets for n in _bound_names(t)):
                bound.setdefault(name, set()).update(parts)
        elif isinstance(node, gast.Return) and node.value is not None:
            names.update(_referred_names(node.value, module))
    todo = list(names)
    while todo:
        for name in bound.get(todo.pop(), ()):
            if name not in names:
                names.add(name)
                todo.append(name)
    return names


def writes_into(func, param, seen=None):
    """Whether ``func`` stores into the object its parameter ``param`` holds: an item or
    attribute store, a mutating method (``append``), ``param += [...]``, or passing it to a
    function that does."""
    key = (func.__code__, param)
    if key not in _WRITES:
        seen = set() if seen is None else seen
        if key in seen:  # recursion: the other calls decide
            return False
        seen.add(key)
        try:
            fdef = parse.parse(func).node
        except PushforwardError:  # the callee's own transformation reports it
            return False
        _WRITES[key] = _writes_in(fdef, param, func.__globals__, seen)
    return _WRITES[key]


def _writes_in(fdef, param, namespace, seen):
    for node in T.walk(fdef):
        cls = node.__class__
        if cls in (gast.Subscript, gast.Attribute) and node.ctx.__class__ is not gast.Load:
            root = node
            while root.__class__ in (gast.Subscript, gast.Attribute):
                root = root.value
            if root.__class__ is gast.Name and root.id == param:
                return True
        elif cls is gast.AugAssign and node.target.__class__ is gast.Name \
                and node.target.id == param and node.value.__class__ in T.SEQUENCE_DISPLAYS:
            return True  # ys += [v]: extends the list in place
        elif cls is gast.Call:
            func = node.func
            if func.__class__ is gast.Attribute and func.value.__class__ is gast.Name \
                    and func.value.id == param and method_kind(func.attr)[0] == "mutate":
                return True
            callee = namespace.get(func.id) if func.__class__ is gast.Name else None
            if isinstance(callee, types.FunctionType):
                code = callee.__code__
                if any(a.__class__ is gast.Name and a.id == param and p is not None
                       and writes_into(callee, p, seen)
                       for p, a in bound_arguments(node, code.co_varnames[:code.co_argcount])):
                    return True
    return False


def _bound_names(target):
    """The names an assignment target binds: itself, or those it unpacks into."""
    if isinstance(target, gast.Name):
        return [target.id]
    if isinstance(target, (gast.Tuple, gast.List)):
        return [n for e in target.elts for n in _bound_names(e)]
    if isinstance(target, gast.Starred):
        return _bound_names(target.value)
    return []


def _stored_roots(fdef):
    """The names whose objects ``fdef`` stores into: items, attributes, mutating methods, and
    augmented assignments (in place for arrays and lists)."""
    roots = set()
    for node in T.walk(fdef):
        if isinstance(node, (gast.Subscript, gast.Attribute)) \
                and not isinstance(node.ctx, gast.Load):
            roots.add(_referred(node))
        elif isinstance(node, gast.AugAssign):
            roots.add(_referred(node.target))
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
                and method_kind(node.func.attr)[0] == "mutate":
            roots.add(_referred(node.func.value))
    return roots - {None}


def bound_arguments(call, positional):
    """[(parameter, argument)] of a call: positional ones by place, keywords by name (None
    for a ``**kwargs`` argument)."""
    return list(zip(positional, call.args)) + [(k.arg, k.value) for k in call.keywords]


_STEP_NODES = (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.NamedExpr, gast.For,
               gast.comprehension, gast.withitem, gast.Call, gast.FunctionDef)


def analyse(fdef, ctx, active_params) -> Activity:
    act = Activity(ctx, active_params)
    act.written = _stored_roots(fdef)
    nodes = [n for n in T.walk(fdef) if isinstance(n, _STEP_NODES)]
    while act.step(nodes, fdef):
        pass
    act.returns = any(isinstance(r, gast.Return) and act.is_active(r.value)
                      for r in own_nodes(fdef))
    return act


def own_nodes(fdef):
    """Nodes of ``fdef`` outside its nested function definitions."""
    stack = list(fdef.body)
    while stack:
        node = stack.pop()
        yield node
        for child in T.children(node):
            if not isinstance(child, (gast.FunctionDef, gast.Lambda)):
                stack.append(child)
