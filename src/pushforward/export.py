"""Standalone export: a generated JVP as a module that runs without pushforward.

``standalone(func, wrt)`` returns Python source defining ``<func>_jvp(args..., tangents...)``:
the function's original arguments followed by one tangent per differentiated argument, in
``wrt`` order (keyword-only when the function has defaults or keyword-only arguments), returning
``(value, tangent)``. The module imports the modules the generated code uses, as the user's
module does, and defines what else it needs: the transformed callees, the user's functions it
calls with constant arguments, module-level constants, and the helpers of
:mod:`pushforward.special`. It never imports pushforward.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import math
import os
import textwrap
import types

import gast

from . import codegen, special
from . import templates as T
from .errors import PushforwardError
from .pipeline import transform

_LITERALS = (int, float, complex, str, bytes, bool, type(None))


class ExportError(PushforwardError):
    """A value the generated code needs cannot be written into a standalone module."""


def _literal(value):
    if isinstance(value, _LITERALS):
        return True
    if isinstance(value, (tuple, list, frozenset, set)):
        return all(_literal(v) for v in value)
    if isinstance(value, dict):
        return all(_literal(k) and _literal(v) for k, v in value.items())
    return False


def _source(value):
    """Python source for a literal constant: ``repr``, but a float that is not finite as
    ``float('inf')`` (``repr`` gives ``inf``, a name no module defines)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "float(%r)" % repr(value)
    if isinstance(value, (tuple, list, set, frozenset)):
        items = ", ".join(_source(v) for v in value)
        if isinstance(value, tuple):
            return "(%s%s)" % (items, "," if len(value) == 1 else "")
        if isinstance(value, list):
            return "[%s]" % items
        return "%s([%s])" % (type(value).__name__, items)
    if isinstance(value, dict):
        return "{%s}" % ", ".join("%s: %s" % (_source(k), _source(v)) for k, v in value.items())
    return repr(value)


def _free_names(source):
    """Global names a function's source reads (not bound in it, not builtins)."""
    tree = gast.parse(textwrap.dedent(source))
    bound, loads = set(), []
    for node in T.walk(tree):
        if isinstance(node, gast.Name):
            (loads.append(node.id) if isinstance(node.ctx, gast.Load) else bound.add(node.id))
        elif isinstance(node, (gast.FunctionDef, gast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, gast.alias):
            bound.add((node.asname or node.name).split(".")[0])
    seen = []
    for name in loads:
        if name not in bound and name not in seen and not hasattr(builtins, name):
            seen.append(name)
    return seen


class _Module:
    def __init__(self):
        self.imports, self.constants, self.functions, self.aliases = [], [], [], []
        self.defined = set()

    def need(self, name, value, where):
        """Define ``name`` (bound to ``value``) unless it is already."""
        if name in self.defined:
            return
        self.defined.add(name)
        if isinstance(value, types.ModuleType):
            mod = value.__name__
            self.imports.append("import %s" % mod if name == mod else "import %s as %s" % (mod, name))
        elif value is special.method_jvp:
            raise ExportError("cannot export: it calls a method of an object with "
                              "differentiated arguments, differentiated by pushforward when the "
                              "code runs; call the class's function instead (Net.predict(net, "
                              "x))")
        elif isinstance(value, types.FunctionType) and value.__module__ == special.__name__:
            self.add_function(inspect.getsource(value), value.__globals__, name, value.__name__)
        elif isinstance(value, types.FunctionType):
            try:
                source = textwrap.dedent(inspect.getsource(value))
            except (OSError, TypeError):
                raise ExportError("cannot export %s: it calls %s, whose source is not "
                                  "available" % (where, value.__qualname__)) from None
            if value.__closure__:
                raise ExportError("cannot export %s: it calls %s, a closure; define it at "
                                  "module level" % (where, value.__qualname__))
            self.add_function(source, value.__globals__, name, value.__name__)
        elif special.is_record(value):  # a namedtuple class: its fields and defaults
            defaults = tuple(value._field_defaults[f] for f in value._fields
                             if f in value._field_defaults)
            if not _literal(defaults):
                raise ExportError("cannot export %s: the namedtuple %s has defaults that are "
                                  "not literals" % (where, value.__qualname__))
            self.imports.append("import collections")
            self.constants.append("%s = collections.namedtuple(%r, %r, defaults=%r)"
                                  % (name, value.__name__, value._fields, defaults))
        elif callable(value) and getattr(value, "__module__", None) and \
                getattr(value, "__name__", None):
            mod = value.__module__
            line = "from %s import %s" % (mod, value.__name__)
            if name != value.__name__:
                line += " as %s" % name
            self.imports.append(line)
        elif value is special.TANGENT_LINES:  # pushforward's registry: this module's own
            self.constants.append(_TANGENT_LINES % name)
        elif _literal(value):
            self.constants.append("%s = %s" % (name, _source(value)))
        else:
            raise ExportError("cannot export %s: it reads the global %r, a %s; a standalone "
                              "module can hold modules, functions and literal constants"
                              % (where, name, type(value).__name__))

    def add_function(self, source, globals_, name, defined_as):
        source = "\n".join(line for line in source.splitlines()
                           if not line.lstrip().startswith("@")) + "\n"
        self.functions.append(source)
        if name != defined_as:
            self.aliases.append("%s = %s" % (name, defined_as))
            self.defined.add(defined_as)
        for free in _free_names(source):
            if free != defined_as and free in globals_:
                self.need(free, globals_[free], defined_as)
            elif free != defined_as and not hasattr(builtins, free):
                raise ExportError("cannot export: %s reads %r, which is not defined"
                                  % (defined_as, free))

    def text(self, header):
        parts = [header]
        if self.imports:
            parts.append("\n".join(sorted(set(self.imports))))
        if self.constants:
            parts.append("\n".join(self.constants))
        parts.extend(self.functions)
        if self.aliases:
            parts.append("\n".join(self.aliases))
        return "\n\n\n".join(p.rstrip("\n") for p in parts) + "\n"


def _collect(gen, out, seen):
    """The generated functions to export, callees first."""
    if id(gen) in seen:
        return
    seen.add(id(gen))
    for callee in gen.callees:
        _collect(callee, out, seen)
    out.append(gen)


def standalone(func, wrt):
    """The source of a module defining ``<func>_jvp`` (see the module docstring)."""
    gen = transform(func, tuple(wrt))
    gen.compile()
    entry = func.__name__ + "_jvp"
    module = _Module()
    gens = []
    _collect(gen, gens, set())
    module.defined.update(g.name for g in gens)
    module.defined.add(entry)
    for g in gens:
        if g.func.__code__.co_filename in special.TANGENT_LINES:  # code pushforward made
            raise ExportError("cannot export %s: it calls %s, a derivative pushforward "
                              "generated (from a decorated function or a call of pushforward "
                              "in its code), which a standalone module cannot hold"
                              % (func.__qualname__, g.func.__name__))
        if g.func.__closure__:  # its free variables live in the closure, not in the module
            raise ExportError("cannot export %s: it calls %s, a closure (made inside %s); "
                              "define it at module level" % (
                                  func.__qualname__, g.func.__name__,
                                  g.func.__qualname__.split(".<locals>")[0]))
        source = g.source
        if g is gen:
            source = source.replace("def %s(" % g.name, "def %s(" % entry, 1)
            if g.name != entry and g.name in _free_names(source):
                module.aliases.append("%s = %s" % (g.name, entry))  # recursive calls
            entry_source = source
        module.functions.append(source)
        for ident, value in g.bindings.items():
            if isinstance(value, types.CellType):
                target = value.cell_contents.__name__
                if ident != target and ident not in module.defined:
                    module.defined.add(ident)
                    module.aliases.append("%s = %s" % (ident, target))
            else:
                module.need(ident, value, func.__qualname__)
        for free in _free_names(source):
            if free not in module.defined and free not in g.bindings:
                if free in func.__globals__ or free in g.func.__globals__:
                    module.need(free, g.func.__globals__.get(free, func.__globals__.get(free)),
                                func.__qualname__)
    signature = next(line for line in entry_source.splitlines() if line.startswith("def "))[4:-1]
    header = ('"""Generated by pushforward from %s:%s: forward-mode derivative code.\n\n'
              '%s returns (value, tangent): the value of %s and its\nderivative along the '
              'tangents %s of %s. This module does not need pushforward.\n"""'
              % (os.path.basename(func.__code__.co_filename), func.__qualname__, signature,
                 func.__name__, ", ".join(gen.tangent_params[p] for p in gen.active),
                 ", ".join(gen.active)))
    return _with_tangent_lines(module.text(header), gens, entry)


_TANGENT_LINES = "%s = {__file__: set()}  # the lines of tangent statements"


def _with_tangent_lines(text, gens, entry):
    """The module's text with the lines of its tangent statements written into the
    registry that ``tangent_failed`` reads (if a try block in it has the guard)."""
    placeholder = _TANGENT_LINES % "TANGENT_LINES"
    if placeholder not in text:
        return text
    tangents = {t for g in gens for t in g.namer.tangents.values()}
    names = {g.name for g in gens} | {entry}
    lines = set()
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            lines |= codegen.tangent_lines(node, tangents)
    return text.replace(placeholder, "TANGENT_LINES = {__file__: %r}" % (sorted(lines),))
