"""Golden tests: the generated source of a few functions, byte for byte.

Regenerate after an intended change with ``PUSHFORWARD_REGEN_GOLDEN=1 pytest tests/test_golden.py``
and read the diff: it is the product.
"""

import ast
import importlib
import inspect
import math
import os
import pathlib
import random
import sys
import textwrap

import gast
import pytest

import bad_functions
import corpus_numpy
import corpus_scalar
import golden_functions as g
import nesting_functions
import syntax_zoo
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


def _generated_trees(monkeypatch):
    """The gast trees of the generated functions of the corpora (JVPs, forward_diff's seeded
    variants, the functions they call), as codegen gets them."""
    trees, write = [], codegen.write
    monkeypatch.setattr(codegen, "write", lambda tree: trees.append(tree) or write(tree))
    for module in (corpus_scalar, corpus_numpy):
        for case in module.CASES:
            if case.supported:
                params = tuple(case.arg_names[i] for i in case.active)
                pipeline.transform(case.func, params).compile()
                if params:
                    pf.forward_diff(case.func, wrt=params[0]).source
    monkeypatch.undo()
    return trees


def test_writer_prints_as_astor_and_builds_the_tree_python_parses(monkeypatch):
    """codegen writes generated code itself and builds its compilable tree as it goes: the
    same text as astor prints, and the same tree, positions included, as ast.parse gives for
    that text. Constructs it leaves to astor (a ``try``, an f-string) are rare in generated
    numerical code: every function left to astor has one of them."""
    pipeline.clear_cache()
    trees = _generated_trees(monkeypatch)
    left = set()
    for tree in trees:
        source, parsed = codegen.write(tree)
        assert source == codegen._astor_source(tree)
        if parsed is not None:
            assert ast.dump(parsed, include_attributes=True) == \
                ast.dump(ast.parse(source), include_attributes=True), source
        else:
            with pytest.raises(codegen._Other) as other:
                codegen._Writer().statement(tree, 0)
            left.add(other.value.args[0])
    assert len(trees) > 400
    assert left <= {"ListComp", "Try", "JoinedStr", "NamedExpr", "dict key Constant",
                    "annotation", "With", "Lambda", "Delete"}


def test_writer_leaves_other_constructs_to_astor():
    def guarded(x):
        try:
            return math.sqrt(x)
        except ValueError:
            return 0.0

    source, tree = codegen.write(pipeline.transform(guarded, ("x",)).fdef)
    assert tree is None and "try:" in source
    assert pf.forward_diff(guarded)(4.0) == (2.0, 0.25)


@pytest.mark.parametrize("signature", [
    "a, b=3.0, /, c=1.0", "a, /, c, d=1.0", "a, b, c, /, d, e=1.0, g=2.0", "a, /, *, k=1.0"])
@pytest.mark.parametrize("body", ["return a", "try:\n        return a\n    finally:\n        pass"])
def test_positional_only_parameters_and_their_defaults_are_printed_in_place(signature, body):
    """Taylor mode's coefficient parameters are positional-only; astor 0.8 moved the defaults
    of ``def f(a, b, c, /, d, e=1.0, g=2.0)`` onto other parameters (a SyntaxError)."""
    text = "def f(%s):\n    %s\n" % (signature, body)
    tree = gast.parse(text).body[0]
    for source in (codegen.write(tree)[0], codegen._astor_source(tree)):
        assert ast.dump(ast.parse(source)) == ast.dump(ast.parse(text)), source


def _parsed_by_gast(func):
    """The tree ``parse.parse`` gives, made by gast's own converter."""
    lines, start = inspect.getsourcelines(func)
    block = "".join(lines)
    dedented = textwrap.dedent(block)
    indent = len(lines[0]) - len(lines[0].lstrip()) if dedented != block else 0
    fdef = ast.parse(dedented).body[0]
    fdef.decorator_list = []
    parse._shift(fdef, start - 1, indent)
    return gast.ast_to_gast(fdef)


def _dump(tree):
    return gast.dump(tree, include_attributes=True)


def _module_functions(module):
    return [f for f in vars(module).values()
            if inspect.isfunction(f) and f.__module__ == module.__name__ and f.__name__ != "<lambda>"]


def test_parsing_converts_trees_as_gast_does():
    """parse converts ast to gast itself, moving locations to the user's lines as it goes
    (gast's converter is several times slower): the same trees, locations included, as gast
    gives, on the corpora and on a function with most of Python's grammar."""
    funcs = [f for module in (corpus_scalar, corpus_numpy, bad_functions, g,
                              nesting_functions, syntax_zoo) for f in _module_functions(module)]
    assert len(funcs) > 250
    for func in funcs:
        assert _dump(parse.parse(func).node) == _dump(_parsed_by_gast(func)), func.__name__


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameters are Python 3.12 syntax")
def test_parsing_converts_type_parameters_as_gast_does(tmp_path, monkeypatch):
    (tmp_path / "generic_zoo.py").write_text(
        "def first[T: float, *Ts, **P](xs: list[T]) -> T:\n"
        "    type Alias[K] = dict[K, T]\n"
        "    return xs[0]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("generic_zoo")
    assert _dump(parse.parse(module.first).node) == _dump(_parsed_by_gast(module.first))
