"""Vector mode and second order on every row of the rule table (rule_rows.ROWS).

test_rules checks each rule's JVP against finite differences. Here the same rows go through the
two other ways pushforward runs a rule:

- ``pf.jacobian``: vector mode, a batch of tangents with one basis direction per input entry.
  Its columns must match finite differences.
- ``pf.hvp``: forward over forward in vector mode, the rule's tangent code differentiated again.
  For seeded weights ``w`` and a direction ``v``, ``v . H v`` of ``sum(w * f(x))`` must match a
  second central difference of it along ``v``.

Rows whose differentiated arguments are not floats or arrays, or whose results are not numbers
or arrays, are left to test_rules (``_fits``).
"""

import copy
import random
import zlib

import numpy as np
import pytest
from checks import fd_jvp, random_direction
from rule_rows import ROWS

import pushforward as pf


def _leaf(x):
    return isinstance(x, (float, np.ndarray, np.floating)) and not isinstance(x, bool)


def _fits(row):
    if row.zero or row.skip or row.xfail or not row.case.supported or not row.case.active:
        return False
    owner = getattr(row.key[1], "__module__", "") if len(row.key) > 1 else ""
    if owner in ("pushforward.special", "pushforward.batch"):
        return False  # pushforward's own helpers: generated code calls them, users do not
    args = row.case.sample(random.Random(0))
    if not all(_leaf(args[i]) for i in row.case.active):
        return False
    return _leaf(row.case.func(*copy.deepcopy(args)))


ROWS_V = [row for row in ROWS if _fits(row)]


def _rng(row, what):
    return random.Random(zlib.crc32(("%s:%s" % (what, row.name)).encode()))


def _basis(args, i, j):
    """The tangents of a basis direction: entry ``j`` of argument ``i``."""
    t = np.zeros(np.shape(args[i]))
    t.flat[j] = 1.0
    return tuple((t if np.ndim(args[i]) else 1.0) if k == i else None for k in range(len(args)))


def test_there_are_enough_rows():
    assert len(ROWS_V) >= 250


@pytest.mark.parametrize("row", ROWS_V, ids=[r.name for r in ROWS_V])
def test_jacobian_of_each_rule(row):
    case = row.case
    args = case.sample(_rng(row, "jacobian"))
    active = tuple(case.active)
    value, jac = pf.forward_diff(case.func, wrt=active)(*copy.deepcopy(args))
    assert np.array_equal(value, case.func(*copy.deepcopy(args)))
    for i, block in zip(active, jac):
        shape = np.shape(value) + np.shape(args[i])
        assert np.shape(block) == shape, (row.name, i)
        for j in range(max(1, np.size(args[i]))):
            expected = np.asarray(fd_jvp(case.func, args, _basis(args, i, j), h=case.fd_step))
            got = np.asarray(block).reshape(np.shape(value) + (-1,))[..., j]
            atol = 1e-6 * max(1.0, np.max(np.abs(expected), initial=0.0))
            np.testing.assert_allclose(got, expected, rtol=case.rtol, atol=atol,
                                       err_msg="%s: column %d of argument %d" % (row.name, j, i))


def _weighted(f, w):
    """``sum(w * f(...))`` for ``f`` of one to four arguments: a scalar function with source."""
    def g1(a):
        return np.sum(w * f(a))

    def g2(a, b):
        return np.sum(w * f(a, b))

    def g3(a, b, c):
        return np.sum(w * f(a, b, c))

    def g4(a, b, c, d):
        return np.sum(w * f(a, b, c, d))

    return g1, g2, g3, g4


@pytest.mark.parametrize("row", ROWS_V, ids=[r.name for r in ROWS_V])
def test_second_order_of_each_rule(row):
    case = row.case
    rng = _rng(row, "hvp")
    args = case.sample(rng)
    dirs = random_direction(args, rng, case.active)
    dirs = tuple(None if d is None else np.asarray(d, dtype=float) if np.ndim(a) else float(d)
                 for a, d in zip(args, dirs))
    shape = np.shape(case.func(*copy.deepcopy(args)))
    w = np.reshape([rng.uniform(-1.0, 1.0) for _ in range(int(np.prod(shape)))], shape)
    g = _weighted(case.func, w)[len(args) - 1]
    hv = pf.hvp(g, copy.deepcopy(args), dirs)
    vhv = sum(float(np.sum(h * d)) for h, d in zip(hv, dirs) if d is not None)
    # 5-point second difference of g along dirs
    h = (case.fd_step or 1e-3) * 2.0

    def at(s):
        moved = tuple(a if d is None else a + s * d for a, d in zip(args, dirs))
        return float(g(*copy.deepcopy(moved)))

    expected = (-at(2 * h) + 16 * at(h) - 30 * at(0.0) + 16 * at(-h) - at(-2 * h)) / (12 * h * h)
    scale = max(1.0, abs(expected), abs(at(0.0)))
    assert vhv == pytest.approx(expected, rel=1e-4, abs=1e-5 * scale), row.name
