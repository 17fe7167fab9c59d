"""Every entry of the tangent rule table, checked against finite differences (rule_rows.ROWS).

For each row, at a few seeded points of its domain and along a random direction:
  - the value of ``pf.jvp`` is bit-identical to the plain call;
  - differentiable rows: the tangent matches ``checks.fd_jvp``;
  - zero rows: the tangent is exactly zero (the float 0.0, or a zero float array shaped like an
    array result) and the generated source never reads a tangent.
Rows with several differentiable arguments are also checked with each argument held constant
(a None tangent), since a rule's terms for an inactive argument are folded away.

``test_every_rule_has_a_row`` keeps the rows in step with the table, and
``test_wrong_rule_fails_its_row`` makes sure a wrong rule cannot pass.  Rows with ``xfail`` fail
because of a known library bug and are expected to (strictly).
"""

import ast
import builtins
import copy
import math
import random
import zlib

import numpy as np
import pytest

import pushforward as pf
import rule_rows
from checks import (
    assert_close_structured,
    assert_primal_identical,
    fd_jvp,
    max_abs_leaf,
    random_direction,
)
from pushforward.api import clear_cache
from pushforward.rules import BINOPS, INPLACE, RULES, UNARYOPS
from rule_rows import ROWS, key_repr

N_POINTS = 3
RTOL = 1e-6
ATOL = 1e-8  # times the scale of the value and the derivative (at least 1)


def activity_patterns(row):
    """All differentiable arguments, then (with two or more) each one held constant."""
    active = tuple(row.case.active)
    patterns = [active]
    if len(active) >= 2:
        patterns += [tuple(i for i in active if i != held) for held in active]
    return patterns


def _pattern_id(row, active):
    held = [row.case.arg_names[i] for i in row.case.active if i not in active]
    return row.name + ("" if not held else "-const_" + "_".join(held))


def _skip_unsupported(row):
    if row.skip:
        pytest.skip(row.skip)
    if not row.case.supported:
        pytest.skip(f"{row.name} needs Python >= {'.'.join(map(str, row.case.min_python))}")


def _tangent_params_read(func, active):
    """Tangent parameters of ``func``'s generated JVP (``active`` differentiated) that its body
    reads, found in ``pf.source``."""
    names = _arg_names(func)
    wrt = tuple(names[i] for i in active)
    source = pf.source(func, wrt=wrt)
    fdef = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef))
    params = [a.arg for a in fdef.args.args + fdef.args.kwonlyargs]
    tangent_params = set(params) - set(names)
    assert len(tangent_params) == len(wrt), f"unexpected signature in:\n{source}"
    read = {
        n.id
        for stmt in fdef.body
        for n in ast.walk(stmt)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    return read & tangent_params, source


def _arg_names(func):
    code = func.__code__
    return list(code.co_varnames[: code.co_argcount])


def assert_zero_tangent(tangent, value):
    """The tangent of a non-differentiable result: the float 0.0, or (for an array result) a
    float array of zeros of the result's shape."""
    if type(tangent) is float and tangent == 0.0:
        return
    if isinstance(value, np.ndarray) and isinstance(tangent, np.ndarray):
        if (tangent.shape == value.shape and np.issubdtype(tangent.dtype, np.floating)
                and not np.any(tangent)):
            return
    raise AssertionError(
        f"a non-differentiable primitive should give a zero tangent (0.0, or zeros shaped like "
        f"the result), got {tangent!r}"
    )


def check_row(row, active=None, n_points=N_POINTS):
    """Check one row at ``n_points`` seeded points, differentiating the arguments ``active``
    (default: all the row's differentiable arguments).  Raises AssertionError on a mismatch."""
    case = row.case
    active = tuple(case.active if active is None else active)
    for k, args in enumerate(case.points(n_points)):
        rng = random.Random(zlib.crc32(f"direction:{case.name}:{active}:{k}".encode()))
        tangents = random_direction(args, rng, active)
        expected_value = case.func(*copy.deepcopy(args))
        value, tangent = pf.jvp(case.func, copy.deepcopy(args), copy.deepcopy(tangents))
        where = f"{case.name}{args!r} along {tangents!r}"
        try:
            assert_primal_identical(value, expected_value)
            if row.zero:
                assert_zero_tangent(tangent, expected_value)
            else:
                expected = fd_jvp(case.func, args, tangents, h=case.fd_step)
                atol = ATOL * max(1.0, max_abs_leaf(expected_value), max_abs_leaf(expected))
                assert_close_structured(tangent, expected, rtol=case.rtol, atol=atol)
        except AssertionError as exc:
            raise AssertionError(f"{where} [{key_repr(row.key)}]:\n{exc}") from None
    if row.zero:
        read, source = _tangent_params_read(case.func, active)
        assert not read, (
            f"{case.name}: the generated code reads the tangents {sorted(read)} although "
            f"{key_repr(row.key)} is non-differentiable:\n{source}"
        )


def _marks(row):
    return [pytest.mark.xfail(strict=True, reason=row.xfail)] if row.xfail else []


PARAMS = [
    pytest.param(row, active, id=_pattern_id(row, active), marks=_marks(row))
    for row in ROWS
    for active in activity_patterns(row)
]


@pytest.mark.parametrize("row, active", PARAMS)
def test_rule_row(row, active):
    _skip_unsupported(row)
    check_row(row, active)


# ----------------------------------------------------------------------------- coverage


def test_every_rule_has_a_row():
    """Adding a rule (or an operator) without a row in rule_rows.py fails here."""
    covered = {row.key for row in ROWS}
    expected = rule_rows.table_keys(RULES, BINOPS, UNARYOPS, INPLACE)
    missing = expected - covered
    assert not missing, "rules without a test row in rule_rows.py:\n  " + "\n  ".join(
        sorted(map(key_repr, missing))
    )
    for func in rule_rows.builder_funcs(RULES):
        assert any(k[0] == "builder" and k[1] is func for k in covered), (
            f"the variadic rule {key_repr(('builder', func))} has no test row"
        )


def test_every_row_names_a_rule():
    """A row whose key the table no longer has tests nothing: update or remove it."""
    expected = rule_rows.table_keys(RULES, BINOPS, UNARYOPS, INPLACE)
    builders = rule_rows.builder_funcs(RULES)
    stale = [
        row
        for row in ROWS
        if row.key not in expected and not (row.key[0] == "builder" and row.key[1] in builders)
    ]
    assert not stale, "rows for keys the rule table does not hold: " + ", ".join(
        f"{row.name} {key_repr(row.key)}" for row in stale
    )


def test_rows_are_uniquely_named():
    names = [row.name for row in ROWS]
    assert len(names) == len(set(names))


# ----------------------------------------------------------------------------- the checker fails


def _row(name):
    (found,) = [row for row in ROWS if row.name == name]
    return found


def _sabotage_sin(monkeypatch):
    monkeypatch.setitem(RULES[math.sin].variants, 1, (("x",), "dx * math.sin(x)"))
    return _row("r_sin"), None


def _sabotage_mult(monkeypatch):
    monkeypatch.setitem(BINOPS, "Mult", "dl * r")  # forgets the right operand's term
    return _row("op_mult"), (1,)


def _sabotage_log_base(monkeypatch):
    monkeypatch.setitem(RULES[math.log].variants, 2, (("x", "base"), "dx / (x * math.log(base))"))
    return _row("r_log_base"), (1,)  # only the base varies


def _sabotage_log_ratio(monkeypatch):
    monkeypatch.setitem(RULES[math.log].patterns, "Div", (("n", "d"), "dn / n + dd / d"))
    return _row("r_log_ratio"), (1,)  # only the denominator varies


def _sabotage_max(monkeypatch):
    monkeypatch.setattr(RULES[builtins.max], "builder", RULES[builtins.min].builder)
    return _row("b_max2"), None


def _sabotage_zero(monkeypatch):
    monkeypatch.setattr(RULES[math.floor], "zero", False)
    monkeypatch.setitem(RULES[math.floor].variants, 1, (("x",), "dx"))
    return _row("z_floor"), None


def _sabotage_np_sin(monkeypatch):
    monkeypatch.setitem(RULES[np.sin].variants, 1, (("x",), "dx * np.sin(x)"))
    return _row("np_sin"), None


def _sabotage_np_linear(monkeypatch):
    # a nonlinear primitive declared linear: the tangent would be np.square(dx)
    monkeypatch.setattr(RULES[np.square], "variants", {})
    monkeypatch.setattr(RULES[np.square], "linear", (0,))
    return _row("np_square"), None


def _sabotage_np_helper(monkeypatch):
    monkeypatch.setattr(RULES[np.max], "helper", RULES[np.prod].helper)
    return _row("nph_max"), None


def _sabotage_np_zero(monkeypatch):
    monkeypatch.setattr(RULES[np.floor], "zero", False)
    monkeypatch.setitem(RULES[np.floor].variants, 1, (("x",), "dx"))
    return _row("npz_floor"), None


def _sabotage_inplace(monkeypatch):
    monkeypatch.setitem(INPLACE, "Mult", "dl * r")  # forgets the right operand's term
    return _row("npi_mult"), (1,)


@pytest.mark.parametrize(
    "sabotage",
    [_sabotage_sin, _sabotage_mult, _sabotage_log_base, _sabotage_log_ratio, _sabotage_max,
     _sabotage_zero,
     _sabotage_np_sin, _sabotage_np_linear, _sabotage_np_helper, _sabotage_np_zero,
     _sabotage_inplace],
    ids=lambda s: s.__name__.replace("_sabotage_", ""),
)
def test_wrong_rule_fails_its_row(monkeypatch, sabotage):
    clear_cache()
    try:
        row, active = sabotage(monkeypatch)
        with pytest.raises(AssertionError):
            check_row(row, active)
    finally:
        monkeypatch.undo()
        clear_cache()
    check_row(row, active)  # the real rule passes again


# ----------------------------------------------------------------------------- kink conventions


KINKS = [  # (id, function, primals, tangents, expected tangent): see the rules.py docstring
    ("max2_tie_first", rule_rows.b_max2, (1.5, 1.5), (2.0, 3.0), 2.0),
    ("min2_tie_first", rule_rows.b_min2, (1.5, 1.5), (2.0, 3.0), 2.0),
    ("max3_tie_first", rule_rows.b_max3, (0.5, 1.5, 1.5), (2.0, 3.0, 5.0), 3.0),
    ("min3_tie_first", rule_rows.b_min3, (0.5, 0.5, 1.5), (2.0, 3.0, 5.0), 2.0),
    ("max_list_tie_first", rule_rows.b_max_list, ([1.0, 2.0, 2.0],), ([2.0, 3.0, 5.0],), 3.0),
    ("min_list_tie_first", rule_rows.b_min_list, ([1.0, 0.0, 0.0],), ([2.0, 3.0, 5.0],), 3.0),
    ("abs_at_zero", rule_rows.r_abs, (0.0,), (2.0,), 0.0),
    ("fabs_at_zero", rule_rows.r_fabs, (0.0,), (2.0,), 0.0),
    ("copysign_at_zero", rule_rows.r_copysign, (0.0, 1.0), (2.0, 3.0), 0.0),
]


@pytest.mark.parametrize(
    "func, args, tangents, expected", [pytest.param(*k[1:], id=k[0]) for k in KINKS]
)
def test_kink_conventions(func, args, tangents, expected):
    value, tangent = pf.jvp(func, args, tangents)
    assert_primal_identical(value, func(*args))
    assert tangent == expected
