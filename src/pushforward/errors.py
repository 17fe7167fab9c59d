"""Every error a user can cause is a subclass of :class:`PushforwardError`.

Transformation problems are collected as :class:`Problem` records (construct, location, advice)
and raised together, so a user sees everything that stands between their code and its derivative
at once, each with their own ``file:line:col`` and the offending source line.
"""

from __future__ import annotations

import linecache
import os
import sys
from dataclasses import dataclass

from . import loader

__all__ = [
    "PushforwardError",
    "TransformError",
    "UnsupportedSyntaxError",
    "NoRuleError",
    "UndefinedNameError",
    "SourceUnavailableError",
    "WrtError",
    "TangentMismatchError",
    "InputTypeError",
    "RuleError",
    "Problem",
]


class PushforwardError(Exception):
    """Base class of every error pushforward raises on behalf of the user's code or arguments."""


class TransformError(PushforwardError):
    """The function (or a function it calls) cannot be differentiated as written.

    ``problems`` lists every :class:`Problem` found; the message shows all of them.
    """

    def __init__(self, problems):
        self.problems = list(problems)
        n = len(self.problems)
        head = "cannot differentiate: %d problem%s" % (n, "" if n == 1 else "s")
        super().__init__(head + "\n\n" + "\n\n".join(p.format() for p in self.problems))


class UnsupportedSyntaxError(TransformError):
    """A construct forward mode cannot follow (``yield``, ``async``, a class definition...)."""


class NoRuleError(TransformError):
    """A call with differentiated arguments to a callable with no tangent rule and no source."""


class UndefinedNameError(TransformError):
    """A called name is not defined (yet) where the function looks it up."""


class SourceUnavailableError(PushforwardError, TypeError):
    """The Python source of a function is not available (REPL, ``exec``, a builtin)."""


class WrtError(PushforwardError, ValueError):
    """``wrt`` names no argument of the function."""


class TangentMismatchError(PushforwardError, ValueError):
    """Tangents whose structure or shape does not match their primals."""


class InputTypeError(PushforwardError, TypeError):
    """A differentiated input that is not a float, an int, or a list/tuple/dict of them."""


class UnsupportedDerivativeError(PushforwardError, NotImplementedError):
    """A derivative the generated code reaches at run time and pushforward cannot compute (a
    second derivative of a norm of singular values)."""


class RuleError(PushforwardError, ValueError):
    """A tangent rule that cannot be registered (bad template, wrong arity)."""


@dataclass
class Problem:
    """One reason a function cannot be differentiated, located in the user's source."""

    kind: type  # the TransformError subclass this problem belongs to
    message: str  # names the construct
    filename: str
    lineno: int
    col: int  # 0-based, in characters (the message shows ``column``, 1-based)
    hint: str = ""

    @classmethod
    def at(cls, kind, message, filename, node, hint=""):
        """A problem at ``node`` of a tree parsed from ``filename``."""
        lineno = getattr(node, "lineno", 0) or 0
        return cls(kind, message, filename, lineno,
                   characters(filename, lineno, getattr(node, "col_offset", 0) or 0), hint)

    @property
    def column(self):
        return self.col + 1

    def in_users_code(self):
        """This problem, or the same at the user's statement if it was found in code
        pushforward generated (a derivative differentiated again)."""
        found = _user_line(self.filename, self.lineno)
        if found is None or found[0].startswith(_PACKAGE):
            return self
        path, line = found
        text = linecache.getline(path, line)
        return Problem(self.kind, self.message, path, line, len(text) - len(text.lstrip()),
                       self.hint)

    def format(self) -> str:
        where = "%s:%d:%d" % (self.filename, self.lineno, self.column)
        lines = ["%s: %s" % (where, self.message)]
        text = linecache.getline(self.filename, self.lineno).rstrip("\n")
        if text:
            lines.append("    " + text)
            lines.append("    " + " " * self.col + "^")
        if self.hint:
            lines.append("  " + self.hint)
        return "\n".join(lines)


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def characters(filename, lineno, col):
    """The column ``col`` of an ast node (it counts the bytes of UTF-8) in characters."""
    text = linecache.getline(filename, lineno)
    if col and not text.isascii():
        col = len(text.encode("utf-8")[:col].decode("utf-8", errors="replace"))
    return col


def at_run_time(cls, message, hint=""):
    """An error of class ``cls`` for a construct generated code reaches as it runs, located
    at the user's statement that the innermost generated code on the stack comes from (not
    the code pushforward generates from its own rules, as in a second derivative)."""
    frame = sys._getframe(1)
    while frame is not None:
        here = frame.f_code.co_filename
        problem = Problem(cls, message, here, frame.f_lineno, 0, hint).in_users_code()
        if problem.filename != here:
            return cls(problem.format())
        frame = frame.f_back
    return cls(message + ("\n  " + hint if hint else ""))


def _user_line(filename, lineno):
    """(file, line) of the source that line ``lineno`` of generated code comes from, through
    the generated code it may be generated from (a second derivative), or None."""
    found = None
    while filename in loader.ORIGINS:
        path, origins = loader.ORIGINS[filename]
        before = [g for g in origins if g <= lineno]  # a statement over several lines
        if not before:
            break
        found = filename, lineno = path, origins[max(before)]
    return found


def raise_problems(problems):
    """Raise one error carrying all problems, in the order of their lines (file by file, in
    the order the files were met); its class is that of the first problem."""
    if problems:
        files = {}
        for p in problems:
            files.setdefault(p.filename, len(files))
        problems = sorted(problems, key=lambda p: (files[p.filename], p.lineno, p.col))
        kinds = {p.kind for p in problems}
        cls = problems[0].kind if len(kinds) == 1 else TransformError
        raise cls(problems)
