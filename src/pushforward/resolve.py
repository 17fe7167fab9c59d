"""resolve: what each free name and dotted attribute in the function refers to.

Contract: an analysis, never mutates. ``Resolution.lookup(node)`` gives the object a ``Name`` or an
``Attribute`` chain (``np.linalg.norm``) refers to, found through the function's closure cells,
its globals, then builtins, or :data:`MISSING` when the name is not defined (yet). Local names
(parameters, assignments, loop targets, nested definitions) are never resolved: their values
exist only at run time. ``import`` statements inside the function are resolved by importing.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import types

import gast

MISSING = object()


def local_names(fdef) -> set:
    """Names bound inside ``fdef`` (its own scope and nested ones), minus ``global`` ones."""
    bound, declared_global = set(), set()
    args = fdef.args
    for a in args.args + args.posonlyargs + args.kwonlyargs + [args.vararg, args.kwarg]:
        if a is not None:
            bound.add(a.id)
    for node in gast.walk(fdef):
        if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Del, gast.Param)):
            bound.add(node.id)
        elif isinstance(node, (gast.FunctionDef, gast.ClassDef, gast.AsyncFunctionDef)) and node is not fdef:
            bound.add(node.name)
        elif isinstance(node, (gast.Import, gast.ImportFrom)):
            for alias in node.names:
                bound.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, gast.Global):
            declared_global.update(node.names)
    return bound - declared_global


class Resolution:
    def __init__(self, func, fdef):
        self.func = func
        self.locals = local_names(fdef)
        self.imports = {}  # local name -> module, from imports inside the function
        code = func.__code__
        self.cells = dict(zip(code.co_freevars, func.__closure__ or ()))
        self.table = {}
        for node in gast.walk(fdef):
            if isinstance(node, gast.Import):
                for alias in node.names:
                    try:
                        mod = importlib.import_module(alias.name)
                    except ImportError:
                        continue
                    if alias.asname:
                        self.imports[alias.asname] = mod
                    else:
                        self.imports[alias.name.split(".")[0]] = importlib.import_module(
                            alias.name.split(".")[0])
            elif isinstance(node, gast.ImportFrom) and node.module and node.level == 0:
                try:
                    mod = importlib.import_module(node.module)
                except ImportError:
                    continue
                for alias in node.names:
                    if hasattr(mod, alias.name):
                        self.imports[alias.asname or alias.name] = getattr(mod, alias.name)
        for node in gast.walk(fdef):
            if isinstance(node, (gast.Name, gast.Attribute)) and isinstance(node.ctx, gast.Load):
                value = self._resolve(node)
                if value is not None:
                    self.table[node] = value

    def _resolve(self, node):
        if isinstance(node, gast.Name):
            if node.id in self.imports:
                return self.imports[node.id]
            if node.id in self.locals:
                return None
            if node.id in self.cells:
                try:
                    return self.cells[node.id].cell_contents
                except ValueError:  # an empty cell: assigned later in the enclosing function
                    return MISSING
            if node.id in self.func.__globals__:
                return self.func.__globals__[node.id]
            return getattr(builtins, node.id, MISSING)
        base = self._resolve(node.value) if isinstance(node.value, (gast.Name, gast.Attribute)) else None
        if base is None or base is MISSING:
            return base
        if isinstance(base, types.ModuleType) or inspect.isclass(base):
            return getattr(base, node.attr, MISSING)
        return None

    def lookup(self, node):
        """The object ``node`` refers to, None for local/run-time values, or MISSING."""
        return self.table.get(node)
