"""User-defined rules: defjvp and nondifferentiable, and their registration errors."""

import importlib.util
import math
import re

import numpy as np
import pytest

import checks
import pushforward as pf
from pushforward import errors
from pushforward.rules import RULES


@pytest.fixture(autouse=True)
def restore_rules():
    saved = dict(RULES)
    yield
    RULES.clear()
    RULES.update(saved)
    pf.api.clear_cache()


def sinc_model(x):
    return np.sinc(x) * x + 1.0


def smooth_step(x):
    return x * x * (3.0 - 2.0 * x)


def uses_smooth_step(x):
    return smooth_step(math.sin(x))


def test_rule_for_a_c_function():
    with pytest.raises(errors.NoRuleError, match="defjvp"):
        pf.forward_diff(sinc_model)

    @pf.defjvp(np.sinc)  # sinc(x) = sin(pi x) / (pi x)
    def sinc_jvp(x, dx, ans):
        return dx * (np.cos(np.pi * x) - ans) / x

    d = pf.forward_diff(sinc_model)
    assert "(np.cos(np.pi * x) - t1) / x" in d.source  # the rule's expression, in the code
    value, deriv = d(0.7)
    assert value == sinc_model(0.7)
    assert deriv == pytest.approx(checks.fd_jvp(sinc_model, (0.7,), (1.0,)), rel=1e-9)


def test_rule_with_ans_overrides_a_python_function():
    @pf.defjvp(smooth_step)
    def smooth_step_jvp(x, dx, ans):
        """The expression is copied into the generated code, not called."""
        return dx * 6.0 * x * (1.0 - x) + 0.0 * ans

    d = pf.forward_diff(uses_smooth_step)
    assert "6.0 * " in d.source and "smooth_step_jvp" not in d.source
    value, deriv = d(0.4)
    assert value == uses_smooth_step(0.4)
    assert deriv == pytest.approx(checks.fd_jvp(uses_smooth_step, (0.4,), (1.0,)), rel=1e-9)


def test_scipy_example_from_the_docs():
    special = pytest.importorskip("scipy.special")

    @pf.defjvp(special.erfcx)
    def erfcx_jvp(x, dx, ans):
        return dx * (2.0 * x * ans - 1.1283791670955126)

    def f(x):
        return special.erfcx(x) * x

    value, deriv = pf.forward_diff(f)(0.7)
    assert deriv == pytest.approx(checks.fd_jvp(f, (0.7,), (1.0,)), rel=1e-8)


def test_nondifferentiable():
    def f(x):
        return np.heaviside(x, 0.5) + x * 2.0

    with pytest.raises(errors.NoRuleError):
        pf.forward_diff(f)
    assert pf.nondifferentiable(np.heaviside) is np.heaviside
    assert pf.forward_diff(f)(1.3) == (f(1.3), 2.0)


def test_a_lambda_can_be_a_rule():
    pf.defjvp(np.sinc)(lambda x, dx, ans: dx * (np.cos(np.pi * x) - ans) / x)
    assert pf.forward_diff(sinc_model)(0.5)[1] == pytest.approx(
        checks.fd_jvp(sinc_model, (0.5,), (1.0,)), rel=1e-9)


def test_wrong_arity_is_an_error_at_registration():
    with pytest.raises(errors.RuleError, match="takes 2 arguments, but math.atan2 takes 2|"
                                               "takes 1 argument, but math.atan2 takes 2"):
        @pf.defjvp(math.atan2)
        def atan2_jvp(y, dy):
            return dy
    with pytest.raises(errors.RuleError, match="takes 2 arguments, but numpy.arcsinh takes 1"):
        @pf.defjvp(np.arcsinh)
        def arcsinh_jvp(x, y, dx, dy):
            return dx


def test_misspelled_tangent_and_names_are_errors():
    with pytest.raises(errors.RuleError, match=r"d<arg>.*\(x, dx, ans\)"):
        @pf.defjvp(np.arcsinh)
        def bad(x, dy):
            return dy
    with pytest.raises(errors.RuleError, match="undefined name 'mth'"):
        @pf.defjvp(np.arcsinh)
        def bad2(x, dx):
            return dx * mth.cos(x)  # noqa: F821
    with pytest.raises(errors.RuleError, match="one 'return <expression>'"):
        @pf.defjvp(np.arcsinh)
        def bad3(x, dx):
            y = dx
            return y


def test_registering_a_rule_replaces_generated_code():
    def f(x):
        return smooth_step(x)

    first = pf.forward_diff(f)(0.3)[1]

    @pf.defjvp(smooth_step)
    def wrong_on_purpose(x, dx):
        return dx * 100.0

    assert pf.forward_diff(f)(0.3)[1] == 100.0 != first


@pytest.mark.parametrize("body, part", [
    ("return 1.0", "1.0"),
    ("return dx + 1.0", "1.0"),
    ("return math.sin(dx)", "math.sin(dx)"),
    ("return dx * dx", "dx * dx"),
    ("return x / dx", "x / dx"),
    ("return dx if dx > 0 else 0.0", "dx if dx > 0 else 0.0"),
])
def test_a_rule_not_linear_in_its_tangents_is_refused_at_its_line(tmp_path, body, part):
    """Vector mode runs a rule on a batch of tangents and drops the terms of zero ones: a
    rule must be linear in them."""
    path = tmp_path / "nonlinear_rule.py"
    path.write_text("import math\nimport pushforward as pf\n\n\n@pf.defjvp(math.ulp)\n"
                    "def rule(x, dx):\n    %s\n" % body)
    with pytest.raises(errors.RuleError, match=r"nonlinear_rule.py:7:\d+: the rule for math.ulp "
                       r"is not linear in the tangents at '%s'" % re.escape(part)):
        spec = importlib.util.spec_from_file_location("nonlinear_rule", path)
        spec.loader.exec_module(importlib.util.module_from_spec(spec))


def test_linear_rules_with_numpy_functions_closures_and_zero_terms_are_taken():
    scale = 2.0

    @pf.defjvp(smooth_step)
    def rule(x, dx, ans):
        return np.sum(dx.T * scale, axis=0) + 0.0 * ans - (dx[0] if x > 0 else -dx[0]) / 3.0

    assert smooth_step in RULES


def test_a_badly_named_rule_is_refused_at_its_definition_with_the_signature_to_write():
    with pytest.raises(errors.RuleError, match=r"test_register.py:\d+:\d+: the rule for math.ulp "
                       r"has parameters \(ans, x, dx\).*: \(x, dx, ans\)"):
        @pf.defjvp(math.ulp)
        def rule(ans, x, dx):
            return dx
