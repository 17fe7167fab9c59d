"""codegen: gast tree -> Python source text. The only place that calls astor.

astor (last released 2019) is bounded in pyproject; ``ast.unparse`` is the fallback should it
ever fail on a newer Python's tree.
"""

from __future__ import annotations

import ast
import warnings

import gast

_COMMON = (
    "FunctionDef Return Delete Assign AugAssign AnnAssign For While If With Raise Try Assert "
    "Global Nonlocal Expr Pass Break Continue BoolOp BinOp UnaryOp Lambda IfExp Dict Set "
    "ListComp SetComp DictComp GeneratorExp Compare Call keyword Attribute Subscript Starred "
    "List Tuple Slice comprehension withitem Load Store Del And Or Add Sub Mult MatMult Div Mod "
    "Pow LShift RShift BitOr BitXor BitAnd FloorDiv Invert Not UAdd USub Eq NotEq Lt LtE Gt "
    "GtE Is IsNot In NotIn").split()
_AST = {getattr(gast, name): getattr(ast, name) for name in _COMMON}


class _Other(Exception):
    """The tree has a node type left to gast's converter."""


def _to_ast(node):
    """``gast.gast_to_ast(node)`` without locations, for the node types of numerical code (a
    tree with any other goes to gast's converter, generic over every Python version's grammar
    and several times slower: it was a tenth of a transformation)."""
    cls = node.__class__
    if cls is gast.Name:
        return ast.Name(id=node.id, ctx=_AST[node.ctx.__class__]())
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
    target = _AST.get(cls)
    if target is None:
        raise _Other(cls.__name__)
    return target(**_fields(node, target._fields))


def _arg(name):
    return ast.arg(arg=name.id, annotation=name.annotation and _to_ast(name.annotation),
                   type_comment=name.type_comment)


def _fields(node, names):
    """{name: the field ``name`` of ``node``, converted} for the given field names."""
    fields = {}
    for name in names:
        value = getattr(node, name, None)
        if value.__class__ is list:
            value = [_to_ast(v) if isinstance(v, gast.AST) else v for v in value]
        elif isinstance(value, gast.AST):
            value = _to_ast(value)
        fields[name] = value
    return fields


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
