"""The generated code is a product: inspect, tracebacks and pdb show it."""

import inspect
import io
import math
import pdb
import sys

import pushforward as pf


def wave(x):
    y = math.sin(x) * x
    return y + 1.0


def test_inspect_getsource_shows_generated_code():
    d = pf.forward_diff(wave)
    assert inspect.getsource(d) == d.source
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
    assert "<pushforward wave_deriv" in text


def test_traceback_points_into_generated_source():
    def bad(x):
        return math.log(x - 10.0)

    try:
        pf.forward_diff(bad)(1.0)
    except ValueError as exc:
        tb = exc.__traceback__
        while tb.tb_next is not None:
            tb = tb.tb_next
        assert tb.tb_frame.f_code.co_filename.startswith("<pushforward bad_deriv")
        assert "math.log" in inspect.getsource(tb.tb_frame.f_code)
    else:  # pragma: no cover
        raise AssertionError("log of a negative number should raise")
