"""resolve: what each free name and dotted attribute in the function refers to.

Contract: an analysis, never mutates. ``Resolution.lookup(node)`` gives the object a ``Name`` or an
``Attribute`` chain (``np.linalg.norm``) refers to, found through the function's closure cells,
its globals, then builtins, or :data:`MISSING` when the name is not defined (yet). Local names
(parameters, assignments, loop targets, nested definitions) are never resolved: their values
exist only at run time (None). ``import`` statements inside the function are resolved by
importing. ``local_defs`` maps the names of nested function definitions to their nodes.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import types

import gast

from . import templates as T

MISSING = object()

# builtins whose arguments are containers
_TAKES_CONTAINERS = {"len", "zip", "enumerate", "sum", "list", "tuple", "sorted", "reversed",
                     "dict", "iter", "max", "min", "any", "all", "map", "filter"}


# attributes only arrays have (lists and dicts have none of them)
_ARRAY_ONLY = {"T", "shape", "ndim", "dtype", "size", "sum", "mean", "reshape", "ravel",
               "flatten", "transpose", "dot", "cumsum", "cumprod", "max", "min", "prod", "std",
               "var", "fill", "squeeze", "swapaxes", "astype", "real", "imag"}


def _from_numpy(value):
    module = value.__name__ if isinstance(value, types.ModuleType) else \
        getattr(value, "__module__", None)
    return isinstance(module, str) and module.split(".")[0] == "numpy"


def _import(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


class Resolution:
    def __init__(self, func, fdef, bindings=None):
        self.func = func
        self.bindings = bindings or {}  # names the passes bound (ctx.bind), fresh in the tree
        self.cells = dict(zip(func.__code__.co_freevars, func.__closure__ or ()))
        self.imports = {}  # local name -> object, from imports inside the function
        self.local_defs = {}
        self.table = {}
        bound, declared_global, loads = set(), set(), []
        array_syntax = False  # a @ b, x.T, x.sum(): arrays, whatever the names resolve to
        self.names = set()  # every identifier in the tree, for the name allocator
        self.nonlocals = set()
        self.lowerable = False  # has comprehensions, lambdas or sorts (for normalize)
        self.containers = set()  # names indexed, iterated, measured or with methods called
        self.walrus = set()  # names assigned by assignment expressions, (h := h + 1)
        self.matmul_operands = set()  # names that are operands of @ (arrays, whatever else)
        self.passed = set()  # names given to a function that is not the math module's
        calls = []
        args = fdef.args
        for a in args.args + args.posonlyargs + args.kwonlyargs + [args.vararg, args.kwarg]:
            if a is not None:
                bound.add(a.id)
        for node in T.walk(fdef):  # one walk collects everything
            if isinstance(node, gast.Call):
                calls.append(node)
            if isinstance(node, gast.Name):
                self.names.add(node.id)
                if isinstance(node.ctx, gast.Load):
                    loads.append(node)
                else:
                    bound.add(node.id)
            elif isinstance(node, gast.Attribute):
                array_syntax = array_syntax or node.attr in _ARRAY_ONLY
                self.lowerable = self.lowerable or node.attr == "sort"  # xs.sort()
                if isinstance(node.ctx, gast.Load):
                    loads.append(node)
                if isinstance(node.value, gast.Name):
                    self.containers.add(node.value.id)
            elif isinstance(node, gast.Subscript):
                if isinstance(node.value, gast.Name):
                    self.containers.add(node.value.id)
            elif isinstance(node, (gast.For, gast.comprehension)):
                if isinstance(node.iter, gast.Name):
                    self.containers.add(node.iter.id)
            elif isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
                    and node.func.id in _TAKES_CONTAINERS \
                    and (len(node.args) == 1 or node.func.id not in ("max", "min")):
                self.containers.update(a.id for a in node.args if isinstance(a, gast.Name))
            elif isinstance(node, gast.NamedExpr) and isinstance(node.target, gast.Name):
                self.walrus.add(node.target.id)
            elif isinstance(node, gast.Starred) and isinstance(node.value, gast.Name):
                self.containers.add(node.value.id)
            elif isinstance(node, (gast.ListComp, gast.GeneratorExp, gast.DictComp, gast.Lambda)):
                self.lowerable = True
            elif isinstance(node, gast.MatMult):  # a @ b, a @= b
                array_syntax = True
            elif isinstance(node, gast.BinOp) and isinstance(node.op, gast.MatMult):
                self.matmul_operands.update(side.id for side in (node.left, node.right)
                                            if isinstance(side, gast.Name))
            elif isinstance(node, (gast.FunctionDef, gast.ClassDef, gast.AsyncFunctionDef)):
                self.names.add(node.name)
                if node is not fdef:
                    bound.add(node.name)
                    if isinstance(node, gast.FunctionDef):
                        self.local_defs[node.name] = node
            elif isinstance(node, gast.Import):
                for alias in node.names:
                    root = alias.name.split(".")[0]
                    bound.add(alias.asname or root)
                    mod = _import(alias.name)
                    if mod is not None:
                        self.imports[alias.asname or root] = mod if alias.asname else _import(root)
            elif isinstance(node, gast.ImportFrom):
                mod = _import(node.module) if node.module and node.level == 0 else None
                for alias in node.names:
                    bound.add(alias.asname or alias.name)
                    if mod is not None and hasattr(mod, alias.name):
                        self.imports[alias.asname or alias.name] = getattr(mod, alias.name)
            elif isinstance(node, gast.Global):
                declared_global.update(node.names)
            elif isinstance(node, gast.Nonlocal):
                self.nonlocals.update(node.names)
            elif isinstance(node, gast.ExceptHandler) and node.name is not None:
                self.names.add(getattr(node.name, "id", node.name))
        self.names |= bound
        self.globals = declared_global
        self.locals = bound - declared_global
        for node in loads:
            value = self._resolve(node)
            if value is not None:
                self.table[node] = value
        for call in calls:
            if getattr(self.table.get(call.func), "__module__", None) != "math":
                self.passed.update(a.id for a in call.args + [k.value for k in call.keywords]
                                   if isinstance(a, gast.Name))
        # NumPy code: arrays may be updated in place and aliased, so tangents must follow
        self.uses_numpy = array_syntax or any(_from_numpy(v) for v in self.table.values())

    def _resolve(self, node):
        if isinstance(node, gast.Name):
            if node.id in self.bindings:
                return self.bindings[node.id]
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
        if not isinstance(node.value, (gast.Name, gast.Attribute)):
            return None
        base = self.table.get(node.value)
        if base is None:
            base = self._resolve(node.value)
        if base is None or base is MISSING:
            return base
        if isinstance(base, types.ModuleType) or inspect.isclass(base):
            return getattr(base, node.attr, MISSING)
        return None

    def lookup(self, node):
        """The object ``node`` refers to, None for local/run-time values, or MISSING."""
        return self.table.get(node)
