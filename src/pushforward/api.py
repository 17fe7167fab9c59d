"""The public API: forward_diff, jvp, source. A thin layer over :mod:`pipeline`.

The call path is kept lean: ``forward_diff`` returns the generated function itself (which seeds
its own tangent for a float argument), so calling a decorated function costs one Python call.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import numbers
from collections.abc import Hashable
from copy import deepcopy

import numpy as np

from . import batch as vector
from . import errors, pipeline, series
from .errors import (InputTypeError, SourceUnavailableError,
                     TangentMismatchError, UndefinedNameError, WrtError)
from .special import is_record, rebuild

__all__ = ["forward_diff", "jvp", "jacobian", "derivative", "source", "clear_cache"]

_FORWARD: dict = {}
_JVP: dict = {}  # (f, argument types...) -> call(primals, tangents), see _entry_call
_FAST: dict = {}  # f -> call(primals, tangents) for arguments like those of its first jvp


def clear_cache():
    """Forget every generated function (the next call transforms again)."""
    _FORWARD.clear()
    _JVP.clear()
    _FAST.clear()
    pipeline.clear_cache()
    from . import taylor_mode  # which builds on this module

    taylor_mode.clear_cache()


def _params(f):
    if not inspect.isfunction(f):
        from .rules import RULES

        rule = RULES.get(f) if isinstance(f, Hashable) else None
        if rule is not None:  # pf.jvp(math.sin, ...), or m.sin(x) with a module argument m
            raise SourceUnavailableError(
                "cannot differentiate %s itself: pushforward applies its rule to the calls in "
                "a function's source that it resolves before running, not to pf.jvp(%s, ...) "
                "or to a call through an argument (m.%s(x) with a module m); call %s(...) in "
                "the function you differentiate" % (rule.name, rule.name,
                                                    rule.name.rpartition(".")[2], rule.name))
        raise SourceUnavailableError(
            "cannot differentiate %r: pushforward transforms Python functions defined in a .py "
            "file; for a builtin or C function register a rule with pushforward.defjvp" % (f,))
    code = f.__code__
    n = code.co_argcount + code.co_kwonlyargcount
    return list(code.co_varnames[:n])


def _describe(f):
    """``name (file:line)``: where the user defined ``f``."""
    f = getattr(f, "_pf_method", f)  # a bound method: where its function is
    f = getattr(f, "_pf_origin", f)  # code pushforward wrote for it
    code = f.__code__
    return "%s (%s:%d)" % (f.__qualname__, code.co_filename, code.co_firstlineno)


def _wrt_names(f, wrt):
    params = _params(f)
    if not params:
        raise WrtError("%s has no named parameters: there is nothing to differentiate%s" % (
            _describe(f), " (the values in *args and **kwargs are not differentiated)"
            if f.__code__.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS) else ""))
    single = not isinstance(wrt, (tuple, list))
    items = [wrt] if single else list(wrt)
    if not items:
        raise WrtError("wrt=%r names no parameter: give a name or index of %s's (%s), or a "
                       "tuple of them" % (wrt, _describe(f), ", ".join(params)))
    names = []
    for w in items:
        if w is None and single:
            w = 0
        if isinstance(w, int) and not isinstance(w, bool):
            if not -len(params) <= w < len(params):
                raise WrtError("wrt=%r: %s has %d parameters (%s)"
                               % (w, _describe(f), len(params), ", ".join(params)))
            names.append(params[w])
        elif isinstance(w, str) and w in params:
            names.append(w)
        else:
            raise WrtError("wrt=%r names no parameter of %s; its parameters are: %s"
                           % (w, _describe(f), ", ".join(params)))
    if len(set(names)) != len(names):
        raise WrtError("wrt=%r names a parameter twice" % (wrt,))
    return names, single


# -- structures: floats, ints, lists, tuples, dicts, arrays -----------------------------------

def _leaves(x, path, what):
    """Number of scalar entries of a differentiable input, validating its type."""
    if isinstance(x, bool) or x is None or isinstance(x, (str, bytes)):
        raise InputTypeError("%s is %r: a differentiated input must be a float, an int, an array "
                             "or a list/tuple/dict of them" % (what + path, x))
    if isinstance(x, numbers.Real):
        return 1
    if isinstance(x, np.ndarray):
        return x.size
    if isinstance(x, (list, tuple)):
        return sum(_leaves(v, "%s[%d]" % (path, i), what) for i, v in enumerate(x))
    if isinstance(x, dict):
        return sum(_leaves(v, "%s[%r]" % (path, k), what) for k, v in x.items())
    raise InputTypeError("%s has type %s: a differentiated input must be a float, an int, an "
                         "array or a list/tuple/dict of them" % (what + path, type(x).__name__))


def _by_entry(like, start, leaf):
    """``like`` rebuilt with each number or array ``x`` in it replaced by ``leaf(x, start)``,
    where ``start`` counts the scalar entries before ``x``; and the count after ``like``."""
    if isinstance(like, (list, tuple)):
        out = []
        for v in like:
            d, start = _by_entry(v, start, leaf)
            out.append(d)
        return rebuild(like, out), start
    if isinstance(like, dict):
        out = {}
        for k, v in like.items():
            out[k], start = _by_entry(v, start, leaf)
        return out, start
    n = like.size if isinstance(like, np.ndarray) else 1
    return leaf(like, start), start + n


def _map_leaves(like, fn):
    """``like`` rebuilt with each number or array ``x`` in it replaced by ``fn(x)``."""
    return _by_entry(like, 0, lambda x, _: fn(x))[0]


def _seed(x, seeds):
    """The batch of tangents of input ``x``: its scalar entries' rows of ``seeds`` (one row
    per input entry, one column per tangent of the batch)."""
    def leaf(v, start):
        if isinstance(v, np.ndarray):
            return vector.Batch(seeds[start:start + v.size].T.reshape(seeds.shape[1:] + v.shape))
        return vector.Batch(seeds[start])
    return leaf


def _unseed(jac):
    """The part of ``jac`` (an output's Jacobian, columns on its last axis) that belongs to
    each input entry: ``out.shape + in.shape`` for an array, ``out.shape`` for a number."""
    def leaf(v, start):  # a new, writeable array (jac may be a broadcast view)
        if isinstance(v, np.ndarray):
            part = jac[..., start:start + v.size].reshape(jac.shape[:-1] + v.shape)
            return np.array(part, order="C")
        d = jac[..., start]
        return float(d) if d.ndim == 0 else np.array(d, order="C")
    return leaf


def _map_output(value, tangent, fn):
    """``fn(value, tangent)`` for each leaf of an output and its tangent, in their structure."""
    if isinstance(tangent, (list, tuple)):
        return rebuild(tangent, [_map_output(v, t, fn) for v, t in zip(value, tangent)])
    if isinstance(tangent, dict):
        return {k: _map_output(value[k], t, fn) for k, t in tangent.items()}
    if tangent is None:
        return None
    return fn(value, tangent)


def _columns(value, tangent, n):
    """An output leaf's batch of ``n`` tangents as Jacobian columns: ``value.shape + (n,)``."""
    if isinstance(tangent, vector.Batch):
        a = np.moveaxis(tangent.a, 0, -1)
    else:  # no tangent of the batch reached this output: it is constant
        a = np.asarray(tangent, dtype=float)[..., None]
    return np.broadcast_to(a, np.shape(value) + (n,))


def _call_jvp(gen, bound, tangents):
    fn = gen.function
    if gen.positional:
        return fn(*[bound.arguments[p] for p in gen.params], *[tangents[p] for p in gen.active])
    kwargs = dict(bound.kwargs)
    kwargs.update({gen.tangent_params[p]: tangents[p] for p in gen.active})
    return fn(*bound.args, **kwargs)


def refuse_series_in_closure(f, who):
    """Vector mode (``who``) of a function whose closure holds pf.taylor's series (pf.taylor
    of ``pf.hessian(inner)`` with ``inner`` reading the expanded value): the batch of tangents
    and the series' coefficients would be mixed up (an error at the user's line)."""
    for cell in f.__closure__ or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if _contains(value, (series.Series, series.Taylor)):
            raise errors.at_run_time(
                errors.UnsupportedDerivativeError, "pf.taylor does not follow %s of a nested "
                "function that reads a value it expands" % who, "expand one function of both "
                "values, or differentiate the nested function with pf.derivative of a number")


def _vector_mode(f, names, single, chunk=None, gen=None):
    """``derivative(*args, **kwargs) -> (value, derivative)`` for any inputs, by vector mode:
    every input entry is seeded at once (``chunk`` at a time if given), tangents carry a
    leading batch axis, and each output's Jacobian is split per input. One number (an int, a
    NumPy scalar) goes to ``gen``, the JVP code, with the tangent 1.0."""
    sig = inspect.signature(f)
    gens = []

    def derivative(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        primals = [bound.arguments[n] if n in bound.arguments else sig.parameters[n].default
                   for n in names]
        try:
            total = sum(_leaves(p, "", "argument %r" % n) for n, p in zip(names, primals))
        except InputTypeError as exc:
            raise InputTypeError("calling the derivative of %s: %s" % (_describe(f), exc)) from None
        if gen is not None and single and isinstance(primals[0], numbers.Real):
            value, tangent = _call_jvp(gen, bound, {names[0]: 1.0})
            return value, _map_output(value, tangent, lambda v, t: _as_float(t))
        refuse_series_in_closure(f, "pf.jacobian (or forward_diff with respect to an array)")
        if not gens:
            with pipeline.no_gc():
                gens.append(pipeline.transform(f, tuple(n for n in _params(f) if n in names),
                                               batch=True))
        # the inputs' structure as seeded: a function may append to a list it is given
        seeded = [_map_leaves(p, lambda x: x) for p in primals]
        step = max(1, total if chunk is None else min(chunk, total))  # 0 entries: one pass
        # code that updates its arguments in place runs on copies of them but in the last pass
        copies = step < total and pipeline.writes(gens[0])
        value, parts = None, []
        for lo in range(0, max(total, 1), step):
            hi = min(lo + step, total)
            call = _copy_arguments(bound) if copies and hi < total else bound
            seeds = np.zeros((total, hi - lo))  # input entry lo + k starts tangent k
            seeds[lo + np.arange(hi - lo), np.arange(hi - lo)] = 1.0
            tangents, start = {}, 0
            for n, p in zip(names, primals):
                tangents[n], start = _by_entry(p, start, _seed(p, seeds))
            with vector.size(hi - lo):
                value, tangent = _call_jvp(gens[0], call, tangents)
                parts.append(_map_output(value, tangent, lambda v, t: _columns(v, t, hi - lo)))
        jacobians = _merge(parts)

        def split(_, jac):
            out, start = _Parts(), 0
            for p in seeded:
                d, start = _by_entry(p, start, _unseed(jac))
                out.append(d)
            return out

        per_output = _map_output(value, jacobians, split)
        if single:
            return value, _pick(per_output, 0)
        return value, tuple(_pick(per_output, j) for j in range(len(names)))

    return derivative


def _copy_arguments(bound):
    """``bound`` with its arrays, lists and dicts (and the tuples holding them) copied."""
    return inspect.BoundArguments(bound.signature, {
        k: deepcopy(v) if _contains(v, _MUTABLE) else v for k, v in bound.arguments.items()})


def _merge(trees):
    """Trees of equal structure whose leaves hold Jacobian columns, joined column-wise."""
    first = trees[0]
    if len(trees) == 1 or first is None:
        return first
    if isinstance(first, (list, tuple)):
        return rebuild(first, [_merge([t[i] for t in trees]) for i in range(len(first))])
    if isinstance(first, dict):
        return {k: _merge([t[k] for t in trees]) for k in first}
    return np.concatenate(trees, axis=-1)


def _as_float(t):
    return float(t) if np.ndim(t) == 0 else t


class _Parts(list):
    """One output leaf's derivative, split per differentiated argument."""


def _pick(tree, j):
    """The derivative with respect to argument ``j``, in the output's structure."""
    if isinstance(tree, _Parts):
        return tree[j]
    if isinstance(tree, dict):
        return {k: _pick(v, j) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return rebuild(tree, [_pick(v, j) for v in tree])
    return tree


def _wrap(fn, f):
    """Give ``fn`` the name and docstring of ``f``, and ``f`` itself as ``fn.primal``.

    No ``__wrapped__``: ``inspect.getsource(fn)`` then shows the generated code, as pdb does.
    """
    f = getattr(f, "_pf_method", f)  # a bound method, not the function calling it
    functools.update_wrapper(fn, f)
    del fn.__wrapped__
    fn.primal = f
    return fn


class _Deferred:
    """A decorated function whose callees are not defined yet: transformed at the first call."""

    def __init__(self, f, wrt):
        self._f, self._wrt, self._fn = f, wrt, None
        _wrap(self, f)

    def _build(self):
        if self._fn is None:
            self._fn = _build(self._f, self._wrt)
        return self._fn

    def __call__(self, *args, **kwargs):
        return self._build()(*args, **kwargs)

    @property
    def source(self):
        return self._build().source


def _build(f, wrt):
    with pipeline.no_gc():
        return _build_now(f, wrt)


def _build_now(f, wrt):
    names, single = _wrt_names(f, wrt)
    gen = pipeline.transform(f, tuple(n for n in _params(f) if n in names))
    general = _vector_mode(f, names, single, gen=gen)
    sources = pipeline.all_sources(gen)
    if single and names[0] not in gen.containers:  # a number: the seeded fast path
        fn, src = pipeline.seeded(gen, names[0], general)
    else:  # several inputs, or a list/dict/tuple: all directions at once
        gen.compile()
        fn, src = general, gen.source
    fn = _wrap(fn, f)
    fn.source = "\n\n".join([src] + sources)
    fn.wrt = names[0] if single else tuple(names)
    fn._pf_derivative = (gen, names)  # what differentiating fn again starts from
    return fn


_NESTED: dict = {}


def _as_python(f):
    """``f`` itself, or for a function made by forward_diff, a Python function with source
    that computes the same (value, derivative): ``def f_d(x, y): return f_jvp(x, y, 1.0)``,
    whose own derivative pushforward can then write (a second derivative, a third...); for a
    bound method, see ``_method_caller``."""
    if inspect.ismethod(f) and inspect.isfunction(f.__func__):
        return _method_caller(f)
    made = getattr(f, "_pf_derivative", None)
    if made is None:
        if hasattr(f, "_pf_made"):  # pf.hessian(g), pf.jacobian(g): a wrapper without source
            api, of = f._pf_made
            raise SourceUnavailableError(
                "cannot differentiate the function %s returned for %s: pushforward "
                "differentiates Python functions and those forward_diff and pf.derivative "
                "return; take the derivative of %s you need directly (pf.derivative, "
                "pf.taylor, pf.hvp)" % (api, _describe(of), of.__name__))
        return f
    if f in _NESTED:
        return _NESTED[f]
    gen, names = made
    if len(names) != 1 or _star_params(gen.func):
        raise SourceUnavailableError(
            "differentiating %s again: nested derivatives take one wrt argument and no *args "
            "or **kwargs parameters (pf.hessian and pf.hvp give second derivatives with "
            "respect to several)" % _describe(gen.func))
    gen.compile()
    params, args = _forwarding(gen.func)
    seed = "1.0" if gen.positional else "%s=1.0" % gen.tangent_params[names[0]]
    nested = _with_defaults(_caller(gen, params, args + [seed], names[0]), gen.func)
    if not pipeline.transient(gen.func):
        _NESTED[f] = nested
    return nested


def _forwarding(func, skip=0):
    """``func``'s parameters as source (``x, y=2.0, *rest, k, **kw``) and the arguments that
    pass each of them on (``x, y, *rest, k=k, **kw``), without its first ``skip`` positional
    ones. Defaults are written when they are all numbers, strings or None, for the reader:
    ``_with_defaults`` sets them."""
    code = func.__code__
    n, kw = code.co_argcount, code.co_kwonlyargcount
    positional, kwonly = code.co_varnames[skip:n], code.co_varnames[n:n + kw]
    defaults = dict(zip(reversed(code.co_varnames[:n]), reversed(func.__defaults__ or ())))
    defaults.update(func.__kwdefaults__ or {})
    shown = all(type(v) in (int, bool, str, type(None)) or type(v) is float and math.isfinite(v)
                for v in defaults.values())

    def param(p):
        return "%s=%r" % (p, defaults[p]) if shown and p in defaults else p

    params, args = [param(p) for p in positional], list(positional)
    extra = iter(code.co_varnames[n + kw:])
    if code.co_flags & inspect.CO_VARARGS:
        star = next(extra)
        params.append("*" + star)
        args.append("*" + star)
    elif kwonly:
        params.append("*")
    params += [param(k) for k in kwonly]
    args += ["%s=%s" % (k, k) for k in kwonly]
    if code.co_flags & inspect.CO_VARKEYWORDS:
        star = next(extra)
        params.append("**" + star)
        args.append("**" + star)
    return params, args


def _star_params(func):
    return func.__code__.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)


def _with_defaults(fn, func, skip=0):
    """``fn``, a function written with ``_forwarding(func, skip)``, given ``func``'s defaults
    and docstring."""
    code = func.__code__
    defaults = func.__defaults__ or ()
    fn.__defaults__ = defaults[max(0, len(defaults) - (code.co_argcount - skip)):] or None
    fn.__kwdefaults__ = dict(func.__kwdefaults__ or {}) or None
    fn.__doc__ = func.__doc__
    return fn


def _method_caller(m):
    """For a bound method ``m`` (``model.energy``), a function with source that calls the
    method's function with the instance, a constant: ``def Model_energy(x): return
    energy(self, x)``, with the method's other parameters and defaults."""
    func = m.__func__
    code = func.__code__
    if not code.co_argcount:
        raise SourceUnavailableError("cannot differentiate %r: the method takes no parameter "
                                     "for its instance" % (m,))
    first = code.co_varnames[0]
    params, args = _forwarding(func, skip=1)
    names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    # named after the class (Model_energy): its JVP's name is then not the method's JVP's
    wrapper = func.__qualname__.replace(".<locals>", "").replace(".", "_")
    callee = func.__name__
    while callee in names or callee == wrapper:
        callee += "_"
    source = "def %s(%s):\n    return %s(%s)\n" % (
        wrapper, ", ".join(params), callee, ", ".join([first] + args))
    fn = pipeline.loader.load(source, {callee: func, first: m.__self__}, func, wrapper)
    _with_defaults(fn, func, skip=1)
    fn.__qualname__, fn._pf_method = func.__qualname__, m
    return fn


def _caller(gen, params, args, seeded=None):
    """``def f_d(params): return f_jvp(args)``: a function with source that calls generated
    code, so that pushforward can differentiate it in turn. ``seeded``: the parameter whose
    tangent is the seed 1.0, which only a number can take (a list's derivative is a vector
    mode pass, not code pushforward can differentiate again)."""
    name = (gen.func.__name__ if gen.func.__name__.isidentifier() else "lambda") + "_d"
    guard = ""
    if seeded is not None:
        guard = ("    if isinstance(%s, CONTAINERS):\n        raise not_a_number(%r, %s)\n"
                 % (seeded, seeded, seeded))
    source = "def %s(%s):\n%s    return %s(%s)\n" % (name, ", ".join(params), guard, gen.name,
                                                      ", ".join(args))
    bindings = {gen.name: gen.cell, "CONTAINERS": (list, tuple, dict, np.ndarray),
                "not_a_number": functools.partial(_not_a_number, gen.func)}
    return pipeline.loader.load(source, bindings, gen.func, name)


def _not_a_number(func, name, value):
    return InputTypeError(
        "differentiating the derivative of %s again (it is called in differentiated code, or "
        "nested): its argument %r is a %s; nested derivatives take a number there (use "
        "pf.hessian or pf.hvp for second derivatives of arrays)"
        % (_describe(func), name, type(value).__name__))


def forward_diff(f=None, *, wrt=None):
    """Differentiate ``f`` with respect to one argument (default: the first) or several.

    Calling the result returns ``(value, derivative)`` computed in one pass: the value is
    exactly ``f(*args)``; the derivative has the structure of the output (for a float input),
    or, for a list/tuple/dict/array input, the output's structure of the input's structure.
    A tuple ``wrt`` gives a tuple with one derivative per argument::

        @pf.forward_diff
        def f(x, y):
            return x * y + math.exp(x * y)

        value, dfdx = f(1.0, 2.0)
        value, (dx, dy) = pf.forward_diff(f.primal, wrt=("x", "y"))(1.0, 2.0)

    ``wrt`` is a parameter name, an index, or a tuple of them. The generated code is in
    ``.source``, the original function in ``.primal``.
    """
    if f is None:
        return lambda g: forward_diff(g, wrt=wrt)
    f = _as_python(f)
    if not all(isinstance(w, (str, int, type(None)))
               for w in (wrt if isinstance(wrt, (tuple, list)) else [wrt])):
        raise WrtError("wrt=%r: give a parameter's name or index, or a tuple of them" % (wrt,))
    key = (f, wrt if not isinstance(wrt, list) else tuple(wrt))
    cached = _FORWARD.get(key)
    if cached is not None:
        return cached
    try:
        fn = _build(f, wrt)
    except UndefinedNameError as exc:
        if not all(p.kind is UndefinedNameError for p in exc.problems):
            raise
        fn = _Deferred(f, wrt)  # a callee defined later in the module: try again when called
        return fn
    if pipeline.transient(f):  # made anew at each call of the code that defines it: keep nothing
        pipeline.forget_transient()
    else:
        _FORWARD[key] = fn
    return fn


def jacobian(f, wrt=None, *, chunk=None):
    """The Jacobian of ``f`` as a function: ``pf.jacobian(f)(x)`` has shape
    ``out.shape + in.shape`` for an array input (a tuple of them for a tuple ``wrt``)::

        J = pf.jacobian(f)(x)                 # all columns in one vectorised pass
        J = pf.jacobian(f, chunk=64)(x)       # 64 columns per pass: bounded memory

    All the columns are computed together: the generated code runs once, with tangents that
    carry a leading batch axis of one basis direction per input entry. ``chunk`` bounds that
    axis, for inputs so large that the batch of tangents would not fit in memory.
    """
    if chunk is not None and (not isinstance(chunk, int) or isinstance(chunk, bool) or chunk < 1):
        raise WrtError("chunk=%r: the number of columns per pass is a positive int" % (chunk,))
    f = _as_python(f)
    names, single = _wrt_names(f, wrt)
    engine = _vector_mode(f, names, single, chunk)

    @functools.wraps(f)
    def jac(*args, **kwargs):
        return engine(*args, **kwargs)[1]

    del jac.__wrapped__
    jac._pf_made = ("pf.jacobian", f)
    return jac


def derivative(f, order=1, wrt=None):
    """The ``order``-th derivative of ``f`` with respect to one float argument (``wrt``: its
    name or index, alone or in a tuple), as a function::

        d2 = pf.derivative(f, order=2)
        d2(0.5)   # f''(0.5)

    Each order differentiates the code written for the previous one (``forward_diff`` nested
    ``order`` times), so the cost doubles with each order; ``pf.taylor`` serves high orders.
    """
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise WrtError("order=%r: the order of a derivative is a positive int" % (order,))
    if isinstance(wrt, tuple) and len(wrt) == 1:  # the one argument, named in a tuple
        wrt = wrt[0]
    g = f
    for _ in range(order):
        g = forward_diff(g, wrt=wrt)
    python = _as_python(f)
    if getattr(g, "_pf_derivative", None) is not None and not _star_params(python):
        nth = _picker(python, g, order)
    else:  # *args or **kwargs, or callees not defined yet: not differentiated again
        @functools.wraps(f)
        def nth(*args, **kwargs):
            out = g(*args, **kwargs)
            for _ in range(order):
                out = out[1]
            return out

        nth._pf_made = ("pf.derivative", f)
    nth.source = g.source
    return nth


def _picker(f, g, order):
    """``def f_d2(x, y): return f_deriv(x, y)[1][1]``: the derivative ``g`` of ``f`` picked
    out of its (value, derivative) pairs by a function with source, which pushforward can
    differentiate again (pf.derivative(pf.derivative(f, order=2)), pf.taylor of it)."""
    name = (f.__name__ if f.__name__.isidentifier() else "lambda") + "_d%d" % order
    params, args = _forwarding(f)
    callee = "derivative_of_" + name
    while callee in f.__code__.co_varnames:
        callee += "_"
    source = "def %s(%s):\n    return %s(%s)%s\n" % (name, ", ".join(params), callee,
                                                      ", ".join(args), "[1]" * order)
    return _with_defaults(pipeline.loader.load(source, {callee: g}, f, name), f)


def source(f, wrt=None):
    """The generated Python source of ``forward_diff(f, wrt=wrt)``, as a string."""
    return forward_diff(f, wrt=wrt).source


def _check_item(p, t, path, thorough=False):
    """An item of a tangent: None holds a whole argument constant, not a part of one."""
    if t is None:
        raise TangentMismatchError("tangent%s is None: a part of an argument's tangent is a "
                                   "number (0.0 holds it constant); None holds a whole "
                                   "argument constant" % path)
    _check_tangent(p, t, path, thorough)


def _check_tangent(p, t, path, thorough=False):
    """Raise TangentMismatchError unless ``t`` has the structure of ``p``.

    Cheap on the common case (a list of floats: its length is checked, not every element),
    since it runs on every ``jvp`` call; ``thorough`` checks every element (after a
    TypeError, see ``_recheck``).
    """
    if t is None:
        return
    if type(p) is list and type(t) is list and len(p) == len(t) and (not p or type(p[0]) is float) \
            and not thorough:
        return  # the common case, first
    if isinstance(p, (list, tuple)):
        if not isinstance(t, (list, tuple)) or len(t) != len(p):
            raise TangentMismatchError("tangent%s should be a sequence of length %d like its primal, "
                                       "got %r" % (path, len(p), t))
        if p and type(p[0]) is float and not thorough:
            return
        for i, (a, b) in enumerate(zip(p, t)):
            _check_item(a, b, "%s[%d]" % (path, i), thorough)
    elif isinstance(p, dict):
        if not isinstance(t, dict) or set(t) != set(p):
            raise TangentMismatchError("tangent%s should be a dict with keys %s like its primal"
                                       % (path, sorted(map(repr, p))))
        for k in p:
            _check_item(p[k], t[k], "%s[%r]" % (path, k), thorough)
    elif isinstance(p, np.ndarray):
        if np.shape(t) != p.shape:
            raise TangentMismatchError("tangent%s has shape %s; its primal has shape %s"
                                       % (path, np.shape(t), p.shape))
    elif isinstance(p, numbers.Real) and not isinstance(p, bool):
        if not (isinstance(t, numbers.Real)
                or isinstance(t, (np.ndarray, np.generic)) and np.shape(t) == ()):
            raise TangentMismatchError("tangent%s should be a number like its primal %r, got %r"
                                       % (path, p, t))
    else:
        _leaves(p, path, "primal")


def _contains(x, kind):
    """Whether ``x``, or a member of its lists, tuples and dicts at any depth, is a ``kind``."""
    if isinstance(x, kind):
        return True
    if isinstance(x, dict):
        x = list(x.values())
    return isinstance(x, (list, tuple)) and any(_contains(v, kind) for v in x)


def _keyed(x):
    """Whether ``x`` holds a dict or a namedtuple, at any depth: the generated code pairs a
    dict's keys by position and reads a namedtuple's fields by name, so their tangents are
    rebuilt like them (``_order_like``)."""
    if isinstance(x, dict) or is_record(type(x)):
        return True
    return isinstance(x, (list, tuple)) and any(_keyed(v) for v in x)


def _order_like(p, t):
    """``t`` with its dicts' keys in the order of ``p``'s, and its tuples of the types of
    ``p``'s, namedtuples (None stays None)."""
    if t is None:
        return None
    if isinstance(p, dict):
        return {k: _order_like(p[k], t[k]) for k in p}
    if isinstance(p, (list, tuple)):
        return rebuild(p, [_order_like(a, b) for a, b in zip(p, t)])
    return t


def jvp(f, primals, tangents):
    """``(f(*primals), J @ tangents)`` in one pass: the Jacobian-vector product.

    ``tangents`` has one entry per primal, with the primal's structure; an entry of None holds
    that argument constant::

        value, tangent = pf.jvp(f, (3.0, 4.0), (1.0, None))   # d f / d x at (3, 4)
    """
    fast = _FAST.get(f)
    if fast is not None:  # its code checks that the arguments are like those of its first call
        return fast(primals, tangents)
    return _jvp_typed(f, primals, tangents)


def _jvp_typed(f, primals, tangents):
    """jvp through the cache keyed by the types of the arguments."""
    with _about("jvp", f):
        _sequences(primals, tangents)
    key = (f,) + tuple(map(type, primals)) + (None,) + tuple(map(type, tangents))
    call = _JVP.get(key)
    if call is None or len(primals) != len(tangents):
        with _about("jvp", f):
            call, fast = _jvp_entry(f, tuple(primals), tuple(tangents))
        if pipeline.transient(f):
            pipeline.forget_transient()
        else:
            _JVP[key] = call
            if fast is not None:
                _FAST.setdefault(f, fast)
    return call(primals, tangents)


def _sequences(primals, tangents, what="tangents"):
    """Raise unless ``primals`` and ``tangents`` (or directions: ``what``) are tuples or
    lists, one entry per argument (jvp, pf.taylor, pf.hvp)."""
    for name, given, error in (("primals", primals, InputTypeError),
                               (what, tangents, TangentMismatchError)):
        if not isinstance(given, (tuple, list)):
            raise error("%s should be a tuple with one entry per argument, got %r"
                        % (name, given))


@contextlib.contextmanager
def _about(who, f):
    """Errors about the arguments of ``who`` of ``f`` (jvp, taylor, hvp) name both."""
    try:
        yield
    except (TangentMismatchError, InputTypeError) as exc:
        raise type(exc)("%s of %s: %s" % (who, _describe(f), exc)) from None


def _jvp_entry(f, primals, tangents):
    """The calls of the JVP code of ``f`` for arguments like these: the one that checks the
    tangents, and the fast one that checks their types (None if the guard cannot be written)."""
    f = _as_python(f)
    if len(primals) != len(tangents):
        raise TangentMismatchError("jvp got %d primals and %d tangents: give one tangent (or "
                                   "None) per primal" % (len(primals), len(tangents)))
    params = _params(f)
    _check_positional(f, primals, tangents)
    active_idx = [i for i, t in enumerate(tangents) if t is not None]
    for i in active_idx:
        _leaves(primals[i], "", "primal %d" % i)
        _check_tangent(primals[i], tangents[i], "[%d]" % i)
    with pipeline.no_gc():
        gen = pipeline.transform(f, tuple(params[i] for i in active_idx))
        gen.compile()
    scalar = (float, int)
    copy = pipeline.writes(gen) and any(_contains(tangents[i], _MUTABLE) for i in active_idx)
    check = None
    if not all(type(primals[i]) in scalar and type(tangents[i]) in scalar for i in active_idx):
        check = functools.partial(_checked, f, order=any(_keyed(primals[i]) for i in active_idx),
                                  copy=copy)
    n = len(primals)
    call = _entry_call(gen, n, active_idx, check)
    guards = [_guard(i, primals[i], tangents[i]) for i in range(n)]
    if not n or None in guards:
        return call, None
    copied = {i for i in active_idx if copy and type(tangents[i]) in (np.ndarray, list)}
    fast = _entry_call(gen, n, active_idx, None,
                       (guards, copied, functools.partial(_jvp_typed, f)))
    return call, fast


def _recheck(f, primals, tangents):
    """After a TypeError in the JVP of ``f``: a tangent the quick checks let through (a None
    or a string in a list of floats) is named, instead of the error it caused."""
    for i, (p, t) in enumerate(zip(primals, tangents)):
        try:
            _check_tangent(p, t, "[%d]" % i, thorough=True)
        except TangentMismatchError as exc:
            raise TangentMismatchError("jvp of %s: %s" % (_describe(f), exc)) from None


def _check_positional(f, primals, tangents, who="jvp"):
    """jvp (or ``who``) passes the primals by position: they must fit ``f``'s positional
    parameters, and those that go to its ``*args`` are constants (None tangents)."""
    code = f.__code__
    positional = code.co_varnames[:code.co_argcount]
    required = positional[:len(positional) - len(f.__defaults__ or ())]
    if len(primals) < len(required):
        raise TangentMismatchError(
            "%s needs a primal for each parameter without a default (%s), %s got %d"
            % (f.__qualname__, ", ".join(required), who, len(primals)))
    if code.co_flags & inspect.CO_VARARGS:
        star = code.co_varnames[code.co_argcount + code.co_kwonlyargcount]
        given = [i for i in range(len(positional), len(primals)) if tangents[i] is not None]
        if given:
            raise TangentMismatchError(
                "primal %d goes to *%s, whose values pushforward does not differentiate: give it "
                "the tangent None, or give %s a named parameter for it"
                % (given[0], star, f.__qualname__))
    elif len(primals) > len(positional):
        kwonly = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
        raise TangentMismatchError(
            "%s takes %d positional argument%s (%s), %s got %d primals%s"
            % (f.__qualname__, len(positional), "" if len(positional) == 1 else "s",
               ", ".join(positional) or "none", who, len(primals),
               "; %s passes primals by position, and keyword-only parameters (%s) keep their "
               "defaults: differentiate along one with functools.partial or a lambda"
               % (who, ", ".join(kwonly)) if kwonly else ""))


def _guard(i, p, t):
    """A test that argument ``i`` and its tangent ``t{i}`` are of the kinds of ``p`` and ``t``,
    as Python source, if ``p`` is a number, an array or a list of floats."""
    if t is None:
        return "t%d is None" % i
    if type(p) in (float, int) and type(t) in (float, int):
        return "type(p%d) is %s and type(t%d) is %s" % (i, type(p).__name__, i, type(t).__name__)
    if type(p) is np.ndarray and type(t) is np.ndarray:
        return "type(p%d) is ndarray and type(t%d) is ndarray and p%d.shape == t%d.shape" % (
            (i,) * 4)
    if type(p) is list and type(t) is list and p and all(type(v) is float for v in p):
        return ("type(p%d) is list and type(t%d) is list and len(p%d) == len(t%d) "
                "and type(p%d[0]) is float" % ((i,) * 5))
    return None


def _checked(f, p, t, path, order=False, copy=False):
    """``t``, the tangent of primal ``p`` of ``jvp(f, ...)``; raises TangentMismatchError
    unless their structures agree. ``order``: with its dicts' keys in ``p``'s order (generated
    code pairs keys by position); ``copy``: its arrays, lists and dicts copied (the generated
    code updates tangents in place where the primal is, and never the caller's)."""
    try:
        _check_tangent(p, t, path)
    except TangentMismatchError as exc:
        raise TangentMismatchError("jvp of %s: %s" % (_describe(f), exc)) from None
    if order:
        t = _order_like(p, t)
    return _fresh(t) if copy else t


_MUTABLE = (np.ndarray, list, dict)


def _fresh(t):
    """``t`` with its arrays, lists and dicts copied, at any depth."""
    return _map_leaves(t, lambda v: _own(v) if isinstance(v, np.ndarray) else v)


def _own(t):
    """A copy of a tangent array or list the generated code may update in place: an int array
    becomes a float one (``dy *= 0.5`` in place would truncate it)."""
    if isinstance(t, np.ndarray) and t.dtype.kind in "biu":
        return t.astype(float)
    return t.copy()


def _entry_call(gen, n, active_idx, check, guarded=None):
    """``call(primals, tangents)``: unpacks both and calls the JVP with plain arguments (no
    ``*args``, whose call is several times slower than the JVP of a small function). For
    tangents other than numbers, each call checks them (``check``, see ``_checked``)::

        def rosenbrock_jvp_call(primals, tangents):
            p0, = primals
            return rosenbrock_jvp(p0, check(p0, tangents[0], '[0]'))

    With ``guarded`` = (guards, copied, general), it tests the arguments instead (``guards``,
    see ``_guard``), copies the array tangents whose indices are in ``copied``, and calls
    ``general(primals, tangents)`` for arguments unlike the ones it was made for::

        def rosenbrock_jvp_fast(primals, tangents):
            try:
                same = len(primals) == 1 == len(tangents)
            except TypeError:  # not sequences: the general path says so
                same = False
            if same:
                p0, = primals
                t0, = tangents
                if type(p0) is list and type(t0) is list and len(p0) == len(t0) and ...:
                    return rosenbrock_jvp(p0, t0)
            return general(primals, tangents)
    """
    args = ["p%d" % i for i in range(n)]
    if guarded:
        guards, copied, general = guarded
        tangents = [("own(t%d)" if i in copied else "t%d") % i for i in active_idx]
    else:
        tangents = ["tangents[%d]" % i for i in active_idx]
        if check is not None:
            tangents = ["check(p%d, %s, '[%d]')" % (i, t, i) for i, t in zip(active_idx, tangents)]
    if gen.positional and n == len(gen.params):
        args += tangents
    else:
        names = [gen.tangent_params[p] for p in gen.active]
        args += ["%s=%s" % (name, t) for name, t in zip(names, tangents)]
    unpack = "%s, = primals\n" % ", ".join(args[:n]) if n else ""
    call = ("try:\n    return %s(%s)\nexcept TypeError:  # a tangent the quick checks let "
            "through?\n    recheck(primals, tangents)\n    raise\n") % (gen.name, ", ".join(args))
    bindings = {gen.name: gen.cell, "check": check,
                "recheck": functools.partial(_recheck, gen.func), "TypeError": TypeError}
    if guarded:
        bindings.update(general=general, float=float, int=int, list=list, ndarray=np.ndarray,
                        type=type, len=len, own=_own)
        name = gen.name + "_fast"
        body = ("try:\n    same = len(primals) == %d == len(tangents)\n"
                "except TypeError:  # not sequences: the general path says so\n"
                "    same = False\n"
                "if same:\n    %s    %s = tangents\n"
                "    if %s:\n%s"
                "return general(primals, tangents)\n") % (
            n, unpack, ", ".join("t%d" % i for i in range(n)) + ",",
            " and ".join(guards) or "True", "".join("        " + line
                                                     for line in call.splitlines(True)))
    else:
        name = gen.name + "_call"
        body = unpack + call
    source = "def %s(primals, tangents):\n%s" % (
        name, "".join("    " + line for line in body.splitlines(True)))
    return pipeline.loader.load(source, bindings, gen.func, name)
