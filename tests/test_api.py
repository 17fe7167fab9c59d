"""The public API's contract: decorator forms, wrt, structures, caching, deferred lookup."""

import math
from typing import NamedTuple

import numpy as np
import pytest

import checks
import pushforward as pf


def weighted(d):
    total = 0.0
    for key, value in d.items():
        total = total + value * len(key)
    return total


def test_dict_tangent_in_another_key_order():
    value, tangent = pf.jvp(weighted, ({"a": 1.0, "bb": 2.0},), ({"bb": 1.0, "a": 0.0},))
    assert (value, tangent) == (5.0, 2.0)


class Polar(NamedTuple):
    r: float
    phi: float


def to_plane(p):
    return Polar(p.r * math.cos(p.phi), phi=p.r * math.sin(p.phi))


def moved(p, dr):
    return p._replace(r=p.r + dr)


def test_namedtuples_in_and_out_have_namedtuple_tangents():
    """A namedtuple argument's tangent and gradient are namedtuples of its class (a plain
    tuple tangent is read as one), and so are the derivatives of namedtuple results: in
    jvp, forward_diff and pf.taylor. Checked against the closed forms of (r cos, r sin)."""
    p, v = Polar(2.0, 0.5), (0.3, -0.7)
    c, s = math.cos(0.5), math.sin(0.5)
    expected = Polar(0.3 * c + 2.0 * s * 0.7, 0.3 * s - 2.0 * c * 0.7)
    for tangent in (v, Polar(*v)):
        value, dvalue = pf.jvp(to_plane, (p,), (tangent,))
        assert value == to_plane(p) and type(dvalue) is Polar
        assert dvalue == pytest.approx(expected, rel=1e-15)
    value, gradient = pf.forward_diff(lambda q: to_plane(q).r)(p)  # d(r cos phi)
    assert type(gradient) is Polar and gradient == pytest.approx((c, -2.0 * s), rel=1e-15)
    c0, c1, c2 = pf.taylor(to_plane, order=2)((p,), (v,))
    assert type(c2) is Polar and c1 == pytest.approx(expected, rel=1e-15)
    # a constant namedtuple with a differentiated field: its tangent is zero but that field
    assert pf.jvp(moved, (p, 1.0), (None, 1.0))[1] == Polar(1.0, 0.0)
    # r cos(phi) r sin(phi) = r^2 sin(2 phi) / 2: H = [[sin 2phi, 2r cos 2phi], [., -2r^2 sin 2phi]]
    s2, c2 = math.sin(1.0), math.cos(1.0)
    hv, = pf.hvp(lambda q: to_plane(q).r * to_plane(q).phi, (p,), (v,))
    assert type(hv) is Polar
    assert hv == pytest.approx((s2 * 0.3 - 4.0 * c2 * 0.7, 4.0 * c2 * 0.3 + 8.0 * s2 * 0.7),
                               rel=1e-14)


def test_decorator_forms():
    @pf.forward_diff
    def f(x, y):
        return x * math.sin(y)

    @pf.forward_diff(wrt="y")
    def g(x, y):
        return x * math.sin(y)

    assert f(2.0, 0.5) == (2.0 * math.sin(0.5), math.sin(0.5))
    assert g(2.0, 0.5) == (2.0 * math.sin(0.5), 2.0 * math.cos(0.5))
    assert f.primal(2.0, 0.5) == 2.0 * math.sin(0.5)
    assert f.__name__ == "f" and "def f_deriv" in f.source
    assert pf.forward_diff(f.primal) is pf.forward_diff(f.primal)  # cached


def calls_later(x):
    return defined_after(x) * 2.0  # noqa: F821 (defined by the test, after decoration)


def test_callee_defined_after_the_decorated_function():
    d = pf.forward_diff(calls_later)  # defined_after does not exist yet
    globals()["defined_after"] = lambda u: u * u + 1.0
    try:
        assert d(3.0) == (20.0, 12.0)
        assert "def lambda_jvp(u, du):" in d.source  # the callee, transformed at the first call
    finally:
        del globals()["defined_after"]


def test_int_input_named_in_wrt_is_a_float():
    def cube(n):
        return n * n * n

    value, deriv = pf.forward_diff(cube)(3)
    assert value == 27 and type(value) is int  # the primal is untouched
    assert deriv == 27.0


def test_tuple_output_and_tuple_wrt():
    def polar(r, phi):
        return r * math.cos(phi), r * math.sin(phi)

    value, (dr, dphi) = pf.forward_diff(polar, wrt=(0, 1))(2.0, 0.3)
    assert value == polar(2.0, 0.3)
    assert dr == pytest.approx((math.cos(0.3), math.sin(0.3)), rel=1e-15)
    assert dphi == pytest.approx((-2.0 * math.sin(0.3), 2.0 * math.cos(0.3)), rel=1e-15)


def test_list_input_gives_the_gradient_in_one_pass():
    calls = []

    def f(xs):
        calls.append(1)
        return xs[0] * xs[1] + math.exp(xs[2])

    value, grad = pf.forward_diff(f)([1.0, 2.0, 0.5])
    assert calls == [1]  # one primal pass for all three directions
    assert grad == pytest.approx([2.0, 1.0, math.exp(0.5)], rel=1e-15)


def test_jvp_with_constant_argument_and_fd():
    def f(a, b, c):
        return math.atan2(a, b) * c

    primals = (0.3, 1.2, 2.0)
    tangents = (0.5, None, -1.0)
    value, tangent = pf.jvp(f, primals, tangents)
    assert value == f(*primals)
    assert tangent == pytest.approx(checks.fd_jvp(f, primals, tangents), rel=1e-9)


def test_jvp_never_writes_into_the_callers_tangents_at_any_depth():
    """Generated code that updates an array in place updates its tangent in place too: pf.jvp
    gives it copies of the caller's tangent arrays, also inside dicts and lists, so that a
    second call with the same tangents gives the same derivative."""
    def scale_first(d):
        a = d["a"]
        a[0] = a[0] * 2.0
        return np.sum(a) + d["b"] + d["rest"][0][1]

    tangent = {"b": 0.5, "a": np.array([1.0, 1.0]), "rest": [np.array([0.0, 3.0])]}
    kept = {"a": tangent["a"].copy(), "rest": tangent["rest"][0].copy()}
    for _ in range(2):
        primal = {"a": np.array([1.0, 2.0]), "b": 3.0, "rest": [np.array([1.0, 1.0])]}
        value, derivative = pf.jvp(scale_first, (primal,), (tangent,))
        assert (value, derivative) == (8.0, 2.0 + 1.0 + 0.5 + 3.0)
        assert np.array_equal(tangent["a"], kept["a"])
        assert np.array_equal(tangent["rest"][0], kept["rest"])


def test_jvp_never_changes_a_list_tangent():
    """The primal appends to and writes into the caller's list, as a plain call does; the
    tangent list is the caller's too and stays as it was."""
    def grow(xs):
        xs[0] = xs[0] * 2.0
        xs.append(xs[1] * 3.0)
        return xs[0] + xs[1] + xs[2]

    tangent = [1.0, 1.0]
    for _ in range(2):  # the first call takes the checked path, the second the fast one
        primal = [1.0, 2.0]
        assert pf.jvp(grow, (primal,), (tangent,)) == (10.0, 6.0)
        assert primal == [2.0, 2.0, 6.0] and tangent == [1.0, 1.0]


CALLS = 0


def scaled_by_calls(x):
    global CALLS
    CALLS = CALLS + 1
    return x * CALLS


def test_a_global_keeps_the_type_it_comes_with():
    """A global's first value comes from outside the function (here an int): the derivative
    along x is CALLS as a float, not the int itself."""
    global CALLS
    CALLS = 0
    value, d = pf.forward_diff(scaled_by_calls)(2.0)
    assert (value, d, type(d)) == (2.0, 1.0, float)
    assert CALLS == 1


class Spring:
    def __init__(self, k):
        self.k = k

    def energy(self, x, x0=0.0, *, scale=0.5):
        return scale * self.k * (x - x0) ** 2

    def force(self, x):
        return -self.k * math.sin(x)

    @classmethod
    def unit(cls, x):
        return x ** 3


def test_bound_methods_are_differentiated_with_the_instance_constant():
    spring = Spring(3.0)
    d = pf.forward_diff(spring.energy)
    assert d(2.0) == (6.0, 6.0)  # 0.5 k x^2, k x
    assert d.primal == spring.energy
    assert pf.forward_diff(spring.energy, wrt=("x", "x0"))(2.0, 0.5, scale=1.0) == \
        (6.75, (9.0, -9.0))
    assert pf.jvp(spring.force, (0.3,), (2.0,)) == (spring.force(0.3), -3.0 * math.cos(0.3) * 2.0)
    assert pf.derivative(spring.force, order=2)(0.3) == pytest.approx(3.0 * math.sin(0.3))
    assert pf.forward_diff(Spring.unit)(0.5) == (0.125, 0.75)
    assert "return force_jvp_x(self, x, 1.0)" in pf.source(spring.force)
    other = Spring(5.0)  # another instance: its own constant
    assert pf.jvp(other.force, (0.3,), (1.0,))[1] == -5.0 * math.cos(0.3)
    # 2 scale k, with the method's defaults and keywords
    assert pf.derivative(spring.energy, order=2)(2.0) == 3.0
    assert pf.derivative(spring.energy, order=2)(2.0, 1.0, scale=2.0) == 12.0


class Net:
    def __init__(self, w):
        self.w = w

    def predict(self, x):
        return math.tanh(self.w * x)

    def loss(self, x, target):
        return (self.predict(x) - target) ** 2


NET = Net(0.7)


def net_loss(x):
    return NET.loss(x, 0.5) + 0.0 * x


def test_methods_of_objects_are_differentiated_when_the_code_runs():
    """self.predict(x) inside a differentiated method, and NET.loss(x) inside a function: the
    object is known only when the code runs, so the generated code calls pf.jvp of the method."""
    x = 1.2
    u = math.tanh(0.7 * x)
    expected = 2.0 * (u - 0.5) * (1.0 - u * u) * 0.7
    value, d = pf.forward_diff(NET.loss)(x, 0.5)
    assert value == NET.loss(x, 0.5) and d == pytest.approx(expected, rel=1e-14)
    assert "method_jvp(self, 'predict', (x,), (dx,))" in pf.source(NET.loss)
    assert pf.forward_diff(net_loss)(x)[1] == pytest.approx(expected, rel=1e-14)
    other = Net(-1.5)  # another class instance: its own weight, through the same generated code
    u = math.tanh(-1.5 * x)
    assert pf.jvp(other.loss, (x, 0.5), (1.0, None))[1] == \
        pytest.approx(2.0 * (u - 0.5) * (1.0 - u * u) * -1.5, rel=1e-14)
    with pytest.raises(pf.PushforwardError, match=r"method of an object known only when the "
                                                  r"code runs \(\.predict\)"):
        pf.derivative(NET.loss, order=2)(x, 0.5)
    with pytest.raises(pf.PushforwardError, match=r"method '\.predict' with differentiated"):
        pf.jacobian(NET.loss)(x, 0.5)  # vector mode: tangents that pf.jvp does not take


_FIRST_LAMBDA = lambda x: 1.0 / (1.0 - x)  # noqa: E731  (another lambda of x, earlier in the file)


def test_a_lambda_on_a_line_that_does_not_parse_alone():
    """A lambda in a for header: its line alone does not parse, so the whole file is parsed;
    the lambda is the one on its own line (Python 3.10 records no columns to tell lambdas
    apart), not the file's first lambda with the same arguments."""
    for g in (pf.forward_diff(lambda x: x * x * 3.0),):
        assert g(2.0) == (12.0, 12.0)
    assert pf.forward_diff(_FIRST_LAMBDA)(0.5) == (2.0, 4.0)


# -- try blocks: an error of the derivative is not the user's handler's to catch ---------------

TRY_LOG = []


def _root_or_fallback(x):
    try:
        y = math.sqrt(x)  # sqrt(0) is 0; its derivative divides by zero
        TRY_LOG.append("computed")
    except ZeroDivisionError:
        TRY_LOG.append("fallback")
        y = -1.0
    return y


def _calls_root(x):
    try:
        y = _root_plus(x)
    except Exception:
        y = -1.0
    return 2.0 * y


def _root_plus(v):
    return math.sqrt(v) + v


def test_an_error_of_the_derivative_in_a_try_block_is_not_caught_by_its_handler():
    """Without pushforward the primal takes the try path; the derivative's ZeroDivisionError
    (in the function or a callee) reaches the caller as it would outside a try block, and the
    handler, which would change the primal, does not run."""
    TRY_LOG.clear()
    assert pf.forward_diff(_root_or_fallback)(4.0) == (2.0, 0.25)
    assert TRY_LOG == ["computed"]
    TRY_LOG.clear()
    with pytest.raises(ZeroDivisionError):
        pf.forward_diff(_root_or_fallback)(0.0)
    assert "fallback" not in TRY_LOG
    assert pf.forward_diff(_calls_root)(4.0) == (12.0, 2.0 * (0.25 + 1.0))
    with pytest.raises(ZeroDivisionError):
        pf.forward_diff(_calls_root)(0.0)
    # the primal's own errors still go to the handler
    assert pf.forward_diff(_calls_root)(-1.0) == (-2.0, 0.0)
    # second derivatives: d2/dx2 2 (sqrt(x) + x) = -x^(-3/2) / 2
    assert pf.derivative(_calls_root, order=2)(4.0) == pytest.approx(-0.5 / 8.0, rel=1e-14)
    assert pf.source(pf.forward_diff(_calls_root)).count("tangent_failed") == 1


def test_a_module_edited_and_reloaded_is_differentiated_as_it_now_reads(tmp_path, monkeypatch):
    """pushforward reads a function's source when it first transforms it: after the file is
    edited and its module reloaded, the new function's derivative is that of the new source
    (Python's line cache still held the old text)."""
    import importlib
    import os
    import sys

    path = tmp_path / "edited_model.py"
    path.write_text("import math\n\n\ndef f(x):\n    return math.sin(x)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import edited_model

    try:
        assert pf.forward_diff(edited_model.f)(0.5) == (math.sin(0.5), math.cos(0.5))
        path.write_text("import math\n\n\ndef f(x):\n    return 3.0 * math.cos(x)\n")
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
        importlib.reload(edited_model)
        assert pf.forward_diff(edited_model.f)(0.5) == (3.0 * math.cos(0.5),
                                                        -(3.0 * math.sin(0.5)))
    finally:
        sys.modules.pop("edited_model", None)


def test_a_module_edited_but_not_reloaded_is_refused_with_advice(tmp_path, monkeypatch):
    import sys

    path = tmp_path / "moved_model.py"
    path.write_text("import math\n\n\ndef f(x):\n    return math.sin(x)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import moved_model

    try:
        path.write_text("import math\n\n\n\n\n\ndef g(x):\n    return x\n")
        with pytest.raises(pf.PushforwardError, match=r"no definition of f found at line 4 "
                           r".*moved_model.py \(if the file was edited since it was imported, "
                           r"reload the module\)"):
            pf.forward_diff(moved_model.f)
    finally:
        sys.modules.pop("moved_model", None)


def nested_array_results(x):
    y = x[0] + np.zeros(3)
    return y, [y * 2.0, np.ones(2)], {"k": y, "c": np.ones(2)}


def test_jvp_tangents_of_arrays_inside_list_and_dict_results_have_their_shapes():
    """Each array of a result, also inside a returned list or dict, has a tangent of its
    shape (a constant one's was 0.0, y's inside containers a scalar)."""
    x = np.array([0.5, -1.0])
    value, tangent = pf.jvp(nested_array_results, (x,), (np.array([1.0, 0.0]),))
    flat = [(value[0], tangent[0]), (value[1][0], tangent[1][0]), (value[1][1], tangent[1][1]),
            (value[2]["k"], tangent[2]["k"]), (value[2]["c"], tangent[2]["c"])]
    for v, t in flat:
        assert np.shape(t) == np.shape(v)
    np.testing.assert_array_equal(tangent[1][0], np.full(3, 2.0))
    np.testing.assert_array_equal(tangent[2]["c"], np.zeros(2))


def zero_d_alias(x):
    y = np.zeros(())
    w = y
    y += x[1]  # in place: w sees it
    return w + y


def test_an_in_place_update_of_a_0d_array_reaches_its_aliases():
    """A 0-d array is updated in place like any array: its tangent is a 0-d array too (it was
    0.0, rebound by the update, so the alias kept a zero derivative), and so is its series."""
    x = np.array([0.3, 0.7])
    value, tangent = pf.jvp(zero_d_alias, (x,), (np.array([0.0, -0.5]),))
    assert value == zero_d_alias(x.copy()) == 1.4 and tangent == -1.0
    # Taylor mode too: a 0-d array's series is updated in place (its value was 0.7)
    assert pf.taylor(zero_d_alias, order=2)((x,), (np.array([0.0, -0.5]),)) == [1.4, -1.0, 0.0]


LOG = __import__("logging").getLogger("pushforward-tests")


def logs_a_value(x):
    y = math.exp(x)
    LOG.info("y = %s", y)
    return y * 2.0


def test_logging_a_differentiated_value_writes_the_value(caplog):
    """log.info("y = %s", y) of a differentiated y: the message holds the value, and the
    call has no derivative (pf.jvp of Logger.info was refused, naming logging's file)."""
    with caplog.at_level("INFO", logger="pushforward-tests"):
        value, derivative = pf.forward_diff(logs_a_value)(0.5)
    assert (value, derivative) == (math.exp(0.5) * 2.0, math.exp(0.5) * 2.0)
    assert caplog.messages == ["y = %s" % math.exp(0.5)]
