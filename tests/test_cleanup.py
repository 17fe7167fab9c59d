"""Tangent simplifications that must not change a value: each rewrite is checked on source
text and, numerically, against the expression it replaces."""

import random

import gast
import pytest

from pushforward import cleanup, codegen


def simplified(text):
    statement = gast.parse("y = " + text).body[0]
    statement.value = cleanup.simplify(statement.value)
    return codegen.to_source(statement).strip()[len("y = "):]


@pytest.mark.parametrize("text, expected", [
    ("x + x", "2 * x"),
    ("2.0 * x + x", "3.0 * x"),
    ("x + 4 * x", "5 * x"),
    ("0.5 * x + x", "1.5 * x"),
    ("3.0 * x + x", "3.0 * x + x"),      # 3x is rounded: (3 + 1) x may differ
    ("-2.0 * x + x", "-2.0 * x + x"),
    ("2.0 * x + y", "2.0 * x + y"),
    ("2.0 * (d * 3.0 * e)", "d * 6.0 * e"),
    ("(d * 3.0 * e) * 0.25", "d * 0.75 * e"),
    ("3.0 * (d * 3.0 * e)", "3.0 * (d * 3.0 * e)"),  # not a power of two: not exact
    ("2.0 * (d * 3 * e)", "2.0 * (d * 3 * e)"),      # int constants keep their type
])
def test_rewrites(text, expected):
    assert simplified(text) == expected


def test_rewrites_are_exact():
    rng = random.Random(3)
    for _ in range(2000):
        x, d, e = (rng.uniform(-1e3, 1e3) * 2.0 ** rng.randint(-60, 60) for _ in range(3))
        for c in (1.0, 2.0, 4.0, 0.5, 2.0 ** 40):
            assert c * x + x == (c + 1) * x
        for c in (2.0, 0.25, 2.0 ** -30):
            assert c * (d * 3.0 * e) == d * (3.0 * c) * e
