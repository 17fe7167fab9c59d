"""Importing an example script as a module, for tests that check its numbers."""

import importlib.util
import pathlib
import sys

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"


def example_module(name):
    """A generator for a module-scoped fixture: yields ``examples/<name>.py`` imported (under
    its own name, so pushforward can read its functions' source), then forgets it."""
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / (name + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(name, None)
