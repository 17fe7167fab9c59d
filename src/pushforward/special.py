"""Special functions that tangent rules need and the ``math`` module lacks.

Helpers here are plain Python on floats and arrays, importing only the standard library and
NumPy: the CLI copies their source into standalone dumped modules, which never import
pushforward. The exception is ``method_jvp``, which calls ``pushforward.jvp`` and which the CLI refuses to export.
"""

import collections
import math
import types

import numpy as np

from . import errors


def digamma(x):
    """The digamma function psi(x) = d/dx log(gamma(x)), to about 1e-15 relative accuracy.

    Reflection below 1/2, the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the
    asymptotic series in 1/x**2 (Bernoulli numbers B2..B16).
    """
    if x <= 0.0 and x == math.floor(x):
        return math.nan  # poles at 0, -1, -2, ...
    if x < 0.5:
        # pi cot(pi x) as cos / sin: well conditioned at the half-integers, where tan is huge
        return digamma(1.0 - x) - math.pi * math.cos(math.pi * x) / math.sin(math.pi * x)
    acc = 0.0
    while x < 10.0:
        acc -= 1.0 / x
        x += 1.0
    inv2 = 1.0 / (x * x)
    series = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (
        1.0 / 240 - inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 - inv2 * (1.0 / 12)))))))
    return acc + math.log(x) - 0.5 / x - series


def is_record(cls):
    """Whether ``cls`` is a namedtuple class (``collections.namedtuple``, ``typing.NamedTuple``),
    whose values have the tangents of their fields as fields."""
    return isinstance(cls, type) and issubclass(cls, tuple) and hasattr(cls, "_fields")


def rebuild(x, items):
    """A list or tuple of the type of ``x`` holding ``items`` (a namedtuple takes them one by
    one)."""
    return type(x)(*items) if is_record(type(x)) else type(x)(items)


def zeros_like(x, zeros=None):
    """A zero tangent with the structure of ``x`` (floats, lists, tuples, dicts, arrays);
    ``zeros(array)`` makes an array's zero (default: a float array of its shape)."""
    if isinstance(x, (list, tuple)):
        return rebuild(x, [zeros_like(v, zeros) for v in x])
    if isinstance(x, dict):
        out = {k: zeros_like(v, zeros) for k, v in x.items()}
        if isinstance(x, collections.defaultdict):  # its missing keys get tangents the same way
            return collections.defaultdict(x.default_factory, out)
        if isinstance(x, collections.Counter):  # a missing key counts 0, its tangent too
            return collections.Counter(out)
        return out
    if isinstance(x, np.ndarray) or hasattr(x, "shape") and hasattr(x, "dtype") and x.shape != ():
        # a 0-d array too: it is updated in place (y += v), and its aliases see it
        out = np.zeros_like(x, dtype=float) if zeros is None else zeros(x)
        if x.dtype.kind in "biu":  # see IntegerTangent
            if isinstance(out, np.ndarray):
                return out.view(IntegerTangent)
            out.a = out.a.view(IntegerTangent)  # a batch of them
        return out
    return 0.0


class IntegerTangent(np.ndarray):
    """The (zero) tangent of an array of integers or booleans, which refuses a write: a value
    stored into the array is truncated, whose derivative is 0, not the value's. Views of it
    are IntegerTangents too; values computed from it are plain arrays."""

    def __setitem__(self, key, value):
        raise errors.at_run_time(
            errors.UnsupportedDerivativeError, "a differentiated value stored into an array of "
            "integers or booleans: NumPy truncates it, and the truncation has the derivative 0",
            "make the array of floats (np.array([1.0, 2.0]), dtype=float), or store int(...) "
            "of the value if the truncation is meant")

    def __array_wrap__(self, out, context=None, return_scalar=False):
        out = out.view(np.ndarray)
        return out[()] if return_scalar else out


def pow_log(base, power):
    """``power * log(base)``, the factor of d(base ** e)/de, taken as 0 where base is 0."""
    if isinstance(base, np.ndarray) or isinstance(power, np.ndarray):
        safe = np.where(base == 0, 1.0, base)
        return np.where(base == 0, 0.0, power * np.log(safe))
    return power * math.log(base) if base != 0 else 0.0


def position(xs, v):
    """The index of the first item of ``xs`` equal to ``v`` (lists, tuples, 1-d arrays): the
    argument ``max(xs)`` or ``min(xs)`` returned, whose tangent is theirs."""
    return xs.index(v) if isinstance(xs, (list, tuple)) else list(xs).index(v)


def sorted_tangent(xs, dxs, ans, key=None, reverse=False):
    """The tangent of ``ans = sorted(xs, key=key, reverse=reverse)``: the tangents in the order
    the sort put their items; for a dict, whose sort gives its keys (constants), zeros."""
    if isinstance(xs, dict):
        return [0.0] * len(xs)
    if not isinstance(xs, (list, tuple, np.ndarray)):  # d.values(), a set: in their order
        xs, dxs = list(xs), list(dxs)
    return [dxs[i] for i in sort_order(xs, key, reverse)]


def sort_order(xs, key=None, reverse=False):
    """The indices that sort ``xs``, in order (the permutation of ``sorted(xs, key=key,
    reverse=reverse)``, which is stable too): a constant, so that the derivative of
    ``sorted``'s tangent is taken again like any code."""
    item = xs.__getitem__ if key is None else (lambda i: key(xs[i]))
    return sorted(range(len(xs)), key=item, reverse=reverse)


def sort_copy(xs, *, key=None, reverse=False):
    """What ``xs.sort(key=key, reverse=reverse)`` leaves in the list or array ``xs``, as a new
    value: normalize writes that sort as ``xs[:] = sort_copy(xs, ...)``, which forward mode
    follows."""
    ys = xs.copy()
    if key is None and reverse is False:  # an array's sort takes neither
        ys.sort()
    else:
        ys.sort(key=key, reverse=reverse)
    return ys


def sort_copy_tangent(xs, dxs, ans, *, key=None, reverse=False):
    """The tangent of ``ans = sort_copy(xs, ...)``: ``dxs`` in the order of the sort."""
    if isinstance(xs, list):
        return sorted_tangent(xs, dxs, ans, key, reverse)
    return sort_tangent(xs, dxs, ans)


def sign(x):
    """-1, 0 or 1 (elementwise for arrays): the derivative of abs, 0 at 0."""
    if type(x) is float or type(x) is int:
        return (x > 0) - (x < 0)
    return np.sign(x)


#: generated file -> the lines of its tangent statements, or a function giving them (filled as
#: pushforward loads code)
TANGENT_LINES = {}


def tangent_failed(exc):
    """Whether ``exc`` comes from a derivative's own statement (the innermost frame of
    generated code is at one), not from the primal computation: a handler of the user's code
    re-raises it, so that the primal takes the path it takes without pushforward."""
    tb, found = exc.__traceback__, False
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        lines = TANGENT_LINES.get(name)
        if callable(lines):  # worked out when first needed
            lines = TANGENT_LINES[name] = lines()
        if lines is not None:
            found = tb.tb_lineno in lines
        tb = tb.tb_next
    return found


def method_jvp(obj, name, primals, tangents):
    """``(value, tangent)`` of ``obj.name(*primals)``: a method of an object known only when
    the code runs (``self.predict(x)``), differentiated by ``pushforward.jvp`` (its function
    is transformed at the first call for the object's class, then cached)."""
    import logging

    from .api import jvp  # the API is built on this module
    from .errors import PushforwardError, SourceUnavailableError, TransformError, at_run_time

    method = getattr(obj, name)
    if isinstance(obj, (logging.Logger, logging.LoggerAdapter)):  # log.info("%s", y): the
        return method(*primals), None  # values are written, and have no derivative
    if isinstance(method, types.BuiltinMethodType) and not isinstance(obj, types.ModuleType):
        # d.update(...), s.add(...): C code
        raise at_run_time(
            SourceUnavailableError, "the method '.%s' of a %s, called with differentiated "
            "arguments, has no tangent rule (it is C code)" % (name, type(obj).__name__),
            "write it out with item assignments (d[k] = v) or a loop")
    func = getattr(method, "__func__", None)
    try:
        if getattr(method, "__self__", None) is obj and isinstance(func, types.FunctionType):
            # the class's function, the object a constant argument: one JVP for every instance
            return jvp(func, (obj,) + primals, (None,) + tangents)
        return jvp(method, primals, tangents)
    except TransformError:  # located in the method's source already
        raise
    except PushforwardError as exc:  # about the call: at the user's line that makes it
        raise at_run_time(type(exc), "calling .%s(...): %s" % (name, exc)) from None


def update(value, tangent, new):
    """The tangent after ``value op= ...``: when ``value`` is an array or a list (updated in
    place, so that its aliases and views see the change: ``ys += [x]`` extends ``ys``), ``new``
    is stored into ``tangent`` in place too; otherwise ``new`` is returned."""
    if isinstance(value, np.ndarray) and isinstance(tangent, np.ndarray) \
            and tangent.shape == value.shape:
        tangent[...] = new  # a zero (0.0) broadcasts
        return tangent
    if type(value) is list and type(tangent) is list and type(new) is list:
        tangent[:] = new
        return tangent
    return new


def fit(value, tangent):
    """A tangent with its value's shape (a constant part of an array result has a 0.0 or a
    smaller tangent until here)."""
    if isinstance(value, np.ndarray) and np.shape(tangent) != value.shape:
        return np.broadcast_to(tangent, value.shape).astype(float)
    if isinstance(value, (list, tuple)) and isinstance(tangent, (list, tuple)):  # a result
        return rebuild(tangent, [fit(v, t) for v, t in zip(value, tangent)])  # holding arrays
    if isinstance(value, dict) and isinstance(tangent, dict):
        return {k: fit(value[k], t) for k, t in tangent.items()}
    return tangent


def members(values, tangents):
    """The tangents of a list of arrays, each with its array's shape (a constant member's
    tangent is 0.0 until here): for ``np.concatenate(parts)`` of a list variable."""
    if not isinstance(values, (list, tuple)):
        return tangents
    return [fit(v, t) for v, t in zip(values, tangents)]


def keyed(tangents):
    """The tangents of (key, value) pairs whose keys are constants (``d.items()``,
    ``enumerate(xs)``): ``(0.0, t)`` for each value's tangent ``t``."""
    return [(0.0, t) for t in tangents]


def fresh(tangent):
    """A copy of an array tangent: the primal made a new array, so must the tangent."""
    return tangent.copy() if isinstance(tangent, np.ndarray) else tangent


# -- NumPy reductions: tangents that need the primal's result and the call's keywords ---------

def _along_last(x, axis):
    """x with ``axis`` (an int or a tuple of them) moved last, into one axis (the whole array
    flattened when axis is None)."""
    if axis is None:
        return np.reshape(x, (-1,))
    if not isinstance(axis, tuple):
        return np.moveaxis(x, axis, -1)
    n, k = np.ndim(x), len(axis)
    moved = np.moveaxis(x, [a % n for a in axis], list(range(n - k, n)))
    return np.reshape(moved, np.shape(moved)[:n - k] + (-1,))


def _restore(out, x, axis, keepdims):
    if not keepdims:
        return out
    return np.reshape(out, (1,) * np.ndim(x)) if axis is None else np.expand_dims(out, axis)


def _picked(index_of, x, dx, axis, keepdims):
    """The tangent of the element ``index_of`` (argmax, argmin) picks along ``axis``."""
    x = np.asarray(x)
    dx = np.broadcast_to(dx, x.shape)
    xs, ds = _along_last(x, axis), _along_last(dx, axis)
    first = index_of(xs, axis=-1)
    return _number(_restore(np.take_along_axis(ds, np.expand_dims(first, -1), -1)[..., 0], x,
                            axis, keepdims))


def max_tangent(x, dx, ans, axis=None, keepdims=False):
    """Tangent of max: the tangent of the first largest element."""
    return _picked(np.argmax, x, dx, axis, keepdims)


def min_tangent(x, dx, ans, axis=None, keepdims=False):
    """Tangent of min: the tangent of the first smallest element."""
    return _picked(np.argmin, x, dx, axis, keepdims)


def prod_tangent(x, dx, ans, axis=None, keepdims=False):
    """Tangent of prod: sum over i of dx_i times the product of the others (exact at zeros)."""
    x = np.asarray(x, dtype=float)
    dx = np.broadcast_to(dx, x.shape)
    xs, ds = _along_last(x, axis), _along_last(dx, axis)
    ones = np.ones(xs.shape[:-1] + (1,))
    left = np.cumprod(np.concatenate([ones, xs[..., :-1]], -1), -1)
    right = np.flip(np.cumprod(np.concatenate([ones, np.flip(xs, -1)[..., :-1]], -1), -1), -1)
    return _restore(np.sum(ds * left * right, axis=-1), x, axis, keepdims)


def cumprod_tangent(x, dx, ans, axis=None):
    """Tangent of cumprod, d ans_k = sum_{i<=k} dx_i prod_{j<=k, j!=i} x_j: by division,
    ans_k sum_{i<=k} dx_i / x_i, unless an entry is exactly zero."""
    x = np.asarray(x, dtype=float)
    dx = np.broadcast_to(dx, x.shape)
    if np.all(x != 0):
        return np.cumsum(dx / x, axis=axis) * ans
    xs, ds = _along_last(x, axis), _along_last(dx, axis)
    n = xs.shape[-1]
    before = np.cumprod(np.concatenate([np.ones(xs.shape[:-1] + (1,)), xs[..., :-1]], -1), -1)
    out = 0.0
    for i in range(n):  # the terms of dx_i: before_i * x_{i+1} ... x_k for k >= i
        after = np.concatenate([np.zeros(xs.shape[:-1] + (i,)), np.ones(xs.shape[:-1] + (1,)),
                                np.cumprod(xs[..., i + 1:], -1)], -1)
        out = out + ds[..., i:i + 1] * (before[..., i:i + 1] * after)
    return np.reshape(out, (-1,)) if axis is None else np.moveaxis(out, -1, axis)


def var_tangent(x, dx, ans, axis=None, ddof=0, keepdims=False):
    """Tangent of var: 2 sum((x - mean) dx) / (n - ddof)."""
    x = np.asarray(x, dtype=float)
    n = x.size // max(np.size(ans), 1) if not keepdims else x.size // max(np.size(ans), 1)
    centred = x - np.mean(x, axis=axis, keepdims=True)
    return 2.0 * np.sum(centred * dx, axis=axis, keepdims=keepdims) / (n - ddof)


def std_tangent(x, dx, ans, axis=None, ddof=0, keepdims=False):
    """Tangent of std: the tangent of var over 2 std; 0 where std is 0 (equal entries, an
    axis of length 1: var is at its minimum there, and its tangent is 0 too)."""
    dvar = var_tangent(x, dx, ans * ans, axis=axis, ddof=ddof, keepdims=keepdims)
    zero = ans == 0
    if not np.any(zero):
        return dvar / (2.0 * ans)
    return np.where(zero, 0.0, dvar / (2.0 * np.where(zero, 1.0, ans)))


def norm_tangent(x, dx, ans, ord=None, axis=None, keepdims=False):
    """Tangent of ``np.linalg.norm``, every ``ord`` of vectors and of matrices; at a kink,
    the first largest entry (or row or column sum) and sign 0 at a zero entry.

    Matrix norms of singular values (2, -2, 'nuc') have no second derivative here."""
    x = np.asarray(x)
    dx = np.broadcast_to(dx, x.shape)
    if matrix_norm(x.ndim, ord, axis):
        return _matrix_norm_tangent(x, dx, ans, ord, (-2, -1) if axis is None else axis,
                                    keepdims)
    if isinstance(axis, tuple):  # a 1-tuple
        axis = axis[0]
    xs, ds = _along_last(x, axis), _along_last(dx, axis)
    n = np.reshape(ans, np.shape(xs)[:-1])
    if ord is None or ord == 2:
        out = np.sum(xs * ds, axis=-1) / n
    elif ord == 0:  # the number of nonzero entries
        out = np.sum(0.0 * ds, axis=-1)
    elif ord == 1:
        out = np.sum(np.sign(xs) * ds, axis=-1)
    elif ord == math.inf or ord == -math.inf:
        out = np.sum(np.sign(xs) * _first(np.abs(xs), ord > 0) * ds, axis=-1)
    else:
        out = np.sum(np.abs(xs) ** (ord - 1) * np.sign(xs) * ds, axis=-1) / n ** (ord - 1)
    return _number(_restore(out, x, axis, keepdims))


def matrix_norm(ndim, ord, axis):
    """Whether ``np.linalg.norm(x, ord, axis)`` is a matrix norm (else a vector norm, or the
    2-norm of all the entries)."""
    return isinstance(axis, tuple) and len(axis) == 2 or axis is None and ord is not None \
        and ndim == 2


def _matrix_norm_tangent(x, dx, ans, ord, axes, keepdims):
    """The matrix norms, over the two ``axes``."""
    axes = tuple(a % x.ndim for a in axes)
    xm, dm = np.moveaxis(x, axes, (-2, -1)), np.moveaxis(dx, axes, (-2, -1))
    if ord is None or ord == "fro":
        w = xm / np.reshape(ans, np.shape(xm)[:-2] + (1, 1))
    elif ord in ("nuc", 2, -2):
        w = singular_weights(xm, ord)
    elif ord in (1, -1):  # the first largest (smallest) column sum of absolute values
        w = np.sign(xm) * _first(np.sum(np.abs(xm), axis=-2), ord > 0)[..., None, :]
    else:  # inf, -inf (the primal refused other orders): ... row sum
        w = np.sign(xm) * _first(np.sum(np.abs(xm), axis=-1), ord > 0)[..., :, None]
    out = np.sum(w * dm, axis=(-2, -1))
    return _number(np.expand_dims(out, tuple(sorted(axes))) if keepdims else out)


def singular_weights(A, ord):
    """The gradient of a norm of singular values (of each matrix of a stack): ``u_k v_k'``
    for the largest (ord=2) or smallest (ord=-2), ``U V'`` for their sum (ord='nuc'), from
    d s_k = u_k' dA v_k."""
    u, _, vh = np.linalg.svd(A, full_matrices=False)
    if ord == "nuc":
        return u @ vh
    k = slice(0, 1) if ord == 2 else slice(-1, None)
    return u[..., :, k] * vh[..., k, :]


def _first(values, largest):
    """1.0 at the first largest (smallest) of ``values`` along the last axis, 0.0 elsewhere."""
    pick = np.argmax(values, axis=-1) if largest else np.argmin(values, axis=-1)
    return (np.arange(np.shape(values)[-1]) == np.expand_dims(pick, -1)).astype(float)


def _number(out):
    return out[()] if type(out) is np.ndarray and out.ndim == 0 else out


def det_tangent(A, dA, ans):
    """Tangent of det: det(A) tr(A^-1 dA), or, at a singular matrix in the stack, the sum of
    the cofactors times dA (tr(adj(A) dA), which holds everywhere)."""
    if np.all(ans != 0):
        return ans * np.trace(np.linalg.solve(A, dA), axis1=-2, axis2=-1)
    return np.sum(cofactors(A) * dA, axis=(-2, -1))


def cofactors(A):
    """The cofactor matrix of each matrix of a stack: (-1)^(i+j) times the determinant of A
    without row i and column j."""
    A = np.asarray(A, dtype=float)
    n = A.shape[-1]
    others = [[k for k in range(n) if k != i] for i in range(n)]
    out = np.empty(A.shape)
    for i in range(n):
        rows = A[..., others[i], :]
        for j in range(n):
            out[..., i, j] = (-1.0) ** (i + j) * np.linalg.det(rows[..., :, others[j]])
    return out


def sort_tangent(x, dx, ans, axis=-1):
    """Tangent of sort: the tangents, in the order the sort put their elements."""
    order = np.argsort(x, axis=axis, kind="stable")
    if axis is None:
        return np.ravel(dx)[order]
    return np.take_along_axis(np.broadcast_to(dx, np.shape(x)), order, axis=axis)


def clip_tangent(x, lo, hi, dx, dlo, dhi):
    """Tangent of clip: dx inside the bounds (the bounds included), a bound's tangent outside."""
    x = np.asarray(x)  # np.clip([x, y], 0.0, 1.0) of a list
    t = dx
    if lo is not None:
        t = np.where(x < lo, dlo, t)
        x = np.maximum(x, lo)  # np.clip is minimum(maximum(x, lo), hi): hi wins if lo > hi
    if hi is not None:
        t = np.where(x > hi, dhi, t)
    return t
