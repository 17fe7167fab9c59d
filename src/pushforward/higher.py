"""Second derivatives by forward over forward: ``hessian`` and ``hvp``.

pushforward writes the JVP of ``f``, ``f_jvp(x, dx)``, then the JVP of that code with respect
to ``x`` (the tangent ``dx`` held constant): ``f_jvp_jvp(x, dx, ddx)``, whose second-order
part is ``f''(x)[dx, ddx]``. Both run in vector mode with one batch axis shared by ``dx`` and
``ddx``: seeding pairs of basis directions ``(e_i, e_j)`` gives every Hessian entry in one pass,
and seeding ``(e_i, v)`` gives the Hessian-vector product, without forming the Hessian.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from . import api, pipeline
from . import batch as vector
from .errors import TangentMismatchError, WrtError

_SECOND: dict = {}


def _second_order(f, active):
    """``run(args, dxs, ddxs) -> (value, second)``: ``second`` is ``f''(x)[dx, ddx]`` for the
    ``active`` parameters' tangents ``dxs`` and ``ddxs`` (batches of one size)."""
    key = (f, active)
    if key in _SECOND:
        return _SECOND[key]
    with pipeline.no_gc():
        inner = pipeline.transform(f, active, batch=True)
        inner.compile()
        # def f_d(x, y, dx): return f_jvp(x, y, dx), a function with source to differentiate
        params = inner.params + [inner.tangent_params[p] for p in active]
        first = api._caller(inner, params, params if inner.positional
                            else ["%s=%s" % (p, p) for p in params])
        outer = pipeline.transform(first, active, batch=True)
        fn = outer.function
    n = len(inner.params)

    def run(args, dxs, ddxs):
        api.refuse_series_in_closure(f, "pf.hessian or pf.hvp")
        (value, _), (_, second) = fn(*args[:n], *dxs, *ddxs)
        return value, second

    _SECOND[key] = run
    return run


def _bind(f, args, kwargs):
    sig = inspect.signature(f)
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    return [bound.arguments[p] for p in sig.parameters]


def _pairs(x, rows, cols):
    """Batches of tangents for ``x`` seeded with the basis directions ``rows`` and ``cols``
    (one pair of entry indices per tangent of the batch)."""
    seeds = np.zeros((len(rows), np.size(x)))
    k = np.arange(len(rows))
    first, second = seeds.copy(), seeds
    first[k, rows] = 1.0
    second[k, cols] = 1.0
    shape = (len(rows),) + np.shape(x)
    return vector.Batch(first.reshape(shape)), vector.Batch(second.reshape(shape))


def hessian(f, wrt=None):
    """The Hessian of ``f`` with respect to one argument, as a function::

        H = pf.hessian(f)(x)     # shape x.shape + x.shape for a scalar f

    (``out.shape + x.shape + x.shape`` for an array output; a float for a float ``x``). Every
    entry comes from one pass of forward-over-forward code: the pairs ``(e_i, e_j)`` with
    ``i <= j`` are seeded at once, and the symmetric entries copied.
    """
    f = api._as_python(f)
    names, single = api._wrt_names(f, wrt)
    if not single:
        raise WrtError("pf.hessian takes one wrt argument, got wrt=%r" % (wrt,))
    params = api._params(f)
    w = params.index(names[0])

    @functools.wraps(f)
    def hess(*args, **kwargs):
        values = _bind(f, args, kwargs)
        x = values[w]
        if not isinstance(x, (float, int, np.ndarray)) or isinstance(x, bool):
            raise api.InputTypeError("pf.hessian of %s: argument %r is %r; the Hessian is "
                                     "taken with respect to a float or an array"
                                     % (api._describe(f), names[0], type(x).__name__))
        run = _second_order(f, (names[0],))
        n = int(np.size(x))
        rows, cols = np.triu_indices(n)
        dx, ddx = _pairs(np.asarray(x, dtype=float), rows, cols)
        if not isinstance(x, np.ndarray):
            dx, ddx = vector.Batch(dx.a.reshape(-1)), vector.Batch(ddx.a.reshape(-1))
        with vector.size(len(rows)):
            value, second = run(values, [dx], [ddx])
        if isinstance(value, (list, tuple, dict)) or value is None:
            raise api.InputTypeError(
                "pf.hessian of %s: f returned a %s; the Hessian is of a number or an array "
                "(return np.array([...]), or take the Hessian of each output)"
                % (api._describe(f), type(value).__name__))
        entries = api._columns(value, second, len(rows))  # out.shape + (pairs,)
        out = np.empty(np.shape(value) + (n, n))
        out[..., rows, cols] = entries
        out[..., cols, rows] = entries
        out = out.reshape(np.shape(value) + np.shape(x) + np.shape(x))
        return float(out) if out.ndim == 0 else out

    del hess.__wrapped__
    hess._pf_made = ("pf.hessian", f)
    return hess


def hvp(f, primals, tangents):
    """The Hessian-vector product of a scalar ``f``, shaped like ``primals``::

        pf.hvp(f, (x,), (v,))    # H(x) @ v, without forming H

    A tangent of None holds that argument constant (its entry of the result is None). One pass
    of forward-over-forward code, seeded with ``(e_i, v)`` for every entry ``i`` of the
    differentiated arguments: the cost of a gradient by vector mode, a few times over.
    """
    f = api._as_python(f)
    params = api._params(f)
    with api._about("hvp", f):
        api._sequences(primals, tangents)
        primals, tangents = tuple(primals), tuple(tangents)
        if len(primals) != len(tangents):
            raise TangentMismatchError("give one tangent (or None) per primal")
        api._check_positional(f, primals, tangents, who="hvp")
        active_idx = [i for i, t in enumerate(tangents) if t is not None]
        for i in active_idx:
            api._leaves(primals[i], "", "primal %d" % i)
            api._check_tangent(primals[i], tangents[i], "[%d]" % i, thorough=True)
    run = _second_order(f, tuple(params[i] for i in active_idx))
    sizes = [api._leaves(primals[i], "", "") for i in active_idx]
    total = sum(sizes)
    seeds = np.eye(total)
    dxs, ddxs, start = [], [], 0
    for i in active_idx:
        dx, start = api._by_entry(primals[i], start, api._seed(primals[i], seeds))
        dxs.append(dx)
        ddxs.append(_repeat(api._order_like(primals[i], tangents[i]), total))
    with vector.size(total):
        value, second = run(_bind(f, primals, {}), dxs, ddxs)
    if np.ndim(value) != 0 or isinstance(value, (list, tuple, dict)) or value is None:
        raise TangentMismatchError("hvp of %s: f must return a number (it returned %r)"
                                   % (api._describe(f), type(value).__name__))
    grad = api._columns(value, second, total)
    out, start = [None] * len(primals), 0
    for i in active_idx:
        out[i], start = api._by_entry(primals[i], start, api._unseed(grad))
    return tuple(out)


def _repeat(t, n):
    """A tangent (of any structure) as a batch of ``n`` copies of itself."""
    return api._map_leaves(t, lambda v: vector.Batch(
        np.repeat(np.asarray(v, dtype=float)[None], n, axis=0)))
