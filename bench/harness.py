"""What the benchmark scripts share: importing the working tree's pushforward, calibrated
timeit loops, robust statistics and table formatting. Never asserts on timing."""

import importlib
import math
import os
import statistics
import sys
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))


def import_pushforward(*submodules):
    """``(pf, the submodules named, error string or None)``; a failed import becomes the error
    string (the benchmark then shows it in its cells). The repository's own ``src/`` is
    preferred over an installed copy, so a benchmark measures the tree it lives in."""
    src = os.path.normpath(os.path.join(HERE, os.pardir, "src"))
    if os.path.isfile(os.path.join(src, "pushforward", "__init__.py")) and src not in sys.path:
        sys.path.insert(0, src)
    try:
        import pushforward as pf
    except Exception as e:  # noqa: BLE001 - any failure becomes a row message
        return (None,) + (None,) * len(submodules) + (f"import failed: {type(e).__name__}: {e}",)
    mods = []
    for name in submodules:
        try:
            mods.append(importlib.import_module("pushforward." + name))
        except Exception:  # noqa: BLE001
            mods.append(None)
    return (pf, *mods, None)


class Case:
    """One (workload, variant) measurement: a timeit.Timer and its samples."""

    def __init__(self, workload, variant, stmt, namespace):
        self.workload = workload
        self.variant = variant
        self.stmt = stmt
        self.timer = timeit.Timer(stmt, globals=namespace)
        self.number = 1
        self.samples = []          # seconds per call, loop overhead not yet removed

    def calibrate(self, target_s, max_number=1 << 24):
        """Choose the loop count so that one timeit loop lasts about ``target_s``."""
        self.timer.timeit(1)                       # warm up
        n = 1
        while True:
            t = self.timer.timeit(n)
            if t >= target_s / 4 or n >= max_number:
                break
            n *= 4 if t < target_s / 40 else 2
        self.number = max(1, round(n * target_s / max(t, 1e-9)))

    def run(self):
        self.samples.append(self.timer.timeit(self.number) / self.number)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def spread(xs):
    """Interquartile range over median, as a fraction."""
    if len(xs) < 4:
        return float("nan")
    q = statistics.quantiles(xs, n=4)
    return (q[2] - q[0]) / statistics.median(xs)


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def short(err, width=44):
    s = " ".join(str(err).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def describe(exc):
    return f"{type(exc).__name__}: {exc}"


def fmt_us(s):
    us = s * 1e6
    if us < 10:
        return f"{us:.3f}"
    if us < 100:
        return f"{us:.2f}"
    return f"{us:.0f}" if us >= 1000 else f"{us:.1f}"


def fmt_ratio(x, digits=2):
    if x is None or math.isnan(x):
        return "—"
    if x >= 1000:
        return f"{x:.0f}"
    return f"{x:.{digits}f}"


def verdict(ok):
    return "PASS" if ok else "FAIL"


def print_problems(warnings, errors):
    """The warnings, then the errors ({(workload, variant): message}, with the traceback under
    (workload, variant, "tb")), each message once with the cells it stands for."""
    if warnings:
        print()
        print("Warnings:")
        for msg in warnings:
            print("  " + msg)
    grouped = {}
    for key, msg in errors.items():
        if len(key) == 2:
            grouped.setdefault(msg, []).append(key)
    if grouped:
        print()
        print("Errors:")
        for msg, keys in grouped.items():
            print(f"  {', '.join(f'{w}/{v}' for w, v in keys)}:")
            print(f"    {msg}")
            tb = errors.get(keys[0] + ("tb",))
            if tb:
                print("      " + tb.rstrip().replace("\n", "\n      "))
