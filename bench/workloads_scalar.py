"""Scalar benchmark workloads: plain-Python functions on floats and the ``math`` module.

Every workload is a pair:

* the **primal** ``f(*args)``: ordinary Python a user would write and hand to
  ``pushforward.forward_diff`` / ``pushforward.jvp``;
* a **hand-written derivative** ``f_jvp(*args, t)``: the derivative of the *same
  algorithm*, written by hand the way a careful engineer would -- value and
  derivative computed together in one pass, common subexpressions shared, no
  primal value recomputed -- returning ``(value, derivative)`` along the tangent
  ``t`` of the differentiated argument (``t`` is a float for a scalar argument,
  a list for the Rosenbrock direction).

The hand derivatives deliberately differentiate the program as written, not a
different algorithm: Black-Scholes uses the chain rule through ``erf``/``exp``
rather than the closed-form delta ``N(d1)``, and the Newton solve carries the
tangent through every iteration rather than using the implicit-function
derivative after convergence.  That is the yardstick for "pushforward's
generated code vs. hand-written code for the same computation".

Conventions that keep the same code object usable by ``bench/dual.py``:

* math functions are always called as ``math.name(...)`` (never
  ``from math import name``), and constants are read from module globals; the
  dual-number benchmark re-binds the functions of this module to a copy of its
  globals in which ``math`` is the dual-aware namespace ``dual.dmath``
  (see ``dual.dualize``).  The bytecode is unchanged.
* helper functions (``pendulum_rhs``) are module-level and called through
  globals, so they are re-bound as well.
* ``abs`` and comparisons are the only builtins used on active values.

Nothing here imports pushforward.
"""

import math
from dataclasses import dataclass, field

# --------------------------------------------------------------------------
# (a) rational function of two variables, d/dx
# --------------------------------------------------------------------------


def rational(x, y):
    num = x * x * x * y - 2.0 * x * y * y + 3.0 * x - 1.0
    den = 1.0 + x * x + y * y
    return num / den


def rational_jvp(x, y, dx):
    x2 = x * x
    num = x2 * x * y - 2.0 * x * y * y + 3.0 * x - 1.0
    dnum = (3.0 * x2 * y - 2.0 * y * y + 3.0) * dx
    den = 1.0 + x2 + y * y
    dden = 2.0 * x * dx
    v = num / den
    return v, (dnum - v * dden) / den


# --------------------------------------------------------------------------
# (b) Black-Scholes European call, d/dS (chain rule through erf)
# --------------------------------------------------------------------------

INV_SQRT2 = 0.7071067811865476          # 1 / sqrt(2)
INV_SQRT2PI = 0.3989422804014327        # 1 / sqrt(2 pi)


def black_scholes(S, K, T, r, sigma):
    sst = sigma * math.sqrt(T)
    d1 = (math.log(S / K) + (r + 0.5 * sigma * sigma) * T) / sst
    d2 = d1 - sst
    n1 = 0.5 * (1.0 + math.erf(d1 * INV_SQRT2))
    n2 = 0.5 * (1.0 + math.erf(d2 * INV_SQRT2))
    return S * n1 - K * math.exp(-r * T) * n2


def black_scholes_jvp(S, K, T, r, sigma, dS):
    sst = sigma * math.sqrt(T)
    d1 = (math.log(S / K) + (r + 0.5 * sigma * sigma) * T) / sst
    d2 = d1 - sst
    n1 = 0.5 * (1.0 + math.erf(d1 * INV_SQRT2))
    n2 = 0.5 * (1.0 + math.erf(d2 * INV_SQRT2))
    disc = K * math.exp(-r * T)
    value = S * n1 - disc * n2
    dd1 = dS / (S * sst)                 # d(log(S/K)) / sst; dd2 == dd1
    dn = (S * math.exp(-0.5 * d1 * d1) - disc * math.exp(-0.5 * d2 * d2)) * INV_SQRT2PI
    return value, dS * n1 + dn * dd1


# --------------------------------------------------------------------------
# (c) pendulum theta'' = -(g/L) sin(theta), 100 RK4 steps, d/dtheta0
# --------------------------------------------------------------------------

G_OVER_L = 9.81 / 1.5


def pendulum_rhs(theta, omega):
    return omega, -G_OVER_L * math.sin(theta)


def pendulum(theta0, omega0, h, n):
    theta = theta0
    omega = omega0
    for _ in range(n):
        k1t, k1w = pendulum_rhs(theta, omega)
        k2t, k2w = pendulum_rhs(theta + 0.5 * h * k1t, omega + 0.5 * h * k1w)
        k3t, k3w = pendulum_rhs(theta + 0.5 * h * k2t, omega + 0.5 * h * k2w)
        k4t, k4w = pendulum_rhs(theta + h * k3t, omega + h * k3w)
        theta = theta + h / 6.0 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t)
        omega = omega + h / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w)
    return theta


def pendulum_rhs_jvp(theta, omega, dtheta, domega):
    return omega, -G_OVER_L * math.sin(theta), domega, -G_OVER_L * math.cos(theta) * dtheta


def pendulum_jvp(theta0, omega0, h, n, dtheta0):
    theta = theta0
    omega = omega0
    dtheta = dtheta0
    domega = 0.0
    hh = 0.5 * h
    h6 = h / 6.0
    for _ in range(n):
        k1t, k1w, dk1t, dk1w = pendulum_rhs_jvp(theta, omega, dtheta, domega)
        k2t, k2w, dk2t, dk2w = pendulum_rhs_jvp(
            theta + hh * k1t, omega + hh * k1w, dtheta + hh * dk1t, domega + hh * dk1w)
        k3t, k3w, dk3t, dk3w = pendulum_rhs_jvp(
            theta + hh * k2t, omega + hh * k2w, dtheta + hh * dk2t, domega + hh * dk2w)
        k4t, k4w, dk4t, dk4w = pendulum_rhs_jvp(
            theta + h * k3t, omega + h * k3w, dtheta + h * dk3t, domega + h * dk3w)
        theta = theta + h6 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t)
        omega = omega + h6 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w)
        dtheta = dtheta + h6 * (dk1t + 2.0 * dk2t + 2.0 * dk3t + dk4t)
        domega = domega + h6 * (dk1w + 2.0 * dk2w + 2.0 * dk3w + dk4w)
    return theta, dtheta


# --------------------------------------------------------------------------
# (d) Newton solve of x**3 + a*x = b (while loop + tolerance), d/db
# --------------------------------------------------------------------------


def newton_cubic(b, a):
    x = 1.0
    step = 1.0
    while abs(step) > 1e-12:
        fx = x * x * x + a * x - b
        step = fx / (3.0 * x * x + a)
        x = x - step
    return x


def newton_cubic_jvp(b, a, db):
    # tangent carried through every iteration (the derivative of this program);
    # it converges to the implicit derivative db / (3 x**2 + a).
    x = 1.0
    dx = 0.0
    step = 1.0
    while abs(step) > 1e-12:
        x2 = x * x
        fx = x2 * x + a * x - b
        den = 3.0 * x2 + a
        dfx = den * dx - db
        step = fx / den
        dstep = (dfx - step * 6.0 * x * dx) / den
        x = x - step
        dx = dx - dstep
    return x, dx


# --------------------------------------------------------------------------
# (e) piecewise function with if / elif / else, d/dx
# --------------------------------------------------------------------------


def piecewise(x, k):
    if x < -1.0:
        y = k * math.exp(x + 1.0) - 2.0 * k
    elif x <= 2.0:
        t = x * x
        y = k * (t - 1.0) / (1.0 + t) + math.sin(3.0 * x)
    else:
        y = k * math.log(x - 1.0) + 0.6 * x
    return y


def piecewise_jvp(x, k, dx):
    if x < -1.0:
        e = math.exp(x + 1.0)
        return k * e - 2.0 * k, k * e * dx
    elif x <= 2.0:
        t = x * x
        den = 1.0 + t
        q = (t - 1.0) / den
        # d q / d x = 4 x / (1 + t)**2 = 2x (1 - q) / den
        return (k * q + math.sin(3.0 * x),
                (k * 2.0 * x * (1.0 - q) / den + 3.0 * math.cos(3.0 * x)) * dx)
    else:
        return k * math.log(x - 1.0) + 0.6 * x, (k / (x - 1.0) + 0.6) * dx


# --------------------------------------------------------------------------
# (f) 10-variable Rosenbrock over a Python list, JVP along a direction list
# --------------------------------------------------------------------------


def rosenbrock(xs):
    total = 0.0
    for i in range(len(xs) - 1):
        a = xs[i]
        t = xs[i + 1] - a * a
        u = 1.0 - a
        total = total + 100.0 * t * t + u * u
    return total


def rosenbrock_jvp(xs, dxs):
    total = 0.0
    dtotal = 0.0
    for i in range(len(xs) - 1):
        a = xs[i]
        da = dxs[i]
        t = xs[i + 1] - a * a
        u = 1.0 - a
        total = total + 100.0 * t * t + u * u
        dtotal = dtotal + 200.0 * t * (dxs[i + 1] - 2.0 * a * da) - 2.0 * u * da
    return total, dtotal


# --------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------


@dataclass
class Workload:
    name: str
    func: object            # primal f(*args)
    hand: object            # hand(*args, t) -> (value, derivative along t)
    args: tuple             # primal arguments
    wrt: int                # index of the differentiated argument
    tangent: object         # tangent of args[wrt] (float, or list for a list argument)
    description: str = ""
    scalar_wrt: bool = field(init=False)

    def __post_init__(self):
        self.scalar_wrt = isinstance(self.args[self.wrt], float)

    def tangents(self):
        """Tangent tuple for ``pf.jvp``: ``None`` for every constant argument."""
        return tuple(self.tangent if i == self.wrt else None for i in range(len(self.args)))


WORKLOADS = [
    Workload("rational", rational, rational_jvp, (1.3, -0.7), 0, 1.0,
             "(x^3 y - 2xy^2 + 3x - 1)/(1 + x^2 + y^2), d/dx"),
    Workload("black_scholes", black_scholes, black_scholes_jvp,
             (105.0, 100.0, 0.75, 0.03, 0.25), 0, 1.0,
             "Black-Scholes call via math.erf, d/dS"),
    Workload("pendulum_rk4", pendulum, pendulum_jvp, (0.8, 0.0, 0.01, 100), 0, 1.0,
             "100 RK4 steps of theta'' = -g/L sin theta, rhs is a called function, d/dtheta0"),
    Workload("newton_cubic", newton_cubic, newton_cubic_jvp, (5.0, 2.0), 0, 1.0,
             "Newton while-loop solving x^3 + a x = b to 1e-12, d/db"),
    Workload("piecewise", piecewise, piecewise_jvp, (0.7, 1.5), 0, 1.0,
             "if/elif/else piecewise function (middle branch taken), d/dx"),
    Workload("rosenbrock10", rosenbrock, rosenbrock_jvp,
             ([-1.2, 1.0, 0.5, -0.3, 0.9, 1.1, 0.2, -0.8, 1.4, 0.6],), 0,
             [1.0, -0.5, 0.25, 0.8, -1.0, 0.3, 0.6, -0.2, 0.1, 0.9],
             "10-variable Rosenbrock over a Python list, JVP along a direction list"),
]


# --------------------------------------------------------------------------
# honesty checks (not timed)
# --------------------------------------------------------------------------


def _shift(w, eps):
    """Arguments with args[wrt] moved by eps * tangent."""
    args = list(w.args)
    x = args[w.wrt]
    if w.scalar_wrt:
        args[w.wrt] = x + eps * w.tangent
    else:
        args[w.wrt] = [xi + eps * ti for xi, ti in zip(x, w.tangent)]
    return args


def central_difference(w, h=1e-5):
    """Directional derivative of w.func along w.tangent by a central difference."""
    return (w.func(*_shift(w, h)) - w.func(*_shift(w, -h))) / (2.0 * h)


def close(a, b, rel):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def check_hand(w, fd_rel=1e-6):
    """Assert the hand derivative's value equals the primal and its derivative a central FD."""
    value = w.func(*w.args)
    hv, hd = w.hand(*w.args, w.tangent)
    assert close(hv, value, 1e-12), f"{w.name}: hand value {hv!r} != primal {value!r}"
    fd = central_difference(w)
    assert close(hd, fd, fd_rel), f"{w.name}: hand derivative {hd!r} != central FD {fd!r}"
    return value, hd, fd


if __name__ == "__main__":
    for w in WORKLOADS:
        v, d, fd = check_hand(w)
        print(f"{w.name:15s} value={v:+.15g} hand={d:+.15g} fd={fd:+.15g}")
