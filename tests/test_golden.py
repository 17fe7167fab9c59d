"""Golden tests: the generated source of a few functions, byte for byte.

Regenerate after an intended change with ``PUSHFORWARD_REGEN_GOLDEN=1 pytest tests/test_golden.py``
and read the diff: it is the product.
"""

import ast
import math
import os
import pathlib
import random

import gast
import pytest

import corpus_scalar
import golden_functions as g
import pushforward as pf
from pushforward import codegen, parse, pipeline

GOLDEN = pathlib.Path(__file__).parent / "golden"
CASES = {
    "product_exp": (g.product_exp, None),
    "product_exp_both": (g.product_exp, ("x", "y")),
    "loop_accumulate": (g.loop_accumulate, "x"),
    "branches": (g.branches, None),
    "overwrite": (g.overwrite, None),
    "calls_helper": (g.calls_helper, None),
    "while_newton": (g.while_newton, None),
    "normal_cdf": (g.normal_cdf, None),
    "rosenbrock_term": (g.rosenbrock_term, None),
    "rosenbrock_term_both": (g.rosenbrock_term, ("a", "b")),
    "log_barrier": (g.log_barrier, None),
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


def test_power_of_two_factors_fold_into_constants_bit_for_bit():
    """The 0.5 of the normal CDF joins erf's 2/sqrt(pi) (0.5641... in normal_cdf.py.txt);
    scaling by a power of two is exact, so the tangent is that of the unfolded product."""
    rng = random.Random(7)
    for _ in range(200):
        x, mu, sigma = rng.uniform(-5, 5), rng.uniform(-1, 1), rng.uniform(0.1, 3.0)
        _, tangent = pf.forward_diff(g.normal_cdf)(x, mu, sigma)
        u = (x - mu) / (sigma * math.sqrt(2.0))
        du = 1.0 / (sigma * math.sqrt(2.0))
        assert tangent == 0.5 * (du * 1.1283791670955126 * math.exp(-(u * u)))


def test_printing_converts_trees_as_gast_does():
    """codegen converts gast to ast itself (gast's converter is several times slower): the
    same trees as gast's, on every function of the scalar corpus, generated and as parsed
    (a tree with node types outside numerical code, an f-string say, is left to gast)."""
    compared = 0
    for case in corpus_scalar.CASES:
        if not case.supported:
            continue
        gen = pipeline.transform(case.func, tuple(case.arg_names[:1]))
        for tree in (gen.fdef, parse.parse(case.func).node):
            try:
                converted = codegen._to_ast(tree)
            except codegen._Other:
                continue
            assert ast.dump(converted) == ast.dump(gast.gast_to_ast(tree))
            compared += 1
    assert compared > 1.8 * len(corpus_scalar.CASES)
