"""Taylor mode on every function of the scalar and NumPy corpora.

At a seeded point of each function's domain and along a seeded random direction,
``pf.taylor(f, order=3)`` must give c0 equal to the value, c1 equal to pf.jvp's tangent (checked
against finite differences in test_corpus_scalar and test_corpus_numpy), and c2, c3 equal to
central differences of that tangent along the direction (checks.taylor_references). The
corpora cover the language constructs (loops, branches, containers, item writes, in-place
updates, calls of user functions), which the rule rows of test_taylor_rules do not. Both ways
of running Taylor mode are checked: coefficient code for numbers, and series objects.
"""

import copy
import random
import zlib

import corpus_numpy
import corpus_scalar
import pytest
from checks import assert_taylor_coefficients, random_direction

import pushforward as pf
from pushforward import errors

#: functions whose derivatives finite differences cannot check (a bisection's value moves in
#: steps: its tangent is exact, its differences are not)
NOT_SMOOTH = {"bisection_root"}

#: functions Taylor mode refuses, with the error and what it names
REFUSED = {
    "linalg_norm_matrix_orders": (errors.UnsupportedDerivativeError, "ord='nuc'"),
}

CASES = [c for c in corpus_scalar.CASES + corpus_numpy.CASES
         if c.supported and c.name not in NOT_SMOOTH]


def _point(case):
    rng = random.Random(zlib.crc32(("taylor corpus:" + case.name).encode()))
    args = case.sample(rng)
    return args, random_direction(args, rng, case.active)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_taylor_coefficients_of_each_corpus_function(case, taylor_path):
    f = case.func
    args, dirs = _point(case)
    g = pf.taylor(f, order=3)
    if case.name in REFUSED:
        error, named = REFUSED[case.name]
        with pytest.raises(error, match=named):
            g(copy.deepcopy(args), copy.deepcopy(dirs))
        return
    c = g(copy.deepcopy(args), copy.deepcopy(dirs))
    if taylor_path == "series":
        assert g._last.slots is None  # not the coefficient code for numbers
    assert_taylor_coefficients(c, f, args, dirs, pf.jvp, value_rtol=1e-14, tangent_rtol=1e-11)


def test_the_lists_name_corpus_functions():
    names = {c.name for c in corpus_scalar.CASES + corpus_numpy.CASES}
    assert (NOT_SMOOTH | set(REFUSED)) <= names
