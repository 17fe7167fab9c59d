"""compile: generated source -> a live function whose globals are the user's module.

Contract: ``load(source, bindings, func, label)`` compiles ``source`` (one function definition)
with the text registered in ``linecache`` (and written to a file named after its content), so
``inspect.getsource``, tracebacks and ``pdb`` show it. The function's globals are the user
function's globals (read live, never copied), the user's closure cells are shared, and the names
in ``bindings`` (rule helpers such as ``math``, other generated functions) are closure cells.
"""

from __future__ import annotations

import ast
import hashlib
import linecache
import os
import tempfile
import types


def _cache_dir():
    user = getattr(os, "getuid", lambda: "user")()
    return os.path.join(tempfile.gettempdir(), "pushforward-%s" % user)


#: {generated file: (the user's file, {generated line: the user's line})}, to locate an error
#: raised while generated code runs (``errors.at_run_time``)
ORIGINS: dict = {}


def generated(filename):
    """Whether code with this file name is pushforward's."""
    return filename.startswith((_cache_dir(), "<pushforward "))


def register(source, label, notes=None):
    """Register ``source`` under a file name; ``notes`` {line: text} become end-of-line comments.

    The comments (``# model.py:12``: the user's line each statement comes from) appear in
    tracebacks and pdb; the compiled code is the same, line for line. The text is also written
    to a file named after its content in the temporary directory, so that Python's own
    traceback printer, which reads files rather than ``linecache``, shows the lines too.
    """
    lines = source.splitlines(True)
    for lineno, note in (notes or {}).items():
        lines[lineno - 1] = "%s  # %s\n" % (lines[lineno - 1].rstrip("\n"), note)
    text = "".join(lines)
    digest = hashlib.sha1(text.encode()).hexdigest()[:10]
    filename = os.path.join(_cache_dir(), "%s_%s.py" % (label.replace("<", "").replace(">", ""),
                                                     digest))
    try:
        if not os.path.exists(filename):
            os.makedirs(os.path.dirname(filename), exist_ok=True)
            partial = "%s.%d.tmp" % (filename, os.getpid())
            with open(partial, "w") as fh:
                fh.write(text)
            os.replace(partial, filename)
    except OSError:  # a read-only file system: linecache alone still serves inspect and pdb
        filename = "<pushforward %s %s>" % (label, digest)
    linecache.cache[filename] = (len(text), None, lines, filename)
    return filename


def _notes(path, origins):
    """Comments for tracebacks: the user's file and line of each generated statement."""
    where = os.path.basename(path)
    notes = {}
    for line, origin in origins.items():
        text = linecache.getline(path, origin).strip()
        notes[line] = "%s:%d: %s" % (where, origin, text) if text else "%s:%d" % (where, origin)
    return notes


def load(source, bindings, func, label, origins=None, tree=None):
    """``origins``: {line of ``source``: the line of ``func``'s file it comes from}, shown as
    comments; ``tree``: ``source`` parsed already (a Module, used up here)."""
    path = func.__code__.co_filename
    filename = register(source, label, _notes(path, origins or {}))
    if origins:
        ORIGINS[filename] = (path, origins)
    tree = tree or ast.parse(source, filename)
    inner = tree.body[0]
    user_cells = dict(zip(func.__code__.co_freevars, func.__closure__ or ()))
    names = sorted(set(bindings) | set(user_cells))
    factory = ast.FunctionDef(
        name="__pf_factory", args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=n) for n in names],
                                                vararg=None, kwonlyargs=[], kw_defaults=[],
                                                kwarg=None, defaults=[]),
        body=[inner, ast.Return(value=ast.Name(id=inner.name, ctx=ast.Load()))],
        decorator_list=[], returns=None, type_comment=None)
    if "type_params" in ast.FunctionDef._fields:
        factory.type_params = []
    for node in [factory, factory.body[-1], factory.body[-1].value, factory.args] + factory.args.args:
        node.lineno, node.col_offset = 1, 0  # only the wrapper lacks locations: the
        node.end_lineno, node.end_col_offset = 1, 0  # function itself comes from ast.parse
    module = ast.Module(body=[factory], type_ignores=[])
    code = compile(module, filename, "exec")
    factory_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    inner_code = next(c for c in factory_code.co_consts
                      if isinstance(c, types.CodeType) and c.co_name == inner.name)
    closure = []
    for name in inner_code.co_freevars:
        if name in bindings:
            value = bindings[name]
            closure.append(value if isinstance(value, types.CellType) else types.CellType(value))
        else:
            closure.append(user_cells[name])
    fn = types.FunctionType(inner_code, func.__globals__, inner.name, None, tuple(closure))
    fn.__module__ = func.__module__
    fn._pf_origin = getattr(func, "_pf_origin", func)  # the user's function, for messages
    return fn
