"""The ``pushforward`` command line: a thin client of the public API.

    pushforward dump FILE.py:FUNC [--wrt x,y]     print the generated derivative source
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

from . import api
from .errors import PushforwardError

EXAMPLES = """examples:
  pushforward dump examples/quickstart.py:f
  pushforward dump model.py:loss --wrt w,b
  python -m pushforward dump model.py:loss --wrt 0
"""


def _load(spec_text):
    path, sep, func = spec_text.rpartition(":")
    if not sep or not path or not func:
        raise SystemExit("pushforward: expected FILE.py:FUNC, got %r" % spec_text)
    if not os.path.isfile(path):
        raise SystemExit("pushforward: no such file: %s" % path)
    name = "_pushforward_cli_" + os.path.splitext(os.path.basename(path))[0]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    obj = module
    for part in func.split("."):
        if not hasattr(obj, part):
            raise SystemExit("pushforward: %s defines no %r" % (path, func))
        obj = getattr(obj, part)
    return obj


def _wrt(text):
    if text is None:
        return None
    items = [int(w) if w.strip().lstrip("-").isdigit() else w.strip() for w in text.split(",")]
    return items[0] if len(items) == 1 else tuple(items)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="pushforward", description="Forward-mode automatic differentiation by source "
        "transformation.", epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    dump = sub.add_parser("dump", help="print the generated derivative source of a function",
                          epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    dump.add_argument("target", metavar="FILE.py:FUNC")
    dump.add_argument("--wrt", help="argument names or indices to differentiate, comma-separated "
                                    "(default: the first argument)")
    args = parser.parse_args(argv)
    try:
        func = _load(args.target)
        sys.stdout.write(api.source(func, wrt=_wrt(args.wrt)))
    except PushforwardError as exc:
        sys.stderr.write("pushforward: %s\n" % exc)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
