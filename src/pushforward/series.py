"""Taylor mode's arithmetic: truncated Taylor series, and the rules of every primitive.

A :class:`Series` holds the coefficients ``c_0 ... c_K`` of ``t -> v(x + t dx)`` stacked on a
leading axis (``a.shape == (K + 1,) + value.shape``): ``c_0`` is the value. It is a
:class:`pushforward.batch.Batch`, so linear operations (indexing, slicing, reshapes, sums, matrix
products with constants, in-place item updates) act on each coefficient; the arithmetic
operators and the rules below are truncated polynomial arithmetic (``t**(K+1) = 0``):

* products are Cauchy convolutions, quotients and square roots are solved term by term;
* a function of a series follows from its derivative: ``y = f(u)`` with ``y' = g(u) u'`` gives
  ``y_k = (1/k) sum_{j=1..k} j u_j g_{k-j}``, where ``g`` is a series too (``exp``: ``g = y``;
  ``sin``/``cos``: each other's; ``atan``: ``1 / (1 + u**2)``...).

Every rule costs O(K**2) operations on values. The coefficient ``c_0`` is always computed by the
primitive itself on the values, so it equals the primal result bit for bit.

A number's series is a :class:`Taylor`, its coefficients a list of floats: for the few
coefficients of scalar code, plain Python arithmetic beats NumPy's cost per call. The ``math``
rules take those; a Taylor that meets an array becomes a Series.
"""

from __future__ import annotations

import functools
import math
import numbers
import operator

import numpy as np

from . import batch, errors, special
from .batch import _NUMBERS, Batch
from .recurrences import SIZE

TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class _OnValue:
    """What a series does with its value alone: comparisons, conversions to ints, and the
    piecewise-constant operators (``//``, and ``%`` as ``x - y * (x // y)``)."""

    __slots__ = ()

    def __floordiv__(self, o):  # piecewise constant
        return self.value // _value(o)

    def __rfloordiv__(self, o):
        return _value(o) // self.value

    def __mod__(self, o):
        return _remainder(self, o, self.value // _value(o))

    def __rmod__(self, o):
        return _remainder(o, self, _value(o) // self.value)

    def __divmod__(self, o):
        q = self // o
        return q, _remainder(self, o, q)

    def __rdivmod__(self, o):  # divmod(2.0, s)
        q = o // self
        return q, _remainder(o, self, q)

    def __abs__(self):
        return fabs(self)

    def __lt__(self, o):
        return self.value < _value(o)

    def __le__(self, o):
        return self.value <= _value(o)

    def __gt__(self, o):
        return self.value > _value(o)

    def __ge__(self, o):
        return self.value >= _value(o)

    def __eq__(self, o):
        return self.value == _value(o)

    def __ne__(self, o):
        return self.value != _value(o)

    __hash__ = None

    def __bool__(self):
        return bool(self.value)

    def __int__(self):
        return int(self.value)

    def __index__(self):
        return int(self.value)

    def __round__(self, n=None):
        return round(float(self.value), n) if n is not None else round(float(self.value))

    def __floor__(self):
        return math.floor(self.value)

    def __ceil__(self):
        return math.ceil(self.value)

    def __trunc__(self):
        return math.trunc(self.value)

    def __float__(self):  # an array of numbers made outside the expanded code, a C function
        raise errors.at_run_time(
            errors.UnsupportedDerivativeError, "a Taylor series where a number is needed: "
            "stored into an array of numbers that Taylor mode did not make (a namedtuple's "
            "field), or converted by a function without a Taylor rule",
            "keep the array in a variable of the function's own (w = np.zeros(2); w[0] = x)")


class Series(_OnValue, Batch):
    """Taylor coefficients of one value, ``a[k]`` the k-th; arithmetic is truncated."""

    __slots__ = ()

    def __repr__(self):
        return "Series(%r)" % (self.a,)

    @property
    def value(self):
        return self.a[0]

    # -- arithmetic ------------------------------------------------------------------------
    def __add__(self, o):
        return _add(self, o)

    __radd__ = __add__

    def __sub__(self, o):
        return _add(self, -o)

    def __rsub__(self, o):
        return _add(-self, o)

    def __neg__(self):
        return Series(-self.a)

    def __pos__(self):
        return self

    def __mul__(self, o):
        return mul(self, o)

    __rmul__ = __mul__

    def __truediv__(self, o):
        return div(self, o)

    def __rtruediv__(self, o):
        return div(o, self)

    def __pow__(self, o):
        return power(self, o)

    def __rpow__(self, o):
        return power(o, self)

    def __matmul__(self, o):
        return _bilinear(np.matmul, self, o)

    def __rmatmul__(self, o):
        return _bilinear(np.matmul, o, self)

    def __setitem__(self, key, value):
        """``out[1] = s * 2.0`` (a number's series too), ``out[:2] = [s, 1.0]``; a constant
        written has zero higher coefficients."""
        value = operand(_arrays(value))
        if not isinstance(value, Batch):
            value = _embed(np.asarray(value, dtype=float), self.a.shape[0])
        Batch.__setitem__(self, key, value)

    def fill(self, value):  # a constant or a number's series
        self[...] = value

    def _inplace(self, result):
        """``x op= y``: an array's series is updated in place (its views see it); a number's
        is not (numbers are immutable: ``s = v; s += w`` leaves ``v`` alone)."""
        if self.a.ndim == 1 and type(self) is not ArraySeries:
            return result
        if not isinstance(result, Batch):  # a constant (``//=``): zero higher coefficients
            result = _embed(result, self.a.shape[0])
        self.a[...] = np.broadcast_to(_lift(result, self.a.ndim - 1), self.a.shape)
        return self

    def __iadd__(self, o):
        return self._inplace(self + o)

    def __isub__(self, o):
        return self._inplace(self - o)

    def __imul__(self, o):
        return self._inplace(self * o)

    def __itruediv__(self, o):
        return self._inplace(self / o)

    def __ipow__(self, o):
        return self._inplace(self ** o)

    def __imod__(self, o):
        return self._inplace(self % o)

    def __ifloordiv__(self, o):
        return self._inplace(self // o)

    # -- NumPy ------------------------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = _arrays(inputs)
        rule = UFUNCS.get(ufunc)
        if method != "__call__" or rule is None or kwargs.get("out"):
            what = ufunc.__name__ if method == "__call__" else ufunc.__name__ + "." + method
            raise errors.at_run_time(errors.UnsupportedDerivativeError, "no Taylor rule for "
                                     "numpy.%s%s" % (what, " with out=" * bool(kwargs.get("out"))))
        return rule(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        args, kwargs = _arrays(args), {k: _arrays(v) for k, v in kwargs.items()}
        rule = FUNCTIONS.get(func)
        if rule is not None:
            return rule(*args, **kwargs)
        if func in MIXING:  # constants among the series: their higher coefficients are 0
            n = _order(list(args) + list(kwargs.values()))
            args = [_embed_all(x, n) for x in args]
        out = Batch.__array_function__(self, func, types, args, kwargs)
        return _as_series(out)

    def __array__(self, dtype=None, copy=None):
        raise _in_an_array()

    # -- array methods with a rule of their own ------------------------------------------
    def clip(self, min=None, max=None, **kwargs):  # the array method's keywords
        return _clip(self, *_arrays((min, max)), **kwargs)

    max = batch.method(np.max)
    min = batch.method(np.min)
    prod = batch.method(np.prod)
    cumprod = batch.method(np.cumprod)
    var = batch.method(np.var)
    std = batch.method(np.std)
    argmax = batch.method(np.argmax, of=lambda self: self.value)
    argmin = batch.method(np.argmin, of=lambda self: self.value)
    argsort = batch.method(np.argsort, of=lambda self: self.value)


# -- a number's series: Python floats ----------------------------------------------------------

class ArraySeries(Series):
    """The series of a 0-d array (``np.zeros(())``, an argument): updated in place, as the
    array is, where a number's series (a NumPy scalar's) is rebound."""

    __slots__ = ()


class Taylor(_OnValue):
    """The Taylor coefficients of a number, as a list of floats: arithmetic on them is plain
    Python (for the few coefficients of a scalar series, faster than NumPy's per-call cost).
    Meeting an array, it becomes a :class:`Series`."""

    __slots__ = ("c",)
    __array_priority__ = 1001

    def __init__(self, c):
        self.c = c

    def __repr__(self):
        return "Taylor(%r)" % (self.c,)

    @property
    def value(self):
        return self.c[0]

    def series(self):
        return Series(np.array(self.c, dtype=float))

    def __add__(self, o):
        if type(o) in _NUMBERS:
            return Taylor([self.c[0] + o] + self.c[1:])
        if type(o) is Taylor:
            return Taylor(SIZE[len(self.c)].add(self.c, o.c))
        return self.series() + o

    __radd__ = __add__

    def __sub__(self, o):
        if type(o) in _NUMBERS:
            return Taylor([self.c[0] - o] + self.c[1:])
        if type(o) is Taylor:
            return Taylor(SIZE[len(self.c)].sub(self.c, o.c))
        return self.series() - o

    def __rsub__(self, o):
        if type(o) in _NUMBERS:
            return Taylor([o - self.c[0]] + [-a for a in self.c[1:]])
        return o - self.series()

    def __neg__(self):
        return Taylor([-a for a in self.c])

    def __pos__(self):
        return self

    def __mul__(self, o):
        if type(o) in _NUMBERS:
            return Taylor(SIZE[len(self.c)].scale(self.c, o))
        if type(o) is Taylor:
            return Taylor(_lmul(self.c, o.c))
        return self.series() * o

    __rmul__ = __mul__

    def __truediv__(self, o):
        if type(o) in _NUMBERS:
            return Taylor([a / o for a in self.c])
        if type(o) is Taylor:
            return Taylor(_ldiv(self.c, o.c))
        return self.series() / o

    def __rtruediv__(self, o):
        if type(o) in _NUMBERS:
            return Taylor(_ldiv([o] + [0.0] * (len(self.c) - 1), self.c))
        return o / self.series()

    def __pow__(self, r):
        if type(r) is Taylor:  # x ** u = exp(u log x)
            out = exp(r * log(self))
            return _result(lambda a, b: a ** b, (self, r), out.c)
        if type(r) not in _NUMBERS:
            return self.series() ** r
        return _result(lambda a: a ** r, (self,), _lpow(self.c, r, None))

    # a real number's attributes and methods
    real = property(lambda self: self)
    imag = property(lambda self: 0.0)

    def conjugate(self):
        return self

    def is_integer(self):
        return float(self.value).is_integer()

    def __rpow__(self, o):
        if type(o) not in _NUMBERS:
            return o ** self.series()
        if o == 0:  # 0 ** u is 0 for u > 0
            return _result(lambda a: o ** a, (self,), [0.0] * len(self.c))
        out = exp(self * math.log(o))
        return _result(lambda a: o ** a, (self,), out.c)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return getattr(ufunc, method)(*_arrays(inputs), **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return func(*_arrays(args), **{k: _arrays(v) for k, v in kwargs.items()})

    def __array__(self, dtype=None, copy=None):
        raise _in_an_array()


def _arrays(x):
    """``x`` (a value, or a tuple/list of them) with number series as array series."""
    if type(x) is Taylor:
        return x.series()
    if isinstance(x, (list, tuple)):
        return special.rebuild(x, [_arrays(v) for v in x])
    return x


LN2, LN10 = math.log(2.0), math.log(10.0)


def _lmul(a, b):
    """The product of two lists of coefficients (truncated)."""
    return SIZE[len(a)].mul(a, b)


def _ldiv(a, b):
    return SIZE[len(a)].div(a, b)


def _lexp(u, y0):
    return SIZE[len(u)].exp(u, y0)


def _llog(u, y0):
    return SIZE[len(u)].log(u, y0)


def _lsincos(u, s0, c0, sign):
    """sin and cos (sign -1) or sinh and cosh (sign +1), as two lists."""
    written = SIZE[len(u)]
    return (written.sincos if sign < 0 else written.sinhcosh)(u, s0, c0)


def _ltan(u, y0, sign):
    """tan (sign +1) or tanh (sign -1)."""
    return SIZE[len(u)].tan(u, y0, sign)


def _lsqrt(u, y0):
    return SIZE[len(u)].sqrt(u, y0)


def _lpow(u, r, y0):
    """u ** r: by products for an int r (exact where u_0 = 0), else from u y' = r u' y."""
    y0 = u[0] ** r if y0 is None else y0
    if float(r).is_integer() and abs(r) < 2 ** 31:
        one = [1.0] + [0.0] * (len(u) - 1)
        out = list(_by_squaring(u, int(abs(r)), _lmul) or one)  # a new list: out[0] is set
        out = out if r >= 0 else _ldiv(one, out)
        out[0] = y0
        return out
    return _lpow_by_recurrence(u, r, y0)


def _by_squaring(x, n, times):
    """``x ** n`` for an int ``n >= 0`` by repeated squaring with the product ``times`` (exact
    where the value is 0, unlike exp(n log x)); None for n = 0."""
    out, base = None, x
    while n:
        if n & 1:
            out = base if out is None else times(out, base)
        n >>= 1
        if n:
            base = times(base, base)
    return out


def _lpow_by_recurrence(u, r, y0):
    return SIZE[len(u)].pow(u, r, y0)


def _lintegrate(u, g, y0):
    """y with y' = g u'."""
    return SIZE[len(u)].integrate(u, g, y0)


# -- helpers -----------------------------------------------------------------------------------

def _value(x):
    if isinstance(x, Batch):
        return x.a[0]
    return x.c[0] if type(x) is Taylor else x


def _in_an_array():
    """The error of a series NumPy would make part of an array of numbers: written into an
    array Taylor mode did not make, or in a nested list of constants."""
    return errors.at_run_time(
        errors.UnsupportedDerivativeError, "a Taylor series where NumPy needs numbers: written "
        "into an array that holds numbers (one in a list or a namedtuple), or in a nested list "
        "of constants", "keep the array in a variable of the function's own (w = np.zeros(2); "
        "w[0] = x), or build the array of series first (np.array([s, 1.0]))")


def value(x):
    """The value of ``x`` (the coefficient 0 of a series), for non-differentiable uses."""
    if isinstance(x, Batch):
        return x.a[0]
    if type(x) is Taylor:
        return x.c[0]
    if isinstance(x, list):
        return [value(v) for v in x]
    if isinstance(x, tuple):
        return special.rebuild(x, [value(v) for v in x])
    return x


def to_float(x):
    """``float(x)``: a series stays a series."""
    return x if isinstance(x, (Batch, Taylor)) else float(x)


def _lift(x, ndim):
    return batch._lift(x, ndim)


def _as_series(x):
    if isinstance(x, Batch) and not isinstance(x, Series):
        return Series(x.a)
    if isinstance(x, list):
        return [_as_series(v) for v in x]
    return x


def _order(items):
    """Number of coefficients of the series among ``items`` (nested lists searched)."""
    n = batch._batch_size(items)
    return n if n is not None else batch._current()


def constant(c):
    """An array ``c`` (or each of a list's) as a series with zero higher coefficients, so
    that series can be written into it; anything else (numbers, series) as it is."""
    if isinstance(c, np.ndarray) and not isinstance(c, Batch):
        out = _embed(c, batch._current())
        if c.dtype.kind in "biu":  # a series written into it would be truncated: refused
            out.a = out.a.view(special.IntegerTangent)
        return ArraySeries(out.a) if c.ndim == 0 else out
    if isinstance(c, list):  # a list of arrays: each may be written into
        return [constant(v) for v in c]
    return c


def _embed(x, n):
    if isinstance(x, Series):
        return x
    a = np.zeros((n,) + np.shape(x))
    a[0] = x
    return Series(a)


def _embed_all(x, n):
    """Constants in ``x`` (a value or a list of values) as series of ``n`` coefficients."""
    if isinstance(x, (list, tuple)):
        if batch._batch_size([x]) is None:  # [1.0, 2.0]: one constant array
            return _embed(np.asarray(x, dtype=float), n)
        return special.rebuild(x, [_embed_all(v, n) for v in x])
    if isinstance(x, Batch) or isinstance(x, (str, bool)) or x is None:
        return x
    return _embed(x, n)


def _pair(x, y):
    """Two operands (one at least a Series) as arrays of coefficients of equal rank."""
    n = (x if isinstance(x, Series) else y).a.shape[0]
    x, y = _embed(x, n), _embed(y, n)
    nd = max(x.ndim, y.ndim)
    return _lift(x, nd), _lift(y, nd), n


def _rows(u):
    """The coefficients of a stack as a list: floats for a number's series (the recurrences
    below then run on Python floats), arrays for an array's."""
    return u.tolist() if u.ndim == 1 else list(u)


def _stack(rows):
    if not any(isinstance(r, np.ndarray) for r in rows):
        return np.array(rows, dtype=float)
    return np.stack(np.broadcast_arrays(*rows))


def _result(prim, args, a):
    """A series with coefficients ``a`` (a list: a number's) whose coefficient 0 is ``prim``
    of the values."""
    a[0] = prim(*[_value(x) for x in args])
    return Taylor(a) if type(a) is list else Series(a)


def _coefficients(x):
    """A copy of the coefficients of a series (a list for a Taylor, an array for a Series)."""
    return list(x.c) if type(x) is Taylor else np.array(x.a)


def _is_series(x):
    return isinstance(x, Series) or type(x) is Taylor


# -- arithmetic --------------------------------------------------------------------------------

def _add(x, o):
    t = type(o)
    if t is Taylor:
        o, t = o.series(), Series
    if t in _NUMBERS:
        a = x.a.copy()
        a[0] += o
        return Series(a)
    if t is Series and o.a.ndim == x.a.ndim:
        return Series(x.a + o.a)
    if isinstance(o, Series):
        return _as_series(batch._ufunc(np.add, x, o))
    shape = np.broadcast_shapes(x.shape, np.shape(o))
    a = np.array(np.broadcast_to(_lift(x, len(shape)), x.a.shape[:1] + shape), dtype=float)
    a[0] = x.a[0] + o
    return Series(a)


def _cauchy(a, b):
    """The first len(a) coefficients of the product of two stacks of coefficients."""
    n = a.shape[0]
    if a.ndim == 1 and b.ndim == 1:
        return np.convolve(a, b)[:n]
    out = np.zeros((n,) + np.broadcast_shapes(a.shape[1:], b.shape[1:]))
    for j in range(n):
        out[j:] += a[j] * b[:n - j]
    return out


def mul(x, y):
    x, y = _arrays((x, y))
    if type(y) in _NUMBERS:
        return Series(x.a * y)
    if not (isinstance(x, Series) and isinstance(y, Series)):
        return _as_series(batch._ufunc(np.multiply, x, y))
    a, b, _ = _pair(x, y)
    out = _cauchy(a, b)
    out[0] = a[0] * b[0]
    return Series(out)


def _divide(a, b):
    """q = a / b for two stacks of coefficients."""
    return _stack(_ldiv(_rows(a), _rows(b)))


def div(x, y):
    x, y = _arrays((x, y))
    if type(y) in _NUMBERS:
        return Series(x.a / y)
    if not isinstance(y, Series):
        return _as_series(batch._ufunc(np.true_divide, x, y))
    a, b, _ = _pair(x, y)
    return Series(_divide(a, b))


def _int_power(x, r):
    """x ** r for an int r by repeated squaring (exact where the value is 0)."""
    if r < 0:
        return div(1.0, _int_power(x, -r))
    out = _by_squaring(x, r, mul)
    return out if out is not None else _embed(np.ones(x.shape), x.a.shape[0])


def power(x, r, prim=operator.pow):
    """x ** r: a series to a constant power, a constant to a series power, or both series;
    coefficient 0 is ``prim`` of the values (``np.power`` for ``np.power``: NumPy's power may
    round differently from Python's)."""
    x, r = _arrays((x, r))
    if isinstance(r, Series):  # x ** u = exp(u log x)
        if isinstance(x, Series):
            return _result(prim, (x, r), _exp_of(mul(r, Series(_log_of(x.a))).a))
        with np.errstate(divide="ignore", invalid="ignore"):
            a = _exp_of((r * np.log(x)).a)
        a[1:] = np.where(np.asarray(x) == 0, 0.0, a[1:])  # 0 ** u is 0 for u > 0
        return _result(prim, (x, r), a)
    if isinstance(r, numbers.Integral) or (np.ndim(r) == 0 and float(r).is_integer()
                                           and abs(r) < 2 ** 31):
        out = _int_power(x, int(r))
        return _result(lambda a: prim(a, r), (x,), np.array(out.a))
    whole = np.asarray(r)
    if whole.size and np.all(whole == np.round(whole)) and np.all(np.abs(whole) < 2 ** 31):
        # an array of whole exponents: each by exact products (the recurrence divides by the
        # base, which may be 0), chosen elementwise
        out = np.zeros(np.broadcast_shapes(x.a.shape, (1,) + whole.shape))
        for n in np.unique(whole):
            out = np.where(whole == n, _int_power(x, int(n)).a, out)
        return _result(lambda a: prim(a, r), (x,), out)
    return _result(lambda a: prim(a, r), (x,), _power_of(x.a, r))


def _power_of(u, r, y0=None):
    """u ** r for a stack of coefficients and a constant r."""
    return _stack(_lpow_by_recurrence(_rows(u), r, u[0] ** r if y0 is None else y0))


def _bilinear(func, x, y, *rest, **kwargs):
    """``func(x, y)`` for a function linear in each argument: with two series, a Cauchy
    product of calls on their coefficients; with one, the call on each coefficient."""
    if not (isinstance(x, Series) and isinstance(y, Series)):
        if func is np.matmul:
            out = _as_series(batch._matmul(x, y))
        else:
            out = _as_series(Batch.__array_function__(x if isinstance(x, Series) else y, func,
                                                      (), (x, y) + rest, kwargs))
        # the value as the primal computes it: a product of the whole stack of coefficients
        # may round otherwise (BLAS)
        out.a[0] = func(value(x), value(y), *rest, **kwargs)
        return out
    return _multilinear(lambda a, b: func(a, b, *rest, **kwargs), (x, y))


# -- functions of one series -----------------------------------------------------------------

def _integrate(u, g, y0):
    """y with y' = g u' and y(0) = y0, for stacks of coefficients."""
    return _stack(_lintegrate(_rows(u), _rows(g), y0))


def _exp_of(u):
    return _stack(_lexp(_rows(u), np.exp(u[0])))


def _log_of(u):
    return _stack(_llog(_rows(u), np.log(u[0])))


def _sin_cos(u, sign=-1.0):
    """sin and cos (sign -1) or sinh and cosh (sign +1) of a stack, together."""
    s0, c0 = (np.sin(u[0]), np.cos(u[0])) if sign < 0 else (np.sinh(u[0]), np.cosh(u[0]))
    s, c = _lsincos(_rows(u), s0, c0, sign)
    return _stack(s), _stack(c)


def _tan_of(u, sign=1.0):
    """tan (sign +1) or tanh (sign -1) of a stack."""
    return _stack(_ltan(_rows(u), np.tan(u[0]) if sign > 0 else np.tanh(u[0]), sign))


def _sqrt_of(u):
    return _stack(_lsqrt(_rows(u), np.sqrt(u[0])))


def _g(series_of):
    """A rule from y' = g(u) u': ``series_of(u)`` gives the stack of g."""
    return lambda u: _integrate(u, series_of(Series(u)).a, np.zeros(u.shape[1:]))


# y' = g(u) u': the series of g, by the operators (for a Series or a Taylor)
G_ATAN = lambda u: 1.0 / (1.0 + u * u)  # noqa: E731
G_ASIN = lambda u: (1.0 - u * u) ** -0.5  # noqa: E731
G_ACOS = lambda u: -((1.0 - u * u) ** -0.5)  # noqa: E731
G_ATANH = lambda u: 1.0 / (1.0 - u * u)  # noqa: E731
G_ASINH = lambda u: (1.0 + u * u) ** -0.5  # noqa: E731
G_ACOSH = lambda u: (u * u - 1.0) ** -0.5  # noqa: E731
G_ERF = lambda u: (exp(-(u * u)) if type(u) is Taylor  # noqa: E731
                   else Series(_exp_of((-(u * u)).a))) * TWO_OVER_SQRT_PI


def _scalar_rule(prim, of):
    """A ``math`` function's rule: ``of(u, value)`` gives the list of coefficients from the
    list ``u`` and the function's value at ``u[0]`` (math functions take numbers only)."""
    def rule(x, *rest):
        if isinstance(x, Series):  # a number's series that came through NumPy
            x = Taylor(x.a.tolist())
        if type(x) is not Taylor:
            return prim(x, *rest)
        u = x.c
        v0 = prim(u[0], *rest)
        out = of(u, v0)
        out[0] = v0
        return Taylor(out)

    rule.__name__ = getattr(prim, "__name__", "rule")
    rule.__doc__ = "Taylor rule of math.%s." % rule.__name__
    return rule


def _lg(g):
    """The list rule of y' = g(u) u'."""
    return lambda u, v0: _lintegrate(u, g(Taylor(u)).c, v0)


sin = _scalar_rule(math.sin, lambda u, v0: _lsincos(u, v0, math.cos(u[0]), -1.0)[0])
cos = _scalar_rule(math.cos, lambda u, v0: _lsincos(u, math.sin(u[0]), v0, -1.0)[1])
sinh = _scalar_rule(math.sinh, lambda u, v0: _lsincos(u, v0, math.cosh(u[0]), 1.0)[0])
cosh = _scalar_rule(math.cosh, lambda u, v0: _lsincos(u, math.sinh(u[0]), v0, 1.0)[1])
tan = _scalar_rule(math.tan, lambda u, v0: _ltan(u, v0, 1.0))
tanh = _scalar_rule(math.tanh, lambda u, v0: _ltan(u, v0, -1.0))
exp = _scalar_rule(math.exp, _lexp)
expm1 = _scalar_rule(math.expm1, lambda u, v0: _lexp(u, math.exp(u[0])))
exp2 = _scalar_rule(getattr(math, "exp2", lambda v: 2.0 ** v),
                    lambda u, v0: _lexp([c * LN2 for c in u], v0))
_log = _scalar_rule(math.log, _llog)
log1p = _scalar_rule(math.log1p, lambda u, v0: _llog([1.0 + u[0]] + u[1:], v0))
log2 = _scalar_rule(math.log2, lambda u, v0: [c / LN2 for c in _llog(u, math.log(u[0]))])
log10 = _scalar_rule(math.log10, lambda u, v0: [c / LN10 for c in _llog(u, math.log(u[0]))])
sqrt = _scalar_rule(math.sqrt, _lsqrt)
cbrt = _scalar_rule(getattr(math, "cbrt", np.cbrt), lambda u, v0: _lpow(u, 1.0 / 3.0, v0))
atan = _scalar_rule(math.atan, _lg(G_ATAN))
asin = _scalar_rule(math.asin, _lg(G_ASIN))
acos = _scalar_rule(math.acos, _lg(G_ACOS))
atanh = _scalar_rule(math.atanh, _lg(G_ATANH))
asinh = _scalar_rule(math.asinh, _lg(G_ASINH))
acosh = _scalar_rule(math.acosh, _lg(G_ACOSH))
erf = _scalar_rule(math.erf, _lg(G_ERF))
erfc = _scalar_rule(math.erfc, _lg(lambda u: -G_ERF(u)))
degrees = _scalar_rule(math.degrees, lambda u, v0: [c * (180.0 / math.pi) for c in u])
radians = _scalar_rule(math.radians, lambda u, v0: [c * (math.pi / 180.0) for c in u])


# Bernoulli numbers B_2, B_4, ..., B_30 (for the asymptotic series of the polygamma functions)
_BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
              43867 / 798, -174611 / 330, 854513 / 138, -236364091 / 2730, 8553103 / 6,
              -23749461029 / 870, 8615841276005 / 14322]


def _lgamma_coefficients(x, n):
    """Taylor coefficients of log|gamma| at x, orders 0 .. n-1: lgamma(x), then
    psi^(m-1)(x) / m! from the polygamma functions psi^(k)(x) = (-1)^(k+1) k! sum_i 1/(x+i)^(k+1):
    the recurrence shifts x up to ``big``, where the asymptotic series in 1/x is accurate;
    reflection handles x < 1/2."""
    if x < 0.5:  # log|gamma(x)| = log(pi / |sin(pi x)|) - lgamma(1 - x)
        reflected = _lgamma_coefficients(1.0 - x, n)
        sine = _lsincos([math.pi * x, math.pi] + [0.0] * (n - 2), math.sin(math.pi * x),
                        math.cos(math.pi * x), -1.0)[0][:n]
        log_sine = _llog(sine if sine[0] > 0 else [-c for c in sine], math.log(abs(sine[0])))
        return [math.lgamma(x)] + [-log_sine[m] - (-1) ** m * reflected[m] for m in range(1, n)]
    out = [math.lgamma(x)]
    big = max(20.0, 2.0 * n + 10.0)
    shift = max(0, math.ceil(big - x))
    y = x + shift
    for m in range(1, n):
        k = m - 1  # psi^(k)(x) / m!, with k! / m! = 1 / m
        if k == 0:  # digamma: log y - 1/(2y) - sum B_2j / (2j y^2j)
            total = math.log(y) - 0.5 / y - sum(b / (2 * j * y ** (2 * j))
                                                 for j, b in enumerate(_BERNOULLI, 1))
            total -= sum(1.0 / (x + i) for i in range(shift))
            out.append(total)
            continue
        # psi^(k)(y) = (-1)^(k+1) [(k-1)!/y^k + k!/(2 y^(k+1)) + sum B_2j (2j+k-1)!/((2j)! y^(2j+k))]
        series = math.factorial(k - 1) / y ** k + math.factorial(k) / (2.0 * y ** (k + 1))
        for j, b in enumerate(_BERNOULLI, 1):
            series += b * math.factorial(2 * j + k - 1) / (math.factorial(2 * j) * y ** (2 * j + k))
        series += math.factorial(k) * sum(1.0 / (x + i) ** (k + 1) for i in range(shift))
        out.append((-1) ** (k + 1) * series / math.factorial(m))
    return out


def _lcompose(u, f):
    """The series of F(u) for a number's series u from F's Taylor coefficients f at u_0."""
    h = [0.0] + u[1:]
    y = [f[-1]] + [0.0] * (len(u) - 1)
    for m in range(len(u) - 2, -1, -1):
        y = _lmul(y, h)
        y[0] += f[m]
    return y


def _llgamma(u, v0=None):
    return _lcompose(u, _lgamma_coefficients(u[0], len(u)))


def _lgamma_exp(u, v0):
    """gamma(u) = sign(v0) exp(log|gamma(u)|)."""
    y = _lexp(_llgamma(u), abs(v0))
    return y if v0 > 0 else [-c for c in y]


lgamma = _scalar_rule(math.lgamma, _llgamma)
gamma = _scalar_rule(math.gamma, _lgamma_exp)


def log(x, base=None):
    """log(x), or log(x) / log(base) with a second argument."""
    if base is None:
        return _log(x)
    if not _is_series(x) and not _is_series(base):
        return math.log(x, base)
    return _result(math.log, (x, base), _coefficients(_log(x) / _log(base)))


def fabs(x):
    """|x| = sign(value) x; 0 where the value is 0 (the first-order convention)."""
    if type(x) is Taylor:
        sign = (x.c[0] > 0) - (x.c[0] < 0)
        return _result(abs, (x,), [sign * c for c in x.c])
    if not isinstance(x, Series):
        return abs(x)
    return _result(abs, (x,), np.sign(x.a[0]) * x.a)


def _or_plain(prim):
    """A rule of several arguments; without a series among them, the primitive itself."""
    def wrap(rule):
        def apply(*args):
            if not any(_is_series(a) for a in args):
                return prim(*args)
            return _result(prim, args, _coefficients(rule(*args)))

        apply.__name__ = rule.__name__
        apply.__doc__ = rule.__doc__
        return apply

    return wrap


@_or_plain(math.copysign)
def copysign(x, y):
    return fabs(x) * math.copysign(1.0, _value(y)) if _is_series(x) else y * 0.0


@_or_plain(math.fmod)
def fmod(x, y):
    """x - q y with fmod's own quotient q of the values (trunc(x / y) may round: 1.0 / 0.1
    is 10.0, but fmod(1.0, 0.1) leaves 9 times 0.1 out)."""
    xv, yv = _value(x), _value(y)
    return x - y * np.round((xv - np.fmod(xv, yv)) / yv)


@_or_plain(math.remainder)
def remainder(x, y):
    """x - n y with the nearest integer n of the values' quotient (as math.remainder)."""
    xv, yv = _value(x), _value(y)
    return x - y * round((xv - math.remainder(xv, yv)) / yv)


@_or_plain(math.ldexp)
def ldexp(x, i):
    return x * 2.0 ** i


def frexp(x):
    """(mantissa, exponent): the mantissa's series is x's over 2**e, e the values' exponent."""
    if not _is_series(x):
        return math.frexp(x)
    mantissa, e = math.frexp(_value(x))
    return _result(lambda v: math.frexp(v)[0], (x,), _coefficients(x * 2.0 ** -e)), e


@_or_plain(math.nextafter)
def nextafter(x, y):
    return x + 0.0 * y


if hasattr(math, "fma"):  # Python 3.13
    @_or_plain(math.fma)
    def fma(x, y, z):
        return x * y + z


def sumprod(p, q):
    """math.sumprod of sequences holding series: the sum of the products, the value
    math.sumprod's (which rounds once)."""
    p, q = list(p), list(q)
    if not any(_is_series(v) for v in p + q):
        return math.sumprod(p, q)
    return _result(math.sumprod, ([_value(v) for v in p], [_value(v) for v in q]),
                   _coefficients(sum((a * b for a, b in zip(p, q)), 0.0)))


def modf(x):
    """(fraction, integer part): the fraction's series is x's less the integer part, a
    constant; its value is math.modf's (-0.0 for -2.0)."""
    if not _is_series(x):
        return math.modf(x)
    fraction, whole = math.modf(_value(x))
    out = x - whole
    if type(out) is Taylor:
        return Taylor([fraction] + out.c[1:]), whole
    out.a[0] = fraction
    return out, whole


def dist(p, q):
    """math.dist of points holding series: hypot of the differences, the value math.dist's."""
    p, q = list(p), list(q)
    if not any(_is_series(v) for v in p + q):
        return math.dist(p, q)
    return _result(math.dist, ([_value(v) for v in p], [_value(v) for v in q]),
                   _coefficients(_hypot([a - b for a, b in zip(p, q)])))


def _atan2(y, x):
    """atan2 plus a constant (the value comes from atan2 itself): atan(y / x) where |x| >=
    |y| and x != 0, else -atan(x / y), so that the quotient stays at most 1 (a tiny x would
    make the coefficients of y / x huge and cancel); elementwise for arrays."""
    xv, yv = _value(x), _value(y)
    if type(x) is Taylor or type(y) is Taylor:  # numbers
        return atan(y / x) if xv != 0 and abs(xv) >= abs(yv) else -atan(x / y)
    by_x = (xv != 0) & (np.abs(xv) >= np.abs(yv))
    if np.any(by_x):
        a = Series(_g(G_ATAN)(div(y, x).a if isinstance(x, Series) else (y / x).a))
        if np.all(by_x):
            return a
    b = -Series(_g(G_ATAN)(div(x, y).a if isinstance(y, Series) else (x / y).a))
    return _select(by_x, a, b) if np.any(by_x) else b


atan2 = _or_plain(math.atan2)(_atan2)


@_or_plain(math.hypot)
def hypot(*xs):
    return _hypot(xs)


def _hypot(xs):
    """h = sqrt(sum x_i^2) term by term from h^2 = sum x_i^2, without squaring a value (which
    overflows for 1e200 and underflows for 1e-200): h_0 is hypot of the values, then
    h_k = (sum_i sum_j x_ij x_i,k-j - sum_{0<j<k} h_j h_k-j) / (2 h_0)."""
    n = next(len(x.c) if type(x) is Taylor else len(x.a) for x in xs if _is_series(x))
    stacks = [np.array(x.c) if type(x) is Taylor else x.a if isinstance(x, Series)
              else _embed(np.asarray(x, dtype=float), n).a for x in xs]
    h = np.zeros((n,) + np.broadcast_shapes(*[c.shape[1:] for c in stacks]))
    value = functools.reduce(np.hypot, [c[0] for c in stacks])
    # h is homogeneous: on coefficients divided by a power of 2 between the largest and the
    # smallest of them, their products neither underflow nor overflow
    sizes = np.abs(np.concatenate([np.ravel(c) for c in stacks]))
    sizes = sizes[(sizes > 0) & np.isfinite(sizes)]
    scale = 2.0 ** round(0.5 * (math.log2(sizes.max()) + math.log2(sizes.min()))) \
        if sizes.size else 1.0
    stacks = [c / scale for c in stacks]
    h[0] = value / scale
    for k in range(1, n):
        total = sum(c[j] * c[k - j] for c in stacks for j in range(k + 1))
        h[k] = (total - sum((h[j] * h[k - j] for j in range(1, k)), 0.0)) / (2.0 * h[0])
    h = h * scale
    h[0] = value
    return Series(h) if any(isinstance(x, Series) for x in xs) else Taylor(list(h))


def pow_(x, y):
    return x ** y


def fsum(xs):
    """math.fsum: the coefficients summed, the value math.fsum's (correctly rounded)."""
    xs = list(xs)
    return _summed(sum(xs, 0.0), lambda: math.fsum(_value(x) for x in xs))


def sum_(xs, start=0):
    """sum: the coefficients summed, the value that of builtins.sum (which, from Python 3.12,
    compensates the rounding of floats)."""
    xs = list(xs)
    return _summed(sum(xs, start), lambda: sum([_value(x) for x in xs], _value(start)))


def _divmod(a, b):
    """(q, a - b * q), q = a // b on the values: piecewise constant."""
    q = np.floor_divide(_value(a), _value(b))
    return q, _remainder(a, b, q)


def _remainder(a, b, q):
    """a % b = a - b * q for the quotient q of the values; coefficient 0 is the remainder of
    the values itself (a - b * q rounds differently)."""
    return _summed(a - b * q, lambda: _value(a) % _value(b))


def _summed(out, value):
    if not _is_series(out):
        return out
    a = _coefficients(out)
    a[0] = value()
    return Taylor(a) if type(a) is list else Series(a)


def prod(xs, start=1):
    out = start
    for x in xs:
        out = out * x
    return out


# -- NumPy -------------------------------------------------------------------------------------

def _np(prim, rule):
    """A NumPy ufunc's rule: coefficient 0 by the ufunc itself."""
    def apply(x, *rest, **kwargs):
        if not isinstance(x, Series):
            return prim(x, *rest, **kwargs)
        out = rule(x, *rest) if rest else rule(x)
        return _result(lambda *v: prim(*v, **kwargs), (x,) + rest, np.array(out.a))

    return apply


def _select(mask, a, b):
    """where(mask, a, b) on every coefficient (constants get zero higher coefficients)."""
    n = _order([a, b])
    a, b = _embed(a, n), _embed(b, n)
    nd = max(a.ndim, b.ndim, np.ndim(mask))
    return Series(np.where(mask, _lift(a, nd), _lift(b, nd)))


def _logaddexp(a, b, scale):
    """Coefficients of log(exp(a s) + exp(b s)) / s (s = 1, or log 2 for base 2), shifted by
    the larger value so that the exponentials cannot overflow."""
    m = np.maximum(_value(a), _value(b))
    total = _add(exp_np((a - m) * scale), exp_np((b - m) * scale)) if isinstance(a, Series) \
        and isinstance(b, Series) else exp_np((a - m) * scale) + exp_np((b - m) * scale)
    return np.array((log_np(total) / scale + m).a)


def _sum(*args, **kwargs):
    """``np.sum``: ``initial=`` adds a constant, to the coefficient 0 only."""
    initial = kwargs.pop("initial", None)
    out = _as_series(batch.FUNCTIONS[np.sum](*args, **kwargs))
    return out if initial is None else out + initial


def _where(c, a=None, b=None):
    return _select(_value(c), a, b)


def _clip(x, a_min=None, a_max=None, **kwargs):
    if kwargs:  # as the first-order rule, which takes these arguments only
        raise errors.at_run_time(errors.UnsupportedDerivativeError, "no Taylor rule for "
                                 "numpy.clip with the keyword arguments %s" % sorted(kwargs))
    lo, hi = a_min, a_max
    v = _value(x)
    out = x
    if lo is not None:
        out = _select(v < _value(lo), lo, out)
        v = np.maximum(v, _value(lo))  # hi wins where lo > hi, as in np.clip
    if hi is not None:
        out = _select(v > _value(hi), hi, out)
    out.a[0] = np.clip(_value(x), _value(lo), _value(hi))
    return out


def _extreme(pick, tangent):
    def rule(a, axis=None, keepdims=False, **kwargs):
        v = a.a[0]
        out = tangent(v, Batch(a.a), None, axis=axis, keepdims=keepdims)
        return _result(lambda w: pick(w, axis=axis, keepdims=keepdims), (a,), np.array(out.a))

    return rule


def _sort(a, axis=-1, **kwargs):
    v = a.a[0]
    out = special.sort_tangent(v, Batch(a.a), None, axis=axis)
    return Series(np.array(out.a))


def sort_copy(xs, *, key=None, reverse=False):
    """The rewrite of ``xs.sort()``, ``xs[:] = sort_copy(xs)``: a list of series sorted by
    their values, an array's series along its last axis (as ``special.sort_copy``)."""
    if isinstance(xs, Series) and key is None and reverse is False:
        return _sort(xs)
    if isinstance(xs, Series):  # the array's own error for a key
        return special.sort_copy(xs.a[0], key=key, reverse=reverse)
    return special.sort_copy(xs, key=_by_value(key), reverse=reverse)


def sorted_(xs, key=None, reverse=False):
    """``sorted`` of series (numbers, tuples or namedtuples of them): by their values."""
    return sorted(xs, key=_by_value(key), reverse=reverse)


def _by_value(key):
    """A sort key on the values of series: a key may call math functions, which take
    numbers, or read a namedtuple's fields."""
    return value if key is None else (lambda s: key(value(s)))


def _reduce_product(a, axis=None, keepdims=False, **kwargs):
    """prod along ``axis`` (an int, a tuple, or None) as a chain of series products."""
    v = a.a[0]
    moved = special._along_last(Batch(a.a), axis).a  # the factors on the last axis
    out = Series(moved[..., 0])
    for i in range(1, moved.shape[-1]):
        out = mul(out, Series(moved[..., i]))
    result = special._restore(Batch(out.a), v, axis, keepdims).a
    return _result(lambda w: np.prod(w, axis=axis, keepdims=keepdims), (a,), np.array(result))


def _cumprod(a, axis=None, **kwargs):
    stack = np.reshape(a.a, (a.a.shape[0], -1)) if axis is None else \
        np.moveaxis(a.a, axis + 1 if axis >= 0 else axis, -1)
    out, parts = None, []
    for i in range(stack.shape[-1]):
        item = Series(stack[..., i])
        out = item if out is None else mul(out, item)
        parts.append(out.a)
    result = np.stack(parts, axis=-1)
    if axis is not None:
        result = np.moveaxis(result, -1, axis + 1 if axis >= 0 else axis)
    return _result(lambda w: np.cumprod(w, axis=axis), (a,), result)


def _var(a, axis=None, ddof=0, keepdims=False, **kwargs):
    n = a.size // max(np.size(np.mean(a.a[0], axis=axis)), 1)
    centred = a - np.mean(a, axis=axis, keepdims=True)
    out = np.sum(centred * centred, axis=axis, keepdims=keepdims) / (n - ddof)
    return _result(lambda w: np.var(w, axis=axis, ddof=ddof, keepdims=keepdims), (a,),
                   np.array(out.a))


def _std(a, axis=None, ddof=0, keepdims=False, **kwargs):
    """sqrt of var; zero coefficients where std is 0 (equal entries, an axis of length 1), as
    the first-order tangent there."""
    var = _var(a, axis=axis, ddof=ddof, keepdims=keepdims)
    zero = var.a[0] == 0
    out = sqrt_np(Series(np.where(zero, 1.0, var.a)) if np.any(zero) else var)
    out.a = np.where(zero, 0.0, out.a)
    return _result(lambda w: np.std(w, axis=axis, ddof=ddof, keepdims=keepdims), (a,),
                   np.array(out.a))


def _norm(x, ord=None, axis=None, keepdims=False):
    """The norms as compositions of series operations (sums of powers of abs, largest sums of
    abs), except those of singular values."""
    matrix = special.matrix_norm(x.ndim, ord, axis)
    if ord is None or ord == ("fro" if matrix else 2):
        out = sqrt_np(np.sum(x * x, axis=axis, keepdims=keepdims))
    elif not matrix:
        out = _vector_norm(x, ord, axis, keepdims)
    elif ord in (1, -1, math.inf, -math.inf):
        rows, cols = (-2, -1) if axis is None else axis
        summed, picked = (rows, cols) if ord in (1, -1) else (cols, rows)
        pick = np.max if ord > 0 else np.min
        out = pick(np.sum(np.abs(x), axis=summed, keepdims=True), axis=picked, keepdims=True)
        if not keepdims:
            out = np.squeeze(out, axis=(rows, cols))
    else:
        raise errors.at_run_time(
            errors.UnsupportedDerivativeError,
            "no Taylor rule for numpy.linalg.norm with ord=%r of a matrix (a singular value)"
            % (ord,))
    return _result(lambda w: np.linalg.norm(w, ord=ord, axis=axis, keepdims=keepdims), (x,),
                   np.array(out.a))


def _vector_norm(x, ord, axis, keepdims):
    if ord == 0:
        return _embed(np.linalg.norm(_value(x), ord=0, axis=axis, keepdims=keepdims), len(x.a))
    if ord in (math.inf, -math.inf):
        pick = np.max if ord > 0 else np.min
        return pick(np.abs(x), axis=axis, keepdims=keepdims)
    if ord == 1:
        return np.sum(np.abs(x), axis=axis, keepdims=keepdims)
    return np.sum(np.abs(x) ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _inv(A):
    """B = inv(A): B_0 = inv(A_0), B_k = -B_0 sum_{j=1..k} A_j B_{k-j}."""
    a = A.a
    b = np.zeros(a.shape)
    b[0] = np.linalg.inv(a[0])
    for k in range(1, a.shape[0]):
        b[k] = -b[0] @ sum(a[j] @ b[k - j] for j in range(1, k + 1))
    return Series(b)


def _solve(A, rhs):
    """X = solve(A, b) term by term: A_0 X_k = b_k - sum_{j=1..k} A_j X_{k-j}."""
    n = _order([A, rhs])
    A, rhs = _embed(A, n), _embed(rhs, n)
    a, b = A.a, rhs.a
    x = np.zeros(b.shape)
    for k in range(n):
        r = b[k] - sum((a[j] @ x[k - j] for j in range(1, k + 1)), np.zeros(b.shape[1:]))
        x[k] = np.linalg.solve(a[0], r)
    return Series(x)


def _det(A):
    """det: y' = y tr(inv(A) A'), integrated term by term; at a singular matrix of the
    stack, the expansion along the first row (each minor by this rule again)."""
    a = A.a
    n = a.shape[0]
    if not np.all(np.linalg.det(a[0])):
        out = _laplace(a)
        out.a[0] = np.linalg.det(a[0])  # the value as the primal computes it
        return out
    b = _inv(A).a
    # h = tr(inv(A) A') as a series of order n - 2, A' having coefficients (m + 1) A_{m+1}
    h = np.array([sum(np.trace(b[i] @ ((m - i + 1) * a[m - i + 1]), axis1=-2, axis2=-1)
                      for i in range(m + 1)) for m in range(n - 1)])
    y = np.zeros((n,) + a.shape[1:-2])
    y[0] = np.linalg.det(a[0])
    for k in range(1, n):
        y[k] = np.sum(y[:k][::-1] * h[:k], axis=0) / k
    return Series(y)


def _laplace(a):
    """det of a (stack of) matrix series: sum_j (-1)^j A_0j det(minor_0j)."""
    m = a.shape[-1]
    if m == 1:
        return Series(a[..., 0, 0])
    below = a[..., 1:, :]
    out = np.zeros(a.shape[:-2])
    for j in range(m):
        minor = _det(Series(np.delete(below, j, axis=-1))).a
        out += (-1.0) ** j * _cauchy(a[..., 0, j], minor)
    return Series(out)


sqrt_np = _np(np.sqrt, lambda x: Series(_sqrt_of(x.a)))
exp_np = _np(np.exp, lambda x: Series(_exp_of(x.a)))
log_np = _np(np.log, lambda x: Series(_log_of(x.a)))

UFUNCS = {
    np.add: lambda x, y, **kw: _add(x, y) if isinstance(x, Series) else _add(y, x),
    np.subtract: lambda x, y, **kw: x - y if isinstance(x, Series) else -y + x,
    np.multiply: lambda x, y, **kw: mul(x, y),
    np.true_divide: lambda x, y, **kw: div(x, y),
    np.negative: lambda x, **kw: -x,
    np.positive: lambda x, **kw: x,
    np.matmul: lambda x, y, **kw: _bilinear(np.matmul, x, y),
    np.power: lambda x, y, **kw: power(x, y, np.power),
    np.square: lambda x, **kw: mul(x, x),
    np.reciprocal: lambda x, **kw: div(1.0, x),
    np.sin: _np(np.sin, lambda x: Series(_sin_cos(x.a)[0])),
    np.cos: _np(np.cos, lambda x: Series(_sin_cos(x.a)[1])),
    np.tan: _np(np.tan, lambda x: Series(_tan_of(x.a))),
    np.sinh: _np(np.sinh, lambda x: Series(_sin_cos(x.a, 1.0)[0])),
    np.cosh: _np(np.cosh, lambda x: Series(_sin_cos(x.a, 1.0)[1])),
    np.tanh: _np(np.tanh, lambda x: Series(_tan_of(x.a, -1.0))),
    np.exp: exp_np,
    np.expm1: _np(np.expm1, lambda x: Series(_exp_of(x.a))),
    np.exp2: _np(np.exp2, lambda x: Series(_exp_of(x.a * math.log(2.0)))),
    np.log: log_np,
    np.log1p: _np(np.log1p, lambda x: Series(_log_of(_add(x, 1.0).a))),
    np.log2: _np(np.log2, lambda x: Series(_log_of(x.a) / math.log(2.0))),
    np.log10: _np(np.log10, lambda x: Series(_log_of(x.a) / math.log(10.0))),
    np.sqrt: sqrt_np,
    np.cbrt: _np(np.cbrt, lambda x: Series(_power_of(x.a, 1.0 / 3.0, np.cbrt(x.a[0])))),
    **{f: _np(f, (lambda g: lambda x: Series(_g(g)(x.a)))(g)) for f, g in (
        (np.arctan, G_ATAN), (np.arcsin, G_ASIN), (np.arccos, G_ACOS), (np.arctanh, G_ATANH),
        (np.arcsinh, G_ASINH), (np.arccosh, G_ACOSH))},
    np.arctan2: lambda y, x, **kw: _result(np.arctan2, (y, x), np.array(_atan2(y, x).a)),
    np.logaddexp: lambda a, b, **kw: _result(np.logaddexp, (a, b), _logaddexp(a, b, 1.0)),
    np.logaddexp2: lambda a, b, **kw: _result(np.logaddexp2, (a, b),
                                              _logaddexp(a, b, math.log(2.0))),
    np.hypot: lambda x, y, **kw: _result(np.hypot, (x, y), _hypot((x, y)).a),
    **{f: (lambda f: lambda x, **kw: Series(f(x.a)))(f)  # linear: on each coefficient
       for f in (np.deg2rad, np.rad2deg, np.degrees, np.radians)},
    np.abs: lambda x, **kw: _result(np.abs, (x,), np.sign(x.a[0]) * x.a),
    np.maximum: lambda a, b, **kw: _result(np.maximum, (a, b), np.array(
        _select(_value(b) > _value(a), b, a).a)),
    np.minimum: lambda a, b, **kw: _result(np.minimum, (a, b), np.array(
        _select(_value(b) < _value(a), b, a).a)),
    np.fmax: lambda a, b, **kw: _result(np.fmax, (a, b), np.array(_select(
        (_value(b) > _value(a)) | np.isnan(_value(a)), b, a).a)),
    np.fmin: lambda a, b, **kw: _result(np.fmin, (a, b), np.array(_select(
        (_value(b) < _value(a)) | np.isnan(_value(a)), b, a).a)),
    # a NumPy number % a series comes here
    np.remainder: lambda a, b, **kw: _divmod(a, b)[1],
    np.divmod: lambda a, b, **kw: _divmod(a, b),
    # comparisons and piecewise-constant functions: on the values
    **{f: (lambda f: lambda *args, **kw: f(*[_value(a) for a in args], **kw))(f) for f in (
        np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal, np.sign,
        np.floor, np.ceil, np.rint, np.trunc, np.isnan, np.isinf, np.isfinite, np.floor_divide,
        np.logical_and, np.logical_or, np.logical_not)},
}

FUNCTIONS = {
    np.sum: _sum, np.where: _where, np.clip: _clip, np.max: _extreme(np.max, special.max_tangent),
    np.amax: _extreme(np.max, special.max_tangent), np.min: _extreme(np.min, special.min_tangent),
    np.amin: _extreme(np.min, special.min_tangent), np.sort: _sort,
    np.prod: _reduce_product, np.cumprod: _cumprod, np.var: _var, np.std: _std,
    np.linalg.norm: _norm, np.linalg.inv: _inv, np.linalg.solve: _solve, np.linalg.det: _det,
    **{f: (lambda f: lambda x, y, *r, **k: _bilinear(f, x, y, *r, **k))(f)
       for f in (np.dot, np.vdot, np.inner, np.outer, np.kron, np.cross, np.tensordot)},
    np.column_stack: lambda seq: _joined(np.column_stack, seq),
    np.dstack: lambda seq: _joined(np.dstack, seq),
    np.einsum: lambda subscripts, *ops, **k: _multilinear(
        lambda *xs: np.einsum(subscripts, *xs, **k), ops),
}


def _joined(func, seq):
    """``func(seq)`` for a function joining a sequence of arrays (np.column_stack): each
    coefficient joins the coefficients of the series and of the constants (their value, then
    zeros)."""
    items = _embed_all(list(seq), _order(list(seq)))
    return Series(np.stack([func([x.a[k] for x in items]) for k in range(items[0].a.shape[0])]))


def _multilinear(func, operands):
    """``func(*operands)`` for a function linear in each operand: coefficient k is the sum of
    ``func`` over the coefficients of the series operands whose orders add up to k."""
    where = [i for i, op in enumerate(operands) if isinstance(op, Series)]
    if len(where) == 1:
        i = where[0]
        return Series(np.stack([func(*operands[:i], c, *operands[i + 1:]) for c in operands[i].a]))
    n = operands[where[0]].a.shape[0]
    out = [0.0] * n

    def spread(pos, orders, total):
        if pos == len(where):
            args = list(operands)
            for i, k in zip(where, orders):
                args[i] = operands[i].a[k]
            out[total] = out[total] + func(*args)
            return
        for k in range(n - total):
            spread(pos + 1, orders + [k], total + k)

    spread(0, [], 0)
    return Series(np.stack([np.broadcast_to(o, np.shape(out[0])) for o in out]))


#: linear NumPy functions where constants may stand beside series (np.concatenate([x, c]))
MIXING = {np.concatenate, np.stack, np.hstack, np.vstack, np.column_stack, np.dstack, np.linspace}


def array(obj, dtype=None, *, copy=True, **kwargs):
    """``np.array`` of (lists of) series and constants."""
    obj = _arrays(obj)
    n = batch._batch_size([obj]) if isinstance(obj, (list, tuple)) else None
    if isinstance(obj, Series):
        return Series(obj.a.copy()) if copy else obj
    if n is None:
        return np.array(obj, dtype=dtype, copy=copy, **kwargs)
    return Series(batch._gather(_embed_all(obj, n), n))


def asarray(obj, dtype=None, **kwargs):
    return array(obj, dtype=dtype, copy=False, **kwargs)


def operand(obj):
    """An argument of a NumPy function: a list or tuple holding series as one series (NumPy
    would try to convert it to an array), anything else as it is."""
    if isinstance(obj, (list, tuple)):
        obj = _arrays(obj)
        if batch._batch_size([obj]) is not None:
            return asarray(obj)
    return obj


def full(shape, fill_value, dtype=None, **kwargs):
    return _as_series(batch.full(shape, _arrays(fill_value), dtype=dtype, **kwargs))


def full_like(a, fill_value, dtype=None, **kwargs):
    """``np.full_like``: of a series, an array shaped like its value (``fill_value`` a
    constant, or a series)."""
    return _as_series(batch.full_like(value(a), _arrays(fill_value), dtype=dtype, **kwargs))
