"""The transformation pipeline: one list of passes, each in its own module.

    parse -> resolve -> normalize -> resolve -> activity, kinds -> forward -> cleanup -> codegen
    -> compile

``transform(func, active)`` returns the :class:`Generated` JVP function of ``func`` for the set of
active (differentiated) parameters, transforming the user functions it calls on the way (each
generated once per activity pattern and cached). Every problem found in the function and its
callees is collected and raised together. ``PUSHFORWARD_DEBUG=1`` prints every stage.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import os
import sysconfig
import types
from dataclasses import dataclass, field

import gast

from . import (activity, batch as vector, calls, cleanup, codegen, errors, forward, loader,
               kinds, normalize, parse, resolve, special)
from . import templates as T
from .naming import Namer
from .rules import MUTATORS

PASSES = ("parse", "resolve", "normalize", "activity", "kinds", "forward", "cleanup", "codegen",
          "compile")


def _dump(stage, node):
    if os.environ.get("PUSHFORWARD_DEBUG"):
        text = node if isinstance(node, str) else codegen.to_source(node)
        print("--- after %s ---\n%s" % (stage, text))


@dataclass
class Generated:
    """A generated JVP function and what callers need to call it."""

    func: object
    active: tuple  # differentiated parameters, in signature order
    name: str
    params: list
    tangent_params: dict  # parameter -> tangent parameter name
    positional: bool  # tangents follow the primal arguments positionally
    cell: types.CellType = field(default_factory=types.CellType)
    fdef: object = None
    source: str = ""
    bindings: dict = field(default_factory=dict)
    callees: list = field(default_factory=list)
    ok: bool = True
    flat: int = 0  # n > 0: returns v1..vn, dv1..dvn instead of ((v1..vn), (dv1..dvn))
    batch: bool = False  # vector mode: helpers that keep a batch axis (pushforward.batch)
    writes: object = None  # whether the code may write into an object in place: see writes()
    namer: object = None
    containers: set = field(default_factory=set)  # names the function indexes or iterates
    floats: set = field(default_factory=set)  # names surely holding floats
    report: object = None  # () -> [(line, col, callee, how it is treated)] for each call
    # Taylor mode: the results of coefficient code for numbers, ("value", 1) or ("tuple", n)
    # (None: the code runs on series objects); problems that concern an entry point only
    slots: tuple = None
    entry_problems: list = field(default_factory=list)

    @property
    def function(self):
        """The compiled JVP function (compiled on first use, with every function it calls)."""
        if not self.compiled:
            self.compile()
        return self.cell.cell_contents

    compiled: bool = False

    def compile(self, seen=None):
        seen = set() if seen is None else seen
        if id(self) in seen:
            return
        seen.add(id(self))
        for callee in self.callees:
            callee.compile(seen)
        if self.compiled:
            return
        tree = None
        if not self.source:
            self.source, tree = codegen.write(self.fdef)
        _dump("codegen", self.source)
        fn = _load(self.fdef, self.source, tree, self.bindings, self.func, self.name,
                   self.namer.tangents.values() if self.namer is not None else ())
        self.cell.cell_contents = fn
        self.compiled = True


_CACHE: dict = {}


def clear_cache():
    _CACHE.clear()


def transient(f):
    """A nested function of code pushforward generated (``inner_jvp``, the twin of a nested
    function differentiated inside differentiated code): a new object at each call of the code
    that defines it, so caching its derivative would only keep it alive."""
    code = getattr(f, "__code__", None)
    return code is not None and bool(f.__closure__) and loader.generated(code.co_filename)


def forget_transient():
    """Drop the generated code of every transient function (see :func:`transient`)."""
    for key in [k for k in _CACHE if transient(k[0])]:
        del _CACHE[key]


@dataclass
class CalleeRef:
    name: str
    positional: bool
    order: list  # active parameters, in the callee's signature order
    tangent_params: dict
    arg_params: list  # the parameter each call argument binds (positional, then keywords)
    flat: int


class Ctx:
    """Per-function state shared by the passes: names, resolution, problems, bindings."""

    def __init__(self, func, fdef, filename, problems, generated):
        self.func, self.filename, self.problems, self.generated = func, filename, problems, generated
        self.batch = generated.batch
        self.fdef = fdef
        self.bindings = generated.bindings
        self.refresh_locals(fdef)
        self.namer = Namer(self.resolution.names | set(func.__code__.co_names))
        self._helpers = {}
        self._throwaway = None
        self.failed = False  # a problem was found in this function or a function it calls
        self._callees = {}  # id(Generated) -> the name it is called by here
        self.kinds = None  # (fdef, kinds.Kinds), kept by kinds.value_kinds

    def refresh_locals(self, fdef):
        self.resolution = resolve.Resolution(self.func, fdef, self.bindings)
        self.local_defs = self.resolution.local_defs

    def problem(self, node, message, hint="", kind=errors.UnsupportedSyntaxError):
        found = errors.Problem.at(kind, message, self.filename, node, hint).in_users_code()
        self.failed = True  # also for a problem already listed (by another call of a callee)
        if found not in self.problems:  # a construct met by two checks is reported once
            self.problems.append(found)

    def bind(self, name, obj):
        """A name node bound, in the generated closure, to ``obj`` (a rule's ``math``, ...);
        in vector mode, to the version of :mod:`pushforward.batch` if there is one."""
        if self.batch:
            obj = vector.HELPERS.get(obj, obj) if callable(obj) else obj
        key = (name, id(obj))
        if key not in self._helpers:
            ident = name
            if ident in self.namer.used and (self._user_value(ident) is not obj
                                             or ident in self.resolution.locals):
                ident = self.namer.fresh(name + "_")
            self.namer.used.add(ident)
            self._helpers[key] = ident
            self.bindings[ident] = obj
        return T.name(self._helpers[key])

    def _user_value(self, ident):
        return self.func.__globals__.get(ident, None)

    def throwaway(self):
        if self._throwaway is None:
            self._throwaway = self.namer.fresh("_")
        return self._throwaway

    def callee(self, func, call, npos, kwnames, pos_active, kw_active):
        code = func.__code__
        positional = list(code.co_varnames[:code.co_argcount])
        kwonly = list(code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount])
        arg_params, active = [], set()
        for i, is_active in enumerate(pos_active):
            if i >= len(positional):
                if is_active:
                    self.problem(call, "a differentiated value passed to %s's *args" % func.__name__,
                                 "give the function a named parameter for it")
                    return None
                arg_params.append(None)
                continue
            arg_params.append(positional[i])
            if is_active:
                active.add(positional[i])
        for k, is_active in zip(kwnames, kw_active):
            if k not in positional + kwonly:
                if is_active:
                    self.problem(call, "a differentiated value passed to %s's **kwargs" % func.__name__,
                                 "give the function a named parameter for it")
                    return None
                arg_params.append(None)
                continue
            arg_params.append(k)
            if is_active:
                active.add(k)
        order = tuple(p for p in positional + kwonly if p in active)
        before = len(self.problems)
        gen = generate(func, order, self.problems, flat=True, caller=self, call=call,
                       batch=self.batch)
        if gen is None or not gen.ok:
            self.failed = True
            found = self.problems[before:]
            # problems the user cannot change, told at the user's call (not at a library's)
            if found and _in_the_standard_library(func) and not _in_the_standard_library(self.func):
                del self.problems[before:]
                name = "%s.%s" % (func.__module__, func.__qualname__)
                self.problem(call, "%s (of the standard library) cannot be differentiated: %s"
                             % (name, found[0].message), "compute without it, or register a "
                             "rule with @pushforward.defjvp(%s)" % name, kind=errors.NoRuleError)
            return None
        return CalleeRef(self.callee_name(gen), gen.positional, list(order), gen.tangent_params,
                         arg_params, gen.flat)

    def callee_name(self, gen):
        """The name the generated code calls ``gen`` by, bound to its function: one per callee,
        and for recursion the function's own."""
        if gen is self.generated:
            ident = gen.name
        elif id(gen) in self._callees:
            ident = self._callees[id(gen)]
        else:
            self.generated.callees.append(gen)
            ident = self._callees[id(gen)] = self.namer.fresh(gen.name)
        self.bindings[ident] = gen.cell
        return ident


_STDLIB = os.path.join(os.path.realpath(sysconfig.get_paths()["stdlib"]), "")


def _in_the_standard_library(func):
    path = os.path.realpath(func.__code__.co_filename)
    return path.startswith(_STDLIB) and "site-packages" not in path


def _plain_signature(args):
    return not (args.defaults or args.kwonlyargs or args.vararg or args.kwarg or args.posonlyargs)


def _flat_returns(fdef):
    """n if every return of ``fdef`` is a tuple display of n values (and it cannot fall off)."""
    returns = [n for n in activity.own_nodes(fdef) if isinstance(n, gast.Return)]
    sizes = {len(r.value.elts) if isinstance(r.value, gast.Tuple)
             and not any(isinstance(e, gast.Starred) for e in r.value.elts) else 0
             for r in returns}
    if len(sizes) != 1 or not fdef.body or not isinstance(fdef.body[-1], gast.Return):
        return 0
    return sizes.pop()


def parse_callee(func, caller, call):
    """``parse.parse(func)``; for a callee (``caller`` given) whose source cannot be read, a
    problem reported where it is called, and None."""
    try:
        return parse.parse(func)
    except errors.SourceUnavailableError as exc:
        if caller is None:
            raise
        caller.problem(call, str(exc), kind=errors.NoRuleError)
        return None


def generate(func, active, problems, flat=False, caller=None, call=None, batch=False):
    """The cached Generated JVP of ``func`` for ``active`` parameters (None if not possible).

    With ``flat``, a function returning tuple displays returns values and tangents in one flat
    tuple (cheaper for callers, which unpack it at once); entry points return pairs. With
    ``batch``, the code is the same and its helpers are vector mode's (tangents may be batches).
    """
    key = (func, tuple(active), flat, batch)
    if key in _CACHE:
        return _CACHE[key]
    parsed = parse_callee(func, caller, call)
    if parsed is None:
        return None
    fdef = parsed.node
    _dump("parse", fdef)
    if flat and not _flat_returns(fdef):  # one generated function serves both conventions
        flat = False
        key = (func, tuple(active), flat, batch)
        if key in _CACHE:
            return _CACHE[key]
    name = func.__name__ if func.__name__ != "<lambda>" else "lambda"
    gen = Generated(func, tuple(active), "", [], {}, _plain_signature(fdef.args), batch=batch)
    _CACHE[key] = gen  # visible to recursive calls while the body is generated
    ctx = Ctx(func, fdef, parsed.filename, problems, gen)
    params = [a.id for a in fdef.args.posonlyargs + fdef.args.args + fdef.args.kwonlyargs]
    suffix = "" if tuple(active) == tuple(params) else "_" + "_".join(active)
    gen.name = ctx.namer.fresh_function(name + "_jvp" + suffix, func.__globals__)
    args = fdef.args
    gen.params = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
    if normalize.run(fdef, ctx, active):
        ctx.refresh_locals(fdef)
    _dump("normalize", fdef)
    act = activity.analyse(fdef, ctx, active)
    gen.report = lambda: _call_report(fdef, ctx, act)  # for ``pushforward check``, on demand
    gen.flat = _flat_returns(fdef) if flat else 0
    gen.namer = ctx.namer
    gen.containers = ctx.resolution.containers
    # known before the body: a recursive call with keywords names them
    gen.tangent_params = {p: ctx.namer.tangent(p) for p in active}
    fw = forward.Forward(ctx, act, gen.flat)
    gen.floats = fw.floats
    body = fw.function(fdef)
    if not body or not isinstance(body[-1], gast.Return):
        body.append(gast.Return(value=T.expr("None, None")))
    # parameters that are not differentiated but receive differentiated values later
    prologue = [T.assign(ctx.namer.tangent(p), fw.zero_of(T.name(p)))
                for p in gen.params if p not in active and act.is_name_active(p)]
    new_args = T.clone(args)
    tparams = [T.name(gen.tangent_params[p], gast.Param()) for p in active]
    if gen.positional:
        new_args.args = new_args.args + tparams
    else:
        new_args.kwonlyargs = new_args.kwonlyargs + tparams
        new_args.kw_defaults = new_args.kw_defaults + [None] * len(tparams)
    out = gast.FunctionDef(name=gen.name, args=new_args, body=_docstring_first(prologue, body),
                           decorator_list=[], returns=None, type_comment=None, type_params=[])
    _dump("forward", out)
    tangent_names = set(ctx.namer.tangents.values()) - set(gen.tangent_params.values())
    out = cleanup.run(out, tangent_names)
    gen.fdef = out
    if ctx.failed:
        gen.ok = False
        del _CACHE[key]
        return gen
    return gen



def _writes(fdef, bindings):
    """Whether generated code may change an object in place (an item or slice store, an
    augmented assignment to one, a mutating method, the ``update`` helper): if not, the
    tangents a caller passes cannot be changed by it."""
    for node in T.walk(fdef):
        if isinstance(node, (gast.Subscript, gast.Attribute)) and isinstance(node.ctx, gast.Store):
            return True
        if isinstance(node, gast.AugAssign) and not isinstance(node.target, gast.Name):
            return True
        if isinstance(node, gast.Call) and (
                isinstance(node.func, gast.Attribute) and node.func.attr in MUTATORS
                or isinstance(node.func, gast.Name)
                and any(bindings.get(node.func.id) is f for f in (special.update, vector.update))):
            return True
    return False


def writes(gen, seen=None):
    """Whether ``gen`` or a function it calls may change an object in place (found on the
    first question: only ``pf.jvp`` with arrays or lists asks)."""
    seen = set() if seen is None else seen
    if id(gen) in seen:
        return False
    seen.add(id(gen))
    if gen.writes is None:
        gen.writes = _writes(gen.fdef, gen.bindings)
    return gen.writes or any(writes(c, seen) for c in gen.callees)


def _call_report(fdef, ctx, act):
    """How each call in the function is treated, for ``pushforward check``."""
    report = []
    for node in T.walk(fdef):
        if not isinstance(node, gast.Call):
            continue
        info = calls.classify(node, ctx)
        name = forward._dotted(node.func) if not isinstance(node.func, gast.Call) \
            else forward._dotted(node.func.func) + "(...)"
        if info.kind == "zero":
            how = "constant: not differentiable"
        elif not act.is_active(node):
            how = "constant: no differentiated argument"
        elif info.kind == "rule":
            how = "differentiated by its rule"
        elif info.kind in ("user", "local"):
            how = "differentiated: transformed too"
        elif info.kind == "nested":
            how = "differentiated: pushforward applied to the nested function's twin"
        elif info.kind == "method" and act.is_active(node.func.value):
            how = "differentiated: method of a differentiated value"
        elif info.kind == "method":
            how = "differentiated when the code runs: the object's method, by pf.jvp"
        else:
            how = "cannot be differentiated"
        report.append((node.lineno, node.col_offset, name, how))
    return sorted(report)


def _load(fdef, source, tree, bindings, func, name, tangents):
    """The function of generated ``source`` (printed from ``fdef``; ``tree``, its parse, if
    the printer made it), with ``func``'s defaults and docstring. The lines of its statements
    that assign only ``tangents`` are registered for ``special.tangent_failed``, which works
    them out if a handler asks."""
    tree = tree or ast.parse(source)  # once, for the notes and the compiler
    fn = loader.load(source, bindings, func, name, codegen.origins(fdef, tree), tree=tree)
    tangents = set(tangents)
    special.TANGENT_LINES[fn.__code__.co_filename] = \
        lambda: codegen.tangent_lines(ast.parse(source).body[0], tangents)
    fn.__defaults__ = func.__defaults__
    fn.__kwdefaults__ = dict(func.__kwdefaults__ or {}) or None
    fn.__doc__ = func.__doc__
    return fn


def mark_origins(fdef):
    """Each statement of a rewritten ``fdef`` that keeps a user's location comes from that
    line: the comment tracebacks show, and where ``errors.at_run_time`` places an error."""
    for s in codegen.statements(fdef):
        if getattr(s, "origin", None) is None and getattr(s, "lineno", None):
            s.origin = s.lineno


def _docstring_first(prologue, body):
    if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[:1] + prologue + body[1:]
    return prologue + body


@contextlib.contextmanager
def no_gc():
    """Transformation allocates many small, acyclic tree nodes: pause the cycle collector,
    whose full passes over a large heap would otherwise dominate the transformation time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def transform(func, active, batch=False):
    """Generate (or fetch) the JVP of ``func``; raise every problem found, together.

    The functions it calls are compiled; ``func``'s own JVP is compiled on first use of
    ``.function`` (``forward_diff`` may only need its seeded variant). ``batch``: the vector-mode
    variant, whose tangents may be :class:`pushforward.batch.Batch` es.
    """
    problems = []
    gen = generate(func, tuple(active), problems, batch=batch)
    errors.raise_problems(problems)
    for callee in gen.callees:
        callee.compile()
    return gen


def seeded(gen, wrt, fallback):
    """A variant of ``gen`` for ``forward_diff``: seeds ``d<wrt> = 1.0`` itself.

    Non-float arguments (ints, lists, arrays) go to ``fallback``, the general path.
    """
    if getattr(gen, "_seeded", None) is not None:
        return gen._seeded
    dname = gen.tangent_params[wrt]
    # copy on write: gen.fdef stays intact for the JVP variant
    args = gen.fdef.args
    kw = [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if a.id != dname]
    args = T.shallow(args, {"args": [a for a in args.args if a.id != dname],
                                   "kwonlyargs": [a for a, _ in kw],
                                   "kw_defaults": [d for _, d in kw]})
    name = gen.func.__name__ if gen.func.__name__ != "<lambda>" else "lambda_"
    fdef = T.shallow(gen.fdef, {"name": name + "_deriv", "args": args})
    bindings = dict(gen.bindings)
    if bindings.get(gen.name) is gen.cell:  # a recursive function: its calls go to the JVP
        gen.compile()
    general = gen.namer.fresh("general_case")
    bindings[general] = fallback
    call = gast.Call(func=T.name(general),
                     args=[T.name(a.id) for a in fdef.args.posonlyargs + fdef.args.args],
                     keywords=[gast.keyword(arg=a.id, value=T.name(a.id)) for a in fdef.args.kwonlyargs])
    if fdef.args.vararg is not None:
        call.args.append(gast.Starred(value=T.name(fdef.args.vararg.id), ctx=gast.Load()))
    if fdef.args.kwarg is not None:
        call.keywords.append(gast.keyword(arg=None, value=T.name(fdef.args.kwarg.id)))
    guard = gast.If(test=T.expr("type(x) is not float", x=T.name(wrt)),
                    body=[gast.Return(value=call)], orelse=[])
    # the seed is the constant 1.0 if it stays one: write it into the tangent code (past the
    # guard, the argument is a float)
    floats = cleanup.Floats(gen.floats | {wrt}, kinds.float_call(bindings, gen.func.__globals__))
    folded = cleanup.fold_unit_seed(fdef, wrt, dname, floats)
    if folded is None:
        seed = [T.assign(dname, T.const(1.0))]
    else:
        fdef, seed = folded, []
    fdef.body = _docstring_first([guard] + seed, fdef.body)
    source, tree = codegen.write(fdef)
    fn = _load(fdef, source, tree, bindings, gen.func, fdef.name, gen.namer.tangents.values())
    gen._seeded = (fn, source)
    return gen._seeded


def all_sources(gen, seen=None):
    """The sources of the functions ``gen`` calls, directly or not (each once)."""
    seen = set() if seen is None else seen
    out = []
    for callee in gen.callees:
        if id(callee) not in seen:
            seen.add(id(callee))
            out.append(callee.source)
            out.extend(all_sources(callee, seen))
    return out
