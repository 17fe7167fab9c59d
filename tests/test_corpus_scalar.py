"""pushforward against finite differences on the scalar corpus (corpus_scalar.CASES).

For every corpus function, at a few seeded points of its domain:
  (a) pf.jvp along a random direction: value bit-identical to f(*args), tangent = FD;
  (b) pf.forward_diff(f, wrt=i) for each differentiable argument i: the derivative along
      that argument (a list/dict of partials mirroring a structured argument);
  (c) pf.forward_diff(f, wrt=<tuple of all differentiable arguments>): one entry per argument.
A corpus function with a side effect must perform it exactly once per call.
"""

import copy
import functools
import random
import zlib

import pytest

import pushforward as pf
from pushforward.api import clear_cache
from checks import (
    assert_close_structured,
    assert_primal_identical,
    fd_jvp,
    fd_partials,
    max_abs_leaf,
    random_direction,
)
from corpus_scalar import CASES

N_POINTS = 3
RTOL = 1e-6
ATOL = 1e-8  # times the scale of the value and the derivative (at least 1)

IDS = [case.name for case in CASES]


def _skip_unsupported(case):
    if not case.supported:
        pytest.skip(f"{case.name} needs Python >= {'.'.join(map(str, case.min_python))}")


def _atol(case, value, derivative):
    if case.atol is not None:
        return case.atol
    return ATOL * max(1.0, max_abs_leaf(value), max_abs_leaf(derivative))


@functools.lru_cache(maxsize=None)
def _points(name):
    case = _CASE_BY_NAME[name]
    return tuple(case.points(N_POINTS))


_CASE_BY_NAME = {case.name: case for case in CASES}


@functools.lru_cache(maxsize=None)
def _expected_partial(name, point_index, arg_index):
    """FD derivative of the case's function w.r.t. one argument, in forward_diff's layout,
    or None when that layout is unspecified (structured argument and non-scalar output)."""
    case = _CASE_BY_NAME[name]
    args = _points(name)[point_index]
    if isinstance(args[arg_index], (list, tuple, dict)):
        if isinstance(case.func(*copy.deepcopy(args)), (list, tuple, dict)):
            return None
        return fd_partials(case.func, args, arg_index, h=case.fd_step)
    tangents = [None] * len(args)
    tangents[arg_index] = 1.0
    return fd_jvp(case.func, args, tuple(tangents), h=case.fd_step)


def _call_counting_side_effects(case, call):
    """Run ``call()``; if the case has a side effect, check it ran exactly once."""
    log = case.side_effect_log
    before = None if log is None else len(log)
    result = call()
    if log is not None:
        assert len(log) == before + 1, (
            f"{case.name}: side effect ran {len(log) - before} times in one call (expected once)"
        )
    return result


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_jvp_random_direction(case):
    _skip_unsupported(case)
    for k, args in enumerate(_points(case.name)):
        rng = random.Random(zlib.crc32(f"direction:{case.name}:{k}".encode()))
        tangents = random_direction(args, rng, case.active)
        expected_value = case.func(*copy.deepcopy(args))
        value, tangent = _call_counting_side_effects(
            case, lambda: pf.jvp(case.func, copy.deepcopy(args), copy.deepcopy(tangents))
        )
        assert_primal_identical(value, expected_value)
        expected = fd_jvp(case.func, args, tangents, h=case.fd_step)
        assert_close_structured(
            tangent, expected, rtol=case.rtol, atol=_atol(case, expected_value, expected)
        )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forward_diff_each_argument(case):
    _skip_unsupported(case)
    clear_cache()  # as on a first call: nothing another test transformed is at hand
    checked = 0
    for k, args in enumerate(_points(case.name)):
        expected_value = case.func(*copy.deepcopy(args))
        for i in case.active:
            expected = _expected_partial(case.name, k, i)
            if expected is None:
                continue
            g = pf.forward_diff(case.func, wrt=i)
            value, d = _call_counting_side_effects(case, lambda: g(*copy.deepcopy(args)))
            assert_primal_identical(value, expected_value)
            if type(value) in (float, int) and type(args[i]) is float:
                assert type(d) is float, "a derivative of type %s" % type(d).__name__
            assert_close_structured(
                d, expected, rtol=case.rtol, atol=_atol(case, expected_value, expected)
            )
            checked += 1
        if k == 0 and 0 in case.active and _expected_partial(case.name, 0, 0) is not None:
            # The default wrt is the first argument.
            value, d = pf.forward_diff(case.func)(*copy.deepcopy(args))
            expected = _expected_partial(case.name, 0, 0)
            assert_primal_identical(value, expected_value)
            assert_close_structured(
                d, expected, rtol=case.rtol, atol=_atol(case, expected_value, expected)
            )
    if not checked:
        pytest.skip("no argument with a specified forward_diff layout")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forward_diff_tuple_wrt(case):
    _skip_unsupported(case)
    active = [i for i in case.active if _expected_partial(case.name, 0, i) is not None]
    if not active:
        pytest.skip("no argument with a specified forward_diff layout")
    names = case.arg_names
    by_index = pf.forward_diff(case.func, wrt=tuple(active))
    by_name = pf.forward_diff(case.func, wrt=tuple(names[i] for i in active))
    for k, args in enumerate(_points(case.name)):
        expected_value = case.func(*copy.deepcopy(args))
        for g in ((by_index, by_name) if k == 0 else (by_index,)):
            value, d = _call_counting_side_effects(case, lambda: g(*copy.deepcopy(args)))
            assert_primal_identical(value, expected_value)
            assert isinstance(d, tuple) and len(d) == len(active), (
                f"wrt={tuple(active)} should give a tuple of {len(active)} derivatives, got {d!r}"
            )
            for i, di in zip(active, d):
                expected = _expected_partial(case.name, k, i)
                assert_close_structured(
                    di, expected, rtol=case.rtol, atol=_atol(case, expected_value, expected)
                )


def test_forward_diff_by_name_matches_index():
    case = _CASE_BY_NAME["black_scholes_call"]
    args = _points(case.name)[0]
    for i, name in enumerate(case.arg_names):
        v1, d1 = pf.forward_diff(case.func, wrt=i)(*args)
        v2, d2 = pf.forward_diff(case.func, wrt=name)(*args)
        assert_primal_identical(v1, v2)
        assert_primal_identical(d1, d2)
