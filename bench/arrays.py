#!/usr/bin/env python
"""Array benchmark: pushforward on NumPy code vs. a hand-written JVP, JAX and PyTorch.

Run from the repository root::

    python bench/arrays.py            # full run (31 interleaved rounds, about a minute)
    python bench/arrays.py --quick    # a few rounds, well under a minute

For every workload of ``make_workloads()`` it times, in one process and interleaved round by
round (a workload's variants run back to back, in a shuffled order):

  primal     f(*args)                                         (NumPy)
  hand       the hand-written JVP hand(*args, t)              -> (value, tangent)
  pf         pushforward.jvp(f, primals, tangents)            -> (value, tangent)
  jax        jax.jit(lambda p, t: jax.jvp(f_jax, p, t)), compiled beforehand (float64)
  torch      torch.func.jvp(f_torch, primals, tangents), eager (float64)

and, to show what the alternatives cost on their own, ``jax.jit(f_jax)`` and eager
``f_torch``.  JAX and PyTorch are optional: a missing library leaves its columns at "n/a".
Every ratio is over the NumPy primal: the median over rounds of the two times measured in the
same round.

A second table compares a full Jacobian of a map R^64 -> R^64 computed by vector mode
(``pushforward.jacobian(f)(x)``: one pass, tangents with a leading batch axis of 64) with
64 calls of ``pushforward.jvp`` along the basis vectors.

Before anything is timed the script asserts that every hand-written JVP matches a central
finite difference; a pushforward, JAX or PyTorch result that disagrees with the hand-written
JVP is reported as an error in its cell and is not timed.  Nothing is asserted about time.
"""

import argparse
import math
import os
import platform
import random
import sys
import time
import traceback
from dataclasses import dataclass

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from harness import (Case, describe, fmt_ratio, fmt_us, geomean,  # noqa: E402
                     import_pushforward, median, print_problems, short, spread,
                     verdict)

TARGET_GEOMEAN_PF_HAND = 1.1
TARGET_WORST_PF_HAND = 1.25
TARGET_JACOBIAN_SPEEDUP = 5.0

jax = jnp = torch = None  # bound by import_optional()


# ==========================================================================
# workloads: the NumPy primal, its hand-written JVP, and JAX / PyTorch versions
# ==========================================================================
#
# Each hand JVP hand(*args, t) returns (value, tangent along t) and differentiates the same
# algorithm as the primal (the softmax carries the tangent of its max shift, as the NumPy code
# computes it), written the way a careful engineer would: one pass, tangent factors shared.

# ---- (a) logistic-regression loss, d/dw ----------------------------------------------------


def logreg_loss(w, X, y):
    """Mean binary cross-entropy; log(1 + e^z) written stably as max(z, 0) + log1p(e^-|z|)."""
    z = X @ w
    return np.mean(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z))))


def logreg_loss_jvp(w, X, y, dw):
    z = X @ w
    dz = X @ dw
    e = np.exp(-np.abs(z))
    value = np.mean(np.maximum(z, 0.0) - y * z + np.log1p(e))
    return value, np.mean(dz * ((z > 0.0) - y - np.sign(z) * e / (1.0 + e)))


def logreg_loss_jax(w, X, y):
    z = X @ w
    return jnp.mean(jnp.maximum(z, 0.0) - y * z + jnp.log1p(jnp.exp(-jnp.abs(z))))


def logreg_loss_torch(w, X, y):
    z = X @ w
    return torch.mean(torch.clamp(z, min=0.0) - y * z + torch.log1p(torch.exp(-torch.abs(z))))


# ---- (b) 3-layer tanh MLP 64-256-256-1, batch 512, d/dx ------------------------------------


def mlp(x, W1, b1, W2, b2, W3, b3):
    h1 = np.tanh(x @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    return h2 @ W3 + b3


def mlp_jvp(x, W1, b1, W2, b2, W3, b3, dx):
    h1 = np.tanh(x @ W1 + b1)
    dh1 = (1.0 - h1 * h1) * (dx @ W1)
    h2 = np.tanh(h1 @ W2 + b2)
    dh2 = (1.0 - h2 * h2) * (dh1 @ W2)
    return h2 @ W3 + b3, dh2 @ W3


def mlp_jax(x, W1, b1, W2, b2, W3, b3):
    h1 = jnp.tanh(x @ W1 + b1)
    h2 = jnp.tanh(h1 @ W2 + b2)
    return h2 @ W3 + b3


def mlp_torch(x, W1, b1, W2, b2, W3, b3):
    h1 = torch.tanh(x @ W1 + b1)
    h2 = torch.tanh(h1 @ W2 + b2)
    return h2 @ W3 + b3


# ---- (c) elementwise expression over 10^6 entries, summed -----------------------------------


def elementwise(x):
    return np.sum(np.sin(x) * np.exp(-x * x) + x**3 / (1.0 + x * x))


def elementwise_jvp(x, dx):
    s = np.sin(x)
    x2 = x * x
    e = np.exp(-x2)
    q = 1.0 + x2
    c = x**3 / q
    value = np.sum(s * e + c)
    return value, np.sum(dx * ((np.cos(x) - 2.0 * x * s) * e + (3.0 * x2 - 2.0 * x * c) / q))


def elementwise_jax(x):
    return jnp.sum(jnp.sin(x) * jnp.exp(-x * x) + x**3 / (1.0 + x * x))


def elementwise_torch(x):
    return torch.sum(torch.sin(x) * torch.exp(-x * x) + x**3 / (1.0 + x * x))


# ---- (d) softmax and logsumexp of the rows of a 1000 x 100 array ----------------------------


def softmax_lse(x):
    m = np.max(x, axis=1, keepdims=True)
    e = np.exp(x - m)
    s = np.sum(e, axis=1, keepdims=True)
    return e / s, (m + np.log(s))[:, 0]


def softmax_lse_jvp(x, dx):
    i = np.argmax(x, axis=1)[:, None]
    m = np.take_along_axis(x, i, axis=1)
    dm = np.take_along_axis(dx, i, axis=1)
    e = np.exp(x - m)
    de = e * (dx - dm)
    s = np.sum(e, axis=1, keepdims=True)
    ds = np.sum(de, axis=1, keepdims=True)
    p = e / s
    return (p, (m + np.log(s))[:, 0]), ((de - p * ds) / s, (dm + ds / s)[:, 0])


def softmax_lse_jax(x):
    m = jnp.max(x, axis=1, keepdims=True)
    e = jnp.exp(x - m)
    s = jnp.sum(e, axis=1, keepdims=True)
    return e / s, (m + jnp.log(s))[:, 0]


def softmax_lse_torch(x):
    m = torch.amax(x, dim=1, keepdim=True)
    e = torch.exp(x - m)
    s = torch.sum(e, dim=1, keepdim=True)
    return e / s, (m + torch.log(s))[:, 0]


# ---- (e) explicit heat equation, 30 in-place steps, d/du0 -----------------------------------


def heat(u0, r, steps):
    u = u0.copy()
    for _ in range(steps):
        u[1:-1] = u[1:-1] + r * (u[2:] - 2.0 * u[1:-1] + u[:-2])
    return u


def heat_jvp(u0, r, steps, du0):
    u = u0.copy()
    du = du0.copy()
    for _ in range(steps):
        u[1:-1] = u[1:-1] + r * (u[2:] - 2.0 * u[1:-1] + u[:-2])
        du[1:-1] = du[1:-1] + r * (du[2:] - 2.0 * du[1:-1] + du[:-2])
    return u, du


def heat_jax(u0, r, steps):
    u = u0
    for _ in range(steps):
        u = u.at[1:-1].set(u[1:-1] + r * (u[2:] - 2.0 * u[1:-1] + u[:-2]))
    return u


def heat_torch(u0, r, steps):
    u = u0.clone()
    for _ in range(steps):
        u[1:-1] = u[1:-1] + r * (u[2:] - 2.0 * u[1:-1] + u[:-2])
    return u


# ---- the Jacobian table: R^64 -> R^64 --------------------------------------------------------


def jac_map(x, W1, b1, W2):
    return W2 @ np.tanh(W1 @ x + b1) + np.sin(x)


def jac_map_hand(x, W1, b1, W2):
    h = np.tanh(W1 @ x + b1)
    return (W2 * (1.0 - h * h)) @ W1 + np.diag(np.cos(x))


# ---- the list ------------------------------------------------------------------------------


@dataclass
class Workload:
    name: str
    func: object            # NumPy primal f(*args)
    hand: object            # hand(*args, t) -> (value, tangent along t)
    jax_func: object        # the same with jax.numpy (arrays become jax arrays), or None
    torch_func: object      # the same with torch (arrays become float64 tensors), or None
    args: tuple
    wrt: int                # index of the differentiated argument
    tangent: np.ndarray
    description: str = ""

    def tangents(self):
        """Tangent tuple for ``pf.jvp``: ``None`` for every constant argument."""
        return tuple(self.tangent if i == self.wrt else None for i in range(len(self.args)))


def make_workloads():
    rng = np.random.default_rng(20240607)

    def normal(*shape, scale=1.0):
        return rng.standard_normal(shape) * scale

    X = normal(1000, 10)
    w = normal(10, scale=0.5)
    y = (rng.random(1000) < 1.0 / (1.0 + np.exp(-(X @ normal(10))))).astype(float)
    mlp_args = (normal(512, 64),
                normal(64, 256, scale=64**-0.5), normal(256, scale=0.1),
                normal(256, 256, scale=256**-0.5), normal(256, scale=0.1),
                normal(256, 1, scale=256**-0.5), normal(1, scale=0.1))
    xs = np.linspace(0.0, 1.0, 10_000)
    u0 = np.sin(np.pi * xs) + 0.1 * normal(10_000)
    return [
        Workload("logreg", logreg_loss, logreg_loss_jvp, logreg_loss_jax, logreg_loss_torch,
                 (w, X, y), 0, normal(10),
                 "mean binary cross-entropy, X 1000x10, d/dw"),
        Workload("mlp", mlp, mlp_jvp, mlp_jax, mlp_torch, mlp_args, 0, normal(512, 64),
                 "tanh MLP 64-256-256-1, batch 512, d/dx"),
        Workload("elementwise", elementwise, elementwise_jvp, elementwise_jax, elementwise_torch,
                 (normal(1_000_000),), 0, normal(1_000_000),
                 "sum(sin x exp(-x^2) + x^3/(1+x^2)), 10^6 entries"),
        Workload("softmax_lse", softmax_lse, softmax_lse_jvp, softmax_lse_jax, softmax_lse_torch,
                 (normal(1000, 100, scale=3.0),), 0, normal(1000, 100),
                 "row softmax and logsumexp, 1000x100"),
        Workload("heat", heat, heat_jvp, heat_jax, heat_torch, (u0, 0.4, 30), 0,
                 np.exp(-((xs - 0.3) / 0.05) ** 2),
                 "30 in-place explicit heat steps, n = 10^4, d/du0"),
    ]


def make_jacobian_case():
    rng = np.random.default_rng(7)
    n = 64
    return (rng.standard_normal(n), rng.standard_normal((n, n)) / 8.0,
            0.1 * rng.standard_normal(n), rng.standard_normal((n, n)) / 8.0)


# ==========================================================================
# optional libraries, correctness
# ==========================================================================


def import_optional(skip=()):
    """Bind the module globals jax/jnp/torch; return {library: version or 'not installed'}."""
    global jax, jnp, torch
    found = {}
    if "jax" in skip:
        found["jax"] = "jax skipped"
    else:
        try:
            import jax as _jax

            _jax.config.update("jax_enable_x64", True)
            import jax.numpy as _jnp

            jax, jnp = _jax, _jnp
            found["jax"] = f"jax {_jax.__version__} ({_jax.default_backend()})"
        except Exception as e:  # noqa: BLE001
            found["jax"] = f"jax not available ({type(e).__name__})"
    if "torch" in skip:
        found["torch"] = "torch skipped"
    else:
        try:
            import torch as _torch
            import torch.func

            torch = _torch
            found["torch"] = f"torch {_torch.__version__} ({_torch.get_num_threads()} threads)"
        except Exception as e:  # noqa: BLE001
            found["torch"] = f"torch not available ({type(e).__name__})"
    return found


class Mismatch(Exception):
    """A result of the wrong structure or with a wrong tangent."""


def leaves(x):
    if isinstance(x, (tuple, list)):
        return [v for item in x for v in leaves(item)]
    return [np.asarray(x, dtype=float)]


def close(a, b, rel):
    """Every leaf of a within rel * max(1, max|leaf of b|) of b's."""
    la, lb = leaves(a), leaves(b)
    if len(la) != len(lb):
        return False
    for u, v in zip(la, lb):
        if u.shape != v.shape:
            return False
        if np.max(np.abs(u - v), initial=0.0) > rel * max(1.0, np.max(np.abs(v), initial=0.0)):
            return False
    return True


def central_difference(w, h=1e-6):
    plus, minus = list(w.args), list(w.args)
    x = w.args[w.wrt]
    plus[w.wrt] = x + h * w.tangent
    minus[w.wrt] = x - h * w.tangent
    fp, fm = leaves(w.func(*plus)), leaves(w.func(*minus))
    out = [(p - m) / (2 * h) for p, m in zip(fp, fm)]
    return out if len(out) > 1 else out[0]


def check_hand(w):
    """Assert the hand JVP's value equals the primal and its tangent a central difference."""
    value = w.func(*w.args)
    hv, hd = w.hand(*w.args, w.tangent)
    assert close(hv, value, 1e-12), f"{w.name}: hand value differs from the primal"
    assert close(hd, central_difference(w), 1e-6), f"{w.name}: hand JVP != central difference"
    return value, hd


def check_pair(kind, r, hand_value, hand_deriv):
    if not (isinstance(r, tuple) and len(r) == 2):
        raise Mismatch(f"{kind} returned {type(r).__name__}, expected (value, tangent)")
    if not close(r[0], hand_value, 1e-10):
        raise Mismatch(f"{kind} value differs from the primal")
    if not close(r[1], hand_deriv, 1e-9):
        raise Mismatch(f"{kind} tangent differs from the hand-written JVP")


def identical(a, b):
    la, lb = leaves(a), leaves(b)
    return len(la) == len(lb) and all(np.array_equal(u, v) for u, v in zip(la, lb))


def to_numpy(x):
    if isinstance(x, (tuple, list)):
        return tuple(to_numpy(v) for v in x)
    if torch is not None and isinstance(x, torch.Tensor):
        return x.detach().numpy()
    return np.asarray(x)


# ---- JAX and PyTorch callables for one workload --------------------------------------------


def jax_callables(w):
    """(jit JVP, jit primal, array args, tangent); Python numbers in args stay static."""
    arrays = tuple(i for i, a in enumerate(w.args) if isinstance(a, np.ndarray))
    jargs = tuple(jnp.asarray(w.args[i]) for i in arrays)
    consts = {i: a for i, a in enumerate(w.args) if i not in arrays}
    k = arrays.index(w.wrt)

    def full(arrs):
        it = iter(arrs)
        return [next(it) if i in arrays else consts[i] for i in range(len(w.args))]

    def jvp(arrs, t):
        def g(x):
            a = full(arrs)
            a[w.wrt] = x
            return w.jax_func(*a)
        return jax.jvp(g, (arrs[k],), (t,))

    def primal(arrs):
        return w.jax_func(*full(arrs))

    return jax.jit(jvp), jax.jit(primal), jargs, jnp.asarray(w.tangent)


def torch_callables(w):
    """(eager torch.func.jvp, eager primal, args with arrays as float64 tensors, tangent)."""
    targs = tuple(torch.from_numpy(a) if isinstance(a, np.ndarray) else a for a in w.args)
    k = w.wrt

    def jvp(targs, t):
        def g(x):
            a = list(targs)
            a[k] = x
            return w.torch_func(*a)
        return torch.func.jvp(g, (targs[k],), (t,))

    def primal(targs):
        return w.torch_func(*targs)

    return jvp, primal, targs, torch.from_numpy(w.tangent.copy())


# ==========================================================================
# timing
# ==========================================================================


def run_rounds(groups, baseline, rounds, errors, seed=12345):
    """Run every case once per round; return the ids of the cases that raised.

    The cases of one workload form a group and run back to back, in a shuffled order, so that
    the ratios between them are taken over a short stretch of time (this machine's speed drifts
    by tens of percent over seconds); the order of the groups is shuffled too."""
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
        baseline.run()
    return failed


def round_ratio(a, b, loop_cost):
    """Median over rounds of a's time over b's time in the same round."""
    if a is None or b is None or not a.samples or len(a.samples) != len(b.samples):
        return None
    return median([max(x - loop_cost, 1e-12) / max(y - loop_cost, 1e-12)
                   for x, y in zip(a.samples, b.samples)])


# ==========================================================================
# main
# ==========================================================================

JVP_VARIANTS = ("primal", "hand", "pf", "jax", "jax_primal", "torch", "torch_primal")


def build_cases(w, pf, ok, extra):
    """The timeit statements of one workload; they share one namespace."""
    names = [f"a{i}" for i in range(len(w.args))]
    ns = dict(zip(names, w.args))
    ns.update(f=w.func, hand=w.hand, t=w.tangent)
    plain = ", ".join(names)
    tans = ", ".join("t" if i == w.wrt else "None" for i in range(len(names)))
    plain_tuple, tans_tuple = (plain + ",", tans + ",") if len(names) == 1 else (plain, tans)
    cases = {
        "primal": Case(w.name, "primal", f"f({plain})", ns),
        "hand": Case(w.name, "hand", f"hand({plain}, t)", ns),
    }
    if ok.get("pf"):
        ns["jvp"] = pf.jvp
        cases["pf"] = Case(w.name, "pf", f"jvp(f, ({plain_tuple}), ({tans_tuple}))", ns)
    if ok.get("jax"):
        jjvp, jprimal, jargs, jt = extra["jax"]
        ns.update(jjvp=jjvp, jprimal=jprimal, jargs=jargs, jt=jt, block=jax.block_until_ready)
        cases["jax"] = Case(w.name, "jax", "block(jjvp(jargs, jt))", ns)
        cases["jax_primal"] = Case(w.name, "jax_primal", "block(jprimal(jargs))", ns)
    if ok.get("torch"):
        tjvp, tprimal, targs, tt = extra["torch"]
        ns.update(tjvp=tjvp, tprimal=tprimal, targs=targs, tt=tt)
        cases["torch"] = Case(w.name, "torch", "tjvp(targs, tt)", ns)
        cases["torch_primal"] = Case(w.name, "torch_primal", "tprimal(targs)", ns)
    return cases


def transform_ms(pf, api, w, repeats):
    """Median of clear_cache(); pf.jvp(...) (transformation plus the first call), in ms."""
    if api is None or not hasattr(api, "clear_cache"):
        raise RuntimeError("pushforward.api.clear_cache not available")
    times = []
    for _ in range(repeats):
        api.clear_cache()
        t0 = time.perf_counter()
        pf.jvp(w.func, w.args, w.tangents())
        times.append(time.perf_counter() - t0)
    return median(times) * 1e3


def jvp_table(opts, pf, api, import_error, found, workloads, errors, warnings):
    rounds = opts.rounds or (7 if opts.quick else 31)
    target_s = (opts.target_ms or (3.0 if opts.quick else 10.0)) / 1e3

    # ---- correctness (not timed) ------------------------------------------------------
    ok, extra, compile_ms = {}, {}, {}
    for w in workloads:
        primal_value = w.func(*w.args)
        hand_value, hand_deriv = check_hand(w)
        ok[w.name], extra[w.name] = {}, {}
        if pf is None:
            errors[(w.name, "pf")] = import_error
        else:
            try:
                r = pf.jvp(w.func, w.args, w.tangents())
                check_pair("pushforward jvp", r, hand_value, hand_deriv)
                if not identical(r[0], primal_value):
                    warnings.append(f"{w.name}: pushforward's value is not bit-identical "
                                    "to the primal")
                ok[w.name]["pf"] = True
            except Exception as e:  # noqa: BLE001
                errors[(w.name, "pf")] = describe(e)
                if not isinstance(e, Mismatch):
                    errors[(w.name, "pf", "tb")] = traceback.format_exc(limit=-3)
        if jax is not None and w.jax_func is not None:
            try:
                jjvp, jprimal, jargs, jt = jax_callables(w)
                t0 = time.perf_counter()
                r = jax.block_until_ready(jjvp(jargs, jt))
                compile_ms[w.name] = (time.perf_counter() - t0) * 1e3
                check_pair("jax", to_numpy(r), hand_value, hand_deriv)
                jax.block_until_ready(jprimal(jargs))
                extra[w.name]["jax"] = (jjvp, jprimal, jargs, jt)
                ok[w.name]["jax"] = True
            except Exception as e:  # noqa: BLE001
                errors[(w.name, "jax")] = describe(e)
        if torch is not None and w.torch_func is not None:
            try:
                tjvp, tprimal, targs, tt = torch_callables(w)
                check_pair("torch", to_numpy(tjvp(targs, tt)), hand_value, hand_deriv)
                extra[w.name]["torch"] = (tjvp, tprimal, targs, tt)
                ok[w.name]["torch"] = True
            except Exception as e:  # noqa: BLE001
                errors[(w.name, "torch")] = describe(e)

    # ---- calibrate and run interleaved rounds ------------------------------------------------
    baseline = Case(None, "empty", "pass", {})
    groups, per_workload = [], {}
    for w in workloads:
        cases = per_workload[w.name] = build_cases(w, pf, ok[w.name], extra[w.name])
        group = []
        for c in cases.values():
            try:
                c.calibrate(target_s)
            except Exception as e:  # noqa: BLE001
                errors[(w.name, c.variant)] = describe(e)
                continue
            group.append(c)
        groups.append(group)
    baseline.calibrate(target_s)
    if opts.verbose:
        print("Timed statements (per workload namespace: a0.. = args, t = tangent):")
        for c in (c for group in groups for c in group):
            print(f"  {c.workload:12s} {c.variant:12s} x{c.number:<6d} {c.stmt}")
        print()
    failed = run_rounds(groups, baseline, rounds, errors)
    loop_cost = median(baseline.samples)

    transform = {}
    if pf is not None:
        for w in workloads:
            if ok[w.name].get("pf"):
                try:
                    transform[w.name] = transform_ms(pf, api, w, 3 if opts.quick else 5)
                except Exception as e:  # noqa: BLE001
                    errors[(w.name, "transform")] = describe(e)

    # ---- the table -------------------------------------------------------------------------
    def case(wname, variant):
        c = per_workload[wname].get(variant)
        return None if c is None or id(c) in failed or not c.samples else c

    def cell(wname, variant, value):
        if value is not None:
            return fmt_ratio(value)
        if (wname, variant) in errors:
            return "ERR: " + short(errors[(wname, variant)])
        return "n/a"

    print(f"## JVP time over the NumPy primal's time ({rounds} interleaved rounds, "
          f"~{target_s * 1e3:g} ms per timeit loop, medians of per-round ratios)")
    print()
    header = ["workload", "primal µs", "hand ×primal", "pushforward jvp ×primal", "pf/hand",
              "jax.jit jvp ×primal", "jax compile ms", "torch.func.jvp ×primal",
              "jax jit primal ×primal", "torch primal ×primal", "transform ms"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    pf_ratio, hand_ratio, pf_hand, noisy = {}, {}, {}, []
    for w in workloads:
        n = w.name
        c = {v: case(n, v) for v in JVP_VARIANTS}
        for v in JVP_VARIANTS:
            if c[v] is not None:
                noisy.append((spread(c[v].samples), f"{n}/{v}"))
        p = max(median(c["primal"].samples) - loop_cost, 1e-12)
        ratio = {v: round_ratio(c[v], c["primal"], loop_cost) for v in JVP_VARIANTS}
        hand_ratio[n] = ratio["hand"]
        if ratio["pf"] is not None:
            pf_ratio[n] = ratio["pf"]
            pf_hand[n] = round_ratio(c["pf"], c["hand"], loop_cost)
        row = [n, fmt_us(p), fmt_ratio(ratio["hand"]), cell(n, "pf", ratio["pf"]),
               fmt_ratio(pf_hand.get(n)),
               cell(n, "jax", ratio["jax"]),
               f"{compile_ms[n]:.0f}" if n in compile_ms else "—",
               cell(n, "torch", ratio["torch"]),
               fmt_ratio(ratio["jax_primal"]), fmt_ratio(ratio["torch_primal"]),
               f"{transform[n]:.1f}" if n in transform else "—"]
        print("| " + " | ".join(row) + " |")
    print()
    print("Every ratio is over the NumPy primal f(*args), and like pf/hand it is the median "
          "over rounds of the two times measured in the same round. pushforward: pf.jvp(f, primals, "
          "tangents) as a user calls it; jax: jax.jit(lambda p, t: jax.jvp(f_jax, p, t)) after "
          "compiling (compile ms: the first call, tracing included); torch: eager "
          "torch.func.jvp; transform ms: clear_cache() then the first pf.jvp call.")
    print()
    for w in workloads:
        print(f"  {w.name:12s} {w.description}")

    n_all = len(workloads)
    complete = len(pf_hand) == n_all
    incomplete = "" if complete else f" [only {len(pf_hand)}/{n_all} workloads measured]"
    lines = []
    if pf_hand:
        gm = geomean(list(pf_hand.values()))
        worst = max(pf_hand, key=pf_hand.get)
        ok_gm = complete and gm <= TARGET_GEOMEAN_PF_HAND
        ok_worst = complete and pf_hand[worst] <= TARGET_WORST_PF_HAND
        lines.append(f"geomean pushforward jvp ×primal = {geomean(list(pf_ratio.values())):.3f}, "
                     f"hand ×primal = {geomean(list(hand_ratio.values())):.3f}")
        lines.append(f"geomean pf/hand = {gm:.3f} (target <= {TARGET_GEOMEAN_PF_HAND}) "
                     f"{verdict(ok_gm)}{incomplete}")
        lines.append(f"worst pf/hand = {pf_hand[worst]:.3f} ({worst}) "
                     f"(target <= {TARGET_WORST_PF_HAND} on every workload) "
                     f"{verdict(ok_worst)}{incomplete}")
    else:
        ok_gm = ok_worst = False
        lines.append("geomean pf/hand = — FAIL [no pushforward results]")
    print()
    print("Summary:")
    for line in lines:
        print("  " + line)
    noisy = [x for x in noisy if not math.isnan(x[0])]
    if noisy:
        worst_spread = max(noisy)
        print(f"  timing spread (IQR/median over rounds): max {worst_spread[0] * 100:.1f}% "
              f"({worst_spread[1]})")
    return ok_gm and ok_worst


def jacobian_table(opts, pf, import_error, errors):
    rounds = opts.rounds or (7 if opts.quick else 31)
    target_s = (opts.target_ms or (3.0 if opts.quick else 10.0)) / 1e3
    args = make_jacobian_case()
    n = args[0].size
    name = "jacobian"
    print()
    print(f"## Jacobian of a map R^{n} -> R^{n} (W2 tanh(W1 x + b) + sin x): "
          f"vector mode vs one JVP per column")
    print()
    if pf is None:
        print(f"pushforward: {import_error}")
        return False
    ref = jac_map_hand(*args)
    ns = {"f": jac_map, "hand": jac_map_hand, "args": args, "basis": list(np.eye(n)),
          "np": np, "jvp": pf.jvp}
    stmts = {
        "primal": "f(*args)",
        "hand": "hand(*args)",
        "vector": "jac(*args)",
        "columns": "np.stack([jvp(f, args, (e, None, None, None))[1] for e in basis], axis=-1)",
    }
    ok = True
    try:
        ns["jac"] = pf.jacobian(jac_map)
        J = ns["jac"](*args)
        if not close(J, ref, 1e-12):
            raise Mismatch("pf.jacobian differs from the hand-written Jacobian")
        J_cols = eval(stmts["columns"], ns)
        if not close(J_cols, ref, 1e-12):
            raise Mismatch("pf.jvp columns differ from the hand-written Jacobian")
    except Exception as e:  # noqa: BLE001
        errors[(name, "pf")] = describe(e)
        errors[(name, "pf", "tb")] = traceback.format_exc(limit=-3)
        print("ERR: " + describe(e))
        ok = False
        stmts = {k: v for k, v in stmts.items() if k in ("primal", "hand")}
    cases = {k: Case(name, k, s, ns) for k, s in stmts.items()}
    for c in cases.values():
        c.calibrate(target_s)
    baseline = Case(None, "empty", "pass", {})
    baseline.calibrate(target_s)
    failed = run_rounds([list(cases.values())], baseline, rounds, errors, seed=54321)
    loop_cost = median(baseline.samples)
    cases = {k: c for k, c in cases.items() if id(c) not in failed and c.samples}
    t = {k: max(median(c.samples) - loop_cost, 1e-12) for k, c in cases.items()}
    print("| variant | µs | ×primal |")
    print("|---|---:|---:|")
    labels = {"primal": "primal f(x)", "hand": "hand-written Jacobian",
              "vector": f"pf.jacobian(f)(x): one pass, batch of {n}",
              "columns": f"{n} × pf.jvp along the basis, stacked"}
    for k, label in labels.items():
        if k in t:
            print(f"| {label} | {fmt_us(t[k])} | "
                  f"{round_ratio(cases[k], cases['primal'], loop_cost):.2f} |")
    if "vector" in t and "columns" in t:
        speedup = round_ratio(cases["columns"], cases["vector"], loop_cost)
        good = ok and speedup >= TARGET_JACOBIAN_SPEEDUP
        print()
        print(f"vector mode speedup over {n} JVPs = {speedup:.1f}x "
              f"(target >= {TARGET_JACOBIAN_SPEEDUP:g}) {verdict(good)}; "
              "pf.jacobian / hand-written Jacobian = "
              f"{round_ratio(cases['vector'], cases['hand'], loop_cost):.2f}")
        return good
    return False


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="few rounds, short loops")
    ap.add_argument("--rounds", type=int, help="interleaved rounds (default 31, quick 7)")
    ap.add_argument("--target-ms", type=float,
                    help="length of one timeit loop in ms (default 10, quick 3)")
    ap.add_argument("--only", action="append", metavar="NAME",
                    help="run only this workload (repeatable; 'jacobian' for the second table)")
    ap.add_argument("--skip", action="append", default=[], choices=("jax", "torch"),
                    help="leave out a library even if installed (repeatable)")
    ap.add_argument("--strict", action="store_true", help="exit 1 if a target is not met")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the timed statement and loop count of every variant")
    opts = ap.parse_args(argv)

    all_workloads = make_workloads()
    known = [w.name for w in all_workloads] + ["jacobian"]
    if opts.only and not set(opts.only) <= set(known):
        ap.error(f"no workload named {sorted(set(opts.only) - set(known))}; have {known}")
    workloads = [w for w in all_workloads if not opts.only or w.name in opts.only]

    t_start = time.perf_counter()
    pf, api, import_error = import_pushforward("api")
    found = import_optional(opts.skip)

    print("# pushforward array benchmark")
    print()
    print(f"python {platform.python_version()} ({platform.python_implementation()}), "
          f"{platform.machine()}, {os.cpu_count()} CPUs"
          + (f", load {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""))
    print(f"numpy {np.__version__}; " + "; ".join(found.values()))
    if pf is not None:
        print(f"pushforward {getattr(pf, '__version__', '?')} from {getattr(pf, '__file__', '?')}")
    else:
        print(f"pushforward: {import_error}")
    print()

    errors, warnings = {}, []
    good = True
    if workloads:
        good = jvp_table(opts, pf, api, import_error, found, workloads, errors, warnings)
    if not opts.only or "jacobian" in opts.only:
        good = jacobian_table(opts, pf, import_error, errors) and good

    print_problems(warnings, errors)
    print()
    print(f"total time {time.perf_counter() - t_start:.1f} s")
    return 1 if opts.strict and not good else 0


if __name__ == "__main__":
    sys.exit(main())
