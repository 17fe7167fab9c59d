"""codegen: gast tree -> Python source text. The only place that calls astor.

astor (last released 2019) is bounded in pyproject; ``ast.unparse`` is the fallback should it
ever fail on a newer Python's tree.
"""

from __future__ import annotations

import ast

import gast


def to_source(node) -> str:
    tree = gast.gast_to_ast(node)
    ast.fix_missing_locations(tree)
    try:
        import astor

        return astor.to_source(tree, pretty_source="".join)  # no line wrapping
    except Exception:  # pragma: no cover - depends on the astor/Python pair
        return ast.unparse(tree) + "\n"
