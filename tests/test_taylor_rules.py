"""Taylor mode on every row of the first-order rule table (rule_rows.ROWS).

For each row, at a seeded point of its domain and along a seeded random direction,
``pf.taylor(f, order=3)`` must give: c0 equal to the value, c1 equal to pf.jvp's tangent (itself
checked against finite differences in test_rules), c2 equal to a central difference of that
tangent along the direction over 2, and c3 equal to a second difference of it over 6. Every
differentiable primitive of the table has a Taylor rule (NO_TAYLOR lists exceptions, which
must raise NoRuleError naming them: none at present).
"""

import copy
import inspect
import math
import random
import zlib

import numpy as np
import pytest
from checks import assert_taylor_coefficients, random_direction
from rule_rows import ROWS, key_repr

import pushforward as pf
from pushforward import errors, taylor_scalar

#: primitives of the first-order table that Taylor mode does not differentiate
NO_TAYLOR = set()


def _taylor_rows():
    rows = []
    for row in ROWS:
        if row.zero or row.skip or row.xfail or not row.case.supported:
            continue
        owner = getattr(row.key[1], "__module__", "") if len(row.key) > 1 else ""
        if owner in ("pushforward.special", "pushforward.batch"):
            continue  # pushforward's own helpers: generated code calls them, users do not
        rows.append(row)
    return rows


ROWS_T = _taylor_rows()


def _point(row):
    rng = random.Random(zlib.crc32(("taylor:" + row.name).encode()))
    args = row.case.sample(rng)
    return args, random_direction(args, rng, row.case.active)


@pytest.mark.parametrize("row", ROWS_T, ids=[r.name for r in ROWS_T])
def test_taylor_coefficients_of_each_rule(row, taylor_path):
    f = row.case.func
    args, dirs = _point(row)
    if row.key[1] in NO_TAYLOR:
        with pytest.raises(errors.NoRuleError, match=row.key[1].__name__):
            pf.taylor(f, order=3)(args, dirs)
        return
    g = pf.taylor(f, order=3)
    c = g(copy.deepcopy(args), copy.deepcopy(dirs))
    if taylor_path == "series":
        assert g._last.slots is None
    assert_taylor_coefficients(c, f, args, dirs, pf.jvp)


def test_every_rule_of_the_coefficient_code_has_a_row_that_uses_it():
    """Each math function the coefficient code of numbers writes out (taylor_scalar.FUNCTIONS)
    is met, written out, by a row of the table above with float arguments."""
    written = set()
    for row in ROWS_T:
        func = row.key[1] if len(row.key) > 1 else None
        if func not in taylor_scalar.FUNCTIONS:
            continue
        args, dirs = _point(row)
        g = pf.taylor(row.case.func, order=3)
        g(args, dirs)
        if g._last.slots is not None:
            written.add(func)
    assert set(taylor_scalar.FUNCTIONS) - written == set()


def test_every_differentiable_rule_is_covered_by_taylor_mode():
    covered = {row.key[1] for row in ROWS_T if len(row.key) > 1 and callable(row.key[1])}
    covered |= {row.key for row in ROWS_T}
    from pushforward.rules import RULES

    missing = [r.name for f, r in RULES.items()
               if not r.zero and f not in covered and getattr(f, "__module__", "")
               not in ("pushforward.special", "pushforward.batch")]
    assert not missing, missing
    assert ROWS_T, "no rows"
    assert all(key_repr(r.key) for r in ROWS_T)


def test_writing_into_an_argument_is_refused_with_its_line():
    import nesting_functions as nf
    import numpy as np

    with pytest.raises(errors.UnsupportedSyntaxError, match=r"nesting_functions.py:\d+:\d+.*"
                       r"write into the argument 'out'"):
        pf.taylor(nf.writes_into_argument, order=2)((0.5, np.zeros(2)), (1.0, None))


def clip_with_numpy2_keywords(x):
    return np.clip(x, min=-0.5, max=0.5) * x + np.clip(x, max=0.3)


def clip_by_position(x):
    return np.clip(x, -0.5, 0.5) * x + np.clip(x, None, 0.3)


@pytest.mark.skipif("min" not in inspect.signature(np.clip).parameters,
                    reason="NumPy < 2.1 has no np.clip(min=, max=)")
@pytest.mark.parametrize("mode", ["jvp", "taylor"])
def test_clip_takes_numpy2_keywords(mode):
    """np.clip(x, min=lo, max=hi) is np.clip(x, lo, hi): the derivatives of both spellings are
    the same, and NumPy computes the same value."""
    x, v = np.array([0.2, -0.7, 0.1, 0.45]), np.array([1.0, -2.0, 0.5, 3.0])
    if mode == "jvp":
        got, want = (pf.jvp(f, (x,), (v,)) for f in (clip_with_numpy2_keywords, clip_by_position))
    else:
        got, want = (pf.taylor(f, 3)((x,), (v,)) for f in (clip_with_numpy2_keywords,
                                                            clip_by_position))
    assert np.array_equal(got[0], clip_with_numpy2_keywords(x))
    for g, w in zip(got, want):
        assert np.array_equal(g, w)


def out_argument(x):
    y = np.empty_like(x)
    np.sin(x, out=y)
    return y


@pytest.mark.parametrize("mode", ["jvp", "taylor"])
def test_out_argument_is_refused_at_its_line_in_both_modes(mode):
    x = np.array([0.2, -0.7])
    call = {"jvp": lambda: pf.jvp(out_argument, (x,), (np.ones(2),)),
            "taylor": lambda: pf.taylor(out_argument, 2)((x,), (np.ones(2),))}[mode]
    with pytest.raises(errors.NoRuleError, match=r"test_taylor_rules.py:\d+:5: out= in a call "
                       r"of numpy.sin with differentiated arguments"):
        call()


def _zeta(k):
    """Riemann zeta(k), k >= 2: a direct sum and its Euler-Maclaurin tail."""
    n = 20000
    head = math.fsum(i ** -float(k) for i in range(1, n))
    return head + n ** (1.0 - k) / (k - 1) + 0.5 * n ** -float(k) + k * n ** (-k - 1.0) / 12


def lgamma_of(x):
    return math.lgamma(x)


def gamma_of(x):
    return math.gamma(x)


def test_lgamma_and_gamma_series_at_one_against_zeta_values():
    """lgamma(1 + t) = -euler_gamma t + sum_{k>=2} (-1)^k zeta(k) / k t^k."""
    euler_gamma = 0.5772156649015329
    c = pf.taylor(lgamma_of, order=14)((1.0,), (1.0,))
    expected = [0.0, -euler_gamma] + [(-1) ** k * _zeta(k) / k for k in range(2, 15)]
    assert c == pytest.approx(expected, rel=1e-12, abs=1e-15)
    # gamma(1 + t) = exp(lgamma(1 + t)): 1, -euler_gamma, (euler_gamma^2 + pi^2/6) / 2, ...
    g = pf.taylor(gamma_of, order=2)((1.0,), (1.0,))
    assert g == pytest.approx([1.0, -euler_gamma, (euler_gamma ** 2 + math.pi ** 2 / 6) / 2],
                              rel=1e-13)
    # reflection (x < 1/2): the series at -0.5 against finite differences of digamma
    h = 1e-5
    c = pf.taylor(lgamma_of, order=2)((-0.5,), (1.0,))
    from pushforward.special import digamma
    assert c[1] == pytest.approx(digamma(-0.5), rel=1e-13)
    assert c[2] == pytest.approx((digamma(-0.5 + h) - digamma(-0.5 - h)) / (4 * h), rel=1e-7)


def numpy_scalar_accumulated(x):
    v = np.sin(x)  # a NumPy scalar: its series is an array series of a number
    acc = v
    for _ in range(2):
        acc += np.sin(v)  # rebinds acc, as for any number: v must not change
    return acc + v


def test_augmented_assignment_on_a_number_series_does_not_change_its_aliases():
    c = pf.taylor(numpy_scalar_accumulated, order=3)((0.4,), (1.0,))
    assert c[0] == numpy_scalar_accumulated(0.4)
    # d/dx [2 sin x + 2 sin(sin x)] at 0.4
    expected = 2 * math.cos(0.4) + 2 * math.cos(math.sin(0.4)) * math.cos(0.4)
    assert c[1] == pytest.approx(expected, rel=1e-13)
