"""Newton's method on the Rosenbrock function, with the gradient and Hessian from forward mode.

The Rosenbrock function is ordinary NumPy code. pushforward gives

* its gradient, `pf.forward_diff(rosenbrock)(x)` (vector mode: one pass, all n directions);
* its Hessian, `pf.hessian(rosenbrock)(x)` (forward over forward, n x n);
* Hessian-vector products, `pf.hvp(rosenbrock, (x,), (v,))`, without forming the Hessian.

Two minimisers use them:

1. damped Newton: solve H p = -g (H shifted by a multiple of the identity until it is positive
   definite), then a backtracking (Armijo) line search along p;
2. Newton-CG ("truncated Newton"): p from conjugate gradients on H p = -g, where CG touches H
   only through Hessian-vector products, stopped early (a forcing term that tightens as the
   gradient shrinks, so the convergence is still quadratic) or at negative curvature; the same
   line search.

For n = 2 both start from the standard point (-1.2, 1); for n = 10 from x_i = i / 11. Both
reach the minimum (1, ..., 1). The chained function has, for n >= 4, a second local minimum
near (-1, 1, ..., 1), and from (-1.2, 1, 1, ..., 1) both methods end there: a true local
minimum (zero gradient, positive definite Hessian), shown last.

Run: python examples/newton_optimization.py
"""

import numpy as np

import pushforward as pf


def rosenbrock(x):
    """sum_i 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, minimum 0 at x = (1, ..., 1)."""
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


GRADIENT = pf.forward_diff(rosenbrock)  # x -> (value, gradient)
HESSIAN = pf.hessian(rosenbrock)  # x -> n x n Hessian


def hvp(x, v):
    """H(x) @ v by forward over forward, H never formed."""
    (hv,) = pf.hvp(rosenbrock, (x,), (v,))
    return hv


def start(n):
    """(-1.2, 1) for n = 2, the classical start; x_i = i / (n + 1) for larger n."""
    if n == 2:
        return np.array([-1.2, 1.0]), "n = 2, x0 = (-1.2, 1)"
    return np.arange(1, n + 1) / (n + 1.0), "n = %d, x0_i = i/%d" % (n, n + 1)


def start_local(n):
    """(-1.2, 1, 1, ..., 1): for n >= 4, in the basin of the other local minimum."""
    return np.concatenate([[-1.2], np.ones(n - 1)]), "n = %d, x0 = (-1.2, 1, ..., 1)" % n


def line_search(x, value, g, p, c=1e-4, shrink=0.5):
    """The first step t = 1, 1/2, 1/4... with sufficient decrease f(x + t p) <= f(x) + c t g.p
    (up to the rounding of f(x): next to a minimiser the decrease is below it)."""
    slope = g @ p
    t = 1.0
    while t > 1e-12:
        x_new = x + t * p
        value_new = rosenbrock(x_new)
        if value_new <= value + c * t * slope + 1e-14 * abs(value):
            return x_new, value_new
        t *= shrink
    return x + t * p, rosenbrock(x + t * p)


def newton(x, gtol=1e-12, max_iter=100):
    """Damped Newton with the Hessian from pf.hessian. Returns (x, iterations)."""
    x = np.array(x, dtype=float)
    for iteration in range(max_iter):
        value, g = GRADIENT(x)
        if np.max(np.abs(g)) < gtol:
            return x, iteration
        H = HESSIAN(x)
        shift = 0.0  # H + shift I positive definite: p is a descent direction
        while True:
            try:
                L = np.linalg.cholesky(H + shift * np.eye(x.size))
                break
            except np.linalg.LinAlgError:
                shift = max(2.0 * shift, 1e-3 * np.max(np.abs(np.diag(H))))
        p = -np.linalg.solve(L.T, np.linalg.solve(L, g))
        x_new, value = line_search(x, value, g, p)
        if np.array_equal(x_new, x):  # converged as far as rounding allows
            return x, iteration + 1
        x = x_new
    return x, max_iter


def conjugate_gradient(x, g, tol, max_iter):
    """An approximate solution of H p = -g by CG, with H only as the products hvp(x, d).
    Stops when |H p + g| <= tol or, at a direction of negative curvature, returns the iterate
    so far (-g if that is the first step). Returns (p, number of Hessian-vector products)."""
    p = np.zeros_like(g)
    r = -g  # the residual -g - H p
    d = r.copy()
    rr = r @ r
    for k in range(max_iter):
        Hd = hvp(x, d)
        curvature = d @ Hd
        if curvature <= 0.0:
            return (-g if k == 0 else p), k + 1
        alpha = rr / curvature
        p = p + alpha * d
        r = r - alpha * Hd
        rr_new = r @ r
        if np.sqrt(rr_new) <= tol:
            return p, k + 1
        d = r + (rr_new / rr) * d
        rr = rr_new
    return p, max_iter


def newton_cg(x, gtol=1e-12, max_iter=200):
    """Newton-CG with Hessian-vector products from pf.hvp. Returns (x, iterations, number of
    Hessian-vector products)."""
    x = np.array(x, dtype=float)
    products = 0
    for iteration in range(max_iter):
        value, g = GRADIENT(x)
        gnorm = np.linalg.norm(g)
        if np.max(np.abs(g)) < gtol:
            return x, iteration, products
        forcing = min(0.01, gnorm)  # |H p + g| <= forcing |g|: quadratic convergence
        p, k = conjugate_gradient(x, g, forcing * gnorm, max_iter=2 * x.size)
        products += k
        x_new, value = line_search(x, value, g, p)
        if np.array_equal(x_new, x):
            return x, iteration + 1, products
        x = x_new
    return x, max_iter, products


def minimise(x0, label=""):
    """Both minimisers from x0, as a dict of their results."""
    x_newton, it_newton = newton(x0)
    x_cg, it_cg, products = newton_cg(x0)
    return {
        "start": x0,
        "label": label,
        "newton_x": x_newton,
        "newton_iterations": it_newton,
        "newton_cg_x": x_cg,
        "newton_cg_iterations": it_cg,
        "hvp_count": products,  # Hessian-vector products made by Newton-CG
        "newton_error": float(np.max(np.abs(x_newton - 1.0))),
        "newton_cg_error": float(np.max(np.abs(x_cg - 1.0))),
    }


def main(sizes=(2, 10), verbose=False):
    """Both minimisers from start(n) for each n (keys n), and from start_local(10) (key
    "local"). Returns a dict of the results of `minimise`."""
    results = {n: minimise(*start(n)) for n in sizes}
    results["local"] = minimise(*start_local(10))
    if verbose:
        print("Rosenbrock function; gradient by pf.forward_diff")
        print("%-31s %-34s %10s %11s" % ("start", "method", "iterations", "max|x - 1|"))
        for r in results.values():
            print("%-31s %-34s %10d %11.1e" % (r["label"], "Newton, Hessian by pf.hessian",
                                               r["newton_iterations"], r["newton_error"]))
            print("%-31s %-34s %10d %11.1e" % ("", "Newton-CG, %d products by pf.hvp"
                                               % r["hvp_count"], r["newton_cg_iterations"],
                                               r["newton_cg_error"]))
        x = results["local"]["newton_x"]
        print("the last start ends at the other local minimum, f = %.6f at x ="
              % rosenbrock(x))
        print("   ", np.round(x, 4))
        print("    max |gradient| %.1e, smallest Hessian eigenvalue %.3f"
              % (np.max(np.abs(GRADIENT(x)[1])), np.linalg.eigvalsh(HESSIAN(x))[0]))
        x = start(2)[0]
        print()
        print("at x = %s: gradient %s," % (x, GRADIENT(x)[1]))
        print("Hessian %s, H @ (1, 0) = %s" % (HESSIAN(x).tolist(), hvp(x, np.array([1.0, 0.0]))))
    return results


if __name__ == "__main__":
    results = main(verbose=True)
    for n in (2, 10):
        assert results[n]["newton_error"] < 1e-10 and results[n]["newton_cg_error"] < 1e-10
