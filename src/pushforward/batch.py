"""Vector mode: a batch of tangents that behaves like one tangent.

``Batch(a)`` holds B tangents of one value stacked on a leading axis (``a.shape == (B,) +
value.shape``). Generated code is the same for one tangent and for a batch: the arithmetic
operators, NumPy's ufuncs and functions, indexing, in-place updates and the array methods that
tangent code uses all act on each of the B tangents, so that seeding B basis directions at once
gives B columns of a Jacobian in one pass.

Where the primal broadcasts, the batch axis stays first: a tangent of lower rank than the other
operand gets unit axes inserted after the batch axis (``x * dy`` with ``x`` of shape (n,) and a
scalar ``y``); axes given to NumPy functions are shifted past it (negative axes, counted from the
end, need no change). A NumPy function without an entry below is applied to each tangent in turn
and the results stacked: correct for every linear function, fast for the common ones.

Generated code in vector mode binds the helpers of :data:`HELPERS` in place of
:mod:`pushforward.special`'s: a zero tangent that is written into later (``y = np.zeros(n);
y[0] = x``) must carry the batch axis from the start, and its size is the one of the
:func:`size` context the caller runs the code in.
"""

from __future__ import annotations

import functools
import numbers
import operator
import threading

import numpy as np

from . import special

_state = threading.local()


class size:
    """``with size(n):`` runs vector-mode code with batches of ``n`` tangents."""

    __slots__ = ("n", "outer")

    def __init__(self, n):
        self.n = n

    def __enter__(self):
        self.outer = getattr(_state, "n", None)
        _state.n = self.n

    def __exit__(self, *exc):
        _state.n = self.outer


def _current():
    n = getattr(_state, "n", None)
    if n is None:
        raise RuntimeError("vector-mode code runs inside pushforward.batch.size(n)")
    return n


def method(func, of=lambda self: self):
    """An array method that is NumPy's function: ``x.sum(...)`` is ``np.sum(x, ...)`` (with
    ``of``, of ``of(x)``)."""
    def call(self, *args, **kwargs):
        return func(of(self), *args, **kwargs)

    call.__name__ = func.__name__
    return call


class Batch:
    """B tangents of one value, stacked on a leading axis; behaves as one tangent."""

    __slots__ = ("a",)
    __array_priority__ = 1000

    def __init__(self, a):
        self.a = a

    def __repr__(self):
        return "Batch(%r)" % (self.a,)

    # -- the value's shape, not the batch's ------------------------------------------------
    @property
    def shape(self):
        return self.a.shape[1:]

    @property
    def ndim(self):
        return self.a.ndim - 1

    @property
    def size(self):
        return self.a.size // max(self.a.shape[0], 1)

    @property
    def dtype(self):
        return self.a.dtype

    def __len__(self):
        if self.a.ndim < 2:
            raise TypeError("len() of a batch of scalar tangents")
        return self.a.shape[1]

    def __iter__(self):
        return (type(self)(self.a[:, i]) for i in range(len(self)))

    def __bool__(self):
        raise TypeError("the truth value of a tangent is not defined")

    # -- indexing and in-place updates -----------------------------------------------------
    def __getitem__(self, key):
        full, front = _batched_key(key)
        out = self.a[full]
        if out.ndim == 1:  # one element of the value: NumPy gives a copy, not a view
            out = out.copy()
        return type(self)(np.moveaxis(out, front, 0) if front else out)

    def __setitem__(self, key, value):
        full, front = _batched_key(key)
        if front:  # advanced indices apart: numpy puts their axes before the batch axis
            view = np.moveaxis(self.a[full], front, 0)
            view[...] = _lift(value, view.ndim - 1)
            self.a[full] = np.moveaxis(view, 0, front)
            return
        if isinstance(value, Batch):  # unit axes up to the rank of the region written
            value = _lift(value, self.a[full].ndim - 1)
        self.a[full] = value

    def _inplace(self, ufunc, other):
        ufunc(self.a, _lift(other, self.a.ndim - 1), out=self.a)
        return self

    def __iadd__(self, other):
        return self._inplace(np.add, other)

    def __isub__(self, other):
        return self._inplace(np.subtract, other)

    def __imul__(self, other):
        return self._inplace(np.multiply, other)

    def __itruediv__(self, other):
        return self._inplace(np.true_divide, other)

    def fill(self, value):
        self.a[...] = _lift(value, self.a.ndim - 1)

    # -- arithmetic (the operators themselves are defined below the class) ------------------
    def __matmul__(self, o):
        return _matmul(self, o)

    def __rmatmul__(self, o):
        return _matmul(o, self)

    def __neg__(self):
        return Batch(-self.a)

    def __pos__(self):
        return self

    # -- NumPy protocols ----------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs.get("out"):
            if ufunc is np.matmul:
                return _matmul(*inputs)
            return _ufunc(ufunc, *inputs, **kwargs)
        return _each(getattr(ufunc, method), inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        impl = FUNCTIONS.get(func)
        if impl is not None:
            return impl(*args, **kwargs)
        return _each(func, args, kwargs)

    def __array__(self, dtype=None, copy=None):
        raise TypeError("a batch of tangents cannot be converted to one array")

    # -- array methods: the NumPy functions of the same name ------------------------------
    def copy(self, order="C"):  # a tangent's values are the same in any memory order
        return type(self)(self.a.copy())

    def astype(self, dtype, **kwargs):
        return type(self)(self.a.astype(dtype, **kwargs))

    sum = method(np.sum)
    mean = method(np.mean)
    cumsum = method(np.cumsum)
    ravel = method(np.ravel)
    squeeze = method(np.squeeze)
    swapaxes = method(np.swapaxes)
    trace = method(np.trace)
    diagonal = method(np.diagonal)
    repeat = method(np.repeat)
    take = method(np.take)
    dot = method(np.dot)

    def reshape(self, *shape, **kwargs):
        return np.reshape(self, shape[0] if len(shape) == 1 else shape, **kwargs)

    def transpose(self, *axes):
        return np.transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    def flatten(self, order="C"):
        return type(self)(_reshape_items(self.a, (-1,), order).copy())

    def conj(self):
        return type(self)(self.a.conj())

    conjugate = conj

    def tolist(self):
        return [v.tolist() for v in self] if self.ndim > 1 else list(self)

    def item(self, *index):
        """``x.item()`` of a one-element array, ``x.item(i)`` by flat index, ``x.item(i, j)``."""
        flat = self.a.reshape(self.a.shape[0], -1)
        if not index:
            if flat.shape[1] != 1:
                raise ValueError("can only convert an array of size 1 to a Python scalar")
            return type(self)(flat[:, 0])
        if len(index) == 1:
            return type(self)(flat[:, index[0]])
        return type(self)(self.a[(slice(None),) + index])

    @property
    def T(self):
        return np.transpose(self)

    @property
    def mT(self):
        return np.swapaxes(self, -1, -2)

    @property
    def real(self):
        return type(self)(self.a.real)

    @property
    def imag(self):
        return type(self)(self.a.imag)


_NUMBERS = frozenset([float, int, np.float64, np.float32, np.int64, np.int32])


def _operator(name, op, ufunc):
    """``Batch.__name__``: ``op`` directly on the stacks when the operands align already (a
    number, a batch of the same rank, an array of lower rank), else aligned by ``_ufunc``."""
    reflected = name.startswith("__r")

    def method(self, o):
        t = type(o)
        if t in _NUMBERS or (t is np.ndarray and o.ndim < self.a.ndim):
            return Batch(op(o, self.a) if reflected else op(self.a, o))
        if t is Batch and o.a.ndim == self.a.ndim:
            return Batch(op(o.a, self.a) if reflected else op(self.a, o.a))
        return _ufunc(ufunc, o, self) if reflected else _ufunc(ufunc, self, o)

    method.__name__ = name
    return method


for _name, _op, _ufunc_ in [("add", operator.add, np.add), ("sub", operator.sub, np.subtract),
                            ("mul", operator.mul, np.multiply),
                            ("truediv", operator.truediv, np.true_divide)]:
    setattr(Batch, "__%s__" % _name, _operator("__%s__" % _name, _op, _ufunc_))
    setattr(Batch, "__r%s__" % _name, _operator("__r%s__" % _name, _op, _ufunc_))


# -- alignment -------------------------------------------------------------------------------

def _inner_ndim(x):
    return x.a.ndim - 1 if isinstance(x, Batch) else np.ndim(x)


def _lift(x, ndim):
    """The array to compute with: a Batch's stack with unit axes after the batch axis up to
    ``ndim`` value axes (so it broadcasts as its value does); anything else as it is."""
    if not isinstance(x, Batch):
        return x
    a = x.a
    missing = ndim - (a.ndim - 1)
    if missing > 0:
        a = a.reshape(a.shape[:1] + (1,) * missing + a.shape[1:])
    return a


def _full(x, shape, n):
    """``x`` (a Batch or a constant) as a stack of shape (n,) + shape."""
    if isinstance(x, Batch):
        return np.broadcast_to(_lift(x, len(shape)), (n,) + tuple(shape))
    return np.broadcast_to(np.asarray(x, dtype=float), (n,) + tuple(shape))


def _stacks(arrays):
    """The members of a sequence of arrays as stacks of one batch size (a member may be a
    constant, a Batch, or a list holding Batches: ``np.concatenate([da, [dy]])``)."""
    n = _batch_size(arrays)
    out = []
    for v in arrays:
        if isinstance(v, (list, tuple)):
            v = Batch(_gather(v, n))
        out.append(_full(v, v.shape if isinstance(v, Batch) else np.shape(v), n))
    return n, out


def _batch_size(items):
    for x in items:
        if isinstance(x, Batch):
            return x.a.shape[0]
        if isinstance(x, (list, tuple)):
            n = _batch_size(x)
            if n is not None:
                return n
    return None


def _ufunc(ufunc, *inputs, **kwargs):
    nd = max(_inner_ndim(x) for x in inputs)
    return Batch(ufunc(*[_lift(x, nd) for x in inputs], **kwargs))


def _matmul(x, y):
    """``x @ y`` with one operand a Batch: 1-d operands promoted to matrices as numpy does."""
    xb, yb = isinstance(x, Batch), isinstance(y, Batch)
    xa = x.a if xb else np.asarray(x)
    ya = y.a if yb else np.asarray(y)
    xn, yn = _inner_ndim(x), _inner_ndim(y)
    # vectors times a matrix: one matrix product for the whole batch
    if xb and not yb and xn == 1 and ya.ndim == 2:
        return type(x)(xa @ ya)
    if yb and not xb and yn == 1 and xa.ndim == 2:
        return type(y)(ya @ xa.T)
    squeeze = []
    if xn == 1:
        xa, xn = xa[..., None, :], 2
        squeeze.append(-2)
    if yn == 1:
        ya, yn = ya[..., :, None], 2
        squeeze.append(-1)
    stack = max(xn, yn) - 2
    if xb:
        xa = _lift(Batch(xa), stack + 2)
    if yb:
        ya = _lift(Batch(ya), stack + 2)
    out = np.matmul(xa, ya)
    if squeeze:
        out = out[..., 0, 0] if len(squeeze) == 2 else (
            out[..., 0, :] if squeeze[0] == -2 else out[..., 0])
    return Batch(out)


def _advanced(k):
    return not (k is None or k is Ellipsis or isinstance(k, (slice, numbers.Integral)))


def _batched_key(key):
    """The index into the stack for ``value[key]``, and, when numpy moves the axes of
    separated advanced indices to the front, how many axes it puts before the batch axis."""
    key = key if isinstance(key, tuple) else (key,)
    full = (slice(None),) + key
    if isinstance(key[0], Batch) or not any(_advanced(k) for k in key):
        return full, 0
    # advanced (array) indices, together with any integers among them
    spots = [i for i, k in enumerate(key) if _advanced(k) or isinstance(k, numbers.Integral)]
    if spots[-1] - spots[0] + 1 == len(spots):
        return full, 0  # adjacent: their axes stay where they are, after the batch axis
    shapes = [np.shape(k) for k in key if _advanced(k) or isinstance(k, numbers.Integral)]
    return full, len(np.broadcast_shapes(*shapes))


def _each(func, args, kwargs):
    """``func`` applied to each tangent of the batch in its arguments, results stacked."""
    n = _batch_size(list(args) + list(kwargs.values()))

    def pick(x, i):
        if isinstance(x, Batch):
            return x.a[i]
        if isinstance(x, (list, tuple)) and _batch_size(x) is not None:
            return special.rebuild(x, [pick(v, i) for v in x])
        return x

    outs = [func(*[pick(x, i) for x in args], **{k: pick(v, i) for k, v in kwargs.items()})
            for i in range(n)]
    return Batch(np.stack([np.asarray(o) for o in outs]))


# -- NumPy functions: the batch axis kept first ----------------------------------------------

def _ax(axis, ndim):
    """An axis (or axes) of the value as an axis of the stack; None: all the value's axes."""
    if axis is None:
        return tuple(range(1, ndim + 1))
    if isinstance(axis, (tuple, list)):
        return tuple(_ax(a, ndim) for a in axis)
    return axis + 1 if axis >= 0 else axis


def _flat(x):
    return x.a.reshape(x.a.shape[0], -1)


def _reduction(name):
    func = getattr(np, name)

    def reduce(x, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
        return Batch(func(x.a, axis=_ax(axis, x.ndim), dtype=dtype, keepdims=keepdims, **kwargs))

    return reduce


def _cumsum(x, axis=None, dtype=None, out=None):
    if axis is None:
        return Batch(np.cumsum(_flat(x), axis=1, dtype=dtype))
    return Batch(np.cumsum(x.a, axis=_ax(axis, x.ndim), dtype=dtype))


def _reshape(x, shape=None, order="C", *, newshape=None, copy=None):
    shape = newshape if shape is None else shape
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    return Batch(_reshape_items(x.a, shape, order))


def _reshape_items(a, shape, order="C"):
    """Each tangent of the batch ``a`` reshaped to ``shape`` in ``order``: 'F' reads and
    writes a tangent's first index fastest, as NumPy does an array's ('A' and 'K' read
    tangents as 'C': they follow no array's memory)."""
    if order != "F":
        return a.reshape(a.shape[:1] + tuple(shape))

    def reverse(ndim):  # the axes of each tangent in reverse order, the batch axis first
        return (0,) + tuple(range(ndim, 0, -1))

    flipped = a.transpose(reverse(a.ndim - 1)).reshape(a.shape[:1] + tuple(shape)[::-1])
    return flipped.transpose(reverse(len(shape)))


def _transpose(x, axes=None):
    n = x.ndim
    if axes is None:
        return Batch(np.transpose(x.a, (0,) + tuple(range(n, 0, -1))))
    return Batch(np.transpose(x.a, (0,) + tuple(a % n + 1 for a in axes)))


def _squeeze(x, axis=None):
    if axis is None:
        axis = tuple(i for i, s in enumerate(x.shape) if s == 1)
    return Batch(np.squeeze(x.a, axis=_ax(axis, x.ndim)))


def _expand_dims(x, axis):
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = x.ndim + len(axes)
    return Batch(np.expand_dims(x.a, tuple(a % out + 1 for a in axes)))


def _concatenate(arrays, axis=0, out=None, **kwargs):
    n, parts = _stacks(arrays)
    if axis is None:
        return Batch(np.concatenate([p.reshape(n, -1) for p in parts], axis=1, **kwargs))
    return Batch(np.concatenate(parts, axis=_ax(axis, parts[0].ndim - 1), **kwargs))


def _stack(arrays, axis=0, out=None, **kwargs):
    _, parts = _stacks(arrays)
    out_ndim = parts[0].ndim
    return Batch(np.stack(parts, axis=axis % out_ndim + 1, **kwargs))


def _members(tup):
    """The members of ``np.hstack``'s sequence with a list holding Batches as one Batch
    (``np.hstack([dx, [dx[0] * 2.0]])``)."""
    n = _batch_size(tup)
    return [Batch(_gather(v, n)) if isinstance(v, (list, tuple)) and _batch_size(v) is not None
            else v for v in tup]


def _hstack(tup, **kwargs):
    arrays = [np.atleast_1d(v) for v in _members(tup)]
    return np.concatenate(arrays, axis=0 if np.ndim(arrays[0]) == 1 else 1)


def _vstack(tup, **kwargs):
    return np.concatenate([np.atleast_2d(v) for v in _members(tup)], axis=0)


def _atleast(k):
    def at_least(*arys):
        outs = []
        for x in arys:
            if isinstance(x, Batch) and x.ndim < k:
                shape = x.shape if k == 1 or x.ndim == 1 else ()
                shape = (1,) * (k - len(shape)) + shape
                x = Batch(x.a.reshape(x.a.shape[:1] + shape))
            elif not isinstance(x, Batch):
                x = (np.atleast_1d if k == 1 else np.atleast_2d)(x)
            outs.append(x)
        return outs[0] if len(outs) == 1 else outs

    return at_least


def _broadcast_to(x, shape, subok=False):
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    return Batch(np.broadcast_to(_lift(x, len(shape)), x.a.shape[:1] + shape))


def _flip(x, axis=None):
    return Batch(np.flip(x.a, _ax(axis, x.ndim)))


def _roll(x, shift, axis=None):
    if axis is None:
        return Batch(np.roll(_flat(x), shift, axis=1).reshape(x.a.shape))
    return Batch(np.roll(x.a, shift, axis=_ax(axis, x.ndim)))


def _repeat(x, repeats, axis=None):
    if axis is None:
        return Batch(np.repeat(_flat(x), repeats, axis=1))
    return Batch(np.repeat(x.a, repeats, axis=_ax(axis, x.ndim)))


def _take(x, indices, axis=None, out=None, mode="raise"):
    if not isinstance(x, Batch):
        return _each(np.take, (x, indices, axis), {"mode": mode})
    if axis is None:
        return Batch(np.take(_flat(x), indices, axis=1, mode=mode))
    return Batch(np.take(x.a, indices, axis=_ax(axis, x.ndim), mode=mode))


def _take_along_axis(arr, indices, axis=-1):
    if axis is None:
        return Batch(np.take_along_axis(_flat(arr), np.ravel(indices)[None], axis=1))
    return Batch(np.take_along_axis(arr.a, np.asarray(indices)[None], axis=_ax(axis, arr.ndim)))


def _diff(x, n=1, axis=-1, **kwargs):
    if kwargs:
        return _each(np.diff, (x, n, axis), kwargs)
    return Batch(np.diff(x.a, n=n, axis=_ax(axis, x.ndim)))


def _two_axes(name):
    func = getattr(np, name)

    def apply(x, offset=0, axis1=0, axis2=1, **kwargs):
        return Batch(func(x.a, offset, _ax(axis1, x.ndim), _ax(axis2, x.ndim), **kwargs))

    return apply


def _moveaxis(x, source, destination):
    return Batch(np.moveaxis(x.a, _ax(source, x.ndim), _ax(destination, x.ndim)))


def _swapaxes(x, axis1, axis2):
    return Batch(np.swapaxes(x.a, _ax(axis1, x.ndim), _ax(axis2, x.ndim)))


def _where(condition, x=None, y=None):
    if x is None:
        return _each(np.where, (condition,), {})
    nd = max(_inner_ndim(v) for v in (condition, x, y))
    return Batch(np.where(condition, _lift(x, nd), _lift(y, nd)))


def _tril_triu(name):
    func = getattr(np, name)

    def apply(m, k=0):
        return Batch(func(m.a, k)) if m.ndim >= 2 else _each(func, (m, k), {})

    return apply


def _copy(a, order="K", subok=False):
    return a.copy()


def _shape(a):
    return a.shape


def _ndim(a):
    return a.ndim


def _size(a, axis=None):
    return a.size if axis is None else a.shape[axis]


def _front(out, axis):
    return Batch(np.moveaxis(out, axis, 0))


def _pairwise(func):
    """``func`` of two batches (forward-over-forward code: ``np.dot(dx, d_x)``) pairs their
    members, the k-th with the k-th; the rule below handles one batch and a constant."""
    def wrap(rule):
        @functools.wraps(rule)
        def apply(a, b, *args, **kwargs):
            if isinstance(a, Batch) and isinstance(b, Batch):
                return Batch(np.stack([func(x, y, *args, **kwargs) for x, y in zip(a.a, b.a)]))
            return rule(a, b, *args, **kwargs)
        return apply
    return wrap


@_pairwise(np.dot)
def _dot(a, b, out=None):
    if _inner_ndim(a) == 0 or _inner_ndim(b) == 0:
        return _ufunc(np.multiply, a, b)
    if isinstance(a, Batch):
        return Batch(np.tensordot(a.a, b, axes=([-1], [0 if np.ndim(b) == 1 else -2])))
    b_axis = 1 if b.ndim == 1 else -2
    return _front(np.tensordot(a, b.a, axes=([-1], [b_axis])), np.ndim(a) - 1)


@_pairwise(np.inner)
def _inner(a, b):
    if _inner_ndim(a) == 0 or _inner_ndim(b) == 0:
        return _ufunc(np.multiply, a, b)
    if isinstance(a, Batch):
        return Batch(np.tensordot(a.a, b, axes=([-1], [-1])))
    return _front(np.tensordot(a, b.a, axes=([-1], [-1])), np.ndim(a) - 1)


@_pairwise(np.outer)
def _outer(a, b, out=None):
    if isinstance(a, Batch):
        return Batch(_flat(a)[:, :, None] * np.ravel(b)[None, None, :])
    return Batch(np.ravel(a)[None, :, None] * _flat(b)[:, None, :])


@_pairwise(np.tensordot)
def _tensordot(a, b, axes=2):
    if isinstance(axes, numbers.Integral):
        na = _inner_ndim(a)
        axes = (list(range(na - axes, na)), list(range(axes)))
    xa, xb = axes
    xa = [xa] if isinstance(xa, numbers.Integral) else list(xa)
    xb = [xb] if isinstance(xb, numbers.Integral) else list(xb)
    if isinstance(a, Batch):
        return Batch(np.tensordot(a.a, b, axes=(list(_ax(tuple(xa), a.ndim)), xb)))
    out = np.tensordot(a, b.a, axes=(xa, list(_ax(tuple(xb), b.ndim))))
    return _front(out, np.ndim(a) - len(xa))


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _einsum(subscripts, *operands, **kwargs):
    if not isinstance(subscripts, str) or kwargs.get("out") is not None:
        return _each(np.einsum, (subscripts,) + operands, kwargs)
    spec = subscripts.replace(" ", "")
    inputs, arrow, output = spec.partition("->")
    terms = inputs.split(",")
    if not arrow:  # implicit output: the letters used once, sorted, after any ellipsis
        letters = [c for c in inputs if c.isalpha()]
        output = ("..." if "..." in inputs else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1))
    free = next(c for c in _LETTERS if c not in spec)
    terms = [free + t if isinstance(op, Batch) else t for t, op in zip(terms, operands)]
    arrays = [op.a if isinstance(op, Batch) else op for op in operands]
    return Batch(np.einsum(",".join(terms) + "->" + free + output, *arrays, **kwargs))


def _solve(a, b):
    if isinstance(a, Batch):
        return _each(np.linalg.solve, (a, b), {})
    if b.ndim == 1 and np.ndim(a) == 2:
        return Batch(np.linalg.solve(a, b.a.T).T)
    return Batch(np.linalg.solve(a, _lift(b, max(b.ndim, np.ndim(a)))))


def _linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if retstep or axis != 0:
        return _each(np.linspace, (start, stop, num),
                     {"endpoint": endpoint, "retstep": retstep, "dtype": dtype, "axis": axis})
    n = _batch_size([start, stop])
    shape = np.broadcast_shapes(np.shape(start), np.shape(stop))
    return Batch(np.linspace(_full(start, shape, n), _full(stop, shape, n), num,
                             endpoint=endpoint, dtype=dtype, axis=1))


def _real(val):
    return val.real


FUNCTIONS = {
    np.sum: _reduction("sum"), np.mean: _reduction("mean"), np.cumsum: _cumsum,
    np.reshape: _reshape, np.ravel: lambda a, order="C": Batch(_reshape_items(a.a, (-1,), order)),
    np.transpose: _transpose, np.squeeze: _squeeze, np.expand_dims: _expand_dims,
    np.concatenate: _concatenate, np.stack: _stack, np.hstack: _hstack, np.vstack: _vstack,
    np.atleast_1d: _atleast(1), np.atleast_2d: _atleast(2), np.broadcast_to: _broadcast_to,
    np.flip: _flip, np.roll: _roll, np.repeat: _repeat, np.take: _take,
    np.take_along_axis: _take_along_axis, np.diff: _diff, np.trace: _two_axes("trace"),
    np.diagonal: _two_axes("diagonal"), np.moveaxis: _moveaxis, np.swapaxes: _swapaxes,
    np.where: _where, np.triu: _tril_triu("triu"), np.tril: _tril_triu("tril"), np.copy: _copy,
    np.shape: _shape, np.ndim: _ndim, np.size: _size, np.dot: _dot, np.inner: _inner,
    np.outer: _outer, np.tensordot: _tensordot, np.einsum: _einsum, np.linalg.solve: _solve,
    np.linspace: _linspace, np.real: _real,
}


# -- functions NumPy does not dispatch on a tangent argument, and pushforward's helpers ------

def array(obj, dtype=None, *, copy=True, **kwargs):
    """``np.array`` of (nested lists of) tangents: the batch axis first."""
    if isinstance(obj, Batch):
        return obj.copy() if copy else obj
    n = _batch_size([obj]) if isinstance(obj, (list, tuple)) else None
    if n is None:
        return np.array(obj, dtype=dtype, **kwargs) if copy else np.asarray(obj, dtype=dtype,
                                                                               **kwargs)
    return Batch(_gather(obj, n))


def asarray(obj, dtype=None, **kwargs):
    return array(obj, dtype=dtype, copy=False, **kwargs)


def _gather(obj, n):
    if isinstance(obj, Batch):
        return obj.a
    if isinstance(obj, (list, tuple)):
        parts = [_gather(v, n) for v in obj]
        shape = np.broadcast_shapes(*[p.shape[1:] for p in parts])
        return np.stack([np.broadcast_to(p, (n,) + shape) for p in parts], axis=1)
    return np.broadcast_to(np.asarray(obj, dtype=float), (n,) + np.shape(obj))


def full(shape, fill_value, dtype=None, order="C", **kwargs):
    if not isinstance(fill_value, Batch):
        return np.full(shape, fill_value, dtype=dtype, order=order, **kwargs)
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    return Batch(np.array(_full(fill_value, shape, fill_value.a.shape[0]), dtype=dtype))


def full_like(a, fill_value, dtype=None, **kwargs):
    if not isinstance(fill_value, Batch):
        return np.full_like(a, fill_value, dtype=dtype, **kwargs)
    return full(np.shape(a), fill_value, dtype=dtype or float)


#: NumPy functions whose tangent call goes to these versions in vector mode.
UNDISPATCHED = {np.array: array, np.asarray: asarray, np.full: full, np.full_like: full_like}


def zeros_like(x):
    """A zero tangent with the structure of ``x``: arrays get a batch of zeros."""
    return special.zeros_like(x, _zeros)


def _zeros(x):
    return Batch(np.zeros((_current(),) + x.shape))


def update(value, tangent, new):
    """:func:`pushforward.special.update` for batches: in place when ``value`` is an array
    or a list."""
    if isinstance(value, np.ndarray) and isinstance(tangent, Batch) \
            and tangent.shape == value.shape:
        tangent[...] = new
        return tangent
    if type(value) is list and type(tangent) is list and type(new) is list:
        tangent[:] = new
        return tangent
    return new


def fit(value, tangent):
    """:func:`pushforward.special.fit` for batches."""
    if isinstance(value, Batch):  # a batch of tangents has a batch of tangents (a Hessian's)
        if isinstance(tangent, Batch) or np.shape(tangent) == value.a.shape:
            return tangent
        return Batch(np.zeros(value.a.shape) + tangent)
    if isinstance(value, np.ndarray) and np.shape(tangent) != value.shape:
        if isinstance(tangent, Batch):
            return Batch(np.array(_full(tangent, value.shape, tangent.a.shape[0])))
        return Batch(np.zeros((_current(),) + value.shape) + tangent)
    return tangent


def fresh(tangent):
    """:func:`pushforward.special.fresh` for batches."""
    return tangent.copy() if isinstance(tangent, (Batch, np.ndarray)) else tangent


#: pushforward.special's helpers and their vector-mode versions.
HELPERS = {special.zeros_like: zeros_like, special.update: update, special.fit: fit,
           special.fresh: fresh}
