"""The generated code is a product: inspect, tracebacks and pdb show it."""

import inspect
import io
import math
import os
import pdb
import re
import subprocess
import sys

import numpy as np

import pushforward as pf


def wave(x):
    y = math.sin(x) * x
    return y + 1.0


def test_inspect_getsource_shows_generated_code():
    d = pf.forward_diff(wave)
    shown = inspect.getsource(d)  # each statement carries a comment: the user's line
    assert re.sub(r"  # test_debugging.py:\d+: .*", "", shown) == d.source
    line = inspect.getsourcelines(wave)[1] + 1
    assert "t1 = math.sin(x)  # test_debugging.py:%d: y = math.sin(x) * x\n" % line in shown
    assert "    dy = math.cos(x) * x + t1\n" in d.source  # d(sin(x) x), reusing t1 = sin(x)


def test_pdb_steps_through_generated_code():
    d = pf.forward_diff(wave)
    out = io.StringIO()
    debugger = pdb.Pdb(stdin=io.StringIO("step\nnext\nnext\nnext\nlist\ncontinue\n"), stdout=out)
    debugger.use_rawinput = False
    sys.settrace(None)
    debugger.runcall(d, 0.5)
    text = out.getvalue()
    assert "wave_deriv" in text
    assert "dy =" in text  # the tangent statement, shown as source by pdb
    assert "wave_deriv_" in text  # the generated file's name


def test_traceback_points_into_generated_source():
    def bad(x):
        return math.log(x - 10.0)

    try:
        pf.forward_diff(bad)(1.0)
    except ValueError as exc:
        tb = exc.__traceback__
        while tb.tb_next is not None:
            tb = tb.tb_next
        assert os.path.basename(tb.tb_frame.f_code.co_filename).startswith("bad_deriv_")
        assert "math.log" in inspect.getsource(tb.tb_frame.f_code)
    else:  # pragma: no cover
        raise AssertionError("log of a negative number should raise")


def test_uncaught_error_shows_generated_line_and_user_line(tmp_path):
    script = tmp_path / "user_code.py"
    script.write_text("import math\nimport pushforward as pf\n\n\n"
                      "def f(x):\n    y = x * 2.0\n    return math.log(y - 10.0)\n\n\n"
                      "pf.forward_diff(f)(1.0)\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert "ValueError: math domain error" in out.stderr
    # Python's own traceback printer shows the generated line and where it came from
    assert "return math.log(t1), dy / t1  # user_code.py:7: return math.log(y - 10.0)" \
        in out.stderr, out.stderr


def ripple(x):
    y = np.sin(x) * x
    return y + 1.0


def test_taylor_code_shows_the_user_lines_in_tracebacks():
    """Taylor code, for numbers and for series, carries the user's line of each statement."""
    for f, x, call in ((wave, 0.5, "math.sin"), (ripple, np.array([0.5, 1.5]), "np.sin")):
        line = inspect.getsourcelines(f)[1] + 1
        g = pf.taylor(f, order=3)  # a number: coefficient code; an array: series
        g((x,), (np.ones_like(x),))
        shown = "".join(inspect.getsourcelines(g._last.function)[0])
        assert "  # test_debugging.py:%d: y = %s(x) * x\n" % (line, call) in shown, shown
        assert "  # test_debugging.py:%d: return y + 1.0\n" % (line + 1) in shown, shown
