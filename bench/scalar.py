#!/usr/bin/env python
"""Scalar benchmark: pushforward vs. a hand-written derivative vs. a dual-number class.

Run from the repository root::

    python bench/scalar.py            # full run (31 interleaved rounds)
    python bench/scalar.py --quick    # a few rounds, < 20 s

For every workload in ``workloads_scalar.WORKLOADS`` it times, in one process and
interleaved round by round (the order is shuffled every round):

  primal    f(*args)
  hand      the hand-written derivative hand(*args, t)              -> (value, derivative)
  pf_fd     df(*args) with df = pushforward.forward_diff(f) built once (scalar wrt only)
  pf_jvp    pushforward.jvp(f, primals, tangents)                    -> (value, tangent)
  dual      dualize(f)(..., Dual(x, t), ...)                         -> Dual

Each measurement is a ``timeit`` loop of a calibrated number of calls (about
``--target-ms`` long, garbage collector off); the cost of the empty ``timeit`` loop is
measured the same way and subtracted.  Per variant the median over rounds is taken, and
the table reports ratios to the primal's median.  The transformation time is the
median of a few ``clear_cache(); df = forward_diff(f); df(*args)`` (cold) runs.

Before anything is timed the script asserts that every hand derivative matches a central
finite difference, and that the dual derivative matches the hand derivative; a
pushforward result that disagrees with the hand derivative is reported as an error in its
cell and is not timed.  Nothing in pushforward is required for the other columns: if
pushforward cannot be imported or fails on a workload the row shows the error and the
run goes on.
"""

import argparse
import math
import os
import platform
import random
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import workloads_scalar as W  # noqa: E402
from dual import Dual, dualize  # noqa: E402
from harness import (Case, describe, fmt_ratio, fmt_us, geomean,  # noqa: E402
                     import_pushforward, median, print_problems, short, spread,
                     verdict)

TARGET_GEOMEAN_PF_HAND = 1.15
TARGET_WORST_PF_HAND = 1.5
TARGET_MIN_DUAL_PF = 6.0
TARGET_TRANSFORM_MS = 10.0

VARIANTS = ("primal", "hand", "pf_fd", "pf_jvp", "dual")


# --------------------------------------------------------------------------
# pushforward import (degrades to an error string)
# --------------------------------------------------------------------------


# --------------------------------------------------------------------------
# correctness (never timed)
# --------------------------------------------------------------------------


def seed_dual_args(w):
    args = list(w.args)
    x = args[w.wrt]
    if w.scalar_wrt:
        args[w.wrt] = Dual(x, w.tangent)
    else:
        args[w.wrt] = [Dual(a, t) for a, t in zip(x, w.tangent)]
    return args


def check_dual(w, hand_value, hand_deriv):
    r = dualize(w.func)(*seed_dual_args(w))
    if type(r) is Dual:
        v, d = r.re, r.du
    else:
        v, d = r, 0.0
    assert W.close(v, hand_value, 1e-12), f"{w.name}: dual value {v!r} != {hand_value!r}"
    assert W.close(d, hand_deriv, 1e-10), f"{w.name}: dual derivative {d!r} != hand {hand_deriv!r}"


class Mismatch(Exception):
    """A pushforward result of the wrong shape or with a wrong derivative."""


def check_pf_result(kind, r, primal_value, hand_deriv, scale=1.0):
    """Validate a pushforward (value, derivative) result; return a warning or raise."""
    if not (isinstance(r, tuple) and len(r) == 2):
        raise Mismatch(f"{kind} returned {type(r).__name__} {short(repr(r), 60)}, "
                        "expected (value, derivative)")
    v, d = r
    d = float(d) * scale
    if not W.close(d, hand_deriv, 1e-9):
        raise Mismatch(f"{kind} derivative {d!r} != hand {hand_deriv!r}")
    if v != primal_value:
        return f"{kind} value {v!r} is not bit-identical to the primal {primal_value!r}"
    return None


# --------------------------------------------------------------------------
# timing
# --------------------------------------------------------------------------


def build_cases(w, fd_df, pf_mod, pf_ok):
    """Timeit statements for each variant of one workload; all share a namespace."""
    names = [f"a{i}" for i in range(len(w.args))]
    ns = dict(zip(names, w.args))
    ns.update(f=w.func, hand=w.hand, t=w.tangent, Dual=Dual, fdual=dualize(w.func))
    plain = ", ".join(names)
    dual_args = list(names)
    if w.scalar_wrt:
        dual_args[w.wrt] = f"Dual({names[w.wrt]}, t)"
    else:
        dual_args[w.wrt] = f"[Dual(v, u) for v, u in zip({names[w.wrt]}, t)]"
    tans = ", ".join("t" if i == w.wrt else "None" for i in range(len(names)))
    if len(names) == 1:
        plain_tuple, tans = plain + ",", tans + ","
    else:
        plain_tuple = plain
    cases = {
        "primal": Case(w, "primal", f"f({plain})", ns),
        "hand": Case(w, "hand", f"hand({plain}, t)", ns),
        "dual": Case(w, "dual", f"fdual({', '.join(dual_args)})", ns),
    }
    if pf_ok.get("pf_fd"):
        ns["df"] = fd_df
        cases["pf_fd"] = Case(w, "pf_fd", f"df({plain})", ns)
    if pf_ok.get("pf_jvp"):
        ns["jvp"] = pf_mod.jvp
        cases["pf_jvp"] = Case(w, "pf_jvp", f"jvp(f, ({plain_tuple}), ({tans}))", ns)
    return cases


def time_transform(pf, api, w, repeats, warm_repeats):
    """(cold ms, warm construct+call µs) for forward_diff (or jvp when wrt is a list)."""
    if api is None or not hasattr(api, "clear_cache"):
        raise RuntimeError("pushforward.api.clear_cache not available")
    args = w.args
    if w.scalar_wrt:
        def first_call():
            d = pf.forward_diff(w.func) if w.wrt == 0 else pf.forward_diff(w.func, wrt=w.wrt)
            d(*args)
    else:
        tangents = w.tangents()

        def first_call():
            pf.jvp(w.func, args, tangents)
    cold = []
    for _ in range(repeats):
        api.clear_cache()
        t0 = time.perf_counter()
        first_call()
        cold.append(time.perf_counter() - t0)
    first_call()
    warm = []
    for _ in range(warm_repeats):
        t0 = time.perf_counter()
        first_call()
        warm.append(time.perf_counter() - t0)
    return median(cold) * 1e3, median(warm) * 1e6


# --------------------------------------------------------------------------
# reporting helpers
# --------------------------------------------------------------------------


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="few rounds (< 20 s in total)")
    ap.add_argument("--rounds", type=int, help="interleaved rounds (default 31, quick 9)")
    ap.add_argument("--target-ms", type=float,
                    help="length of one timeit loop in ms (default 20, quick 4)")
    ap.add_argument("--only", action="append", metavar="NAME",
                    help="run only this workload (repeatable)")
    ap.add_argument("--strict", action="store_true", help="exit 1 if a target is not met")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the timed statement and loop count of every variant")
    opts = ap.parse_args(argv)
    rounds = opts.rounds or (9 if opts.quick else 31)
    target_s = (opts.target_ms or (4.0 if opts.quick else 20.0)) / 1e3
    transform_repeats, warm_repeats = (3, 20) if opts.quick else (7, 100)

    workloads = [w for w in W.WORKLOADS if not opts.only or w.name in opts.only]
    if not workloads:
        ap.error(f"no workload named {opts.only}; have {[w.name for w in W.WORKLOADS]}")

    t_start = time.perf_counter()
    pf, api, import_error = import_pushforward("api")

    print("# pushforward scalar benchmark")
    print()
    print(f"python {platform.python_version()} ({platform.python_implementation()}), "
          f"{platform.machine()}, {os.cpu_count()} CPUs"
          + (f", load {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""))
    if pf is not None:
        print(f"pushforward {getattr(pf, '__version__', '?')} from {getattr(pf, '__file__', '?')}")
    else:
        print(f"pushforward: {import_error}")
    print(f"{rounds} interleaved rounds, ~{target_s * 1e3:g} ms per timeit loop, "
          "median per variant, empty-loop cost subtracted")
    print()

    # ---- correctness checks (not timed) --------------------------------------
    errors = {}             # (workload name, variant) -> full message
    warnings = []
    pf_objects = {}         # name -> df
    pf_ok = {}              # name -> {variant: bool}
    for w in workloads:
        primal_value = w.func(*w.args)
        hand_value, hand_deriv, _fd = W.check_hand(w)
        check_dual(w, hand_value, hand_deriv)
        ok = pf_ok[w.name] = {}
        if pf is None:
            if w.scalar_wrt:
                errors[(w.name, "pf_fd")] = import_error
            errors[(w.name, "pf_jvp")] = import_error
            continue
        if w.scalar_wrt:
            try:
                df = pf.forward_diff(w.func) if w.wrt == 0 else pf.forward_diff(w.func, wrt=w.wrt)
                warn = check_pf_result("forward_diff", df(*w.args), primal_value, hand_deriv,
                                       scale=w.tangent)
                if warn:
                    warnings.append(f"{w.name}: {warn}")
                pf_objects[w.name] = df
                ok["pf_fd"] = True
            except Exception as e:  # noqa: BLE001
                errors[(w.name, "pf_fd")] = describe(e)
                if not isinstance(e, Mismatch):
                    errors[(w.name, "pf_fd", "tb")] = traceback.format_exc(limit=-3)
        try:
            warn = check_pf_result("jvp", pf.jvp(w.func, w.args, w.tangents()),
                                   primal_value, hand_deriv)
            if warn:
                warnings.append(f"{w.name}: {warn}")
            ok["pf_jvp"] = True
        except Exception as e:  # noqa: BLE001
            errors[(w.name, "pf_jvp")] = describe(e)
            if not isinstance(e, Mismatch):
                errors[(w.name, "pf_jvp", "tb")] = traceback.format_exc(limit=-3)

    # ---- build and calibrate --------------------------------------------------
    baseline = Case(None, "empty", "pass", {})
    all_cases = []
    per_workload = {}
    for w in workloads:
        cases = build_cases(w, pf_objects.get(w.name), pf, pf_ok[w.name])
        per_workload[w.name] = cases
        for c in cases.values():
            try:
                c.calibrate(target_s)
            except Exception as e:  # noqa: BLE001 - pf can still fail on a later call
                errors[(w.name, c.variant)] = describe(e)
                continue
            all_cases.append(c)
    baseline.calibrate(target_s)
    if opts.verbose:
        print("Timed statements (per workload namespace: a0.. = args, t = tangent):")
        for c in all_cases:
            print(f"  {c.workload.name:14s} {c.variant:7s} x{c.number:<8d} {c.stmt}")
        print()

    # ---- interleaved rounds -----------------------------------------------------
    rng = random.Random(12345)
    failed = set()
    for _ in range(rounds):
        order = all_cases + [baseline]
        rng.shuffle(order)
        for c in order:
            if id(c) in failed:
                continue
            try:
                c.run()
            except Exception as e:  # noqa: BLE001
                failed.add(id(c))
                errors[(c.workload.name, c.variant)] = describe(e)
    loop_cost = median(baseline.samples)

    # ---- transformation time (after all timing: clear_cache drops everything) ---
    transform = {}
    if pf is not None:
        for w in workloads:
            if not pf_ok[w.name]:
                continue
            try:
                transform[w.name] = time_transform(pf, api, w, transform_repeats, warm_repeats)
            except Exception as e:  # noqa: BLE001
                errors[(w.name, "transform")] = describe(e)

    # ---- table ------------------------------------------------------------------
    def per_call(wname, variant):
        c = per_workload[wname].get(variant)
        if c is None or id(c) in failed or not c.samples:
            return None
        return max(median(c.samples) - loop_cost, 1e-12)

    def cell(wname, variant, value):
        if value is not None:
            return fmt_ratio(value)
        if (wname, variant) in errors:
            return "ERR: " + short(errors[(wname, variant)])
        return "n/a"

    header = ["workload", "primal µs", "hand ×primal", "pushforward forward_diff ×primal",
              "pushforward jvp ×primal", "dual ×primal", "pf/hand", "dual/pf", "dual/hand",
              "transform ms", "pf µs/call", "re-wrap+call µs"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    pf_hand, dual_pf, transforms, noisy = {}, {}, {}, []
    for w in workloads:
        n = w.name
        t = {v: per_call(n, v) for v in VARIANTS}
        for v in VARIANTS:
            c = per_workload[n].get(v)
            if c is not None and c.samples:
                noisy.append((spread(c.samples), f"{n}/{v}"))
        p = t["primal"]
        ratio = {v: (t[v] / p if t[v] is not None else None) for v in VARIANTS}
        # "pf" = what a user calls: forward_diff for a scalar argument, else jvp
        pf_var = "pf_fd" if w.scalar_wrt else "pf_jvp"
        tpf = t[pf_var]
        ph = tpf / t["hand"] if tpf is not None else None
        dp = t["dual"] / tpf if tpf is not None else None
        if ph is not None:
            pf_hand[n] = ph
            dual_pf[n] = dp
        tr = transform.get(n)
        if tr is not None:
            transforms[n] = tr[0]
            tr_cell, warm_cell = f"{tr[0]:.2f}", f"{tr[1]:.1f}"
        elif (n, "transform") in errors:
            tr_cell, warm_cell = "ERR: " + short(errors[(n, "transform")]), "—"
        else:
            tr_cell = warm_cell = "—"
        row = [
            n,
            fmt_us(p),
            fmt_ratio(ratio["hand"]),
            cell(n, "pf_fd", ratio["pf_fd"]) if w.scalar_wrt else "n/a (list arg)",
            cell(n, "pf_jvp", ratio["pf_jvp"]),
            fmt_ratio(ratio["dual"]),
            fmt_ratio(ph) if ph is not None else "—",
            fmt_ratio(dp) if dp is not None else "—",
            fmt_ratio(t["dual"] / t["hand"]) if t["dual"] and t["hand"] else "—",
            tr_cell,
            fmt_us(tpf) if tpf is not None else "—",
            warm_cell,
        ]
        print("| " + " | ".join(row) + " |")
    print()
    print("pf = forward_diff for a scalar argument, jvp for the list argument. "
          "dual/hand = the dual class against the hand-written derivative: the most dual/pf "
          "can be while pushforward is no faster than hand-written code. "
          "transform ms = clear_cache(); forward_diff(f) + first call (median); "
          "re-wrap+call µs = the same with a warm cache (cached transformation).")

    # ---- summary ----------------------------------------------------------------
    n_all = len(workloads)
    complete = len(pf_hand) == n_all
    incomplete = "" if complete else f" [only {len(pf_hand)}/{n_all} workloads measured]"
    print()
    if pf_hand:
        gm = geomean(list(pf_hand.values()))
        worst_name = max(pf_hand, key=pf_hand.get)
        min_dp_name = min(dual_pf, key=dual_pf.get)
        ok_gm = complete and gm <= TARGET_GEOMEAN_PF_HAND
        ok_worst = complete and pf_hand[worst_name] <= TARGET_WORST_PF_HAND
        ok_dp = complete and dual_pf[min_dp_name] >= TARGET_MIN_DUAL_PF
        line1 = (f"geomean pf/hand = {gm:.3f} (target <= {TARGET_GEOMEAN_PF_HAND}) "
                 f"{verdict(ok_gm)}{incomplete}")
        line2 = (f"worst pf/hand = {pf_hand[worst_name]:.3f} ({worst_name}) "
                 f"(target <= {TARGET_WORST_PF_HAND} on every workload) "
                 f"{verdict(ok_worst)}{incomplete}")
        line3 = (f"min dual/pf = {dual_pf[min_dp_name]:.2f} ({min_dp_name}) "
                 f"(target >= {TARGET_MIN_DUAL_PF:g} on every workload) "
                 f"{verdict(ok_dp)}{incomplete}")
    else:
        ok_gm = ok_worst = ok_dp = False
        line1 = f"geomean pf/hand = — (target <= {TARGET_GEOMEAN_PF_HAND}) FAIL [no pushforward results]"
        line2 = f"worst pf/hand = — (target <= {TARGET_WORST_PF_HAND}) FAIL [no pushforward results]"
        line3 = f"min dual/pf = — (target >= {TARGET_MIN_DUAL_PF:g}) FAIL [no pushforward results]"
    if transforms:
        worst_tr = max(transforms, key=transforms.get)
        ok_tr = len(transforms) == n_all and transforms[worst_tr] < TARGET_TRANSFORM_MS
        tr_incomplete = "" if len(transforms) == n_all else \
            f" [only {len(transforms)}/{n_all} workloads measured]"
        line4 = (f"max transform = {transforms[worst_tr]:.2f} ms ({worst_tr}) "
                 f"(target < {TARGET_TRANSFORM_MS:g} ms) {verdict(ok_tr)}{tr_incomplete}")
    else:
        ok_tr = False
        line4 = f"max transform = — (target < {TARGET_TRANSFORM_MS:g} ms) FAIL [no measurement]"
    print("Summary:")
    for line in (line1, line2, line3, line4):
        print("  " + line)

    # ---- diagnostics ------------------------------------------------------------
    noisy = [x for x in noisy if not math.isnan(x[0])]
    if noisy:
        worst_spread = max(noisy)
        print()
        print(f"timing spread (IQR/median over rounds): max {worst_spread[0] * 100:.1f}% "
              f"({worst_spread[1]}), empty loop {loop_cost * 1e9:.1f} ns/iteration subtracted")
    print_problems(warnings, errors)
    print()
    print(f"total time {time.perf_counter() - t_start:.1f} s")
    if opts.strict and not (ok_gm and ok_worst and ok_dp and ok_tr):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
