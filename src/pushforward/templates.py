"""Small helpers to write generated code as Python text instead of node constructors.

``expr("dx * math.cos(x)", dx=..., x=...)`` parses the text once (cached) and returns a fresh tree
with the named placeholders replaced by copies of the given nodes (or by new names, for strings).
"""

from __future__ import annotations

import functools

import gast

ZERO_ID = "__pf_zero__"  # placeholder for a structurally zero tangent; cleanup folds it away
SEQUENCE_DISPLAYS = (gast.List, gast.Tuple, gast.ListComp)  # [a, b], (a, b), [f(v) for v in ...]


@functools.lru_cache(maxsize=None)
def _parse_expr(text):
    return gast.parse(text, mode="eval").body


@functools.lru_cache(maxsize=None)
def _parse_stmts(text):
    return gast.parse(text).body


def walk(node, skip=None):
    """Every node of a tree (depth first); several times faster than ``gast.walk``. With
    ``skip``, an attribute name: not the subtrees below ``node`` whose root has it set true."""
    stack = [node]
    pop, push, extend, AST = stack.pop, stack.append, stack.extend, gast.AST
    while stack:
        n = pop()
        if skip and n is not node and n.__dict__.get(skip):
            continue
        yield n
        for name in n._fields:
            v = getattr(n, name, None)
            if v.__class__ is list:
                extend([x for x in v if isinstance(x, AST)])
            elif isinstance(v, AST):
                push(v)


def children(node):
    """The child nodes of ``node``; several times faster than ``gast.iter_child_nodes``."""
    out, AST = [], gast.AST
    for name in node._fields:
        value = getattr(node, name, None)
        if value.__class__ is list:
            out.extend([v for v in value if isinstance(v, AST)])
        elif isinstance(value, AST):
            out.append(value)
    return out


def key(node):
    """A hashable value equal for structurally equal trees (locations ignored)."""
    if isinstance(node, list):
        return tuple(key(n) for n in node)
    if not isinstance(node, gast.AST):
        return node
    return (node.__class__,) + tuple(key(getattr(node, f, None)) for f in node._fields)


class Transformer(gast.NodeTransformer):
    """``ast.NodeTransformer`` with a faster traversal, for the many small trees rules build."""

    def visit(self, node):
        table = self.__class__.__dict__.get("_table")
        if table is None:
            table = self.__class__._table = {}
        method = table.get(node.__class__)
        if method is None:
            method = table[node.__class__] = getattr(
                self.__class__, "visit_" + node.__class__.__name__, Transformer.generic_visit)
        return method(self, node)

    def generic_visit(self, node):
        AST = gast.AST
        for name in node._fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                if value and isinstance(value[0], AST):
                    value[:] = [self.visit(v) if isinstance(v, AST) else v for v in value]
            elif isinstance(value, AST):
                setattr(node, name, self.visit(value))
        return node


def shallow(node, changes):
    """A copy of ``node`` with some fields replaced; the other children are shared."""
    new = node.__class__.__new__(node.__class__)
    new.__dict__.update(node.__dict__)
    new.__dict__.update(changes)
    return new


def clone(node, subs=None, used=None):
    """A deep copy of a gast tree, several times faster than ``copy.deepcopy``. With ``subs``,
    the names it maps are replaced as it copies (see ``_placeholder``)."""
    cls = node.__class__
    if cls is list:
        return [clone(n, subs, used) for n in node]
    if not isinstance(node, gast.AST):
        return node
    if subs and cls is gast.Name and node.id in subs:
        return _placeholder(node, subs, used)
    new = cls.__new__(cls)
    fields, old, AST = new.__dict__, node.__dict__, gast.AST
    for name in cls._fields:
        value = old.get(name)
        if value.__class__ is list:
            value = [clone(v, subs, used) if isinstance(v, AST) else v for v in value]
        elif isinstance(value, AST):
            value = clone(value, subs, used)
        fields[name] = value
    for name in _KEPT:
        if name in old:
            fields[name] = old[name]
    return new


_KEPT = ("lineno", "col_offset", "end_lineno", "end_col_offset", "origin")


def _placeholder(node, subs, used):
    """The node ``subs`` gives for placeholder ``node``: a string is a name; a node used
    already (``used``) is copied; a name takes the placeholder's context."""
    new = subs[node.id]
    if isinstance(new, str):
        return gast.Name(id=new, ctx=node.ctx.__class__(), annotation=None, type_comment=None)
    if node.id in used:
        new = clone(new)
    used.add(node.id)
    if isinstance(new, gast.Name) and new.ctx.__class__ is not node.ctx.__class__:
        new = gast.Name(id=new.id, ctx=node.ctx.__class__(), annotation=None, type_comment=None)
    return new


def zero():
    return gast.Name(id=ZERO_ID, ctx=gast.Load(), annotation=None, type_comment=None)


def is_zero(node) -> bool:
    return isinstance(node, gast.Name) and node.id == ZERO_ID


def name(ident, ctx=None):
    return gast.Name(id=ident, ctx=ctx or gast.Load(), annotation=None, type_comment=None)


def const(value):
    return gast.Constant(value=value, kind=None)


def expr(text, **subs):
    """A fresh expression tree for ``text`` with placeholders substituted."""
    return clone(_parse_expr(text), subs, set())


def stmts(text, **subs):
    """Fresh statement trees for ``text`` with placeholders substituted."""
    return [clone(s, subs, set()) for s in _parse_stmts(text)]


def stmt(text, **subs):
    (s,) = stmts(text, **subs)
    return s


def assign(target, value):
    """``target = value`` where target is a name (str) or a target node."""
    if isinstance(target, str):
        target = name(target, gast.Store())
    return gast.Assign(targets=[target], value=value, type_comment=None)


def store(node):
    """A copy of an expression usable as an assignment target: the target itself (a name, an
    item, an attribute, or the elements of a tuple) stores, everything inside it loads."""
    node = load(node)

    def mark(n):
        if isinstance(n, (gast.Tuple, gast.List)):
            for e in n.elts:
                mark(e)
        elif isinstance(n, gast.Starred):
            mark(n.value)
        if hasattr(n, "ctx"):
            n.ctx = gast.Store()

    mark(node)
    return node


def load(node):
    node = clone(node)
    for sub in walk(node):
        if hasattr(sub, "ctx") and not isinstance(sub.ctx, gast.Load):
            sub.ctx = gast.Load()
    return node
