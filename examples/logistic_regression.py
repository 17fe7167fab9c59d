"""Logistic regression trained by gradient descent, with the gradient from forward mode.

The loss is ordinary NumPy code. `pf.forward_diff(loss)` returns its value and its gradient
with respect to the weight vector w in one pass: the tangents carry the directions of all the
weights at once ("vector mode") rather than one pass per coefficient. The fit is checked
against Newton's method with the gradient and Hessian derived by hand.

Run: python examples/logistic_regression.py
"""

import numpy as np

import pushforward as pf


def loss(w, X, y):
    """Mean binary cross-entropy of the model P(y = 1 | x) = 1 / (1 + exp(-x.w)).

    -[y log p + (1 - y) log(1 - p)] = log(1 + e^z) - y z with z = x.w; np.logaddexp(0, z)
    computes log(1 + e^z) without overflow for large |z|.
    """
    z = X @ w
    return np.mean(np.logaddexp(0.0, z) - y * z)


def make_data(n=500, seed=0):
    """n samples of 3 standard normal features plus an intercept column; labels drawn from
    the logistic model with known coefficients."""
    rng = np.random.default_rng(seed)
    w_true = np.array([-0.5, 1.5, -1.0, 0.75])  # intercept first
    X = np.column_stack([np.ones(n), rng.standard_normal((n, 3))])
    p = 1.0 / (1.0 + np.exp(-(X @ w_true)))
    y = (rng.random(n) < p).astype(float)
    return X, y, w_true


def gradient_descent(X, y, step=4.0, iterations=200):
    """Plain gradient descent from w = 0; the gradient comes from pushforward."""
    grad = pf.forward_diff(loss)  # d loss / d w: the first argument
    w = np.zeros(X.shape[1])
    for _ in range(iterations):
        value, g = grad(w, X, y)
        w = w - step * g
    value, g = grad(w, X, y)
    return w, value, g


def newton(X, y, tol=1e-14, max_iter=50):
    """The reference: Newton's method with the gradient and Hessian derived by hand,
    grad = X^T (p - y) / n and H = X^T diag(p (1 - p)) X / n."""
    n = X.shape[0]
    w = np.zeros(X.shape[1])
    for _ in range(max_iter):
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        g = X.T @ (p - y) / n
        H = (X.T * (p * (1.0 - p))) @ X / n
        step = np.linalg.solve(H, g)
        w = w - step
        if np.max(np.abs(step)) < tol:
            break
    return w


def main(verbose=False):
    """Fit by gradient descent and by Newton; return both and how far apart they are."""
    X, y, w_true = make_data()
    steps = 200
    w_gd, value, g = gradient_descent(X, y, step=4.0, iterations=steps)
    w_newton = newton(X, y)
    result = {
        "w_true": w_true,
        "w_gd": w_gd,
        "w_newton": w_newton,
        "loss": value,
        "grad_norm": float(np.linalg.norm(g)),
        "max_diff": float(np.max(np.abs(w_gd - w_newton))),
        "steps": steps,
    }
    if verbose:
        row = "%-30s" + " %11.8f" * len(w_true)
        print("%d samples, 3 features + an intercept (first coefficient)" % X.shape[0])
        print(row % (("true coefficients",) + tuple(w_true)))
        print(row % (("gradient descent, %d steps" % steps,) + tuple(w_gd)))
        print(row % (("Newton, hand-written H and g",) + tuple(w_newton)))
        print("final loss %.10f, |gradient| %.1e" % (value, result["grad_norm"]))
        print("max |w_gd - w_newton| = %.1e" % result["max_diff"])
    return result


if __name__ == "__main__":
    r = main(verbose=True)
    assert r["max_diff"] < 1e-8 and r["grad_norm"] < 1e-9
