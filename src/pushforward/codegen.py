"""codegen: gast tree -> Python source text, and the compilable tree of that text.

``write`` writes the constructs of generated numerical code itself (the text astor would
print), building as it goes the ``ast`` tree that parsing the text would give, so that the
text is neither printed by astor nor parsed again: a tenth of a transformation. A function
with any other construct (a ``try``, an f-string) is printed by astor, the only place that
calls it. astor (last released 2019) is bounded in pyproject; ``ast.unparse`` is the fallback
should it ever fail on a newer Python's tree.
"""

from __future__ import annotations

import ast
import math
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
    return write(node)[0]


def write(node):
    """``(source, tree)`` of a generated function: ``tree`` is the ``ast.Module`` that parsing
    ``source`` gives, positions included (None for a function with a construct the writer
    leaves to astor: parse ``source`` then)."""
    writer = _Writer()
    try:
        fdef = writer.statement(node, 0)
    except _Other:
        return _astor_source(node), None
    return "".join(writer.parts), ast.Module(body=[fdef], type_ignores=[])


def _astor_source(node):
    try:
        tree = _to_ast(node)  # astor needs no locations
    except _Other:
        tree = gast.gast_to_ast(node)
    if any(isinstance(n, ast.arguments) and n.posonlyargs and 0 < len(n.defaults) < len(n.args)
           for n in ast.walk(tree)):
        return _unparse(tree)  # astor 0.8 moves such defaults onto the wrong names
    try:
        with warnings.catch_warnings():  # astor 0.8 uses ast.Num and ast.Str, deprecated in 3.12
            warnings.simplefilter("ignore", DeprecationWarning)
            import astor

            return astor.to_source(tree, pretty_source="".join)  # no line wrapping
    except Exception:  # pragma: no cover - depends on the astor/Python pair
        return _unparse(tree)


def _unparse(tree):
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def statements(node):
    """The statements of a tree in source order (bodies, handlers, else and finally blocks)."""
    return _statements(node, [])


def _statements(node, out):
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
    generated = statements(tree.body[0])
    ours = statements(node)
    if len(generated) != len(ours):  # pragma: no cover - printing changed the structure
        return {}
    return {g.lineno: o.origin for g, o in zip(generated, ours)
            if getattr(o, "origin", None) and not (isinstance(g, ast.Expr)
                                                   and isinstance(g.value, ast.Constant))}


def tangent_lines(function, tangents):
    """The lines of the statements of ``function`` (a parsed ``def``) that only compute
    tangents: every name they assign or update is one of ``tangents``."""
    lines = set()
    for s in statements(function):
        if isinstance(s, ast.Assign):
            targets = s.targets
        elif isinstance(s, (ast.AugAssign, ast.AnnAssign)):
            targets = [s.target]
        elif isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) \
                and isinstance(s.value.func, ast.Attribute):  # dys.append(...)
            targets = [s.value.func.value]
        else:
            continue
        roots = [r for t in targets for r in _roots(t)]
        if roots and all(r in tangents for r in roots):
            lines.update(range(s.lineno, (s.end_lineno or s.lineno) + 1))
    return lines


def _roots(target):
    if isinstance(target, (ast.Tuple, ast.List)):
        return [r for e in target.elts for r in _roots(e)]
    while isinstance(target, (ast.Subscript, ast.Attribute, ast.Starred)):
        target = target.value
    return [target.id] if isinstance(target, ast.Name) else [None]


# -- writing source and its compilable tree together -------------------------------------------

# Operator precedences, lowest first (those of Python's grammar, as ``ast.unparse`` has them).
(_TUPLE, _NAMED, _TEST, _OR, _AND, _NOT, _CMP, _BOR, _BXOR, _BAND, _SHIFT, _ARITH, _TERM,
 _FACTOR, _POWER, _ATOM) = range(16)
_BINOPS = {
    gast.Add: ("+", _ARITH), gast.Sub: ("-", _ARITH), gast.Mult: ("*", _TERM),
    gast.Div: ("/", _TERM), gast.FloorDiv: ("//", _TERM), gast.Mod: ("%", _TERM),
    gast.MatMult: ("@", _TERM), gast.Pow: ("**", _POWER), gast.LShift: ("<<", _SHIFT),
    gast.RShift: (">>", _SHIFT), gast.BitOr: ("|", _BOR), gast.BitXor: ("^", _BXOR),
    gast.BitAnd: ("&", _BAND)}


def operator_symbol(op):
    """``&`` for ``gast.BitAnd()``..."""
    return _BINOPS[op.__class__][0]


_UNARY = {gast.USub: ("-", _FACTOR), gast.UAdd: ("+", _FACTOR), gast.Invert: ("~", _FACTOR),
          gast.Not: ("not ", _NOT)}
_COMPARE = {gast.Eq: "==", gast.NotEq: "!=", gast.Lt: "<", gast.LtE: "<=", gast.Gt: ">",
            gast.GtE: ">=", gast.Is: "is", gast.IsNot: "is not", gast.In: "in",
            gast.NotIn: "not in"}
_SIMPLE_STATEMENTS = {gast.Pass: "pass", gast.Break: "break", gast.Continue: "continue"}


class _Writer:
    """Writes a gast function as source text and, as it goes, builds the ``ast`` tree that
    ``ast.parse`` would give for that text, positions included: no printing by astor and no
    parsing again. It knows the constructs of generated numerical code, and raises _Other for
    any other (an f-string, a ``try``...), which ``write`` leaves to astor and the parser."""

    def __init__(self):
        self.parts, self.line, self.col = [], 1, 0

    def text(self, s):
        self.parts.append(s)
        self.col += len(s) if s.isascii() else len(s.encode("utf-8"))

    def at(self):
        return self.line, self.col

    def done(self, new, start, last=None):
        """``new``, spanning from ``start`` to here (to the end of ``last``, its last
        statement, for a compound statement)."""
        new.lineno, new.col_offset = start
        if last is None:
            new.end_lineno, new.end_col_offset = self.line, self.col
        else:
            new.end_lineno, new.end_col_offset = last.end_lineno, last.end_col_offset
        return new

    # -- statements --------------------------------------------------------------------------
    def body(self, stmts, indent):
        return [self.statement(s, indent) for s in stmts]

    def statement(self, node, indent):
        if indent and node.__class__ is gast.FunctionDef:
            self.newline()  # a nested function after an empty line, as astor writes it
        self.text("    " * indent)
        start = self.at()
        cls = node.__class__
        if cls in _SIMPLE_STATEMENTS:
            self.text(_SIMPLE_STATEMENTS[cls])
            new = _AST[cls]()
        elif cls is gast.Assign:
            targets = []
            for target in node.targets:
                targets.append(self.expr(target, _TUPLE))
                self.text(" = ")
            new = ast.Assign(targets=targets, value=self.expr(node.value, _TUPLE),
                             type_comment=None)
        elif cls is gast.AugAssign:
            target = self.expr(node.target, _TUPLE)
            self.text(" %s= " % _BINOPS[node.op.__class__][0])
            new = ast.AugAssign(target=target, op=_AST[node.op.__class__](),
                                value=self.expr(node.value, _TUPLE))
        elif cls is gast.Expr:
            value = node.value
            if value.__class__ is gast.Constant and value.value.__class__ is str:
                new = ast.Expr(value=self.docstring(value.value))  # as astor: triple quotes
            else:
                new = ast.Expr(value=self.expr(value, _TUPLE))
        elif cls is gast.Return:
            self.text("return")
            value = None
            if node.value is not None:
                self.text(" ")
                value = self.expr(node.value, _TUPLE)
            new = ast.Return(value=value)
        elif cls is gast.If:
            return self.conditional(node, indent, "if ")
        elif cls is gast.While:
            self.text("while ")
            test = self.expr(node.test, _NAMED)
            self.text(":")
            body, orelse = self.block(node.body, node.orelse, indent)
            return self.done(ast.While(test=test, body=body, orelse=orelse), start,
                             (orelse or body)[-1])
        elif cls is gast.For:
            self.text("for ")
            target = self.expr(node.target, _TUPLE)
            self.text(" in ")
            it = self.expr(node.iter, _TEST)
            self.text(":")
            body, orelse = self.block(node.body, node.orelse, indent)
            return self.done(ast.For(target=target, iter=it, body=body, orelse=orelse,
                                     type_comment=None), start, (orelse or body)[-1])
        elif cls is gast.FunctionDef and not node.decorator_list and node.returns is None \
                and not getattr(node, "type_params", None):
            self.text("def %s(" % node.name)
            args = self.arguments(node.args)
            self.text("):")
            body, _ = self.block(node.body, [], indent)
            new = self.done(ast.FunctionDef(name=node.name, args=args, body=body,
                                            decorator_list=[], returns=None,
                                            type_comment=None), start, body[-1])
            if "type_params" in ast.FunctionDef._fields:
                new.type_params = []
            return new
        elif cls is gast.Assert:
            self.text("assert ")
            test = self.expr(node.test, _TEST)
            msg = None
            if node.msg is not None:
                self.text(", ")
                msg = self.expr(node.msg, _TEST)
            new = ast.Assert(test=test, msg=msg)
        elif cls in (gast.Global, gast.Nonlocal):
            self.text("%s %s" % (cls.__name__.lower(), ", ".join(node.names)))
            new = _AST[cls](names=list(node.names))
        else:
            raise _Other(cls.__name__)
        new = self.done(new, start)
        self.newline()
        return new

    def newline(self):
        self.parts.append("\n")
        self.line, self.col = self.line + 1, 0

    def block(self, body, orelse, indent):
        """An indented body after the ``:`` written, and an ``else:`` block if any."""
        self.newline()
        body = self.body(body, indent + 1)
        if orelse:
            self.text("    " * indent + "else:")
            self.newline()
            orelse = self.body(orelse, indent + 1)
        return body, orelse

    def conditional(self, node, indent, keyword):
        start = self.at()
        self.text(keyword)
        test = self.expr(node.test, _NAMED)
        self.text(":")
        self.newline()
        body, orelse = self.body(node.body, indent + 1), []
        if len(node.orelse) == 1 and node.orelse[0].__class__ is gast.If:
            self.text("    " * indent)
            orelse = [self.conditional(node.orelse[0], indent, "elif ")]
        elif node.orelse:
            self.text("    " * indent + "else:")
            self.newline()
            orelse = self.body(node.orelse, indent + 1)
        return self.done(ast.If(test=test, body=body, orelse=orelse), start, (orelse or body)[-1])

    def docstring(self, s):
        if '"""' in s or "\\" in s or s.endswith('"') or any(
                not c.isprintable() and c != "\n" for c in s):
            raise _Other("docstring")
        start = self.at()
        for i, line in enumerate(('"""' + s + '"""').split("\n")):
            if i:
                self.newline()
            self.text(line)
        return self.done(ast.Constant(value=s, kind=None), start)

    def arguments(self, args):
        if args.vararg or args.kwarg:
            raise _Other("arguments")
        new = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[],
                            kw_defaults=[], kwarg=None, defaults=[])
        positional = args.posonlyargs + args.args  # the defaults are those of the last ones
        first = len(positional) - len(args.defaults)
        for i, a in enumerate(positional):
            if i:
                self.text(", ")
            (new.posonlyargs if i < len(args.posonlyargs) else new.args).append(self.arg(a))
            if i >= first:
                self.text("=")
                new.defaults.append(self.expr(args.defaults[i - first], _TEST))
            if i == len(args.posonlyargs) - 1:
                self.text(", /")
        if args.kwonlyargs:
            self.text(", *" if positional else "*")
            for a, default in zip(args.kwonlyargs, args.kw_defaults):
                self.text(", ")
                new.kwonlyargs.append(self.arg(a))
                if default is not None:
                    self.text("=")
                    default = self.expr(default, _TEST)
                new.kw_defaults.append(default)
        return new

    def arg(self, name):
        if name.annotation is not None:
            raise _Other("annotation")
        start = self.at()
        self.text(name.id)
        return self.done(ast.arg(arg=name.id, annotation=None, type_comment=None), start)

    # -- expressions -------------------------------------------------------------------------
    def expr(self, node, outer):
        """Write ``node`` where an expression of precedence ``outer`` is expected, in
        parentheses if it binds less tightly; its tree spans its text without them (a tuple's
        and a generator's with them, as Python's parser has it)."""
        cls = node.__class__
        if cls is gast.Name:
            start = self.at()
            self.text(node.id)
            return self.done(ast.Name(id=node.id, ctx=_AST[node.ctx.__class__]()), start)
        if cls is gast.Constant:
            return self.constant(node.value, outer)
        method = _EXPRESSIONS.get(cls)
        if method is None:
            raise _Other(cls.__name__)
        return method(self, node, outer)

    def constant(self, value, outer):
        kind = value.__class__
        if kind is float and value == value and value not in (_INF, -_INF) \
                or kind is int or kind is bool or value is None or value is ...:
            text = "..." if value is ... else repr(value)
        elif kind is str and "\n" not in value and "\r" not in value:
            text = repr(value)
        elif kind is complex and math.copysign(1.0, value.real) == 1.0 and value.real == 0 \
                and 0 < value.imag < _INF:  # 2j, as astor writes it: 2.0j
            text = repr(value.imag) + "j"
        else:
            raise _Other("constant %r" % (value,))
        if text[0] != "-":
            start = self.at()
            self.text(text)
            return self.done(ast.Constant(value=value, kind=None), start)

        def write():  # -1.0 is read as the unary minus of 1.0
            start = self.at()
            self.text("-")
            positive = self.constant(-value, _FACTOR)
            return self.done(ast.UnaryOp(op=ast.USub(), operand=positive), start)
        return self.parenthesized(outer, _FACTOR, write)

    def parenthesized(self, outer, inner, write):
        """``write()`` in parentheses if its precedence ``inner`` is below ``outer``."""
        if inner < outer:
            self.text("(")
            new = write()
            self.text(")")
            return new
        return write()

    def binop(self, node, outer):
        symbol, prec = _BINOPS[node.op.__class__]
        right_assoc = prec == _POWER

        def write():
            start = self.at()
            left = self.expr(node.left, prec + 1 if right_assoc else prec)
            self.text(" %s " % symbol)
            right = self.expr(node.right, _FACTOR if right_assoc else prec + 1)
            return self.done(ast.BinOp(left=left, op=_AST[node.op.__class__](), right=right),
                             start)
        return self.parenthesized(outer, prec, write)

    def unaryop(self, node, outer):
        symbol, prec = _UNARY[node.op.__class__]

        def write():
            start = self.at()
            self.text(symbol)
            operand = self.expr(node.operand, prec)
            return self.done(ast.UnaryOp(op=_AST[node.op.__class__](), operand=operand), start)
        return self.parenthesized(outer, prec, write)

    def boolop(self, node, outer):
        prec = _AND if node.op.__class__ is gast.And else _OR

        def write():
            start = self.at()
            values = []
            for i, v in enumerate(node.values):
                if i:
                    self.text(" and " if prec == _AND else " or ")
                values.append(self.expr(v, prec + 1))
            return self.done(ast.BoolOp(op=_AST[node.op.__class__](), values=values), start)
        return self.parenthesized(outer, prec, write)

    def compare(self, node, outer):
        def write():
            start = self.at()
            left = self.expr(node.left, _CMP + 1)
            comparators = []
            for op, right in zip(node.ops, node.comparators):
                self.text(" %s " % _COMPARE[op.__class__])
                comparators.append(self.expr(right, _CMP + 1))
            return self.done(ast.Compare(left=left, ops=[_AST[op.__class__]() for op in node.ops],
                                         comparators=comparators), start)
        return self.parenthesized(outer, _CMP, write)

    def ifexp(self, node, outer):
        def write():
            start = self.at()
            body = self.expr(node.body, _TEST + 1)
            self.text(" if ")
            test = self.expr(node.test, _TEST + 1)
            self.text(" else ")
            orelse = self.expr(node.orelse, _TEST)
            return self.done(ast.IfExp(test=test, body=body, orelse=orelse), start)
        return self.parenthesized(outer, _TEST, write)

    def call(self, node, outer):
        start = self.at()
        func = self.expr(node.func, _ATOM)
        self.text("(")
        args, keywords = [], []
        for i, a in enumerate(node.args):
            if i:
                self.text(", ")
            args.append(self.expr(a, _TEST))
        for i, k in enumerate(node.keywords):
            if i or args:
                self.text(", ")
            kstart = self.at()
            self.text("**" if k.arg is None else k.arg + "=")
            keywords.append(self.done(ast.keyword(arg=k.arg, value=self.expr(k.value, _TEST)),
                                      kstart))
        self.text(")")
        return self.done(ast.Call(func=func, args=args, keywords=keywords), start)

    def starred(self, node, outer):
        start = self.at()
        self.text("*")
        value = self.expr(node.value, _BOR)
        return self.done(ast.Starred(value=value, ctx=_AST[node.ctx.__class__]()), start)

    def attribute(self, node, outer):
        start = self.at()
        value = node.value
        if value.__class__ is gast.Constant and value.value.__class__ in (int, float):
            raise _Other("attribute of a number")
        value = self.expr(value, _ATOM)
        self.text("." + node.attr)
        return self.done(ast.Attribute(value=value, attr=node.attr,
                                       ctx=_AST[node.ctx.__class__]()), start)

    def subscript(self, node, outer):
        start = self.at()
        value = self.expr(node.value, _ATOM)
        self.text("[")
        index = node.slice
        if index.__class__ is gast.Tuple and index.elts:
            istart = self.at()
            elts = self.items(index.elts, _TEST, slices=True)
            if len(elts) == 1:
                self.text(",")
            index = self.done(ast.Tuple(elts=elts, ctx=ast.Load()), istart)
        else:
            index = self.slice_or_expr(index, _TUPLE)
        self.text("]")
        return self.done(ast.Subscript(value=value, slice=index,
                                       ctx=_AST[node.ctx.__class__]()), start)

    def slice_or_expr(self, node, outer):
        if node.__class__ is not gast.Slice:
            return self.expr(node, outer)
        start = self.at()
        parts = []
        for i, part in enumerate((node.lower, node.upper, node.step)):
            if i == 2 and part is None:
                break
            if i:
                self.text(":")
            parts.append(None if part is None else self.expr(part, _TEST))
        new = ast.Slice(lower=parts[0], upper=parts[1], step=parts[2] if len(parts) > 2 else None)
        return self.done(new, start)

    def items(self, elts, prec, slices=False):
        out = []
        for i, e in enumerate(elts):
            if i:
                self.text(", ")
            out.append(self.slice_or_expr(e, prec) if slices else self.expr(e, prec))
        return out

    def tuple(self, node, outer):
        ctx = _AST[node.ctx.__class__]()
        if not node.elts:
            start = self.at()
            self.text("()")
            return self.done(ast.Tuple(elts=[], ctx=ctx), start)
        if outer > _TUPLE:
            start = self.at()
            self.text("(")
            elts = self.items(node.elts, _TEST)
            self.text(",)" if len(elts) == 1 else ")")
            return self.done(ast.Tuple(elts=elts, ctx=ctx), start)
        start = self.at()
        elts = self.items(node.elts, _TEST)
        if len(elts) == 1:
            self.text(",")
        return self.done(ast.Tuple(elts=elts, ctx=ctx), start)

    def list(self, node, outer):
        start = self.at()
        self.text("[")
        elts = self.items(node.elts, _TEST)
        self.text("]")
        return self.done(ast.List(elts=elts, ctx=_AST[node.ctx.__class__]()), start)

    def dict(self, node, outer):
        start = self.at()
        self.text("{")
        keys, values = [], []
        for i, (k, v) in enumerate(zip(node.keys, node.values)):
            if i:
                self.text(", ")
            if k is None:
                self.text("**")
                keys.append(None)
                values.append(self.expr(v, _BOR))
            else:
                if k.__class__ not in _PLAIN_KEYS and not (
                        k.__class__ is gast.Constant and k.value.__class__ in (str, type(None))):
                    raise _Other("dict key %s" % k.__class__.__name__)  # astor: {(1.5): x}
                keys.append(self.expr(k, _TEST))
                self.text(": ")
                values.append(self.expr(v, _TEST))
        self.text("}")
        return self.done(ast.Dict(keys=keys, values=values), start)


_INF = float("inf")
#: dict keys astor prints as they are (it parenthesizes numbers and operators: ``{(1): x}``)
_PLAIN_KEYS = (gast.Name, gast.Attribute, gast.Subscript, gast.Call, gast.Tuple)
_EXPRESSIONS = {
    gast.BinOp: _Writer.binop, gast.UnaryOp: _Writer.unaryop, gast.BoolOp: _Writer.boolop,
    gast.Compare: _Writer.compare, gast.IfExp: _Writer.ifexp, gast.Call: _Writer.call,
    gast.Starred: _Writer.starred, gast.Attribute: _Writer.attribute,
    gast.Subscript: _Writer.subscript, gast.Tuple: _Writer.tuple, gast.List: _Writer.list,
    gast.Dict: _Writer.dict}
