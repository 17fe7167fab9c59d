"""Golden tests: the generated source of a few functions, byte for byte.

Regenerate after an intended change with ``PUSHFORWARD_REGEN_GOLDEN=1 pytest tests/test_golden.py``
and read the diff: it is the product.
"""

import os
import pathlib

import pytest

import golden_functions as g
import pushforward as pf

GOLDEN = pathlib.Path(__file__).parent / "golden"
CASES = {
    "product_exp": (g.product_exp, None),
    "product_exp_both": (g.product_exp, ("x", "y")),
    "loop_accumulate": (g.loop_accumulate, "x"),
    "branches": (g.branches, None),
    "overwrite": (g.overwrite, None),
    "calls_helper": (g.calls_helper, None),
    "while_newton": (g.while_newton, None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_source(name):
    func, wrt = CASES[name]
    text = pf.source(func, wrt=wrt)
    path = GOLDEN / (name + ".py.txt")
    if os.environ.get("PUSHFORWARD_REGEN_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_same_input_same_output():
    pf.api.clear_cache()
    first = pf.source(g.overwrite)
    pf.api.clear_cache()
    assert pf.source(g.overwrite) == first
