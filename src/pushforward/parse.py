"""parse: a Python function object -> its gast ``FunctionDef`` with the user's real locations.

Contract: returns a :class:`Parsed` whose ``node`` is a FunctionDef (a lambda becomes
``def <name>(args): return <body>``) with ``lineno``/``col_offset`` of the user's file, decorators
removed. Raises :class:`SourceUnavailableError` when Python cannot show the source.
"""

from __future__ import annotations

import ast
import inspect
import linecache
import textwrap
from dataclasses import dataclass

import gast

from .errors import SourceUnavailableError


@dataclass
class Parsed:
    func: object  # the user's function object
    node: gast.FunctionDef
    filename: str


def _unavailable(func, why):
    name = getattr(func, "__qualname__", repr(func))
    return SourceUnavailableError(
        "cannot read the source of %s: %s. pushforward transforms Python source; define the "
        "function in a .py file (not the REPL or exec), or register a rule for it with "
        "pushforward.defjvp." % (name, why)
    )


def _shift(tree, lines, cols):
    for node in ast.walk(tree):
        if hasattr(node, "lineno"):
            node.lineno += lines
            node.col_offset += cols
            if getattr(node, "end_lineno", None) is not None:
                node.end_lineno += lines
                node.end_col_offset += cols


def _gast_class(cls):
    target = getattr(gast, cls.__name__, None)
    if target is None:
        raise _Other(cls.__name__)
    _GAST[cls] = target
    return target


_GAST = {}  # ast node class -> the gast class of the same name


class _Other(Exception):
    """The tree has a node type gast itself must convert."""


def _to_gast(node, lines, cols):
    """``gast.ast_to_gast(node)``, with locations moved by ``lines`` and ``cols``: the parsed
    block starts at line 1 and column 0 (gast's generic converter is several times slower,
    and the moving would be another walk over the tree)."""
    cls = node.__class__
    if cls is ast.Name:
        context = node.ctx.__class__
        new = gast.Name(node.id, (_GAST.get(context) or _gast_class(context))(), None, None)
    elif cls is ast.arg:
        new = gast.Name(node.arg, gast.Param(),
                        node.annotation and _to_gast(node.annotation, lines, cols),
                        node.type_comment)
    elif cls is ast.ExceptHandler and node.name:
        new = gast.ExceptHandler(node.type and _to_gast(node.type, lines, cols),
                                 gast.Name(node.name, gast.Store(), None, None),
                                 [_to_gast(n, lines, cols) for n in node.body])
    else:
        target = _GAST.get(cls) or _gast_class(cls)
        new = target.__new__(target)
        fields = new.__dict__
        for name in target._fields:
            value = getattr(node, name, _MISSING)
            if value.__class__ is list:
                value = [_to_gast(v, lines, cols) if isinstance(v, ast.AST) else v for v in value]
            elif isinstance(value, ast.AST):
                value = _to_gast(value, lines, cols)
            elif value is _MISSING:  # a field this Python's ast lacks (type_params before 3.12)
                value = [] if name == "type_params" else None
            fields[name] = value
    if "lineno" in node._attributes:
        new.lineno, new.col_offset = node.lineno + lines, node.col_offset + cols
        end = node.end_lineno
        new.end_lineno = None if end is None else end + lines
        end = node.end_col_offset
        new.end_col_offset = None if end is None else end + cols
    return new


_MISSING = object()


def _lambda_node(tree, code):
    """The lambda of ``code`` in ``tree`` (its locations shifted to the file's): on its first
    line, with its arguments, and (where Python records columns) its body's column."""
    lambdas = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)]
    lambdas = [n for n in lambdas if n.lineno == code.co_firstlineno] or lambdas
    args = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    same_args = [n for n in lambdas if tuple(a.arg for a in n.args.args + n.args.kwonlyargs) == args]
    candidates = same_args or lambdas
    positions = getattr(code, "co_positions", None)
    if positions is not None and len(candidates) > 1:
        cols = {c for (_, _, c, _) in positions() if c is not None}
        # the lambda whose body span contains the code's instructions
        for n in candidates:
            if n.body.col_offset in cols:
                return n
    return candidates[0] if candidates else None


def _indented_block(lines, first):
    """The ``def`` block starting at line ``first``, found by indentation, parsed; or None.

    Much faster than ``inspect.getsourcelines`` (no tokenizer); None sends the caller there
    (a string literal or continuation line indented less than the body, say).
    """
    i = first - 1
    if not 0 <= i < len(lines):
        return None
    indent = len(lines[i]) - len(lines[i].lstrip())
    while i < len(lines) and lines[i].lstrip().startswith("@"):
        i += 1
    if i >= len(lines) or not lines[i].lstrip().startswith(("def ", "async def ")):
        return None
    end = i + 1
    for j in range(i + 1, len(lines)):
        text = lines[j]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(text) - len(text.lstrip()) <= indent:
            break
        end = j + 1
    block = [line[indent:] if line[:indent].strip() == "" else line for line in lines[first - 1:end]]
    try:
        return ast.parse("".join(block)), first, indent
    except SyntaxError:
        return None


def parse(func) -> Parsed:
    code = getattr(func, "__code__", None)
    if code is None or not inspect.isfunction(func):
        raise _unavailable(func, "it is not a Python function (a builtin or C extension?)")
    filename = code.co_filename
    if filename.startswith("<") and not linecache.getlines(filename):
        raise _unavailable(func, "it was defined in %s" % filename)
    linecache.checkcache(filename)  # a file edited since it was read (then reloaded)
    is_lambda = func.__name__ == "<lambda>"
    quick = None if is_lambda else _indented_block(linecache.getlines(filename, func.__globals__),
                                                   code.co_firstlineno)
    if quick is not None:
        tree, start, indent = quick
    else:
        try:
            lines, start = inspect.getsourcelines(func)
        except (OSError, TypeError) as exc:
            raise _unavailable(func, str(exc)) from None
        block = "".join(lines)
        dedented = textwrap.dedent(block)
        indent = len(lines[0]) - len(lines[0].lstrip()) if dedented != block else 0
    try:
        if quick is None:
            tree = ast.parse(dedented)
    except SyntaxError:
        if not is_lambda:
            raise _unavailable(func, "its source does not parse on its own") from None
        # a lambda inside a larger statement: parse the whole file
        whole = "".join(linecache.getlines(filename))
        tree, start, indent = ast.parse(whole), 1, 0
    lines, cols = start - 1, indent
    if is_lambda:
        _shift(tree, lines, cols)  # the lambda is found by its columns
        lines = cols = 0
        node = _lambda_node(tree, code)
        if node is None:
            raise _unavailable(func, "the lambda was not found on line %d" % start)
        fdef = ast.FunctionDef(name="<lambda>", args=node.args, body=[ast.Return(value=node.body)],
                               decorator_list=[], returns=None, type_comment=None)
        if hasattr(ast.FunctionDef, "type_params") or "type_params" in ast.FunctionDef._fields:
            fdef.type_params = []
        ast.copy_location(fdef, node)
        ast.copy_location(fdef.body[0], node.body)
    else:
        name = code.co_name  # not __name__: functools.wraps may have renamed the function
        fdef = next((n for n in ast.walk(tree)
                     if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and n.name == name), None)
        if fdef is None:
            raise _unavailable(func, "no definition of %s found at line %d of %s (if the file "
                                     "was edited since it was imported, reload the module)"
                               % (name, code.co_firstlineno, filename))
        fdef.decorator_list = []
    try:
        node = _to_gast(fdef, lines, cols)
    except _Other:
        _shift(fdef, lines, cols)
        node = gast.ast_to_gast(fdef)
    return Parsed(func, node, filename)
