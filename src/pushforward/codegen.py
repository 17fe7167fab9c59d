"""codegen: gast tree -> Python source text. The only place that calls astor.

astor (last released 2019) is bounded in pyproject; ``ast.unparse`` is the fallback should it
ever fail on a newer Python's tree.
"""

from __future__ import annotations

import ast
import warnings

import gast


# Node types converted field by field (the generated code is made of these); a tree with any
# other goes through gast's own converter.
_PLAIN = {getattr(gast, name): getattr(ast, name) for name in (
    "FunctionDef Return Delete Assign AugAssign AnnAssign For While If With Raise Try Assert "
    "Global Nonlocal Expr Pass Break Continue BoolOp BinOp UnaryOp Lambda IfExp Dict Set "
    "ListComp SetComp DictComp GeneratorExp Compare Call keyword Attribute Subscript Starred "
    "List Tuple Slice comprehension withitem Load Store Del And Or Add Sub Mult MatMult Div Mod "
    "Pow LShift RShift BitOr BitXor BitAnd FloorDiv Invert Not UAdd USub Eq NotEq Lt LtE Gt "
    "GtE Is IsNot In NotIn").split()}


class _Other(Exception):
    """The tree has a node type that ``_to_ast`` leaves to gast."""


def _to_ast(node):
    """The ``ast`` tree of a gast tree, without locations: what astor needs to print it.
    Several times faster than ``gast.gast_to_ast``, which also maps locations."""
    cls = node.__class__
    if cls is gast.Name:
        return ast.Name(id=node.id, ctx=_PLAIN[node.ctx.__class__]())
    if cls is gast.Constant:
        return ast.Constant(value=node.value, kind=node.kind)
    if cls is gast.arguments:
        return ast.arguments(
            posonlyargs=[_arg(a) for a in node.posonlyargs], args=[_arg(a) for a in node.args],
            vararg=node.vararg and _arg(node.vararg), kwarg=node.kwarg and _arg(node.kwarg),
            kwonlyargs=[_arg(a) for a in node.kwonlyargs],
            kw_defaults=[d and _to_ast(d) for d in node.kw_defaults],
            defaults=[_to_ast(d) for d in node.defaults])
    if cls is gast.ExceptHandler:
        return ast.ExceptHandler(type=node.type and _to_ast(node.type),
                                 name=node.name and node.name.id,
                                 body=[_to_ast(n) for n in node.body])
    target = _PLAIN.get(cls)
    if target is None:
        raise _Other(cls.__name__)
    new = target()
    for name in target._fields:
        value = getattr(node, name, None)
        if value.__class__ is list:
            value = [_to_ast(v) if isinstance(v, gast.AST) else v for v in value]
        elif isinstance(value, gast.AST):
            value = _to_ast(value)
        setattr(new, name, value)
    return new


def _arg(name):
    return ast.arg(arg=name.id, annotation=name.annotation and _to_ast(name.annotation),
                   type_comment=name.type_comment)


def to_source(node) -> str:
    try:
        tree = _to_ast(node)  # astor needs no locations
    except _Other:
        tree = gast.gast_to_ast(node)
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


def origins(node, tree):
    """{generated line: user line} for the statements of ``node``, printed and parsed again as
    ``tree`` (a Module)."""
    generated = _statements(tree.body[0], [])
    ours = _statements(node, [])
    if len(generated) != len(ours):  # pragma: no cover - printing changed the structure
        return {}
    return {g.lineno: o.origin for g, o in zip(generated, ours)
            if getattr(o, "origin", None) and not (isinstance(g, ast.Expr)
                                                   and isinstance(g.value, ast.Constant))}
