"""The recurrences of truncated Taylor arithmetic, written out for each number of coefficients.

Contract: ``recurrence(name, n)``, also ``SIZE[n].<name>``, is a function of lists of ``n``
coefficients (Python floats for a number's series, NumPy rows for an array's: the same code
serves both) computing recurrence ``name`` of the table below, compiled once per ``n`` from
straight-line source::

    def exp_3(u, y0):
        u0, u1, u2, = u
        ju1 = 1 * u1
        ju2 = 2 * u2
        y1 = (ju1 * y0) / 1
        y2 = (ju1 * y1 + ju2 * y0) / 2
        return [y0, y1, y2]

Written out, a recurrence costs one Python operation per term of its sums, with no slicing or
loop overhead: about three times faster than loops for the orders users ask for. Each sum adds
its terms in the order of ascending ``j``, as a loop would, so results do not depend on ``n``.
The source grows like ``n**2``: compiling one recurrence takes about 0.02 s for 100
coefficients and 2 s for 1000 (once per process).
"""

from __future__ import annotations


def _names(prefix, n):
    return ["%s%d" % (prefix, i) for i in range(n)]


def _sum(terms):
    return " + ".join(terms) if terms else "0.0"


def _conv(a, b, k, lo, hi):
    """``a_lo * b_(k-lo) + ... + a_hi * b_(k-hi)`` as source."""
    return _sum(["%s%d * %s%d" % (a, j, b, k - j) for j in range(lo, hi + 1)])


def _weighted(prefix, u, n):
    """``prefix_j = j * u_j`` for j = 1..n-1: the coefficients of t u'(t), shifted."""
    return ["%s%d = %s" % (prefix, j, _times(j, "%s%d" % (u, j))) for j in range(1, n)]


def _times(j, term):
    """``j * term`` (``term`` for j = 1: multiplying by 1 and dividing by 1 change nothing)."""
    return term if j == 1 else "%d * %s" % (j, term)


def _over(terms, k):
    """``(terms) / k``."""
    return terms if k == 1 else "(%s) / %d" % (terms, k)


def _elementwise(op):
    def written(n):
        """(a op b)_k = a_k op b_k."""
        unpack = ["%s, = a" % ", ".join(_names("a", n)), "%s, = b" % ", ".join(_names("b", n))]
        return "a, b", unpack, ["a%d %s b%d" % (k, op, k) for k in range(n)]
    return written


def _scale(n):
    """(a x)_k = a_k x for a number x."""
    return "a, x", ["%s, = a" % ", ".join(_names("a", n))], ["a%d * x" % k for k in range(n)]


def _mul(n):
    """(a b)_k = sum_{j=0..k} a_j b_(k-j)."""
    return "a, b", ["%s, = a" % ", ".join(_names("a", n)), "%s, = b" % ", ".join(_names("b", n))] \
        + ["y%d = %s" % (k, _conv("a", "b", k, 0, k)) for k in range(n)], _names("y", n)


def _div(n):
    """q = a / b: q_k = (a_k - sum_{j=1..k} b_j q_(k-j)) / b_0."""
    body = ["%s, = a" % ", ".join(_names("a", n)), "%s, = b" % ", ".join(_names("b", n)),
            "q0 = a0 / b0"]
    body += ["q%d = (a%d - (%s)) / b0" % (k, k, _conv("b", "q", k, 1, k)) for k in range(1, n)]
    return "a, b", body, _names("q", n)


def _exp(n):
    """y = exp(u): y' = y u', so y_k = (1/k) sum_{j=1..k} j u_j y_(k-j)."""
    body = ["%s, = u" % ", ".join(_names("u", n))] + _weighted("ju", "u", n)
    body += ["y%d = %s" % (k, _over(_conv("ju", "y", k, 1, k), k)) for k in range(1, n)]
    return "u, y0", body, _names("y", n)


def _log(n):
    """y = log(u): u y' = u', so y_k = (u_k - (1/k) sum_{j=1..k-1} j y_j u_(k-j)) / u_0."""
    body = ["%s, = u" % ", ".join(_names("u", n))]
    for k in range(1, n):
        if k == 1:
            body.append("y1 = u1 / u0")
        else:
            body.append("y%d = (u%d - (%s) / %d) / u0" % (k, k, _conv("jy", "u", k, 1, k - 1), k))
        if k < n - 1:
            body.append("jy%d = %s" % (k, _times(k, "y%d" % k)))
    return "u, y0", body, _names("y", n)


def _sqrt(n):
    """y = sqrt(u): y y = u, so y_k = (u_k - sum_{j=1..k-1} y_j y_(k-j)) / (2 y_0)."""
    body = ["%s, = u" % ", ".join(_names("u", n))]
    body += ["y%d = (u%d - (%s)) / (2.0 * y0)" % (k, k, _conv("y", "y", k, 1, k - 1))
             if k > 1 else "y1 = u1 / (2.0 * y0)" for k in range(1, n)]
    return "u, y0", body, _names("y", n)


def _integrate(n):
    """y with y' = g u': y_k = (1/k) sum_{j=1..k} j u_j g_(k-j)."""
    body = ["%s, = u" % ", ".join(_names("u", n)), "%s, = g" % ", ".join(_names("g", n))]
    body += _weighted("ju", "u", n)
    body += ["y%d = %s" % (k, _over(_conv("ju", "g", k, 1, k), k)) for k in range(1, n)]
    return "u, g, y0", body, _names("y", n)


def _sincos(n):
    """sin and cos: the imaginary and real parts of z = exp(i u), z' = i u' z."""
    body = ["%s, = u" % ", ".join(_names("u", n)), "z0 = c0 + 1j * s0"]
    body += ["ju%d = %s" % (j, _times(j, "1j * u%d" % j)) for j in range(1, n)]
    body += ["z%d = %s" % (k, _over(_conv("ju", "z", k, 1, k), k)) for k in range(1, n)]
    out = "[s0, %s], [c0, %s]" % (", ".join("z%d.imag" % k for k in range(1, n)),
                                  ", ".join("z%d.real" % k for k in range(1, n)))
    return "u, s0, c0", body, out


def _sinhcosh(n):
    """sinh and cosh: s' = c u', c' = s u'."""
    body = ["%s, = u" % ", ".join(_names("u", n))] + _weighted("ju", "u", n)
    for k in range(1, n):
        body.append("s%d = %s" % (k, _over(_conv("ju", "c", k, 1, k), k)))
        body.append("c%d = %s" % (k, _over(_conv("ju", "s", k, 1, k), k)))
    return "u, s0, c0", body, "[%s], [%s]" % (", ".join(_names("s", n)), ", ".join(_names("c", n)))


def _tan(n):
    """tan (sign +1) or tanh (sign -1): y' = w u' with w = 1 + sign y^2."""
    body = ["%s, = u" % ", ".join(_names("u", n))] + _weighted("ju", "u", n)
    body.append("w0 = 1.0 + sign * y0 * y0")
    for k in range(1, n):
        body.append("y%d = %s" % (k, _over(_conv("ju", "w", k, 1, k), k)))
        if k < n - 1:
            body.append("w%d = sign * (%s)" % (k, _conv("y", "y", k, 0, k)))
    return "u, y0, sign", body, _names("y", n)


def _pow(n):
    """y = u ** r: u y' = r u' y, so y_k = sum_{j=1..k} ((r+1) j - k) u_j y_(k-j) / (k u_0)."""
    body = ["%s, = u" % ", ".join(_names("u", n)), "r1 = r + 1.0"]
    for k in range(1, n):
        terms = ["(%s - %d) * u%d * y%d" % (_times(j, "r1"), k, j, k - j) for j in range(1, k + 1)]
        body.append("y%d = (%s) / (%s)" % (k, _sum(terms), _times(k, "u0")))
    return "u, r, y0", body, _names("y", n)


RECURRENCES = {"add": _elementwise("+"), "sub": _elementwise("-"), "scale": _scale, "mul": _mul,
               "div": _div, "exp": _exp, "log": _log, "sqrt": _sqrt, "integrate": _integrate,
               "sincos": _sincos, "sinhcosh": _sinhcosh, "tan": _tan, "pow": _pow}


def source(name, n):
    """The Python source of recurrence ``name`` for ``n`` coefficients."""
    params, body, out = RECURRENCES[name](n)
    if isinstance(out, list):
        out = "[%s]" % ", ".join(out)
    lines = ["def %s_%d(%s):" % (name, n, params)] + ["    " + line for line in body]
    return "\n".join(lines + ["    return " + out, ""])


class _Written:
    """The recurrences for one number of coefficients, each compiled on first use."""

    def __init__(self, n):
        self.n = n

    def __getattr__(self, name):  # called only before ``name`` is compiled
        if name not in RECURRENCES:
            raise AttributeError(name)
        namespace = {}
        label = "<pushforward recurrence %s_%d>" % (name, self.n)
        exec(compile(source(name, self.n), label, "exec"), namespace)
        fn = namespace["%s_%d" % (name, self.n)]
        setattr(self, name, fn)
        return fn


class _BySize(dict):
    def __missing__(self, n):
        self[n] = written = _Written(n)
        return written


SIZE = _BySize()  # SIZE[n].exp: recurrence exp for n coefficients


def recurrence(name, n):
    return getattr(SIZE[n], name)
