"""Tangent simplifications that must not change a value: each rewrite is checked on source
text and, numerically, against the expression it replaces."""

import random

import gast
import pytest

from pushforward import cleanup, codegen


def simplified(text, floats=None):
    """``text`` simplified; ``floats``: the names taken to hold floats (None: no knowledge)."""
    statement = gast.parse("y = " + text).body[0]
    known = None if floats is None else cleanup.Floats(set(floats), lambda call: True)
    statement.value = cleanup.simplify(statement.value, known)
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
    ("x ** (3 - 1 + (3 == 0))", "x * x"),            # the power rule, a literal exponent
    ("x ** (0 - 1 + (0 == 0))", "x ** 0"),
    ("x ** (k - 1 + (k == 0))", "x ** (k - 1 + (k == 0))"),
])
def test_rewrites(text, expected):
    assert simplified(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("x + x", "2.0 * x"),
    ("2 * x * d", "2.0 * x * d"),
    ("d * 2 * x", "d * 2 * x"),          # d may be an int: only a literal beside a float
    ("3 + x", "3.0 + x"),
    ("x - 3 / x", "x - 3.0 / x"),
    ("2 * math.cos(k)", "2.0 * math.cos(k)"),
    ("2 * (k + 0.5)", "2.0 * (k + 0.5)"),
    ("k * 3", "k * 3"),                  # k may be an int
    ("[0.0] * 3 * x", "[0.0] * 3 * x"),  # the 3 repeats a list
    ("x // 2", "x // 2"),
    ("x ** 2", "x * x"),
    ("k ** 2", "k * k"),                 # an int k stays an int
    ("x ** 2.0", "x ** 2.0"),            # an int would become a float
    ("(x + k) ** 2", "(x + k) ** 2"),    # x * x is for names: no repeated expression
])
def test_rewrites_with_floats(text, expected):
    assert simplified(text, floats=("x",)) == expected


def test_float_literals_give_the_same_values():
    rng = random.Random(5)
    for _ in range(2000):
        x = rng.uniform(-1e3, 1e3) * 2.0 ** rng.randint(-60, 60)
        c = rng.choice([1, 2, 3, 7, -4, 1000, 2 ** 40 + 1, 2 ** 53])
        assert c * x == float(c) * x and c + x == float(c) + x and x - c == x - float(c)
        assert c / x == float(c) / x and x / c == x / float(c)
        assert x ** 2 == x * x or abs(x ** 2 - x * x) <= 2.3e-16 * x * x  # a tangent's rounding


def test_rewrites_are_exact():
    rng = random.Random(3)
    for _ in range(2000):
        x, d, e = (rng.uniform(-1e3, 1e3) * 2.0 ** rng.randint(-60, 60) for _ in range(3))
        for c in (1.0, 2.0, 4.0, 0.5, 2.0 ** 40):
            assert c * x + x == (c + 1) * x
        for c in (2.0, 0.25, 2.0 ** -30):
            assert c * (d * 3.0 * e) == d * (3.0 * c) * e


def folded(text, floats=("x",)):
    """``text`` with the seed ``dx`` folded (the forward_diff variant's code)."""
    statement = gast.parse("y = " + text).body[0]
    result = cleanup.fold_unit_seed(statement, "x", "dx",
                                    cleanup.Floats(set(floats), lambda call: True))
    return codegen.to_source(result).strip()[len("y = "):]


@pytest.mark.parametrize("text, expected", [
    ("dx * math.cos(x)", "math.cos(x)"),
    ("-dx * math.sin(x)", "-math.sin(x)"),                # -1.0 * v is -v, exactly
    ("t * -dx * t", "-(t * t)"),
    ("-dx * k", "-1.0 * k"),                              # k may be an int: keep the float
    ("dx / y", "1.0 / y"),
    ("k * (dx / y)", "k / y"),
])
def test_seed_folding(text, expected):
    assert folded(text, floats=("x", "t")) == expected


def test_seed_folding_is_exact():
    rng = random.Random(4)
    for _ in range(2000):
        t, v = (rng.uniform(-1e3, 1e3) * 2.0 ** rng.randint(-60, 60) for _ in range(2))
        assert t * -1.0 * t == -(t * t) and -1.0 * v == -v
