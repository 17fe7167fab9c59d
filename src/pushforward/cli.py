"""The ``pushforward`` command line: a thin client of the public API.

    pushforward dump FILE.py:FUNC [--wrt x,y] [-o OUT.py]   the generated derivative source
    pushforward check FILE.py[:FUNC] [--wrt x,y] [--json]   a differentiability report
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import inspect
import json
import os
import sys

from . import api, errors, pipeline
from .errors import PushforwardError, TransformError, WrtError

DUMP_EXAMPLES = """examples:
  pushforward dump examples/quickstart.py:f                 print forward_diff(f).source
  pushforward dump model.py:loss --wrt w,b                  d/dw and d/db in one pass
  pushforward dump model.py:loss --wrt w -o loss_jvp.py     a module that runs without pushforward:
                                                            loss_jvp(w, b, x, dw) -> (value, tangent)
"""

CHECK_EXAMPLES = """examples:
  pushforward check model.py                every function of the file, w.r.t. its first argument
  pushforward check model.py:loss --wrt w   one function
  pushforward check model.py --json         the report as JSON, for tools

exit status: 0 when everything checked is differentiable, 1 otherwise, 2 on usage errors.
"""


class CliError(Exception):
    """A usage problem: printed as one line, exit status 2."""


def _split(target):
    path, sep, func = target.rpartition(":")
    if not sep or len(func) == 0 or func.endswith((".py", "/")) or (len(path) == 1 and path.isalpha()):
        path, func = target, None  # no :FUNC (or a Windows drive letter)
    if not os.path.isfile(path):
        raise CliError("no such file: %s" % path)
    if not path.endswith(".py"):
        raise CliError("%s is not a Python file (FILE.py)" % path)
    return path, func


def _load_module(path):
    name = "_pushforward_cli_" + os.path.splitext(os.path.basename(path))[0]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SystemExit as exc:  # a script that exits when imported (no __main__ guard)
        raise CliError("importing %s failed: it calls sys.exit(%s); put its script part under "
                       "if __name__ == '__main__':" % (path, "" if exc.code is None else
                                                       repr(exc.code))) from None
    except Exception as exc:  # the user's module failed to import: say so in one line
        raise CliError("importing %s failed: %s: %s" % (path, type(exc).__name__, exc)) from None
    return module


def _function(module, path, name):
    owner, obj = None, module
    for part in name.split("."):
        if not hasattr(obj, part):
            raise CliError("%s defines no %r" % (path, name))
        owner, obj = obj, getattr(obj, part)
    if not callable(obj):
        raise CliError("%s.%s is not a function" % (path, name))
    if inspect.isclass(owner) and inspect.isfunction(obj) and not isinstance(
            inspect.getattr_static(owner, obj.__name__), staticmethod):  # its first is self
        raise CliError("%s is a method of the class %s: the CLI differentiates functions; write "
                       "a module-level function that makes the object and calls the method"
                       % (name, owner.__name__))
    return obj


def _wrt(text):
    if text is None:
        return None
    items = [int(w) if w.strip().lstrip("-").isdigit() else w.strip() for w in text.split(",")]
    return items[0] if len(items) == 1 else tuple(items)


def _wrt_list(func, text):
    names, _ = api._wrt_names(func, _wrt(text))
    return names


def dump(args):
    path, name = _split(args.target)
    if name is None:
        raise CliError("dump needs FILE.py:FUNC")
    func = _function(_load_module(path), path, name)
    if args.output:
        from .export import standalone

        text = standalone(func, _wrt_list(func, args.wrt))
        folder = os.path.dirname(os.path.abspath(args.output))
        if not os.path.isdir(folder):
            raise CliError("cannot write %s: no directory %s" % (args.output, folder))
        try:
            with open(args.output, "w") as fh:
                fh.write(text)
        except OSError as exc:  # a directory, a read-only place, a full disk
            raise CliError("cannot write %s: %s" % (args.output, exc.strerror or exc)) from None
        sys.stderr.write("wrote %s: %s_jvp(...) -> (value, tangent)\n" % (args.output, func.__name__))
    else:
        sys.stdout.write(api.source(func, wrt=_wrt(args.wrt)))
    return 0


def _top_level_functions(path):
    with open(path) as fh:
        tree = ast.parse(fh.read(), path)
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _check_one(func, wrt_text):
    entry = {"function": func.__qualname__, "wrt": None, "differentiable": False,
             "calls": [], "problems": []}
    try:
        names = _wrt_list(func, wrt_text)
        entry["wrt"] = names
        order = tuple(p for p in api._params(func) if p in names)
        gen = pipeline.transform(func, order)
    except TransformError as exc:
        entry["problems"] = [{"file": p.filename, "line": p.lineno, "column": p.column,
                              "kind": p.kind.__name__, "message": p.message, "hint": p.hint,
                              "text": p.format()} for p in exc.problems]
        return entry
    except PushforwardError as exc:
        entry["problems"] = [{"file": None, "line": None, "column": None,
                              "kind": type(exc).__name__, "message": str(exc), "hint": "",
                              "text": str(exc)}]
        return entry
    entry["differentiable"] = True
    seen = set()

    def calls(g):
        if id(g) in seen:
            return
        seen.add(id(g))
        where = g.func.__code__.co_filename
        for line, col, callee, how in g.report():
            entry["calls"].append({"file": where, "line": line,
                                   "column": errors.characters(where, line, col) + 1,
                                   "function": g.func.__qualname__, "call": callee, "how": how})
        for c in g.callees:
            calls(c)

    calls(gen)
    return entry


def _print_report(entries, out):
    for e in entries:
        status = "differentiable" if e["differentiable"] else "NOT differentiable"
        wrt = ", ".join(e["wrt"]) if e["wrt"] else "?"
        out.write("%s (w.r.t. %s): %s\n" % (e["function"], wrt, status))
        for c in e["calls"]:
            out.write("  %s:%d:%d  %s  [%s]\n" % (os.path.basename(c["file"]), c["line"],
                                                 c["column"], c["call"], c["how"]))
        for p in e["problems"]:
            out.write("  " + p["text"].replace("\n", "\n  ") + "\n")
    bad = sum(not e["differentiable"] for e in entries)
    out.write("\n%d function%s checked, %d not differentiable\n"
              % (len(entries), "" if len(entries) == 1 else "s", bad))


def check(args):
    path, name = _split(args.target)
    module = _load_module(path)
    names = [name] if name else _top_level_functions(path)
    entries = []
    for n in names:
        func = _function(module, path, n)
        if hasattr(func, "__code__") and not api._params(func):
            continue  # no arguments: nothing to differentiate
        if name and args.wrt:  # one function named: a --wrt it lacks is a usage error
            try:
                _wrt_list(func, args.wrt)
            except WrtError as exc:
                raise CliError(str(exc)) from None
        entries.append(_check_one(func, args.wrt))
    if args.json:
        json.dump({"file": os.path.abspath(path), "functions": entries}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _print_report(entries, sys.stdout)
    return 0 if all(e["differentiable"] for e in entries) else 1


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="pushforward", description="Forward-mode automatic differentiation by source "
        "transformation: print, export or check the derivative code of Python functions.",
        epilog=DUMP_EXAMPLES + "\n" + CHECK_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("dump", help="print (or export) the generated derivative source",
                       description="Print the source pushforward generates for FUNC, or with "
                       "-o write a standalone module defining FUNC_jvp(args..., tangents...) "
                       "-> (value, tangent), with one tangent per --wrt argument in --wrt order.",
                       epilog=DUMP_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", metavar="FILE.py:FUNC")
    p.add_argument("--wrt", help="arguments to differentiate, names or indices, comma-separated "
                                 "(default: the first)")
    p.add_argument("-o", "--output", metavar="OUT.py", help="write a standalone module")
    p.set_defaults(run=dump)
    p = sub.add_parser("check", help="report what is differentiated and every problem",
                       description="Transform every function of FILE (or just FUNC) and report "
                       "how each call is treated and every problem, with its location.",
                       epilog=CHECK_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", metavar="FILE.py[:FUNC]")
    p.add_argument("--wrt", help="arguments to differentiate (default: each function's first)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(run=check)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        sys.stdout = open(os.devnull, "w")
        return 0
    except (CliError, WrtError) as exc:  # a --wrt naming no parameter is a usage error too
        sys.stderr.write("pushforward: %s\n" % exc)
        return 2
    except PushforwardError as exc:
        sys.stderr.write("pushforward: %s\n" % exc)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
