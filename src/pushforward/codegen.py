"""codegen: gast tree -> Python source text. The only place that calls astor.

astor (last released 2019) is bounded in pyproject; ``ast.unparse`` is the fallback should it
ever fail on a newer Python's tree.
"""

from __future__ import annotations

import ast
import warnings

import gast


def to_source(node) -> str:
    tree = gast.gast_to_ast(node)  # astor needs no locations
    try:
        with warnings.catch_warnings():  # astor 0.8 touches ast.Num, deprecated since 3.12
            warnings.simplefilter("ignore", DeprecationWarning)
            import astor

        return astor.to_source(tree, pretty_source="".join)  # no line wrapping
    except Exception:  # pragma: no cover - depends on the astor/Python pair
        return ast.unparse(tree) + "\n"
