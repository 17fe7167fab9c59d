"""Functions pushforward must refuse, each problem marked on its line with '# ERR: <text>'.

The text after 'ERR:' is the source fragment the error's column must point at.
"""

import dataclasses
import functools
import statistics
import math
import zlib

import numpy

import corpus_helpers

TOTAL = 0.0


def uses_yield(x):
    y = x * 2.0
    yield y  # ERR: yield


async def is_async(x):  # ERR: async
    return x * 2.0


def writes_global(x):
    global TOTAL
    TOTAL = x * 2.0  # ERR: TOTAL
    return x


def writes_nonlocal(x):
    acc = 0.0

    def add(v):
        nonlocal acc
        acc += v * x  # ERR: acc
        return acc

    return add(1.0)


def defines_class(x):
    class Point:  # ERR: class
        pass

    return x * 2.0


def star_args(x):
    args = (x, 2.0)
    return corpus_helpers.norm2(*args)  # ERR: corpus_helpers.norm2(*args)


def calls_c_function(x):
    return zlib.crc32(x) + x  # ERR: zlib.crc32


def calls_undefined(x):
    return not_defined_anywhere(x) * 2.0  # noqa: F821  # ERR: not_defined_anywhere


def function_in_variable(x):
    f = math.sin if x > 0 else math.cos
    return f(x)  # ERR: f


def apply_held(fn, v):
    return fn(v) * 2.0  # ERR: fn


def square(v):
    return v * v


def applies_twice(x):
    return apply_held(square, x) + apply_held(square, x)


def applies_once(x):
    return apply_held(square, x)


def walrus_in_tests(x):
    if (t := x * x) > 0.1:  # ERR: t := x * x
        return t
    while (u := x * 2.0) > 5.0:  # ERR: u := x * 2.0
        x = x - 1.0
    return (v := u * 3.0) + v  # ERR: v := u * 3.0


def nested_default_of_x(x):
    def g(y, s=x * x):  # ERR: x * x
        return y * s

    return g(2.0)


def get_with_a_differentiated_default(x):
    d = {"a": 1.0}
    return d.get("z", x)  # ERR: d.get


def setdefault_of_x(x):
    d = {}
    d.setdefault("a", x)  # ERR: d.setdefault
    return d["a"]


def many_problems(x):
    y = zlib.adler32(x)  # ERR: zlib.adler32
    z = calls_c_function(y)
    class Inner:  # ERR: class
        pass
    return z


def simple(x, y):
    return x * y + math.sin(x)



def bitwise_of_x(n, x):
    parity = n & 1  # ERR: n & 1
    n <<= 2  # ERR: n <<= 2
    return x * n + parity


class Grid:
    @classmethod
    def scaled(cls, a):
        return a * 4.0


@functools.lru_cache(maxsize=None)
def cached_square(a):
    return a * a


def calls_a_classmethod(x):
    return Grid.scaled(x)  # ERR: Grid.scaled


def calls_a_cached_function(x):
    return cached_square(x)  # ERR: cached_square


def sum_into_out(x, o):
    numpy.sum(x, out=o)  # ERR: numpy.sum(x, out=o)
    return o * 1.0


def max_with_initial(x):
    return numpy.max(x, initial=0.0)  # ERR: numpy.max(x, initial=0.0)


def var_with_dtype_by_position(x):
    return numpy.var(x, 0, None)  # ERR: numpy.var(x, 0, None)


def maps_a_function(x):
    return sum(map(math.sin, [x, 2.0 * x]))  # ERR: map


def _apply(f, v):
    return f(v)


def passes_a_lambda_reading_x(x):
    return _apply(lambda t: t * x, 2.0)  # ERR: lambda t: t * x


def keeps_a_lambda_reading_x(x):
    fs = [lambda t: t * math.sin(x)]  # ERR: lambda t: t * math.sin(x)
    return fs[0](2.0)


SCRATCH = {}
HISTORY = []


def reads_back_a_global_it_wrote(x):
    SCRATCH["twice"] = 2.0 * x
    return SCRATCH["twice"] * x  # ERR: SCRATCH


def reads_back_a_global_list(x):
    HISTORY.append(x)
    return HISTORY[-1] * x  # ERR: HISTORY


def _make_memo():
    memo = {}

    def square_via_memo(x):
        memo["sq"] = x * x
        return memo["sq"] + x  # ERR: memo

    return square_via_memo


reads_back_a_closure_dict = _make_memo()


def updates_a_dict_with_x(x):
    d = {}
    d.update({"a": x})
    return d["a"] * x


def reads_a_number_from_text(x):
    label = "%.3f" % x
    rounded = float(f"{x:.3f}")  # ERR: float(f"{x:.3f}")
    text = "%.4f" % x
    back = float(text)  # ERR: float(text)
    back += float("{}".format(x))  # ERR: float("{}".format(x))
    return rounded + float(str(x).strip()) * len(label) + back  # ERR: float(str(x).strip())


@dataclasses.dataclass
class Settings:
    gain: float
    offset: float = 0.0


def builds_a_dataclass(x):
    s = Settings(2.0 * x, offset=1.0)  # ERR: Settings
    return s.gain + s.offset


def defines_g_in_both_branches(x):
    if x > 0:
        def g(t):
            return t * 2.0
    else:
        def g(t):  # ERR: def g(t):
            return t * 3.0
    return g(x)


def adds_a_string(x):
    return x + "a"  # a TypeError of the user's own, not of a tangent


def reduces_with_a_ufunc_method(x):
    return numpy.maximum.reduce(x)  # ERR: numpy.maximum.reduce


class Scaled:
    def __init__(self, w):
        self.w = w

    def predict(self, x):
        return self.w * x * x

    def energy(self, x):
        return self.predict(x) + math.sin(x)  # ERR: return self.predict(x)


SCALED = Scaled(1.5)


def energy_of_a_model(x):
    return Scaled.energy(SCALED, x)


def stores_into_an_int_array(x):
    y = numpy.zeros(3, dtype=int)
    y[0] = x * 2.7  # ERR: y[0]
    return y * 1.0


def einsum_with_sublists(A, B):
    return numpy.einsum(A, [0, 1], B, [0, 1], [0])  # ERR: numpy.einsum


def _halve_first(c):
    c[0] = c[0] * 0.5
    return c[0]


def updates_in_a_while_test(x):
    c = [x + 10.0]
    while _halve_first(c) > 1.0:  # ERR: _halve_first(c) > 1.0
        pass
    return c[0]


def appends_to_what_setdefault_returns(x):
    groups = {}
    groups.setdefault("a", []).append(x * 2.0)  # ERR: groups.setdefault("a", []).append
    return groups["a"][0]


def calls_a_numpy_function_without_a_rule(A):
    return numpy.linalg.slogdet(A)[1]  # ERR: numpy.linalg.slogdet


trapezoid = getattr(numpy, "trapezoid", None)  # NumPy 2


def integrates_over_differentiated_points(x):
    y = numpy.sin(x)
    return trapezoid(y, x)  # ERR: trapezoid(y, x)


def reads_its_variables_by_name(x):
    y = 2.0 * x
    z = eval("y * x")  # ERR: eval
    return z + locals()["y"]  # ERR: locals


def reads_a_value_from_a_caught_exception(x):
    try:
        raise ValueError(x * 2.0)
    except ValueError as e:
        return e.args[0]  # ERR: e.args


def passes_to_nested_star_parameters(x):
    g = lambda *a: a[0] * 2.0  # noqa: E731

    def h(**k):
        return k["a"] * 2.0

    return g(x) + h(a=x)  # ERR: g(x)


def receives_from_yield(x):
    c = yield x  # ERR: yield x
    return c


class Accumulator:
    def __init__(self):
        self.v = 0.0


def writes_an_attribute_of_an_object(x):
    a = Accumulator()
    a.v = x * 2.0  # ERR: a.v
    return a.v


def stores_into_an_int_array_literal(x):
    y = numpy.array([1, 2, 3])
    y[0] = x  # ERR: y[0] = x
    return y * 1.0


def stores_into_an_arange(x):
    y = numpy.arange(3)
    y[1:] = x * 2.0  # ERR: y[1:] = x * 2.0
    return y * 1.0


def stores_into_an_int_array_argument(x, idx):
    idx[0] = x  # ERR: idx[0] = x
    return idx * 1.0


def calls_a_c_function_after_non_ascii_text(x):
    label = "äöü"; y = zlib.adler32(x)  # ERR: zlib.adler32(x)
    return y, label


def calls_the_standard_library(x):
    return statistics.mean([x, 2.0 * x])  # ERR: statistics.mean


class Scale:
    def __init__(self, k):
        self.k = k

    def __call__(self, x):
        return self.k * x


SCALE = Scale(3.0)


def constructs_with_advice(x, xs):
    match x:  # ERR: match x:
        case 1.0:
            x = x + 1.0
    y = max([x, 2.0 * x], default=0.0)  # ERR: max([x, 2.0 * x], default=0.0)
    y += pow(x, 2, 5)  # ERR: pow(x, 2, 5)
    y += xs.astype(float)[0]  # ERR: xs.astype
    for a, b in zip(xs, xs, strict=True):  # ERR: zip(xs, xs, strict=True)
        y += a * b
    return y + SCALE(x)  # ERR: SCALE
