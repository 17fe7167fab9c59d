#!/usr/bin/env python
"""Higher-order benchmark: Taylor mode vs nested derivatives vs jax.experimental.jet, and
second order (pf.hessian, pf.hvp) on a NumPy Rosenbrock.

Run from the repository root::

    python bench/higher.py            # full run (31 interleaved rounds)
    python bench/higher.py --quick    # 7 rounds, short loops (still ~1 min: transformations, jet)

For the Black-Scholes and pendulum workloads of ``workloads_scalar.py`` (differentiated with
respect to the same argument as in ``scalar.py``, along the tangent 1) and the orders
K = 2, 4, 8, 16, it times, in one process, interleaved round by round:

  primal     f(*args)
  taylor K   g(primals, directions) with g = pushforward.taylor(f, order=K) built once
             -> [c_0 .. c_K], c_k = d^k/dt^k f(x + t v) / k!
  nested K   dK(*args) with dK = pushforward.derivative(f, order=K) (forward_diff nested K
             times), K <= 8 only; its one-time transformation is timed separately
  jet K      jax.jit of jax.experimental.jet.jet on a JAX version of the workload (float64;
             compiled beforehand, compile time reported apart)
  jax primal jax.jit of the JAX version

and a second table: pf.hessian of an n-variable NumPy Rosenbrock (n = 10, 50) vs n calls of
pf.hvp along the basis vectors, and one pf.hvp vs one gradient by pf.forward_diff.

Before anything is timed it checks: Taylor coefficients c_k * k! equal the nested derivatives
for k <= 4 (and k = 8), and jet's derivatives (rtol 1e-8); the Hessians and HVPs equal the
hand-written Rosenbrock Hessian.  A failed check prints an ERROR line and the run goes on.
Nothing is asserted about time.  JAX is optional: without it the jet columns show "n/a".
"""

import argparse
import math
import os
import platform
import random
import sys
import time
import traceback

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import workloads_scalar as W  # noqa: E402
from harness import (Case, describe, fmt_ratio, fmt_us, import_pushforward, median,  # noqa: E402
                     print_problems, short, spread, verdict)

TARGET_TAYLOR_OVER_NESTED_AT_8 = 10.0   # Taylor at order 8 >= 10x faster than 8 nested derivatives
TARGET_TAYLOR_OVER_JET = 3.0            # pf.taylor within 3x of jet
ORDERS = (2, 4, 8, 16)
GROWTH_ORDERS = (32, 64)                # Taylor only, for the growth table
NESTED_MAX = 8                          # nested derivatives of order 16 are out of reach
CHECK_MAX = 4                           # Taylor vs nested checked for k <= 4 (and k = 8)
RTOL = 1e-8
WORKLOAD_NAMES = ("black_scholes", "pendulum_rk4")
HESSIAN_SIZES = (10, 50)

jax = jnp = lax = jet = jss = None       # bound by import_jax()


# ==========================================================================
# JAX versions of the two workloads (float64)
# ==========================================================================


def black_scholes_jax(S, K, T, r, sigma):
    sst = sigma * jnp.sqrt(T)
    d1 = (jnp.log(S / K) + (r + 0.5 * sigma * sigma) * T) / sst
    d2 = d1 - sst
    n1 = 0.5 * (1.0 + jss.erf(d1 * W.INV_SQRT2))
    n2 = 0.5 * (1.0 + jss.erf(d2 * W.INV_SQRT2))
    return S * n1 - K * jnp.exp(-r * T) * n2


def pendulum_rhs_jax(theta, omega):
    return omega, -W.G_OVER_L * jnp.sin(theta)


def pendulum_step_jax(theta, omega, h):
    """One RK4 step, the body of workloads_scalar.pendulum's loop."""
    k1t, k1w = pendulum_rhs_jax(theta, omega)
    k2t, k2w = pendulum_rhs_jax(theta + 0.5 * h * k1t, omega + 0.5 * h * k1w)
    k3t, k3w = pendulum_rhs_jax(theta + 0.5 * h * k2t, omega + 0.5 * h * k2w)
    k4t, k4w = pendulum_rhs_jax(theta + h * k3t, omega + h * k3w)
    return (theta + h / 6.0 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t),
            omega + h / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w))


def pendulum_jax(theta0, omega0, h, n):
    def body(_, c):
        return pendulum_step_jax(c[0], c[1], h)
    omega = jnp.zeros_like(theta0) + omega0
    return lax.fori_loop(0, n, body, (theta0, omega))[0]


def jax_callables(name, args, order):
    """(jit jet, jit primal, x, v, derivatives(out) -> [f, f', ..., f^(K)]).

    jet's series are derivatives, not Taylor coefficients (its default factorial_scaled=True):
    the input x(t) = x + t v is (x, (v, 0, ..., 0)), and output k is d^k/dt^k f(x(t))."""
    x0, rest = args[0], args[1:]
    if name == "black_scholes":
        def run(x, v):
            return jet(lambda s: black_scholes_jax(s, *rest), (x,),
                       ((v,) + (jnp.zeros_like(v),) * (order - 1),))

        def derivatives(out):
            return [float(out[0])] + [float(y) for y in out[1]]

        def primal(x):
            return black_scholes_jax(x, *rest)
    elif name == "pendulum_rk4":
        omega0, h, n = rest
        # jet has no rule for the loop primitives (jet of lax.fori_loop raises KeyError: 'scan',
        # of lax.while_loop KeyError: 'while'), and jet of the 100-step Python loop unrolled takes
        # over a minute to compile at K = 2. jet maps a truncated Taylor polynomial of the inputs
        # to the truncated polynomial of the outputs, so composing jets of one RK4 step inside a
        # fori_loop carries exactly the series of the whole integration.

        def run(x, v):
            zeros = jnp.zeros(order)
            ts = zeros.at[0].set(v)

            def body(_, c):
                th, om, ts, os = c
                (th, om), (ts, os) = jet(lambda a, b: pendulum_step_jax(a, b, h), (th, om),
                                         (list(ts), list(os)))
                return th, om, jnp.stack(ts), jnp.stack(os)

            c = lax.fori_loop(0, n, body, (x, jnp.zeros_like(x) + omega0, ts, zeros))
            return c[0], c[2]

        def derivatives(out):
            return [float(out[0])] + [float(y) for y in out[1]]

        def primal(x):
            return pendulum_jax(x, omega0, h, n)
    else:
        raise KeyError(name)
    return (jax.jit(run), jax.jit(primal), jnp.asarray(x0, dtype=jnp.float64),
            jnp.asarray(1.0, dtype=jnp.float64), derivatives)


# ==========================================================================
# NumPy Rosenbrock for the second-order table
# ==========================================================================


def rosenbrock_np(x):
    return np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def rosenbrock_np_grad(x):
    t = x[1:] - x[:-1] ** 2
    g = np.zeros_like(x)
    g[:-1] = -400.0 * x[:-1] * t - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * t
    return g


def rosenbrock_np_hess(x):
    n = x.size
    H = np.zeros((n, n))
    i = np.arange(n - 1)
    H[i, i] += 1200.0 * x[:-1] ** 2 - 400.0 * x[1:] + 2.0
    H[i + 1, i + 1] += 200.0
    H[i, i + 1] = H[i + 1, i] = -400.0 * x[:-1]
    return H


# ==========================================================================
# imports, checks
# ==========================================================================


def import_jax(skip):
    global jax, jnp, lax, jet, jss
    if skip:
        return "jax skipped"
    try:
        import jax as _jax

        _jax.config.update("jax_enable_x64", True)
        import jax.numpy as _jnp
        import jax.scipy.special as _jss
        from jax import lax as _lax
        from jax.experimental.jet import jet as _jet
    except Exception as e:  # noqa: BLE001
        return f"jax not available ({type(e).__name__})"
    jax, jnp, lax, jet, jss = _jax, _jnp, _lax, _jet, _jss
    return f"jax {_jax.__version__} ({_jax.default_backend()})"


def rel_diff(a, b):
    a, b = float(a), float(b)
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


class Checks:
    """Correctness results: one summary line per check kind, ERROR lines for failures."""

    def __init__(self):
        self.worst = {}      # label -> (max rel diff, count)
        self.failed = []     # messages
        self.bad = set()     # (group, variant) whose result was wrong

    def compare(self, label, what, got, want, key=None, rtol=RTOL):
        d = rel_diff(got, want)
        worst, count = self.worst.get(label, (0.0, 0))
        self.worst[label] = (max(worst, d), count + 1)
        if not d <= rtol:
            self.failed.append(f"{label}: {what}: {got!r} != {want!r} (rel diff {d:.1e})")
            if key is not None:
                self.bad.add(key)
            return False
        return True

    def compare_arrays(self, label, what, got, want, key=None, rtol=1e-12):
        got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        if got.shape != want.shape:
            d = float("inf")
        else:
            d = float(np.max(np.abs(got - want), initial=0.0)
                      / max(1.0, np.max(np.abs(want), initial=0.0)))
        worst, count = self.worst.get(label, (0.0, 0))
        self.worst[label] = (max(worst, d), count + 1)
        if not d <= rtol:
            self.failed.append(f"{label}: {what}: differs (max abs diff / max(1, max|ref|) "
                               f"{d:.1e}, shape {got.shape} vs {want.shape})")
            if key is not None:
                self.bad.add(key)

    def error(self, label, what, key=None):
        self.failed.append(f"{label}: {what}")
        if key is not None:
            self.bad.add(key)

    def report(self):
        print("## Checks (not timed)")
        print()
        for label, (worst, count) in self.worst.items():
            print(f"  {label}: {count} values, max rel diff {worst:.1e}")
        for msg in self.failed:
            print(f"  ERROR: check failed: {msg}")
        if not self.failed:
            print("  all checks passed")
        print()


# ==========================================================================
# timing (the harness of arrays.py: calibrated timeit loops, per-round ratios)
# ==========================================================================


def fmt_s(s):
    return f"{s:.2f}" if s < 10 else f"{s:.1f}"


def fmt_long(s):
    """An extrapolated duration."""
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    if s < 3 * 86400:
        return f"{s / 3600:.0f} h"
    return f"{s / 86400:.0f} days"


def run_rounds(groups, baseline, rounds, errors, seed=2024):
    """Run every case once per round; return the ids of the cases that raised.

    The cases of one group (a workload) run back to back in a shuffled order, so the ratios
    between them are taken over a short stretch of time; the groups' order is shuffled too."""
    rng = random.Random(seed)
    failed = set()
    for _ in range(rounds):
        order = list(groups)
        rng.shuffle(order)
        for group in order:
            cases = list(group)
            rng.shuffle(cases)
            for c in cases:
                if id(c) in failed:
                    continue
                try:
                    c.run()
                except Exception as e:  # noqa: BLE001
                    failed.add(id(c))
                    errors[(c.workload, c.variant)] = describe(e)
                    errors[(c.workload, c.variant, "tb")] = traceback.format_exc(limit=-3)
        baseline.run()
    return failed


def round_ratio(a, b, loop_cost):
    """Median over rounds of a's time over b's time in the same round."""
    if a is None or b is None or not a.samples or len(a.samples) != len(b.samples):
        return None
    return median([max(x - loop_cost, 1e-12) / max(y - loop_cost, 1e-12)
                   for x, y in zip(a.samples, b.samples)])


# ==========================================================================
# setup of the Taylor workloads: build, check
# ==========================================================================


def all_orders(opts):
    return sorted(set(opts.orders) | set(opts.growth_orders))


def nested_cold(pf, api, w, k):
    """clear_cache(); build pf.derivative(f, order=k); call it once. -> (fn, value, s, s)."""
    if api is not None and hasattr(api, "clear_cache"):
        api.clear_cache()
    t0 = time.perf_counter()
    d = pf.derivative(w.func, order=k) if w.wrt == 0 else \
        pf.derivative(w.func, order=k, wrt=w.wrt)
    t1 = time.perf_counter()
    value = d(*w.args)
    t2 = time.perf_counter()
    return d, value, t1 - t0, t2 - t1


def setup_workload(w, pf, api, opts, checks, errors, warnings):
    """Build every variant of one workload, check it, and return (namespace, stmts, info)."""
    name = w.name
    names = [f"a{i}" for i in range(len(w.args))]
    ns = dict(zip(names, w.args))
    ns.update(f=w.func, t=w.tangent)
    plain = ", ".join(names)
    dirs = ", ".join("t" if i == w.wrt else "None" for i in range(len(names)))
    stmts = {"primal": f"f({plain})"}
    info = {"transform": {}, "build": {}, "first": {}, "compile_ms": {}}
    primal_value = w.func(*w.args)
    if pf is None:
        return ns, stmts, info

    # nested derivatives, each transformed from an empty cache (orders 1 and 3 only for checks)
    nested = {}
    wanted = sorted(set(range(1, CHECK_MAX + 1)) | {k for k in opts.orders if k <= NESTED_MAX})
    for k in wanted:
        try:
            d, value, build_s, first_s = nested_cold(pf, api, w, k)
        except Exception as e:  # noqa: BLE001
            errors[(name, f"nested{k}")] = describe(e)
            errors[(name, f"nested{k}", "tb")] = traceback.format_exc(limit=-3)
            continue
        nested[k] = float(value)
        if k in opts.orders:
            ns[f"d{k}"] = d
            stmts[f"nested{k}"] = f"d{k}({plain})"
            info["build"][k], info["first"][k] = [build_s], [first_s]
            info["transform"][k] = [build_s + first_s]
        if opts.verbose:
            print(f"  {name}: pf.derivative(order={k}) built in {build_s:.2f} s, "
                  f"first call {first_s * 1e3:.1f} ms", flush=True)

    # Taylor mode, checked against the nested derivatives
    taylor_d = {}
    for k in all_orders(opts):
        try:
            g = pf.taylor(w.func, order=k)
            c = g(w.args, w.tangents())
        except Exception as e:  # noqa: BLE001
            errors[(name, f"taylor{k}")] = describe(e)
            errors[(name, f"taylor{k}", "tb")] = traceback.format_exc(limit=-3)
            continue
        ns[f"g{k}"] = g
        stmts[f"taylor{k}"] = f"g{k}(({plain},), ({dirs},))"
        if not (isinstance(c, list) and len(c) == k + 1):
            checks.error(f"{name} pf.taylor", f"order={k} returned {short(repr(c), 60)}, "
                         f"expected a list of {k + 1} coefficients", key=(name, f"taylor{k}"))
            continue
        d = [float(ck) * math.factorial(j) for j, ck in enumerate(c)]
        taylor_d[k] = d
        if c[0] != primal_value:
            warnings.append(f"{name}: pf.taylor(order={k}) c_0 = {c[0]!r} is not bit-identical "
                            f"to the primal {primal_value!r}")
        checks.compare(f"{name}: pf.taylor c_0 vs the primal", f"order={k}", d[0], primal_value,
                       key=(name, f"taylor{k}"))
        for j in range(1, k + 1):
            if j in nested and (j <= CHECK_MAX or j == NESTED_MAX):
                checks.compare(f"{name}: pf.taylor c_k*k! vs pf.derivative(order=k), "
                               f"k <= {CHECK_MAX} and k = {NESTED_MAX}",
                               f"order={k}, k={j}", d[j], nested[j], key=(name, f"taylor{k}"))
    info["taylor_d"] = taylor_d
    return ns, stmts, info


def setup_jet(w, ns, stmts, info, checks, errors):
    """Compile jet for every order, check it against pf.taylor, add its statements."""
    name = w.name
    ns["block"] = jax.block_until_ready
    for k in sorted(info["orders"]):
        try:
            jf, jprimal, x, v, derivatives = jax_callables(name, w.args, k)
            t0 = time.perf_counter()
            out = jax.block_until_ready(jf(x, v))
            info["compile_ms"][k] = (time.perf_counter() - t0) * 1e3
            d = derivatives(out)
        except Exception as e:  # noqa: BLE001
            errors[(name, f"jet{k}")] = describe(e)
            errors[(name, f"jet{k}", "tb")] = traceback.format_exc(limit=-3)
            continue
        ns.update({f"jet{k}": jf, "jprimal": jprimal, "jx": x, "jv": v})
        stmts[f"jet{k}"] = f"block(jet{k}(jx, jv))"
        ref = info["taylor_d"].get(k)
        if ref is None:
            checks.error(f"{name} jet", f"order={k}: no pf.taylor result to compare with")
        elif len(d) != len(ref):
            checks.error(f"{name} jet", f"order={k}: {len(d)} coefficients, expected {len(ref)}",
                         key=(name, f"jet{k}"))
        else:
            for j in range(k + 1):
                checks.compare(f"{name}: pf.taylor c_k*k! vs jet's derivatives, k <= K",
                               f"order={k}, k={j}", ref[j], d[j], key=(name, f"jet{k}"))
    if "jprimal" in ns:
        try:
            t0 = time.perf_counter()
            jax.block_until_ready(ns["jprimal"](ns["jx"]))
            info["jax_primal_compile_ms"] = (time.perf_counter() - t0) * 1e3
            stmts["jax_primal"] = "block(jprimal(jx))"
        except Exception as e:  # noqa: BLE001
            errors[(name, "jax_primal")] = describe(e)


# ==========================================================================
# the Taylor tables
# ==========================================================================


def taylor_tables(opts, pf, api, tmod, import_error, jax_found, errors, warnings, checks):
    rounds = opts.rounds or (7 if opts.quick else 31)
    target_s = (opts.target_ms or (3.0 if opts.quick else 10.0)) / 1e3
    workloads = [w for w in W.WORKLOADS if w.name in WORKLOAD_NAMES
                 and (not opts.only or w.name in opts.only)]
    if not workloads:
        return {}
    print(f"Building (nested derivatives are transformed from an empty cache, up to order "
          f"{max([k for k in opts.orders if k <= NESTED_MAX], default=0)}: this takes a while)…",
          flush=True)
    setups = {}
    for w in workloads:
        ns, stmts, info = setup_workload(w, pf, api, opts, checks, errors, warnings)
        info["orders"] = list(opts.orders)
        if jax is not None and pf is not None:
            setup_jet(w, ns, stmts, info, checks, errors)
        setups[w.name] = (ns, stmts, info)
    checks.report()

    # ---- calibrate and run interleaved rounds ------------------------------------------------
    baseline = Case(None, "empty", "pass", {})
    groups, cases = [], {}
    for w in workloads:
        ns, stmts, _ = setups[w.name]
        group = []
        for variant, stmt in stmts.items():
            c = Case(w.name, variant, stmt, ns)
            try:
                c.calibrate(target_s)
            except Exception as e:  # noqa: BLE001
                errors[(w.name, variant)] = describe(e)
                errors[(w.name, variant, "tb")] = traceback.format_exc(limit=-3)
                continue
            cases[(w.name, variant)] = c
            group.append(c)
        groups.append(group)
    baseline.calibrate(target_s)
    if opts.verbose:
        print("Timed statements (namespace: a0.. = args, t = tangent):")
        for c in (c for group in groups for c in group):
            print(f"  {c.workload:14s} {c.variant:10s} x{c.number:<6d} {c.stmt}")
        print()
    print(f"Timing: {rounds} rounds…", flush=True)
    failed = run_rounds(groups, baseline, rounds, errors)
    loop_cost = median(baseline.samples)

    # ---- one-time costs, measured after the per-call timing (clear_cache drops everything) -----
    repeats = 1 if opts.quick else 3
    taylor_ms = {}
    for w in workloads:
        info = setups[w.name][2]
        if pf is None:
            continue
        for _ in range(repeats - 1):
            for k in sorted(info["transform"]):
                try:
                    _, _, b, f1 = nested_cold(pf, api, w, k)
                    info["transform"][k].append(b + f1)
                except Exception as e:  # noqa: BLE001
                    errors[(w.name, f"nested{k}")] = describe(e)
        for k in opts.orders:  # the coefficient code of numbers is written for each K
            times = []
            for _ in range(3 if opts.quick else 7):
                try:
                    if tmod is not None and hasattr(tmod, "clear_cache"):
                        tmod.clear_cache()
                    if api is not None and hasattr(api, "clear_cache"):
                        api.clear_cache()
                    t0 = time.perf_counter()
                    pf.taylor(w.func, order=k)(w.args, w.tangents())
                    times.append(time.perf_counter() - t0)
                except Exception as e:  # noqa: BLE001
                    errors[(w.name, "taylor transform")] = describe(e)
                    break
            if times:
                taylor_ms[w.name, k] = median(times) * 1e3

    def case(wname, variant):
        c = cases.get((wname, variant))
        return None if c is None or id(c) in failed or not c.samples else c

    def cell(wname, variant, value, digits=2):
        if (wname, variant) in errors:
            return "ERR: " + short(errors[(wname, variant)])
        if value is None:
            return "n/a"
        mark = " (wrong)" if (wname, variant) in checks.bad else ""
        return fmt_ratio(value, digits) + mark

    results = {"speedup8": {}, "over_jet": {}, "growth": {}, "noisy": []}
    jet_na = "n/a" if jax is not None else "n/a (no jax)"
    for w in workloads:
        n = w.name
        info = setups[n][2]
        prim = case(n, "primal")
        for c in cases.values():
            if c.workload == n and c.samples and id(c) not in failed:
                results["noisy"].append((spread(c.samples), f"{n}/{c.variant}"))
        p = max(median(prim.samples) - loop_cost, 1e-12)
        print()
        print(f"## {n}: {w.description} "
              f"({rounds} interleaved rounds, ~{target_s * 1e3:g} ms per timeit loop)")
        print()
        print(f"primal {fmt_us(p)} µs. Ratios are medians over rounds of two times measured in "
              "the same round; speedup = nested / taylor.")
        print()
        header = ["K", "pf.taylor µs", "pf.taylor ×primal", "nested ×primal",
                  "nested transform s", "taylor speedup over nested", "jet ×primal",
                  "jet compile ms", "pf.taylor / jet"]
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join(["---:"] * len(header)) + "|")
        t_us = {}
        for k in all_orders(opts):
            if case(n, f"taylor{k}") is not None:
                t_us[k] = median(case(n, f"taylor{k}").samples) - loop_cost
        for k in opts.orders:
            ct, cn, cj = case(n, f"taylor{k}"), case(n, f"nested{k}"), case(n, f"jet{k}")
            r_t = round_ratio(ct, prim, loop_cost)
            r_n = round_ratio(cn, prim, loop_cost)
            r_j = round_ratio(cj, prim, loop_cost)
            speed = round_ratio(cn, ct, loop_cost)
            over_jet = round_ratio(ct, cj, loop_cost)
            if speed is not None and k == NESTED_MAX:
                results["speedup8"][n] = speed
            if over_jet is not None:
                results["over_jet"][(n, k)] = over_jet
            if k > NESTED_MAX:
                nested_cells = ["out of reach", "out of reach", "out of reach"]
            else:
                tr = info["transform"].get(k)
                nested_cells = [cell(n, f"nested{k}", r_n),
                                fmt_s(median(tr)) if tr else "—",
                                fmt_ratio(speed)]
            row = [str(k), fmt_us(t_us[k]) if k in t_us else "—", cell(n, f"taylor{k}", r_t)]
            row += nested_cells
            row += [cell(n, f"jet{k}", r_j) if jax is not None else jet_na,
                    f"{info['compile_ms'][k]:.0f}" if k in info["compile_ms"] else "—",
                    fmt_ratio(over_jet)]
            print("| " + " | ".join(row) + " |")
        print()
        notes = []
        cold = ", ".join(f"{taylor_ms[n, k]:.0f} ms at K = {k}" for k in opts.orders
                         if (n, k) in taylor_ms)
        if cold:
            notes.append(f"pf.taylor transformation (cold, first call included): {cold}; the "
                         "code for numbers spells out every coefficient, so it is written for "
                         "each K")
        nested_times = {k: median(info["transform"][k]) for k in info["transform"]}
        c4, c8 = case(n, "nested4"), case(n, "nested8")
        if 4 in nested_times and 8 in nested_times and c4 is not None and c8 is not None \
                and any(k > NESTED_MAX for k in opts.orders):
            g_tr = (nested_times[8] / nested_times[4]) ** 0.25
            t4, t8 = median(c4.samples) - loop_cost, median(c8.samples) - loop_cost
            g_call = (t8 / t4) ** 0.25
            notes.append(f"nested order 16 not run: out of reach. Extrapolating the growth from "
                         f"order 4 to 8 (×{g_tr:.2f} per order for the transformation, "
                         f"×{g_call:.2f} per order for a call) gives ~"
                         f"{fmt_long(nested_times[8] * g_tr ** 8)} to transform and ~"
                         f"{fmt_long(t8 * g_call ** 8)} per call")
        if 8 in info["build"]:
            notes.append(f"nested transform s = build + first call from an empty cache "
                         f"(median of {len(info['transform'][8])}); order 8: build "
                         f"{info['build'][8][0]:.2f} s, first call "
                         f"{info['first'][8][0] * 1e3:.1f} ms")
        r_jp = round_ratio(case(n, "jax_primal"), prim, loop_cost)
        if r_jp is not None:
            notes.append(f"jax.jit primal: ×{r_jp:.2f} primal "
                         f"(compile {info.get('jax_primal_compile_ms', float('nan')):.0f} ms)")
        if n == "pendulum_rk4" and jax is not None:
            notes.append("jet: a jet of one RK4 step composed inside lax.fori_loop (jet has no "
                         "rule for scan/while; the unrolled 100-step loop takes minutes to compile)")
        for note in notes:
            print(f"* {note}")
        results["growth"][n] = {
            "taylor": t_us,
            "nested": {k: median(c.samples) - loop_cost for k in opts.orders
                       if (c := case(n, f"nested{k}")) is not None},
            "jet": {k: median(c.samples) - loop_cost for k in opts.orders
                    if (c := case(n, f"jet{k}")) is not None},
            "cases": {k: case(n, f"taylor{k}") for k in all_orders(opts)},
        }

    # ---- growth with K ------------------------------------------------------------------------
    k0 = min(opts.orders)
    print()
    print(f"## Cost growth with the order: time(K) / time({k0})")
    print()
    names = [w.name for w in workloads]
    kinds = ("taylor", "nested", "jet") if jax is not None else ("taylor", "nested")
    header = ["K", f"(K/{k0})²", f"K/{k0}"] + [f"{n} {kind}" for kind in kinds for n in names]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---:"] * len(header)) + "|")
    for k in all_orders(opts):
        row = [str(k), fmt_ratio((k / k0) ** 2, 1), fmt_ratio(k / k0, 1)]
        for kind in kinds:
            for n in names:
                g = results["growth"][n]
                if kind == "taylor":
                    cs = g["cases"]
                    r = round_ratio(cs.get(k), cs.get(k0), loop_cost)
                else:
                    times = g[kind]
                    r = times[k] / times[k0] if k in times and k0 in times else None
                if r is not None:
                    row.append(fmt_ratio(r))
                elif kind == "nested" and k > NESTED_MAX:
                    row.append("out of reach")
                else:
                    row.append("—" if k in opts.orders else "not run")
        print("| " + " | ".join(row) + " |")
    print()
    print("Taylor columns: median over rounds of the two times in the same round; nested and jet: "
          "ratio of medians. Every time includes the call's fixed cost (argument handling, "
          "seeding, for jet the dispatch), which flattens the growth at small K.")
    if opts.growth_orders:
        print(f"K = {', '.join(map(str, opts.growth_orders))}: pf.taylor only "
              "(--growth-orders), to show where the K² term takes over.")
    print("Local exponent p of pf.taylor's time ∝ K^p between consecutive orders:")
    for n in names:
        t = results["growth"][n]["taylor"]
        ks = sorted(t)
        parts = [f"{math.log(t[b] / t[a]) / math.log(b / a):.2f} ({a}→{b})"
                 for a, b in zip(ks, ks[1:]) if t[a] > 0 and t[b] > 0]
        print(f"  {n}: " + ", ".join(parts))
    return results


# ==========================================================================
# second order: pf.hessian and pf.hvp on a NumPy Rosenbrock
# ==========================================================================


def hessian_table(opts, pf, import_error, errors, checks):
    rounds = opts.rounds or (7 if opts.quick else 31)
    target_s = (opts.target_ms or (3.0 if opts.quick else 10.0)) / 1e3
    rng = np.random.default_rng(7)
    print()
    print("## Second order: NumPy Rosenbrock "
          "np.sum(100*(x[1:]-x[:-1]**2)**2 + (1-x[:-1])**2)")
    print()
    if pf is None:
        print(f"pushforward: {import_error}")
        return {}
    stmts = {
        "primal": "f(x)",
        "hessian": "hess(x)",
        "columns": "np.stack([hvp(f, (x,), (e,))[0] for e in basis], axis=-1)",
        "hvp": "hvp(f, (x,), (v,))",
        "gradient": "df(x)",
    }
    groups, per_n = [], {}
    for n in HESSIAN_SIZES:
        x = rng.uniform(-1.5, 1.5, n)
        v = rng.standard_normal(n)
        name = f"rosenbrock{n}"
        ns = {"f": rosenbrock_np, "x": x, "v": v, "basis": list(np.eye(n)), "np": np,
              "hvp": pf.hvp}
        H_ref = rosenbrock_np_hess(x)
        ok = {"primal"}
        label = "Rosenbrock: pf.hessian / n pf.hvp / pf.hvp / forward_diff gradient vs hand-written"
        for variant in ("hessian", "columns", "hvp", "gradient"):
            try:
                if variant == "hessian":
                    ns["hess"] = pf.hessian(rosenbrock_np)
                    checks.compare_arrays(label, f"n={n} pf.hessian", ns["hess"](x), H_ref,
                                          key=(name, variant))
                elif variant == "columns":
                    checks.compare_arrays(label, f"n={n} n × pf.hvp", eval(stmts[variant], ns),
                                          H_ref, key=(name, variant))
                elif variant == "hvp":
                    r = eval(stmts[variant], ns)
                    if not (isinstance(r, tuple) and len(r) == 1):
                        checks.error(label, f"n={n} pf.hvp returned {type(r).__name__}, "
                                     "expected a 1-tuple", key=(name, variant))
                    else:
                        checks.compare_arrays(label, f"n={n} pf.hvp", r[0], H_ref @ v,
                                              key=(name, variant))
                else:
                    ns["df"] = pf.forward_diff(rosenbrock_np)
                    r = ns["df"](x)
                    checks.compare_arrays(label, f"n={n} forward_diff value", r[0],
                                          rosenbrock_np(x), key=(name, variant))
                    checks.compare_arrays(label, f"n={n} forward_diff gradient", r[1],
                                          rosenbrock_np_grad(x), key=(name, variant))
                ok.add(variant)
            except Exception as e:  # noqa: BLE001
                errors[(name, variant)] = describe(e)
                errors[(name, variant, "tb")] = traceback.format_exc(limit=-3)
        cases = {}
        for variant in stmts:
            if variant not in ok:
                continue
            c = Case(name, variant, stmts[variant], ns)
            try:
                c.calibrate(target_s)
            except Exception as e:  # noqa: BLE001
                errors[(name, variant)] = describe(e)
                continue
            cases[variant] = c
        per_n[n] = cases
        groups.append(list(cases.values()))
    for msg in checks.failed:
        if msg.startswith("Rosenbrock"):
            print(f"ERROR: check failed: {msg}")
    baseline = Case(None, "empty", "pass", {})
    baseline.calibrate(target_s)
    if opts.verbose:
        for c in (c for group in groups for c in group):
            print(f"  {c.workload:14s} {c.variant:10s} x{c.number:<6d} {c.stmt}")
        print()
    failed = run_rounds(groups, baseline, rounds, errors, seed=777)
    loop_cost = median(baseline.samples)

    def cell(name, variant, value):
        if (name, variant) in errors:
            return "ERR: " + short(errors[(name, variant)])
        if value is None:
            return "n/a"
        return fmt_ratio(value) + (" (wrong)" if (name, variant) in checks.bad else "")

    print(f"{rounds} interleaved rounds, ~{target_s * 1e3:g} ms per timeit loop; ratios are "
          "medians over rounds of two times measured in the same round.")
    print()
    header = ["n", "primal µs", "pf.hessian ×primal", "n × pf.hvp (basis) ×primal",
              "hessian speedup over n HVPs", "pf.hvp ×primal", "forward_diff gradient ×primal",
              "hvp / gradient"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---:"] * len(header)) + "|")
    results = {}
    for n, cs in per_n.items():
        name = f"rosenbrock{n}"
        cs = {k: c for k, c in cs.items() if id(c) not in failed and c.samples}
        prim = cs.get("primal")
        r = {k: round_ratio(cs.get(k), prim, loop_cost) for k in stmts}
        speed = round_ratio(cs.get("columns"), cs.get("hessian"), loop_cost)
        hg = round_ratio(cs.get("hvp"), cs.get("gradient"), loop_cost)
        results[n] = {"speedup": speed, "hvp_over_grad": hg}
        row = [str(n), fmt_us(median(prim.samples) - loop_cost),
               cell(name, "hessian", r["hessian"]), cell(name, "columns", r["columns"]),
               fmt_ratio(speed), cell(name, "hvp", r["hvp"]), cell(name, "gradient", r["gradient"]),
               fmt_ratio(hg)]
        print("| " + " | ".join(row) + " |")
    print()
    print("pf.hessian(f) and pf.forward_diff(f) built once; hvp(f, (x,), (v,)) as a user calls it; "
          "the n HVPs are stacked with np.stack. forward_diff of an array argument gives "
          "(value, gradient) by vector mode (one pass, a batch of n tangents); pf.hvp is one "
          "forward-over-forward pass with a batch of n (e_i, v) pairs; pf.hessian one pass with "
          "a batch of n(n+1)/2 pairs (e_i, e_j), i <= j.")
    return results


# ==========================================================================
# main
# ==========================================================================


def settle_allocator():
    """Allocate and free one 16 MB array, once, before anything is timed.

    glibc's malloc serves blocks over its mmap threshold (128 KB at start) with fresh mmaps and
    returns them at free, so every such temporary costs page faults; freeing one large mmapped
    block raises the threshold (to 16 MB here) for the rest of the process. pf.hessian at n = 50
    (batches of 1275 x 50 floats, 510 KB) runs about 6x faster after that, and whether it had
    happened would otherwise depend on what ran before in the process (--only hessian or not)."""
    a = np.ones(1 << 21)
    del a


def parse_orders(s):
    try:
        orders = sorted({int(k) for k in s.split(",") if k.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"orders must be comma-separated ints, got {s!r}")
    if orders == [0]:
        return ()
    if not orders or orders[0] < 1:
        raise argparse.ArgumentTypeError("orders must be positive")
    return tuple(orders)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="few rounds, short loops")
    ap.add_argument("--rounds", type=int, help="interleaved rounds (default 31, quick 7)")
    ap.add_argument("--target-ms", type=float,
                    help="length of one timeit loop in ms (default 10, quick 3)")
    ap.add_argument("--orders", type=parse_orders, default=ORDERS,
                    help="comma-separated Taylor orders (default 2,4,8,16); nested derivatives "
                         f"are built for the orders <= {NESTED_MAX}")
    ap.add_argument("--growth-orders", type=parse_orders, default=GROWTH_ORDERS,
                    help="further Taylor orders timed for the growth table only "
                         "(default 32,64; '0' for none)")
    ap.add_argument("--only", action="append", metavar="NAME",
                    help="run only this part (repeatable): black_scholes, pendulum_rk4, hessian")
    ap.add_argument("--skip", action="append", default=[], choices=("jax",),
                    help="leave JAX out even if installed")
    ap.add_argument("--strict", action="store_true", help="exit 1 if a target is not met")
    ap.add_argument("--cold-malloc", action="store_true",
                    help="skip the one-time 16 MB allocation that raises glibc's mmap "
                         "threshold (see settle_allocator)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print build times, the timed statements and loop counts")
    opts = ap.parse_args(argv)
    known = list(WORKLOAD_NAMES) + ["hessian"]
    if opts.only and not set(opts.only) <= set(known):
        ap.error(f"unknown part {sorted(set(opts.only) - set(known))}; have {known}")

    t_start = time.perf_counter()
    if not opts.cold_malloc:
        settle_allocator()
    pf, api, tmod, import_error = import_pushforward("api", "taylor_mode")
    jax_found = import_jax("jax" in opts.skip)

    print("# pushforward higher-order benchmark")
    print()
    print(f"python {platform.python_version()} ({platform.python_implementation()}), "
          f"{platform.machine()}, {os.cpu_count()} CPUs"
          + (f", load {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""))
    print(f"numpy {np.__version__}; {jax_found}; "
          + ("--cold-malloc (glibc's mmap threshold left at its start value)" if opts.cold_malloc
             else "one 16 MB array allocated and freed at start (settle_allocator)"))
    if pf is not None:
        print(f"pushforward {getattr(pf, '__version__', '?')} from {getattr(pf, '__file__', '?')}")
    else:
        print(f"pushforward: {import_error}")
    print()

    errors, warnings, checks = {}, [], Checks()
    res = {}
    if not opts.only or set(opts.only) & set(WORKLOAD_NAMES):
        res = taylor_tables(opts, pf, api, tmod, import_error, jax_found, errors, warnings,
                            checks)
    hres = {}
    if not opts.only or "hessian" in opts.only:
        hres = hessian_table(opts, pf, import_error, errors, checks)

    # ---- targets ------------------------------------------------------------------------------
    print()
    print("Summary:")
    good = True
    names = [n for n in WORKLOAD_NAMES if not opts.only or n in opts.only]
    if res and NESTED_MAX in opts.orders:
        sp = res["speedup8"]
        ok = len(sp) == len(names) and all(s >= TARGET_TAYLOR_OVER_NESTED_AT_8
                                           for s in sp.values())
        good &= ok
        vals = ", ".join(f"{n} {sp[n]:.1f}x" for n in names if n in sp) or "not measured"
        print(f"  pf.taylor(order={NESTED_MAX}) speedup over pf.derivative(order={NESTED_MAX}): "
              f"{vals} (target >= {TARGET_TAYLOR_OVER_NESTED_AT_8:g}x) {verdict(ok)}")
    if res and jax is not None:
        oj = res["over_jet"]
        ok = len(oj) == len(names) * len(opts.orders) and all(
            r <= TARGET_TAYLOR_OVER_JET for r in oj.values())
        good &= ok
        for n in names:
            vals = ", ".join(f"K={k}: {oj[(n, k)]:.2f}" for k in opts.orders if (n, k) in oj)
            print(f"  pf.taylor / jet, {n}: {vals or 'not measured'}")
        worst = max(oj, key=oj.get) if oj else None
        print("  worst pf.taylor / jet = "
              + (f"{oj[worst]:.2f} ({worst[0]}, K={worst[1]})" if worst else "—")
              + f" (target <= {TARGET_TAYLOR_OVER_JET:g} at every K) {verdict(ok)}")
    elif res:
        print(f"  pf.taylor / jet: not measured ({jax_found})")
    for n, r in hres.items():
        if r["speedup"] is not None:
            print(f"  Rosenbrock n={n}: pf.hessian {r['speedup']:.1f}x faster than {n} pf.hvp; "
                  f"pf.hvp = {fmt_ratio(r['hvp_over_grad'])} × one forward_diff gradient")
    if checks.failed:
        good = False
        print(f"  {len(checks.failed)} correctness check(s) FAILED (see ERROR lines above)")
    noisy = [x for x in res.get("noisy", []) if not math.isnan(x[0])]
    if noisy:
        worst_spread = max(noisy)
        print(f"  timing spread (IQR/median over rounds): max {worst_spread[0] * 100:.1f}% "
              f"({worst_spread[1]})")

    print_problems(warnings, errors)
    print()
    print(f"total time {time.perf_counter() - t_start:.1f} s")
    return 1 if opts.strict and not good else 0


if __name__ == "__main__":
    sys.exit(main())
