"""Every error a user can cause: its class, and the user's file:line:col in its message."""

import math
import pathlib
import re
import zlib

import numpy as np
import pytest

import bad_functions as bad
import pushforward as pf
from pushforward import errors

SOURCE = pathlib.Path(bad.__file__).resolve()
LINES = SOURCE.read_text().splitlines()


def marked(fragment_or_index):
    """'file:line:col' of the n-th '# ERR:' marker (or the one with this fragment)."""
    marks = [(i + 1, line.split("# ERR: ")[1], line) for i, line in enumerate(LINES)
             if "# ERR: " in line]
    if isinstance(fragment_or_index, int):
        lineno, fragment, line = marks[fragment_or_index]
    else:
        lineno, fragment, line = next(m for m in marks if m[1] == fragment_or_index)
    if fragment in ("async", "class"):
        col = line.index(fragment)
    else:
        col = line.index(fragment)
    return "%s:%d:%d" % (SOURCE, lineno, col + 1)


CASES = [
    (bad.uses_yield, errors.UnsupportedSyntaxError, ["yield"], "yield"),
    (bad.is_async, errors.UnsupportedSyntaxError, ["async"], "async"),
    (bad.writes_global, errors.UnsupportedSyntaxError, ["TOTAL"], "global name 'TOTAL'"),
    (bad.writes_nonlocal, errors.UnsupportedSyntaxError, ["acc"], "nonlocal name 'acc'"),
    (bad.defines_class, errors.UnsupportedSyntaxError, ["class"], "class definition"),
    (bad.star_args, errors.UnsupportedSyntaxError, ["corpus_helpers.norm2(*args)"], "star-arguments"),
    (bad.calls_c_function, errors.NoRuleError, ["zlib.crc32"], "pushforward.defjvp(zlib.crc32)"),
    (bad.calls_undefined, errors.UndefinedNameError, ["not_defined_anywhere"], "not defined"),
    (bad.function_in_variable, errors.NoRuleError, ["f"], "held in a variable"),
    (bad.walrus_in_tests, errors.UnsupportedSyntaxError, ["t := x * x", "u := x * 2.0", "v := u * 3.0"],
     "assignment expression (:=) of a differentiated value"),
    (bad.nested_default_of_x, errors.UnsupportedSyntaxError, ["x * x"],
     "default value of the nested function 'g'"),
    (bad.get_with_a_differentiated_default, errors.UnsupportedSyntaxError, ["d.get"],
     "'.get' with a differentiated key or default"),
    (bad.setdefault_of_x, errors.NoRuleError, ["d.setdefault"],
     "the method '.setdefault' with a differentiated argument"),
    (bad.bitwise_of_x, errors.UnsupportedSyntaxError, ["n & 1", "n <<= 2"],
     "the bitwise operator '<<' of a differentiated value"),
    (bad.calls_a_classmethod, errors.NoRuleError, ["Grid.scaled"],
     "a method bound to <class 'bad_functions.Grid'>"),
    (bad.calls_a_cached_function, errors.NoRuleError, ["cached_square"],
     "call cached_square.__wrapped__(...)"),
    (bad.sum_into_out, errors.NoRuleError, ["numpy.sum(x, out=o)"],
     "out= in a call of numpy.sum with differentiated arguments"),
    (bad.max_with_initial, errors.NoRuleError, ["numpy.max(x, initial=0.0)"],
     "numpy.max with the option initial= and a differentiated argument"),
    (bad.var_with_dtype_by_position, errors.NoRuleError, ["numpy.var(x, 0, None)"],
     "numpy.var with the option at position 3 and a differentiated argument"),
    (bad.reads_back_a_global_it_wrote, errors.UnsupportedSyntaxError, ["SCRATCH"],
     "'SCRATCH', defined outside the function, is read after a differentiated value is written"),
    (bad.reads_back_a_global_list, errors.UnsupportedSyntaxError, ["HISTORY"],
     "'HISTORY', defined outside the function, is read after"),
    (bad.reads_back_a_closure_dict, errors.UnsupportedSyntaxError, ["memo"],
     "'memo', defined outside the function, is read after"),
    (bad.reads_a_number_from_text, errors.UnsupportedSyntaxError,
     ["float(f\"{x:.3f}\")", "float(str(x).strip())", "float(text)", 'float("{}".format(x))'],
     "a number read back from the text of a differentiated value"),
    (bad.maps_a_function, errors.NoRuleError, ["map"],
     "write a comprehension instead: [f(v) for v in values]"),
    (bad.passes_a_lambda_reading_x, errors.UnsupportedSyntaxError, ["lambda t: t * x"],
     "a lambda that reads the differentiated value 'x' is passed as a value"),
    (bad.keeps_a_lambda_reading_x, errors.UnsupportedSyntaxError,
     ["lambda t: t * math.sin(x)"], "a lambda that reads the differentiated value 'x'"),
    (bad.defines_g_in_both_branches, errors.UnsupportedSyntaxError, ["def g(t):"],
     "the nested function 'g' has another definition, at line"),
    (bad.reduces_with_a_ufunc_method, errors.NoRuleError, ["numpy.maximum.reduce"],
     "no tangent rule for the method '.reduce' of the ufunc numpy.maximum"),
    (bad.stores_into_an_int_array, errors.UnsupportedSyntaxError, ["y[0]"],
     "a differentiated value stored into 'y', an array with dtype=int: NumPy truncates it"),
    (bad.einsum_with_sublists, errors.NoRuleError, ["numpy.einsum"],
     "numpy.einsum with its operands' subscripts as lists"),
    (bad.updates_in_a_while_test, errors.UnsupportedSyntaxError, ["_halve_first(c) > 1.0"],
     "a call that writes differentiated values into its arguments, in the test of a while"),
    (bad.appends_to_what_setdefault_returns, errors.NoRuleError,
     ['groups.setdefault("a", []).append'],
     "a differentiated value given to '.append' of the object a call returns"),
    (bad.calls_a_numpy_function_without_a_rule, errors.NoRuleError,
     ["numpy.linalg.slogdet"], "no tangent rule for numpy.linalg.slogdet"),
    *([(bad.integrates_over_differentiated_points, errors.NoRuleError, ["trapezoid(y, x)"],
        "with a differentiated argument 1: its rule is linear in argument 0 only")]
      if bad.trapezoid is not None else []),
    (bad.reads_its_variables_by_name, errors.UnsupportedSyntaxError, ["eval", "locals"],
     "in a differentiated function: it reads the function's variables by name"),
    (bad.reads_a_value_from_a_caught_exception, errors.UnsupportedSyntaxError, ["e.args"],
     "a value read from the caught exception 'e' (e.args): it carries no derivative"),
    (bad.passes_to_nested_star_parameters, errors.UnsupportedSyntaxError, ["g(x)"],
     "a differentiated value passed to g's *args"),
    (bad.writes_an_attribute_of_an_object, errors.UnsupportedSyntaxError, ["a.v"],
     "a differentiated value written to the attribute 'v' of an object"),
    (bad.calls_a_c_function_after_non_ascii_text, errors.NoRuleError, ["zlib.adler32(x)"],
     "no tangent rule for 'adler32'"),
    (bad.calls_the_standard_library, errors.NoRuleError, ["statistics.mean"],
     "statistics.mean (of the standard library) cannot be differentiated: "),
    (bad.builds_a_dataclass, errors.NoRuleError, ["Settings"],
     "an object of the class Settings made of differentiated values: pushforward "
     "differentiates namedtuples"),
]


@pytest.mark.parametrize("func,kind,fragments,words", CASES, ids=[c[0].__name__ for c in CASES])
def test_error_names_construct_and_location(func, kind, fragments, words):
    with pytest.raises(kind) as info:
        if func is bad.calls_undefined:
            pf.forward_diff(func)(1.0)  # an undefined callee is looked up again at the first call
        else:
            pf.forward_diff(func)
    message = str(info.value)
    assert isinstance(info.value, pf.PushforwardError)
    for fragment in fragments:
        assert marked(fragment) in message, message
    assert words in message
    assert "^" in message  # the source line with a caret under the construct


@pytest.mark.parametrize("fragment, hint", [
    ("match x:", "write the cases with if/elif"),
    ("max([x, 2.0 * x], default=0.0)", "test for the empty list instead of default="),
    ("pow(x, 2, 5)", "compute pow(x, y) % m"),
    ("xs.astype", "np.asarray(x, dtype=float)"),
    ("zip(xs, xs, strict=True)", "call zip without keywords"),
    ("SCALE", "Scale.__call__(SCALE, ...)"),
])
def test_refusals_say_what_to_write_instead(fragment, hint):
    with pytest.raises(pf.PushforwardError) as info:
        pf.forward_diff(bad.constructs_with_advice, wrt=("x", "xs"))
    problem = next(p for p in info.value.problems
                   if "%s:%d:%d" % (p.filename, p.lineno, p.column) == marked(fragment))
    assert hint in problem.hint


def test_taylor_mode_gives_the_same_advice_for_map():
    with pytest.raises(errors.NoRuleError, match="no Taylor rule for 'map'.*\n.*\n.*\n.*write "
                       r"a comprehension instead"):
        pf.taylor(bad.maps_a_function, order=2)((0.5,), (1.0,))


@pytest.mark.parametrize("func, words", [
    (bad.reads_back_a_global_it_wrote, "defined outside the function, is read after a "
     "differentiated value is written into it"),
    (bad.reads_back_a_global_list, "defined outside the function, is read after"),
    (bad.reads_a_number_from_text, "a number read back from the text of a differentiated value")])
def test_taylor_mode_refuses_what_first_order_refuses_for_a_lost_derivative(func, words):
    with pytest.raises(errors.UnsupportedSyntaxError, match=words):
        pf.taylor(func, order=2)((0.5,), (1.0,))


@pytest.mark.skipif(bad.trapezoid is None, reason="np.trapezoid is NumPy 2's")
def test_taylor_mode_refuses_a_differentiated_argument_a_linear_rule_is_not_linear_in():
    with pytest.raises(errors.NoRuleError, match="with a differentiated argument 1: its rule is "
                       "linear in argument 0 only"):
        pf.taylor(bad.integrates_over_differentiated_points, order=2)(
            (np.linspace(0.0, 1.0, 4),), (np.ones(4),))


def test_a_c_method_of_a_container_with_differentiated_arguments_is_refused_by_name():
    """d.update({...}) is looked up when the code runs (the receiver could be any object):
    a dict's method is C code, without a rule."""
    with pytest.raises(errors.SourceUnavailableError, match=r"the method '.update' of a dict, "
                       r"called with differentiated arguments, has no tangent rule"):
        pf.forward_diff(bad.updates_a_dict_with_x)(0.5)


def test_all_problems_of_a_function_and_its_callees_together():
    with pytest.raises(errors.TransformError) as info:
        pf.forward_diff(bad.many_problems)
    problems = info.value.problems
    where = ["%s:%d:%d" % (p.filename, p.lineno, p.col + 1) for p in problems]
    assert marked("zlib.adler32") in where
    assert marked("class") in where or any("class" in p.message for p in problems)
    assert marked("zlib.crc32") in where  # found in the callee calls_c_function
    assert len(problems) == 3
    assert "3 problems" in str(info.value)


@pytest.mark.parametrize("func", [bad.stores_into_an_int_array_literal, bad.stores_into_an_arange,
                                  bad.stores_into_an_int_array_argument])
@pytest.mark.parametrize("who", ["forward_diff", "jacobian", "second", "taylor"])
def test_a_value_stored_into_an_array_of_integers_is_refused_when_it_runs(func, who):
    """The dtype is known when the code runs (np.array([1, 2, 3]), an argument): the store of
    the derivative (or of the series) refuses, at the user's line."""
    args = (1.3,) if func is not bad.stores_into_an_int_array_argument else (1.3, np.array([4, 5]))
    run = {"forward_diff": lambda: pf.forward_diff(func)(*args),
           "jacobian": lambda: pf.jacobian(func)(*args),
           "second": lambda: pf.derivative(func, order=2)(*args),
           "taylor": lambda: pf.taylor(func, order=2)(args, (1.0,) + (None,) * (len(args) - 1))}[who]
    if who == "taylor" and func is bad.stores_into_an_int_array_argument:
        with pytest.raises(errors.UnsupportedSyntaxError, match="cannot write into the argument"):
            run()
        return
    with pytest.raises(errors.UnsupportedDerivativeError, match="stored into an array of "
                       "integers or booleans: NumPy truncates it") as info:
        run()
    fragment = {bad.stores_into_an_int_array_literal: "y[0] = x",
                bad.stores_into_an_arange: "y[1:] = x * 2.0",
                bad.stores_into_an_int_array_argument: "idx[0] = x"}[func]
    line = marked(fragment).rsplit(":", 2)[0] + ":"  # the statement's line: file:line:
    assert line in str(info.value)


def test_a_yield_whose_value_is_used_is_reported_once():
    with pytest.raises(errors.UnsupportedSyntaxError) as info:
        pf.forward_diff(bad.receives_from_yield)
    assert len(info.value.problems) == 1 and marked("yield x") in str(info.value)


def test_a_construct_two_checks_meet_is_reported_once():
    with pytest.raises(errors.TransformError) as info:  # (v := ...): the walrus check and
        pf.forward_diff(bad.walrus_in_tests)            # the emitter's both
    assert len(info.value.problems) == 3


def test_a_refused_callee_stays_refused():
    """The callee's problem, met again at a second call (and listed once), still refuses it:
    a later function calling it is refused too, not given the callee with the problem left
    out (a zero derivative)."""
    pf.api.clear_cache()
    for func in (bad.applies_twice, bad.applies_once, bad.applies_once):
        with pytest.raises(errors.NoRuleError, match="held in a variable") as info:
            pf.forward_diff(func)(1.5)
        assert [marked("fn")] == ["%s:%d:%d" % (p.filename, p.lineno, p.col + 1)
                                  for p in info.value.problems]


def test_problems_inside_the_standard_library_are_told_at_the_users_call():
    with pytest.raises(errors.NoRuleError) as info:
        pf.forward_diff(bad.calls_the_standard_library)
    assert len(info.value.problems) == 1 and "statistics.py" not in str(info.value)


def test_a_problem_counts_columns_in_characters():
    with pytest.raises(errors.NoRuleError) as info:
        pf.forward_diff(bad.calls_a_c_function_after_non_ascii_text)
    (problem,) = info.value.problems
    line = LINES[problem.lineno - 1]
    assert problem.col == line.index("zlib.adler32") and problem.column == problem.col + 1
    caret = str(info.value).splitlines()[4]
    assert caret.index("^") - 4 == line.index("zlib.adler32")


def test_caret_is_under_the_construct():
    with pytest.raises(errors.NoRuleError) as info:
        pf.forward_diff(bad.calls_c_function)
    lines = str(info.value).splitlines()
    code = next(i for i, line in enumerate(lines) if "zlib.crc32(x)" in line)
    assert lines[code + 1].index("^") == lines[code].index("zlib.crc32")


def test_source_unavailable():
    namespace = {"math": math}
    exec("def f(x):\n    return math.sin(x)\n", namespace)
    with pytest.raises(errors.SourceUnavailableError, match="define the function in a .py file"):
        pf.forward_diff(namespace["f"])
    with pytest.raises(errors.SourceUnavailableError, match="Python functions defined in a .py file"):
        pf.forward_diff(zlib.crc32)


def _through_a_module_argument(x, m):
    return m.sin(x) * 2.0


def test_a_function_with_a_rule_called_as_a_value_is_refused_by_name():
    """math.sin has a rule, applied to the calls pushforward resolves in a function's source:
    not to math.sin itself, nor to m.sin(x) with m a module argument."""
    with pytest.raises(errors.SourceUnavailableError, match=r"math.sin itself.*call math.sin"):
        pf.forward_diff(math.sin)
    with pytest.raises(errors.SourceUnavailableError, match=r"math.sin itself.*m.sin\(x\)"):
        pf.jvp(_through_a_module_argument, (0.3, math), (1.0, None))


def test_wrt_names_no_argument():
    with pytest.raises(errors.WrtError, match="names no parameter of simple") as info:
        pf.forward_diff(bad.simple, wrt="z")
    assert "(%s:%d); its parameters are: x, y" % (SOURCE, LINES.index("def simple(x, y):") + 1) \
        in str(info.value)
    with pytest.raises(errors.WrtError, match="has 2 parameters"):
        pf.forward_diff(bad.simple, wrt=5)


def test_tangent_structure_mismatch():
    with pytest.raises(errors.TangentMismatchError, match="2 primals and 1 tangents"):
        pf.jvp(bad.simple, (1.0, 2.0), (1.0,))

    def total(xs):
        return sum(xs)

    with pytest.raises(errors.TangentMismatchError, match="length 3"):
        pf.jvp(total, ([1.0, 2.0, 3.0],), ([1.0, 2.0],))
    with pytest.raises(errors.TangentMismatchError, match="shape"):
        pf.jvp(total, (np.ones(3),), (np.ones(4),))


def test_jvp_primals_must_fit_the_positional_parameters():
    """jvp passes primals by position: more than the function's positional parameters is an
    error that says so (not Python's TypeError from inside the generated code); values that
    go to *args are constants."""
    def scaled(x, *, k=2.0):
        return x * k

    def spread(x, *rest):
        return x * sum(rest)

    with pytest.raises(errors.TangentMismatchError,
                       match=r"jvp of \S*scaled .*1 positional argument \(x\), jvp got 2 primals"
                             r".*keyword-only parameters \(k\) keep their defaults"):
        pf.jvp(scaled, (1.0, 3.0), (1.0, None))
    assert pf.jvp(scaled, (1.5,), (1.0,)) == (3.0, 2.0)
    with pytest.raises(errors.TangentMismatchError, match=r"primal 2 goes to \*rest"):
        pf.jvp(spread, (1.5, 2.0, 3.0), (1.0, None, 1.0))
    assert pf.jvp(spread, (1.5, 2.0, 3.0), (1.0, None, None)) == (7.5, 5.0)
    assert pf.jvp(spread, (1.5, 2.0, 3.0), (None, None, None)) == (7.5, 0.0)
    with pytest.raises(errors.WrtError, match=r"no named parameters.*\*args"):
        pf.forward_diff(lambda *xs: sum(xs))


def test_tangents_unlike_the_first_call_are_checked():
    """jvp's fast path is made for the kinds of arguments of the first call; other calls,
    right or wrong, take the checked path."""
    def weighted(xs, w):
        return w * sum(x * x for x in xs)

    xs, dxs = [1.0, 2.0, 3.0], [1.0, 0.0, 0.5]
    assert pf.jvp(weighted, (xs, 2.0), (dxs, None)) == (28.0, 2.0 * (2.0 + 3.0))
    with pytest.raises(errors.TangentMismatchError, match=r"jvp of \S*weighted .*length 3"):
        pf.jvp(weighted, (xs, 2.0), (dxs[:2], None))
    with pytest.raises(errors.TangentMismatchError, match="2 primals and 1 tangents"):
        pf.jvp(weighted, (xs, 2.0), (dxs,))
    with pytest.raises(errors.TangentMismatchError, match=r"tangent\[0\]\[1\]"):
        pf.jvp(weighted, ([[1.0], [2.0, 3.0]], 2.0), ([[1.0], [0.0]], None))
    assert pf.jvp(weighted, ((1.0, 2.0), 2.0), ((1.0, 0.0), None)) == (10.0, 4.0)
    assert pf.jvp(weighted, (np.array(xs), 2.0), (np.array(dxs), None))[1] == 10.0
    assert pf.jvp(weighted, (xs, 2.0), (dxs, 1.0)) == (28.0, 10.0 + 14.0)


@pytest.mark.parametrize("value", ["1.0", None])
def test_non_numeric_differentiated_input(value):
    with pytest.raises(errors.InputTypeError, match=re.escape("argument 'x'")) as info:
        pf.forward_diff(bad.simple)(value, 2.0)
    assert "%s:%d" % (SOURCE, LINES.index("def simple(x, y):") + 1) in str(info.value)


def test_errors_are_raised_before_user_code_runs():
    calls = []

    def noisy(x):
        calls.append(x)
        return bad.calls_c_function(x)

    with pytest.raises(errors.NoRuleError):
        pf.forward_diff(noisy)
    assert calls == []


@pytest.mark.parametrize("wrt", [{"x"}, ("x", ["y"]), 1.5])
def test_wrt_of_another_type_is_refused(wrt):
    with pytest.raises(errors.WrtError, match="give a parameter's name or index"):
        pf.forward_diff(bad.simple, wrt=wrt)


@pytest.mark.parametrize("who", ["jvp", "hvp", "taylor"])
def test_too_few_primals_are_refused(who):
    def f(x, y, scale=2.0):
        return scale * x * math.sin(y)

    run = {"jvp": lambda p, t: pf.jvp(f, p, t), "hvp": lambda p, t: pf.hvp(f, p, t),
           "taylor": lambda p, t: pf.taylor(f, order=2)(p, t)}[who]
    for primals in (1.0,), ():
        with pytest.raises(errors.TangentMismatchError, match=r"needs a primal for each "
                           r"parameter without a default \(x, y\), %s got %d" % (who, len(primals))):
            run(primals, (1.0,) * len(primals))


def test_empty_wrt_and_malformed_jvp_arguments():
    with pytest.raises(errors.WrtError, match="names no parameter"):
        pf.forward_diff(bad.simple, wrt=())
    pf.jvp(bad.simple, (1.0, 2.0), (1.0, None))  # its fast path exists from here on
    for _ in range(2):
        with pytest.raises(errors.InputTypeError, match="primals should be a tuple"):
            pf.jvp(bad.simple, 1.0, (1.0,))
        with pytest.raises(errors.TangentMismatchError, match="tangents should be a tuple"):
            pf.jvp(bad.simple, (1.0, 2.0), 1.0)
        with pytest.raises(errors.TangentMismatchError, match="should be a number"):
            pf.jvp(bad.simple, (1.0, 2.0), ("a", None))


@pytest.mark.parametrize("who", ["taylor", "hvp"])
def test_malformed_taylor_and_hvp_arguments_are_refused_as_by_jvp(who):
    """pf.taylor's g(primals, directions) and pf.hvp(f, primals, tangents) take tuples (or
    lists) as jvp does: a bare number, or an array taken for a tuple, is refused by name."""
    call = {"taylor": lambda p, t: pf.taylor(bad.simple, order=2)(p, t),
            "hvp": lambda p, t: pf.hvp(bad.simple, p, t)}[who]
    second = "directions" if who == "taylor" else "tangents"
    where = r"%s of simple \(.*bad_functions.py:\d+\): " % who
    call((1.0, 2.0), (1.0, None))  # a fast path exists from here on
    for _ in range(2):
        with pytest.raises(errors.InputTypeError, match=where + "primals should be a tuple"):
            call(1.0, (1.0,))
        with pytest.raises(errors.InputTypeError, match=where + "primals should be a tuple"):
            call(np.array([1.0, 2.0]), (1.0, None))
        with pytest.raises(errors.TangentMismatchError, match=where + second + " should be a "
                           "tuple"):
            call((1.0, 2.0), 1.0)
        with pytest.raises(errors.InputTypeError, match=where + "primal 0 is 'a'"):
            call(("a", 2.0), (1.0, None))


def test_an_error_found_in_a_derivative_differentiated_again_names_the_users_line():
    """self.predict(x) is differentiated when the first derivative runs; differentiating that
    derivative again is refused, at the user's line (it named the generated file)."""
    assert pf.forward_diff(bad.energy_of_a_model)(0.7)[1] == pytest.approx(
        2 * 1.5 * 0.7 + math.cos(0.7), rel=1e-15)
    with pytest.raises(errors.NoRuleError) as info:
        pf.derivative(bad.energy_of_a_model, order=2)(0.7)
    assert marked("return self.predict(x)") + ": a method of an object known only when the " \
        "code runs (.predict)" in str(info.value)


def total_of_squares(xs):
    return sum(v * v for v in xs)


@pytest.mark.parametrize("who", ["jvp", "taylor", "hvp"])
def test_a_none_or_a_string_inside_a_list_tangent_is_named(who):
    """The quick checks of a list of floats read its length only; an item that is not a
    number makes the derivative code raise TypeError, which is then told as the tangent's
    fault (it was a bare TypeError of the generated code)."""
    call = {"jvp": lambda t: pf.jvp(total_of_squares, ([1.0, 2.0, 3.0],), (t,)),
            "taylor": lambda t: pf.taylor(total_of_squares, order=2)(([1.0, 2.0, 3.0],), (t,)),
            "hvp": lambda t: pf.hvp(total_of_squares, ([1.0, 2.0, 3.0],), (t,))}[who]
    call([1.0, 0.0, 0.0])  # the fast path exists from here on
    for _ in range(2):
        with pytest.raises(errors.TangentMismatchError, match=r"%s of total_of_squares .*"
                           r"tangent\[0\]\[1\] is None" % who):
            call([1.0, None, 0.0])
        with pytest.raises(errors.TangentMismatchError, match=r"tangent\[0\]\[2\] should be a "
                           r"number like its primal 3.0, got 'a'"):
            call([1.0, 0.0, "a"])


def test_a_type_error_of_the_users_code_stays_one():
    with pytest.raises(TypeError, match="unsupported operand"):
        pf.jvp(bad.adds_a_string, (1.0,), (1.0,))


def test_empty_list_argument():
    assert pf.forward_diff(total_of_squares)([]) == (0, [])
    assert pf.forward_diff(total_of_squares)([3.0]) == (9.0, [6.0])


def test_none_inside_a_tangent_is_refused():
    def product(d):
        return d["a"] * d["b"]

    with pytest.raises(errors.TangentMismatchError, match=r"tangent\[0\]\['b'\] is None"):
        pf.jvp(product, ({"a": 2.0, "b": 3.0},), ({"a": 1.0, "b": None},))
    assert pf.jvp(product, ({"a": 2.0, "b": 3.0},), ({"a": 1.0, "b": 0.0},)) == (6.0, 3.0)
