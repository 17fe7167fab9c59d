"""Functions using as much of Python's grammar as possible: parsed by the tests, never called."""
# ruff: noqa: F821, F841 (names bound by match patterns and used before definition, on purpose)

import math


def everything(a, /, b=1, *args, c: float = 2.0, **kwargs) -> float:
    """A docstring."""
    global SOME_GLOBAL
    x, *rest = [a, b, *args]
    y = {**kwargs, "k": c}
    z = {v for v in rest if v} | {1, 2}
    w = {k: v for k, v in y.items()}
    s = f"{a!r:>{b}} {c:.3f} {{}}"
    t = b"bytes" + bytes(1j.imag)
    u = a[1:2, ::3, ...] if a else a[..., None]
    del x
    assert a, "message"
    if (n := len(rest)) > 3 and not b or c is None:
        pass
    elif 0 < a <= b != c:
        raise ValueError("x") from None
    try:
        import os.path as osp
        from math import sin as s2, cos
    except (TypeError, ValueError) as exc:
        print(exc)
    except Exception:
        raise
    else:
        a += 1
    finally:
        b **= 2
    with open("f") as fh, open("g"):
        fh.read()
    while a:
        a -= 1
        continue
    else:
        a = ~a
    for i, j in zip(range(3), "abc"):
        break
    else:
        a = -a
    match a:
        case 1 | 2:
            a = 3
        case [x0, *others]:
            a = x0
        case {"key": value, **more}:
            a = value
        case Point(x=0, y=yy) if yy > 0:
            a = yy
        case str() as text:
            a = text
        case _:
            pass

    class Point:
        x: int = 0

        def method(self):
            return self

    @staticmethod
    def inner(q=lambda p, *, r=1: p + r):
        nonlocal a
        yield q
        yield from range(3)

    g = (v * 2 for v in rest if v for _ in ())
    h = [lambda: v for v in rest]
    return math.pi, s, t, u, z, w, g, h, n, osp, s2, cos, i, j, inner, Point, SOME_GLOBAL


async def asynchronous(xs):
    async with xs as handle:
        async for item in handle:
            await item
    return [v async for v in xs]


SOME_GLOBAL = 1
