"""The array examples, imported and checked against independent references.

(test_docs_and_cli runs every example as a script; here their functions are checked.)
"""


import numpy as np
import pytest

import pushforward as pf
from examples_loader import example_module

@pytest.fixture(scope="module")
def logreg():
    yield from example_module("logistic_regression")


def _hand_gradient(w, X, y):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return X.T @ (p - y) / X.shape[0]


def _points(n):
    """w = 0 (where every z = x.w is 0) and a few seeded random weight vectors."""
    rng = np.random.default_rng(20240607)
    return [np.zeros(n)] + [rng.normal(scale=1.5, size=n) for _ in range(4)]


def test_gradient_descent_reaches_the_newton_optimum(logreg):
    r = logreg.main()
    assert r["max_diff"] < 1e-8
    assert np.max(np.abs(r["w_gd"] - r["w_newton"])) < 1e-8
    assert r["grad_norm"] < 1e-9
    X, y, _ = logreg.make_data()
    assert np.linalg.norm(_hand_gradient(r["w_newton"], X, y)) < 1e-12  # Newton converged
    assert r["loss"] == logreg.loss(r["w_gd"], X, y)


def test_gradient_is_the_hand_written_gradient(logreg):
    X, y, _ = logreg.make_data()
    grad = pf.forward_diff(logreg.loss)
    for w in _points(X.shape[1]):
        value, g = grad(w, X, y)
        ref = _hand_gradient(w, X, y)
        assert value == logreg.loss(w, X, y)  # the primal, bit for bit
        assert g.shape == w.shape
        assert np.max(np.abs(g - ref)) <= 1e-12 * np.max(np.abs(ref))


def test_gradient_agrees_with_central_differences(logreg):
    X, y, _ = logreg.make_data()
    h = 1e-6
    for w in _points(X.shape[1]):
        _, g = pf.forward_diff(logreg.loss)(w, X, y)
        eye = np.eye(w.size)
        fd = np.array([(logreg.loss(w + h * e, X, y) - logreg.loss(w - h * e, X, y)) / (2 * h)
                       for e in eye])
        assert np.allclose(g, fd, rtol=1e-6, atol=1e-9)


def test_gradient_is_the_jvp_along_each_axis(logreg):
    X, y, _ = logreg.make_data()
    w = _points(X.shape[1])[1]
    _, g = pf.forward_diff(logreg.loss)(w, X, y)
    for i, e in enumerate(np.eye(w.size)):
        _, slope = pf.jvp(logreg.loss, (w, X, y), (e, None, None))
        assert abs(slope - g[i]) <= 1e-14 * np.max(np.abs(g))
    assert np.allclose(pf.jacobian(logreg.loss)(w, X, y), g, rtol=1e-14, atol=0)
