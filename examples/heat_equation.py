"""Sensitivity of an explicit finite-difference heat equation solution to its initial condition.

The solver updates the temperature array in place, time step after time step; pushforward
differentiates it as written (JAX would need the in-place update rewritten). `pf.jvp` gives
how the final temperature profile moves when the initial one is perturbed by a bump, and
`pf.jacobian` the whole sensitivity matrix d u_final / d u0 in one vectorised pass: column j is
the response to a unit change of the initial temperature at node j (the scheme's Green's
function).

Run: python examples/heat_equation.py
"""

import numpy as np

import pushforward as pf


def solve_heat(u0, alpha, steps):
    """Explicit scheme for u_t = u_xx on [0, 1], fixed ends; alpha = dt / dx**2 <= 1/2."""
    u = u0.copy()
    for _ in range(steps):
        u[1:-1] += alpha * (u[2:] - 2.0 * u[1:-1] + u[:-2])
    return u


if __name__ == "__main__":
    x = np.linspace(0.0, 1.0, 41)
    u0 = np.sin(np.pi * x) + 0.3 * np.sin(3 * np.pi * x)
    bump = np.exp(-((x - 0.3) / 0.05) ** 2)  # where the initial condition is perturbed
    u, du = pf.jvp(solve_heat, (u0, 0.4, 200), (bump, None, None))

    h = 1e-6  # a central finite difference as an independent check
    fd = (solve_heat(u0 + h * bump, 0.4, 200) - solve_heat(u0 - h * bump, 0.4, 200)) / (2 * h)
    print("final temperature at x = 0.3, 0.5, 0.7:", np.round(u[[12, 20, 28]], 6))
    print("its sensitivity to the bump:            ", np.round(du[[12, 20, 28]], 6))
    print("max |pushforward - finite difference|:   %.2e" % np.max(np.abs(du - fd)))
    assert np.array_equal(u, solve_heat(u0, 0.4, 200))
    assert np.max(np.abs(du - fd)) < 1e-7
    # the scheme is linear in u0: the sensitivity is the solution started from the bump
    assert np.allclose(du, solve_heat(bump, 0.4, 200), rtol=0, atol=1e-12)

    J = pf.jacobian(solve_heat)(u0, 0.4, 200)  # 41 x 41, all columns in one pass
    print("sensitivity matrix:", J.shape, "; J @ bump equals the JVP:",
          np.allclose(J @ bump, du, rtol=0, atol=1e-12))
    assert np.allclose(J @ bump, du, rtol=0, atol=1e-12)
    assert np.all(J[[0, -1]][:, 1:-1] == 0.0)  # the fixed ends do not feel the interior
    print("response at x = 0.5 to a unit change at x = 0.3, 0.5, 0.7:",
          np.round(J[20, [12, 20, 28]], 6))
    print()
    print("the derivative code pushforward wrote:")
    print(pf.source(solve_heat, wrt="u0"))
