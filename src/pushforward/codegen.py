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
        with warnings.catch_warnings():  # astor 0.8 uses ast.Num and ast.Str, deprecated in 3.12
            warnings.simplefilter("ignore", DeprecationWarning)
            import astor

            return astor.to_source(tree, pretty_source="".join)  # no line wrapping
    except Exception:  # pragma: no cover - depends on the astor/Python pair
        return ast.unparse(tree) + "\n"


def _statements(node, out):
    """Statements of a tree in source order (bodies, handlers, else and finally blocks)."""
    for field in ("body", "handlers", "orelse", "finalbody"):
        for child in getattr(node, field, None) or []:
            if isinstance(child, (ast.stmt, gast.stmt, ast.excepthandler, gast.excepthandler)):
                if not isinstance(child, (ast.excepthandler, gast.excepthandler)):
                    out.append(child)
                _statements(child, out)
    return out


def origins(node, source):
    """{generated line: user line} for the statements of ``node`` printed as ``source``."""
    generated = _statements(ast.parse(source).body[0], [])
    ours = _statements(node, [])
    if len(generated) != len(ours):  # pragma: no cover - printing changed the structure
        return {}
    return {g.lineno: o.origin for g, o in zip(generated, ours)
            if getattr(o, "origin", None) and not (isinstance(g, ast.Expr)
                                                   and isinstance(g.value, ast.Constant))}
