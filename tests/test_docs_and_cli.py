"""The README's snippets, the examples and the CLI, run as a user runs them."""

import math
import pathlib
import re
import runpy
import subprocess
import sys

import numpy as np
import pytest

import pushforward as pf

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _python_blocks(path):
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


@pytest.mark.parametrize("doc", ["README.md", "docs/guide.md", "docs/rules.md", "docs/arrays.md",
                                 "docs/higher-order.md"])
def test_doc_snippets_run(doc, tmp_path, monkeypatch):
    if doc == "docs/rules.md":
        pytest.importorskip("scipy")
    path = ROOT / doc
    blocks = _python_blocks(path)
    assert blocks, "no python snippets in %s" % doc
    # snippets define functions: pushforward needs their source, so run them from a real file
    script = tmp_path / ("snippets_%s.py" % path.stem)
    script.write_text("\n\n".join(blocks))
    monkeypatch.syspath_prepend(str(tmp_path))
    from pushforward.rules import RULES

    saved = dict(RULES)  # a snippet may register rules: keep them to itself
    try:
        runpy.run_path(str(script), run_name="__main__")
    finally:
        RULES.clear()
        RULES.update(saved)
        pf.api.clear_cache()


def test_readme_source_block_is_current():
    import golden_functions
    import pushforward as pf

    text = (ROOT / "README.md").read_text()
    shown = re.search(r"```text\n(def f_deriv.*?)```", text, flags=re.S).group(1)
    generated = pf.source(golden_functions.product_exp)  # the README's f under another name
    assert generated.replace("product_exp_deriv", "f_deriv") == shown


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "examples").glob("*.py")))
def test_example_runs(example):
    out = subprocess.run([sys.executable, str(ROOT / "examples" / example)], capture_output=True,
                         text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout


def test_quickstart_prints_the_lecture_gradient():
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "quickstart.py")],
                         capture_output=True, text=True, timeout=60).stdout
    grad = re.search(r"grad f\(1, 2\)\s*= \(([^,]+), ([^)]+)\)", out)
    e2 = math.e ** 2
    assert float(grad.group(1)) == pytest.approx(2 * (1 + e2), rel=1e-14)
    assert float(grad.group(2)) == pytest.approx(1 + e2, rel=1e-14)
    assert "def f_deriv" in out


SCRIPT = str(pathlib.Path(sys.executable).with_name("pushforward"))


@pytest.mark.parametrize("entry", [[SCRIPT], [sys.executable, "-m", "pushforward"]])
def test_cli_dump(entry):
    target = str(ROOT / "examples" / "quickstart.py") + ":f"
    out = subprocess.run(entry + ["dump", target, "--wrt", "x2"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "def f_deriv(x1, x2)" in out.stdout and "dv = 1.0 * x1" in out.stdout


def test_cli_errors_are_one_line():
    out = subprocess.run([sys.executable, "-m", "pushforward", "dump", "nonexistent.py:f"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert out.stderr.strip().count("\n") == 0 and "no such file" in out.stderr
    out = subprocess.run([sys.executable, "-m", "pushforward", "dump",
                          str(ROOT / "examples" / "quickstart.py") + ":f", "--wrt", "z"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "names no parameter" in out.stderr and "Traceback" not in out.stderr


def test_rules_doc_lists_the_table():
    from pushforward import rules

    text = (ROOT / "docs" / "rules.md").read_text()
    listed = re.search(r"<!-- rules:begin -->\n(.*)<!-- rules:end -->", text, flags=re.S).group(1)
    # the doc lists the functions of the newest Python and NumPy: those this one lacks
    # (math.fma before 3.13) have no rule here
    def present(dotted):
        obj = {"math": math, "numpy": np}[dotted.split(".")[0]]
        for part in dotted.split(".")[1:]:
            obj = getattr(obj, part, None)
        return obj is not None

    here = [line for line in listed.splitlines(keepends=True)
            if not (m := re.match(r"\| `((?:math|numpy)\.[\w.]+)`", line)) or present(m.group(1))]
    assert "".join(here) == rules.table_markdown()


def test_cli_doc_check_output_is_current():
    text = (ROOT / "docs" / "cli.md").read_text()
    shown = re.search(r"\$ pushforward check tests/cli_files/good_model.py\n(.*?)```", text,
                      flags=re.S).group(1)
    out = subprocess.run([sys.executable, "-m", "pushforward", "check",
                          "tests/cli_files/good_model.py"], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert out.stdout == shown
