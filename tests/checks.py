"""Independent checking tools for pushforward's tests.

Nothing here imports pushforward: these helpers are the yardstick the library is measured
against, so they must stay simple enough to trust on their own (``test_checks.py`` tests them).

Structures
    A *structure* is a float, an int, a NumPy array, or a list / tuple / dict nesting of those.
    Non-numeric leaves (strings, bools, None) are carried along unchanged and never differentiated.

Finite differences
    ``fd_jvp(f, primals, tangents)`` is the directional derivative of ``f`` at ``primals`` along
    ``tangents``, computed with Ridders' method: central differences at geometrically shrinking
    steps combined by Richardson extrapolation, keeping the entry with the smallest error
    estimate, separately for every output component.  For smooth functions this is accurate to
    about 1e-10 relative.  The largest step moves every input coordinate by at most ``h``
    (default ``DEFAULT_STEP``), so a domain that keeps a margin larger than ``h`` from kinks
    and branch boundaries gives a valid derivative.

The corpus description (``Case`` and the argument specs ``Int``, ``FloatList``, ``FloatTuple``,
``FloatDict``, ``Const``) lives here too so that several corpora can share it.
"""

import copy
import inspect
import math
import numbers
import random
import sys
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import numpy as np

__all__ = [
    "DEFAULT_STEP",
    "fd_jvp",
    "fd_partials",
    "random_direction",
    "unit_direction",
    "assert_close_structured",
    "assert_primal_identical",
    "max_abs_leaf",
    "taylor_references",
    "assert_taylor_coefficients",
    "Case",
    "Int",
    "FloatList",
    "FloatTuple",
    "FloatDict",
    "Const",
]

DEFAULT_STEP = 1e-2


# ----------------------------------------------------------------------------- structures


def _is_number(x):
    """A differentiable scalar leaf: int or float (Python or NumPy), never bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _is_array(x):
    return isinstance(x, np.ndarray)


def _rebuild_sequence(template, items):
    """A list/tuple of the same type as ``template`` (namedtuples included) holding ``items``."""
    if isinstance(template, tuple) and hasattr(template, "_fields"):
        return type(template)(*items)
    return type(template)(items)


def _map2(fn, tree, other, path="root"):
    """Rebuild ``tree`` with every leaf replaced by ``fn(leaf, other_leaf, path)``.

    ``other`` must have the same container structure as ``tree``, or be None (then every
    ``other_leaf`` is None).
    """
    if isinstance(tree, dict):
        if other is not None:
            if not isinstance(other, dict) or list(other.keys()) != list(tree.keys()):
                raise ValueError(f"{path}: structure mismatch: {_short(tree)} vs {_short(other)}")
        return {
            k: _map2(fn, v, None if other is None else other[k], f"{path}[{k!r}]")
            for k, v in tree.items()
        }
    if isinstance(tree, (list, tuple)):
        if other is not None:
            if not isinstance(other, (list, tuple)) or len(other) != len(tree):
                raise ValueError(f"{path}: structure mismatch: {_short(tree)} vs {_short(other)}")
        items = [
            _map2(fn, v, None if other is None else other[i], f"{path}[{i}]")
            for i, v in enumerate(tree)
        ]
        return _rebuild_sequence(tree, items)
    return fn(tree, other, path)


def _leaves(tree, path="root"):
    """All (path, leaf) pairs of ``tree`` in a deterministic order (dicts in insertion order)."""
    if isinstance(tree, dict):
        out = []
        for k, v in tree.items():
            out.extend(_leaves(v, f"{path}[{k!r}]"))
        return out
    if isinstance(tree, (list, tuple)):
        out = []
        for i, v in enumerate(tree):
            out.extend(_leaves(v, f"{path}[{i}]"))
        return out
    return [(path, tree)]


def _has_float_leaf(tree):
    return any(
        (_is_number(leaf) and not isinstance(leaf, numbers.Integral))
        or (_is_array(leaf) and np.issubdtype(leaf.dtype, np.floating))
        for _, leaf in _leaves(tree)
    )


def max_abs_leaf(tree):
    """The largest absolute value among the numeric leaves of ``tree`` (0.0 if none)."""
    best = 0.0
    for _, leaf in _leaves(tree):
        if _is_number(leaf):
            if math.isfinite(leaf):
                best = max(best, abs(float(leaf)))
        elif _is_array(leaf) and leaf.size and np.issubdtype(leaf.dtype, np.number):
            finite = np.abs(leaf[np.isfinite(leaf)])
            if finite.size:
                best = max(best, float(finite.max()))
    return best


def _short(x, limit=200):
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ----------------------------------------------------------------------------- fd_jvp


def _shift(primal, tangent, s):
    """``primal + s * tangent`` leafwise; ints with a tangent become floats."""

    def leaf(p, t, path):
        if t is None:
            return copy.deepcopy(p)
        if _is_array(p):
            return np.asarray(p, dtype=float) + s * np.asarray(t, dtype=float)
        if _is_number(p):
            return float(p) + s * float(t)
        raise TypeError(f"{path}: a tangent was given for the non-numeric leaf {p!r}")

    return _map2(leaf, primal, tangent)


def _flatten_output(out):
    """(template, 1-D float array) for an output structure."""
    parts = []
    for path, leaf in _leaves(out):
        if _is_array(leaf):
            parts.append(np.asarray(leaf, dtype=float).ravel())
        elif _is_number(leaf) or isinstance(leaf, (bool, np.bool_)):
            parts.append(np.array([float(leaf)]))
        else:
            raise TypeError(f"output {path}: cannot difference the non-numeric leaf {leaf!r}")
    flat = np.concatenate(parts) if parts else np.zeros(0)
    return out, flat


def _unflatten_output(template, flat):
    """An output-shaped structure of plain floats (arrays for array leaves) from ``flat``."""
    pos = [0]

    def leaf(p, _, path):
        if _is_array(p):
            n = p.size
            value = flat[pos[0] : pos[0] + n].reshape(p.shape).copy()
        else:
            n = 1
            value = float(flat[pos[0]])
        pos[0] += n
        return value

    return _map2(leaf, template, None)


def _ridders(g, h0, con=1.4, ntab=10, safe=2.0):
    """Ridders' extrapolated central difference of the vector function ``g`` at 0.

    Returns (derivative, error estimate), both arrays; each component keeps its own best
    tableau entry and stops refining on its own.
    """
    con2 = con * con
    tab = [[None] * ntab for _ in range(ntab)]
    hh = h0
    tab[0][0] = (g(hh) - g(-hh)) / (2.0 * hh)
    best = tab[0][0].copy()
    err = np.full(best.shape, np.inf)
    done = np.zeros(best.shape, dtype=bool)
    for i in range(1, ntab):
        hh /= con
        tab[0][i] = (g(hh) - g(-hh)) / (2.0 * hh)
        fac = con2
        for j in range(1, i + 1):
            tab[j][i] = (tab[j - 1][i] * fac - tab[j - 1][i - 1]) / (fac - 1.0)
            fac *= con2
            errt = np.maximum(
                np.abs(tab[j][i] - tab[j - 1][i]), np.abs(tab[j][i] - tab[j - 1][i - 1])
            )
            better = (errt <= err) & ~done
            best = np.where(better, tab[j][i], best)
            err = np.where(better, errt, err)
        # Higher orders got worse by a significant factor: stop refining this component.
        done |= np.abs(tab[i][i] - tab[i - 1][i - 1]) >= safe * err
        if done.all():
            break
    return best, err


def fd_jvp(f, primals, tangents, h=None, return_error=False):
    """Directional derivative of ``f`` at ``primals`` along ``tangents`` by finite differences.

    ``primals`` is the tuple of all positional arguments; ``tangents`` has the same length and
    each entry is None (argument held constant) or a structure mirroring the argument (leaves
    None are held constant too).  Int leaves with a tangent are evaluated as floats.  ``h`` is
    the largest change of any input coordinate (default ``DEFAULT_STEP``).  Every call of ``f``
    gets fresh deep copies of the arguments.

    Returns a structure mirroring the output of ``f`` (float leaves; array leaves stay arrays),
    and with ``return_error=True`` a pair (derivative, largest error estimate).
    """
    primals = tuple(primals)
    tangents = tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"{len(primals)} primals but {len(tangents)} tangents")

    vmax = 0.0
    for i, (p, t) in enumerate(zip(primals, tangents)):
        if t is None:
            continue
        _map2(lambda a, b, path: None, p, t, f"primals[{i}]")  # structure check only
        vmax = max(vmax, max_abs_leaf(t))

    template, base = _flatten_output(f(*copy.deepcopy(primals)))
    if vmax == 0.0:
        zero = _unflatten_output(template, np.zeros_like(base))
        return (zero, 0.0) if return_error else zero

    step = (DEFAULT_STEP if h is None else h) / vmax

    def g(s):
        args = [
            copy.deepcopy(p) if t is None else _shift(p, t, s) for p, t in zip(primals, tangents)
        ]
        _, flat = _flatten_output(f(*args))
        if flat.shape != base.shape:
            raise ValueError("the output structure of f changed between evaluations")
        return flat

    deriv, err = _ridders(g, step)
    result = _unflatten_output(template, deriv)
    if return_error:
        return result, float(err.max()) if err.size else 0.0
    return result


def unit_direction(primals, arg_index, leaf_index=None):
    """Tangents that are 1.0 on one input coordinate and None elsewhere.

    ``leaf_index`` picks a leaf of a structured argument (its position in ``_leaves`` order);
    for a scalar argument leave it None.
    """
    tangents = [None] * len(primals)
    counter = [0]

    def leaf(p, _, path):
        k = counter[0]
        counter[0] += 1
        if leaf_index is None or k == leaf_index:
            if _is_array(p):
                raise TypeError("unit_direction does not index into arrays")
            return 1.0
        return 0.0

    tangents[arg_index] = _map2(leaf, primals[arg_index], None)
    return tuple(tangents)


def fd_partials(f, primals, arg_index, h=None):
    """Partial derivatives of a scalar-output ``f`` w.r.t. every leaf of argument ``arg_index``.

    Returns a structure mirroring that argument (a float for a scalar argument, a list of
    floats for a list argument, ...), each leaf holding d f / d leaf.
    """
    arg = primals[arg_index]
    if not isinstance(arg, (list, tuple, dict)):
        return fd_jvp(f, primals, unit_direction(primals, arg_index), h=h)
    n = len(_leaves(arg))
    values = [fd_jvp(f, primals, unit_direction(primals, arg_index, k), h=h) for k in range(n)]
    it = iter(values)
    return _map2(lambda p, _, path: next(it), arg, None)


def random_direction(primals, rng, active=None):
    """A random tangent tuple mirroring ``primals``.

    ``rng`` is a ``random.Random``, a ``numpy.random.Generator`` or an int seed.  ``active``
    lists the argument indices that get a tangent; the others get None.  By default every
    argument holding at least one float leaf is active.  Inside an active argument, every
    numeric leaf (ints included) gets a standard normal component; other leaves get None.
    """
    if isinstance(rng, numbers.Integral):
        rng = random.Random(rng)
    if hasattr(rng, "standard_normal"):
        draw = lambda: float(rng.standard_normal())  # noqa: E731
        draw_array = lambda shape: rng.standard_normal(shape)  # noqa: E731
    else:
        draw = lambda: rng.gauss(0.0, 1.0)  # noqa: E731
        draw_array = lambda shape: np.array(  # noqa: E731
            [rng.gauss(0.0, 1.0) for _ in range(int(np.prod(shape)))]
        ).reshape(shape)
    if active is None:
        active = [i for i, p in enumerate(primals) if _has_float_leaf(p)]
    active = set(active)

    def leaf(p, _, path):
        if _is_array(p):
            return draw_array(p.shape)
        if _is_number(p):
            return draw()
        return None

    return tuple(
        _map2(leaf, p, None) if i in active else None for i, p in enumerate(primals)
    )


# ----------------------------------------------------------------------------- comparisons


def _kind(x):
    if isinstance(x, dict):
        return "dict"
    if isinstance(x, list):
        return "list"
    if isinstance(x, tuple):
        return "tuple"
    return None


def assert_close_structured(actual, expected, rtol=1e-6, atol=0.0, none_is_zero=True):
    """Assert that two structures match and their numeric leaves agree within tolerances.

    A leaf passes when ``|actual - expected| <= atol + rtol * |expected|``.  Containers must
    have the same kind (list, tuple, dict), length and keys.  With ``none_is_zero`` an actual
    None (a symbolic zero tangent) is accepted where the expected leaf is within ``atol`` of 0.
    Every mismatch is reported, each with its path (``root[1]['a']``).
    """
    problems = []
    _compare_close(actual, expected, rtol, atol, none_is_zero, "root", problems)
    if problems:
        shown = "\n  ".join(problems[:25])
        more = f"\n  ... and {len(problems) - 25} more" if len(problems) > 25 else ""
        raise AssertionError(
            f"structures differ (rtol={rtol:g}, atol={atol:g}):\n  {shown}{more}\n"
            f"actual:   {_short(actual, 600)}\nexpected: {_short(expected, 600)}"
        )


def _compare_close(actual, expected, rtol, atol, none_is_zero, path, problems):
    kind = _kind(expected)
    if kind is not None:
        if _kind(actual) != kind:
            problems.append(
                f"{path}: expected a {kind}, got {type(actual).__name__}: {_short(actual)}"
            )
            return
        if kind == "dict":
            if set(actual) != set(expected):
                problems.append(
                    f"{path}: dict keys differ: actual {sorted(map(repr, actual))}, "
                    f"expected {sorted(map(repr, expected))}"
                )
                return
            for k in expected:
                _compare_close(
                    actual[k], expected[k], rtol, atol, none_is_zero, f"{path}[{k!r}]", problems
                )
            return
        if len(actual) != len(expected):
            problems.append(f"{path}: length {len(actual)}, expected {len(expected)}")
            return
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare_close(a, e, rtol, atol, none_is_zero, f"{path}[{i}]", problems)
        return

    if expected is None:
        expected = 0.0
    if _is_array(expected):
        if actual is None and none_is_zero:
            if max_abs_leaf(expected) <= atol:
                return
            problems.append(f"{path}: got None (zero), expected a nonzero array")
            return
        if _kind(actual) is not None or not (_is_array(actual) or _is_number(actual)):
            problems.append(f"{path}: expected an array, got {_short(actual)}")
            return
        a = np.asarray(actual, dtype=float)
        e = np.asarray(expected, dtype=float)
        if a.shape != e.shape:
            problems.append(f"{path}: shape {a.shape}, expected {e.shape}")
            return
        bad = ~(np.abs(a - e) <= atol + rtol * np.abs(e)) & ~(np.isnan(a) & np.isnan(e))
        bad &= ~((a == e) & np.isinf(e))
        for idx in map(tuple, np.argwhere(bad).tolist()):  # argwhere: 0-d arrays too
            problems.append(f"{path}{list(idx)}: actual {a[idx]!r}, expected {e[idx]!r}")
        return

    if not _is_number(expected):
        if actual != expected:
            problems.append(f"{path}: actual {_short(actual)}, expected {_short(expected)}")
        return
    if actual is None:
        if none_is_zero and abs(expected) <= atol:
            return
        problems.append(f"{path}: got None, expected {expected!r}")
        return
    if _is_array(actual) and actual.shape == ():
        actual = actual[()]
    if not _is_number(actual):
        problems.append(f"{path}: expected a number, got {type(actual).__name__}: {_short(actual)}")
        return
    a, e = float(actual), float(expected)
    if math.isnan(a) and math.isnan(e):
        return
    if math.isinf(e) and a == e:
        return
    allowed = atol + rtol * abs(e)
    diff = abs(a - e)
    if not diff <= allowed:
        problems.append(
            f"{path}: actual {a!r}, expected {e!r} (abs err {diff:.3g} > allowed {allowed:.3g})"
        )


def assert_primal_identical(actual, expected):
    """Assert bit-for-bit equality: same types and containers, floats equal or both NaN,
    zeros with the same sign, dicts with the same keys in the same order."""
    problems = []
    _compare_identical(actual, expected, "root", problems)
    if problems:
        shown = "\n  ".join(problems[:25])
        raise AssertionError(
            f"values are not bit-identical:\n  {shown}\n"
            f"actual:   {_short(actual, 600)}\nexpected: {_short(expected, 600)}"
        )


def _compare_identical(actual, expected, path, problems):
    if type(actual) is not type(expected):
        problems.append(
            f"{path}: type {type(actual).__name__}, expected {type(expected).__name__} "
            f"(actual {_short(actual)}, expected {_short(expected)})"
        )
        return
    if isinstance(expected, dict):
        if list(actual.keys()) != list(expected.keys()):
            problems.append(f"{path}: keys {list(actual)}, expected {list(expected)}")
            return
        for k in expected:
            _compare_identical(actual[k], expected[k], f"{path}[{k!r}]", problems)
        return
    if isinstance(expected, (list, tuple)):
        if len(actual) != len(expected):
            problems.append(f"{path}: length {len(actual)}, expected {len(expected)}")
            return
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare_identical(a, e, f"{path}[{i}]", problems)
        return
    if isinstance(expected, (float, np.floating)):
        if math.isnan(expected) and math.isnan(actual):
            return
        if actual != expected or math.copysign(1.0, actual) != math.copysign(1.0, expected):
            problems.append(f"{path}: {actual!r} != {expected!r} (bitwise)")
        return
    if _is_array(expected):
        same = (
            actual.dtype == expected.dtype
            and actual.shape == expected.shape
            and actual.tobytes() == expected.tobytes()
        )
        if not same:
            problems.append(f"{path}: arrays differ: {_short(actual)} vs {_short(expected)}")
        return
    if actual != expected:
        problems.append(f"{path}: {_short(actual)} != {_short(expected)}")


# ----------------------------------------------------------------------------- Taylor coefficients


def _shifted(primals, directions, h):
    """``primals + h directions`` (a copy; a direction of None holds its argument)."""

    def move(p, d):
        if d is None:
            return copy.deepcopy(p)
        if isinstance(p, (list, tuple)):
            return _rebuild_sequence(p, [move(a, b) for a, b in zip(p, d)])
        if isinstance(p, dict):
            return {k: move(p[k], d[k]) for k in p}
        return p + h * d

    return tuple(move(p, d) for p, d in zip(primals, directions))


def _combine(weights, trees):
    """``sum(w * t)`` over structures of one layout (leaves as float arrays)."""
    first = trees[0]
    if isinstance(first, (list, tuple)):
        return _rebuild_sequence(first, [_combine(weights, [t[i] for t in trees])
                                        for i in range(len(first))])
    if isinstance(first, dict):
        return {k: _combine(weights, [t[k] for t in trees]) for k in first}
    return sum(w * np.asarray(t, dtype=float) for w, t in zip(weights, trees))


def taylor_references(tangent, primals, directions, h=1e-3):
    """``(c2, c3)``, the Taylor coefficients of order 2 and 3 of ``s -> f(x + s v)`` at 0,
    from ``tangent(primals, directions)``, which returns ``f'(x) v`` (a structure).

    ``c2 = (1/2) d/ds f'(x + s v) v`` and ``c3 = (1/6) d^2/ds^2 f'(x + s v) v``, by
    fourth-order central differences of the tangent at ``s = -2h .. 2h``.
    """
    tangents = [tangent(_shifted(primals, directions, s * h), copy.deepcopy(directions))
                for s in (-2, -1, 0, 1, 2)]
    d1 = _combine([1 / 12, -2 / 3, 0.0, 2 / 3, -1 / 12], tangents)
    d2 = _combine([-1 / 12, 4 / 3, -5 / 2, 4 / 3, -1 / 12], tangents)
    return _combine([0.5 / h], [d1]), _combine([1 / (6 * h * h)], [d2])


def assert_taylor_coefficients(c, f, primals, directions, jvp, value_rtol=1e-15,
                               tangent_rtol=1e-12):
    """``c``, Taylor coefficients of order 0 to 3 of ``s -> f(x + s v)``, against the value of
    ``f``, the tangent of ``jvp(f, primals, directions) -> (value, tangent)``, and
    ``taylor_references`` of that tangent."""
    value = f(*copy.deepcopy(primals))
    assert_close_structured(c[0], value, rtol=value_rtol, atol=0.0)
    _, tangent = jvp(f, copy.deepcopy(primals), copy.deepcopy(directions))
    scale = max(1.0, max_abs_leaf(value), max_abs_leaf(tangent))
    assert_close_structured(c[1], tangent, rtol=tangent_rtol, atol=0.1 * tangent_rtol * scale)
    c2, c3 = taylor_references(lambda a, d: jvp(f, a, d)[1], primals, directions)
    big = max(scale, max_abs_leaf(c[2]), max_abs_leaf(c[3]))
    assert_close_structured(c[2], c2, rtol=1e-5, atol=1e-6 * big)
    assert_close_structured(c[3], c3, rtol=1e-3, atol=1e-4 * big)


# ----------------------------------------------------------------------------- corpus cases


@dataclass(frozen=True)
class Int:
    """An int argument: fixed (``Int(5)``) or uniform in ``[lo, hi]`` (``Int(2, 7)``).
    Never differentiated."""

    lo: int
    hi: Optional[int] = None

    def sample(self, rng):
        return self.lo if self.hi is None else rng.randint(self.lo, self.hi)


@dataclass(frozen=True)
class FloatList:
    """A list of ``n`` floats, each uniform in ``[lo, hi]``."""

    n: int
    lo: float
    hi: float

    def sample(self, rng):
        return [rng.uniform(self.lo, self.hi) for _ in range(self.n)]


@dataclass(frozen=True)
class FloatTuple(FloatList):
    """A tuple of ``n`` floats, each uniform in ``[lo, hi]``."""

    def sample(self, rng):
        return tuple(FloatList.sample(self, rng))


@dataclass(frozen=True)
class FloatDict:
    """A dict of floats, ``{key: (lo, hi)}``."""

    ranges: dict

    def sample(self, rng):
        return {k: rng.uniform(lo, hi) for k, (lo, hi) in self.ranges.items()}


@dataclass(frozen=True)
class FloatRecord:
    """A namedtuple of class ``cls`` with float fields, ``{field: (lo, hi)}`` (the fields left
    out keep their defaults)."""

    cls: type
    ranges: dict

    def sample(self, rng):
        return self.cls(**{k: rng.uniform(lo, hi) for k, (lo, hi) in self.ranges.items()})


@dataclass(frozen=True)
class Const:
    """A fixed argument value (deep-copied per call), not differentiated."""

    value: Any

    def sample(self, rng):
        return copy.deepcopy(self.value)


def _is_interval(spec):
    return (
        isinstance(spec, tuple)
        and len(spec) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in spec)
    )


@dataclass
class Case:
    """One corpus function with its input domain.

    ``domain`` has one spec per positional argument: ``(lo, hi)`` for a float, or one of
    ``Int``, ``FloatList``, ``FloatTuple``, ``FloatDict``, ``Const``.  ``active`` are the
    differentiable argument indices (default: the float, list/tuple/dict-of-float ones).
    ``kinks(*args)`` returns how far the arguments are from the nearest non-differentiable
    point or branch boundary (in argument units); sampled points keep at least ``margin``
    from every one, which must exceed the finite-difference step ``fd_step`` (times the
    Lipschitz constant of ``kinks``).  ``side_effect_log`` is a list the function appends
    to once per call.  ``min_python`` guards functions that need a newer ``math``.
    """

    func: Callable
    domain: Sequence
    active: Optional[Sequence[int]] = None
    kinks: Optional[Callable[..., float]] = None
    margin: float = 0.1
    rtol: float = 1e-6
    atol: Optional[float] = None
    fd_step: Optional[float] = None
    min_python: tuple = (3, 0)
    side_effect_log: Optional[list] = None
    name: str = field(init=False)

    def __post_init__(self):
        self.name = self.func.__name__
        self.domain = list(self.domain)
        for i, spec in enumerate(self.domain):
            if not (_is_interval(spec) or hasattr(spec, "sample")):
                raise TypeError(f"{self.name}: bad domain spec for argument {i}: {spec!r}")
        if self.active is None:
            self.active = tuple(
                i
                for i, spec in enumerate(self.domain)
                if _is_interval(spec) or isinstance(spec, (FloatList, FloatDict))
            )
        else:
            self.active = tuple(self.active)

    @property
    def supported(self):
        return sys.version_info[:2] >= tuple(self.min_python)

    @property
    def arg_names(self):
        params = inspect.signature(self.func).parameters.values()
        return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]

    def sample(self, rng, max_tries=10000):
        """One argument tuple drawn with ``rng`` (a ``random.Random``), off the kinks."""
        for _ in range(max_tries):
            args = tuple(
                rng.uniform(*spec) if _is_interval(spec) else spec.sample(rng)
                for spec in self.domain
            )
            if self.kinks is None or self.kinks(*args) >= self.margin:
                return args
        raise RuntimeError(f"{self.name}: no point found at margin {self.margin} from kinks")

    def points(self, n, seed=0):
        """``n`` deterministic sample points (argument tuples) for this case."""
        rng = random.Random(zlib.crc32(f"{self.name}:{seed}".encode()))
        return [self.sample(rng) for _ in range(n)]

    def __repr__(self):
        return f"Case({self.name})"
