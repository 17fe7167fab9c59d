"""Taylor polynomials of orders 1 to 8 from one pass of Taylor mode.

`pf.taylor(f, order=8)` rewrites `f` so that every value carries its first nine Taylor
coefficients: one call gives c0..c8 of t -> f(x0 + t), where c_k = f^(k)(x0) / k!. (Nesting
`forward_diff` eight times would cost 2^8 times the function; Taylor mode costs about 8^2.)
The coefficients give the Taylor polynomials P_k(x) = sum_{j<=k} c_j (x - x0)^j, whose error
near x0 shrinks like |x - x0|^(k+1).

f(x) = exp(sin x) atan x is entire except for atan's branch points at x = +-i, so around
x0 = 0.5 the series converges for |x - x0| < |0.5 - i| = 1.118...: inside that interval the
polynomials close in on f, outside it they run away, whatever the order. The picture (written
only if matplotlib is installed) shows both.

Run: python examples/taylor_approximation.py [PICTURE.png]
     (default picture: taylor_approximation.png in the temporary directory)
"""

import math
import os
import sys
import tempfile

import pushforward as pf

X0 = 0.5
ORDER = 8
RADIUS = 0.25  # the neighbourhood |x - x0| <= RADIUS where the errors are measured
CONVERGENCE_RADIUS = abs(complex(X0, -1.0))  # distance from x0 to the branch points +-i


def f(x):
    """exp(sin x) atan x."""
    s = math.sin(x)
    return math.exp(s) * math.atan(x)


def taylor_polynomial(coefficients, x0, k):
    """P_k(x) = sum_{j <= k} c_j (x - x0)^j, as a function (Horner's scheme)."""
    def p(x):
        h = x - x0
        total = 0.0
        for c in reversed(coefficients[:k + 1]):
            total = total * h + c
        return total
    return p


def max_error(p, x0, radius, samples=201):
    """max |f - p| over `samples` equally spaced points of [x0 - radius, x0 + radius]."""
    xs = [x0 - radius + 2.0 * radius * i / (samples - 1) for i in range(samples)]
    return max(abs(f(x) - p(x)) for x in xs)


def plot(coefficients, x0, png_path):
    """f and P_1..P_8 (left), |f - P_k| on a log scale (right). Returns the path written, or
    None if matplotlib is not installed."""
    try:
        from matplotlib import colormaps
        from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state
    except ImportError:
        return None
    lo, hi = x0 - 2.0, x0 + 2.0
    xs = [lo + (hi - lo) * i / 800 for i in range(801)]
    fx = [f(x) for x in xs]
    fig = Figure(figsize=(11, 4.5), layout="constrained")
    left, right = fig.subplots(1, 2)
    for k in range(1, ORDER + 1):
        p = taylor_polynomial(coefficients, x0, k)
        colour = colormaps["viridis"](0.9 * (k - 1) / (ORDER - 1))
        left.plot(xs, [p(x) for x in xs], color=colour, lw=1.2, label="$P_%d$" % k)
        right.semilogy(xs, [max(abs(f(x) - p(x)), 1e-17) for x in xs], color=colour, lw=1.2,
                       label="$|f - P_%d|$" % k)
    left.plot(xs, fx, color="black", lw=2.5, label="f", zorder=10)
    left.set_ylim(min(fx) - 1.0, max(fx) + 1.0)
    right.set_ylim(1e-16, 1e3)
    for ax in (left, right):
        ax.axvspan(x0 - CONVERGENCE_RADIUS, x0 + CONVERGENCE_RADIUS, color="0.93", zorder=0)
        ax.axvline(x0, color="0.5", lw=0.8, ls="--")
        ax.set_xlim(lo, hi)
        ax.set_xlabel("x")
    left.set_title("f(x) = exp(sin x) atan x and its Taylor polynomials at x0 = %g" % x0,
                   fontsize=10)
    right.set_title("error; shaded: |x - x0| < %.3f, where the series converges"
                    % CONVERGENCE_RADIUS, fontsize=10)
    left.legend(fontsize=8, ncol=3, loc="upper left")
    fig.savefig(png_path, dpi=110)
    return png_path


def main(png_path=None, verbose=False):
    """The coefficients at X0, the errors of P_1..P_8 near X0 and, if `png_path` is given and
    matplotlib is installed, the picture. Returns a dict of the numbers."""
    g = pf.taylor(f, order=ORDER)
    coefficients = g((X0,), (1.0,))  # [c0, ..., c8] of t -> f(X0 + t), in one pass
    polynomials = [taylor_polynomial(coefficients, X0, k) for k in range(ORDER + 1)]
    errors = [max_error(polynomials[k], X0, RADIUS) for k in range(ORDER + 1)]
    # the observed order of the error at one point: |f - P_k| ~ |c_{k+1}| h^(k+1)
    h = 0.1
    observed = [math.log2(abs(f(X0 + h) - p(X0 + h)) / abs(f(X0 + h / 2) - p(X0 + h / 2)))
                for p in polynomials]
    result = {
        "x0": X0,
        "coefficients": coefficients,
        "derivatives": [math.factorial(k) * c for k, c in enumerate(coefficients)],
        "max_error": errors,  # max |f - P_k| on |x - x0| <= RADIUS, k = 0..ORDER
        "radius": RADIUS,
        "observed_order": observed,  # log2 of err(h) / err(h/2) at h = 0.1, k = 0..ORDER
        "source": g.source,
        "png": plot(coefficients, X0, png_path) if png_path is not None else None,
    }
    if verbose:
        print("Taylor coefficients of f(x) = exp(sin x) atan x at x0 = %g, one pf.taylor call"
              % X0)
        print("%3s %22s %22s %16s %10s" % ("k", "c_k", "f^(k)(x0) = k! c_k",
                                            "max|f - P_k|", "order"))
        for k in range(ORDER + 1):
            print("%3d %22.15e %22.15e %16.3e %10.2f" % (
                k, coefficients[k], result["derivatives"][k], errors[k], observed[k]))
        print("max|f - P_k| over |x - x0| <= %g; order = log2(err(x0 + %g) / err(x0 + %g)),"
              " expected k + 1" % (RADIUS, h, h / 2))
        print()
        print("the Taylor-mode code pushforward wrote (g.source):")
        print(g.source)
        if png_path is not None:
            print("picture: %s" % (result["png"] or "not drawn (matplotlib is not installed)"))
    return result


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.gettempdir(),
                                                               "taylor_approximation.png")
    r = main(png_path=path, verbose=True)
    assert all(a > b for a, b in zip(r["max_error"], r["max_error"][1:]))
