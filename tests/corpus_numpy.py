"""Corpus of plain Python functions using NumPy, each with its input domain.

Every function is ordinary NumPy code (``import numpy as np``), registered right after its
definition with ``register(func, domain, active=...)``.  ``active`` is always given explicitly:
it lists the differentiated arguments (arrays and/or floats); every other argument is data
(held constant).  The domain specs are those of ``checks.Case`` (``(lo, hi)`` for a float,
``Const``, ``Int``, ``FloatList``...) plus ``Array`` below, for float64 arrays.

Domains keep sampled points away from non-differentiable points and branch boundaries
(``kinks=`` distance functions, in argument units, with a ``margin`` well above the
finite-difference step of 1e-2 times the Lipschitz constant of the distance), so finite
differences are valid there.  No function mutates its arguments unless its name says so.

Functions are named after what they exercise.  ``CASES`` lists them all.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from checks import Case, Const, FloatList

CASES = []


def register(func, domain, active, **options):
    """Add ``func`` to the corpus; ``active`` = indices of the differentiated arguments."""
    CASES.append(Case(func, domain, active=tuple(active), **options))
    return func


# ============================================================================ argument specs


@dataclass(frozen=True)
class Array:
    """A float64 array of ``shape`` with entries uniform in ``[lo, hi]``.

    ``plus_identity`` adds that multiple of the identity (square matrices: a well-conditioned
    matrix is ``Array((n, n), -0.3, 0.3, plus_identity=3.0)``); ``zeros`` lists flat indices
    set to exactly 0.0 after sampling.  ``sample(rng)`` follows the ``checks.Case`` protocol:
    ``rng`` is a ``random.Random``, from which a NumPy generator is seeded.
    """

    shape: tuple
    lo: float = -1.0
    hi: float = 1.0
    plus_identity: float = 0.0
    zeros: tuple = ()

    def sample(self, rng):
        gen = np.random.default_rng(rng.getrandbits(64))
        a = gen.uniform(self.lo, self.hi, size=self.shape)
        if self.plus_identity:
            a = a + self.plus_identity * np.eye(self.shape[0])
        if self.zeros:
            a.flat[list(self.zeros)] = 0.0
        return a


# ============================================================================ kink distances


def _min_abs(a, at=0.0):
    """Distance from the entries of ``a`` to the value(s) ``at``."""
    return float(np.min(np.abs(np.asarray(a) - at)))


def _min_gap(a):
    """Smallest distance between two entries of ``a`` (ties of sorting, argsort, max...)."""
    s = np.sort(np.ravel(a))
    return float(np.min(np.diff(s))) if s.size > 1 else np.inf


def _top_gap(a, axis=None):
    """Smallest gap between the largest and second-largest entries along ``axis``
    (the distance to a change of the argmax); over all entries when ``axis`` is None."""
    a = np.asarray(a)
    if axis is None:
        a = a.reshape(-1, 1)
        axis = 0
    s = np.sort(a, axis=axis)
    top = np.take(s, -1, axis=axis) - np.take(s, -2, axis=axis)
    return float(np.min(top))


def _bottom_gap(a, axis=None):
    return _top_gap(-np.asarray(a), axis)


# ============================================================================ data


_DATA = np.random.default_rng(20240611)

# Logistic regression: 50 samples, 3 features, 0/1 labels.
LOGREG_X = _DATA.normal(size=(50, 3))
LOGREG_Y = (LOGREG_X @ np.array([1.0, -2.0, 0.5]) + 0.5 * _DATA.normal(size=50) > 0).astype(float)

# A 2-layer tanh MLP, 3 -> 8 -> 2.
MLP_W1 = _DATA.normal(scale=0.6, size=(8, 3))
MLP_B1 = _DATA.normal(scale=0.1, size=8)
MLP_W2 = _DATA.normal(scale=0.6, size=(2, 8))
MLP_B2 = _DATA.normal(scale=0.1, size=2)

# Observations for a Gaussian log-likelihood.
GAUSS_DATA = _DATA.normal(loc=0.3, scale=1.2, size=20)

# A well-conditioned system for a solve inside a loss.
SOLVE_A = 4.0 * np.eye(3) + _DATA.uniform(-0.5, 0.5, size=(3, 3))
SOLVE_B = _DATA.normal(size=3)
SOLVE_TARGET = np.array([0.1, -0.2, 0.3])

# Data with missing values (NaN) for isnan / fmax.
WITH_NAN = np.array([0.5, np.nan, -1.5, np.nan, 2.0])

# Integer index arrays.
INDEX = np.array([3, 0, 0, 2, 4])


# ============================================================================ elementwise ufuncs


def ufunc_trig(x):
    return np.sin(x) * np.cos(x) + np.tan(x)


register(ufunc_trig, [Array((5,), -1.2, 1.2)], active=[0])


def ufunc_inverse_trig(x):
    return np.arcsin(x) + 2.0 * np.arccos(x) - np.arctan(3.0 * x)


register(ufunc_inverse_trig, [Array((5,), -0.85, 0.85)], active=[0])


def ufunc_hyperbolic(x):
    return np.sinh(x) - 0.5 * np.cosh(x) + np.tanh(2.0 * x)


register(ufunc_hyperbolic, [Array((2, 3), -2.0, 2.0)], active=[0])


def ufunc_inverse_hyperbolic(x, y):
    return np.arcsinh(3.0 * x) + np.arctanh(x) + np.arccosh(y)


register(ufunc_inverse_hyperbolic, [Array((4,), -0.85, 0.85), Array((4,), 1.2, 3.0)], active=[0, 1])


def ufunc_exp_family(x):
    return np.exp(x) + np.exp2(x) - 3.0 * np.expm1(0.5 * x)


register(ufunc_exp_family, [Array((6,), -2.0, 2.0)], active=[0])


def ufunc_log_family(x):
    return np.log(x) + np.log2(x) * np.log10(x) - np.log1p(x)


register(ufunc_log_family, [Array((6,), 0.2, 3.0)], active=[0])


def ufunc_sqrt_square_reciprocal(x):
    return np.sqrt(x) + np.square(x) - np.reciprocal(x)


register(ufunc_sqrt_square_reciprocal, [Array((5,), 0.3, 3.0)], active=[0])


def ufunc_cbrt_signed(x):
    return np.cbrt(x) * x + np.cbrt(x * x + 1.0)


register(ufunc_cbrt_signed, [Array((5,), -3.0, 3.0)], active=[0], kinks=lambda x: _min_abs(x))


def ufunc_abs_sign(x):
    # np.sign is piecewise constant: d(sign(x) * x**2) = sign(x) * 2x.
    return np.absolute(x) * 2.0 + abs(x) * x - np.abs(x - 0.0) + np.sign(x) * x ** 2


register(ufunc_abs_sign, [Array((6,), -2.0, 2.0)], active=[0], kinks=lambda x: _min_abs(x))


def ufunc_arctan2(y, x):
    return np.arctan2(y, x) + np.arctan2(x, 2.0)


register(ufunc_arctan2, [Array((5,), -2.0, 2.0), Array((5,), 0.3, 2.0)], active=[0, 1])


def ufunc_hypot(x, y):
    return np.hypot(x, y) * x + np.hypot(3.0, y)


register(ufunc_hypot, [Array((5,), -2.0, 2.0), Array((5,), 0.3, 2.0)], active=[0, 1])


def power_array_scalar(x):
    return x ** 3 + x ** 2.5 - 2.0 * np.power(x, -0.5) + x ** 1


register(power_array_scalar, [Array((5,), 0.3, 2.0)], active=[0])


def power_scalar_array(x, a):
    # a: a Python float base raised to an array exponent.
    return 2.0 ** x + a ** x + np.power(a, 2.0 * x)


register(power_scalar_array, [Array((5,), -1.5, 1.5), (0.5, 2.0)], active=[0, 1])


def power_array_array(x, y):
    return x ** y + np.power(y, x) - (x * y) ** (0.5 * y)


register(power_array_array, [Array((5,), 0.3, 2.0), Array((5,), 0.3, 2.0)], active=[0, 1])


def ufunc_maximum_minimum(x, y):
    return np.maximum(x, y) + 2.0 * np.minimum(x, y) + np.maximum(x, 0.25) * np.minimum(y, 0.0)


register(
    ufunc_maximum_minimum,
    [Array((6,), -1.5, 1.5), Array((6,), -1.5, 1.5)],
    active=[0, 1],
    kinks=lambda x, y: min(_min_abs(x - y), _min_abs(x, 0.25), _min_abs(y)),
)


def ufunc_fmax_fmin(x, y, d):
    # d holds NaNs: fmax/fmin ignore them and pick the other argument.
    return np.fmax(x, y) - np.fmin(x, 2.0 * y) + np.fmax(x, d) + np.fmin(d, x)


register(
    ufunc_fmax_fmin,
    [Array((5,), -2.0, 2.0), Array((5,), -2.0, 2.0), Const(WITH_NAN)],
    active=[0, 1],
    kinks=lambda x, y, d: min(
        _min_abs(x - y),
        _min_abs(x - 2.0 * y),
        _min_abs((x - d)[~np.isnan(d)]),
    ),
    margin=0.12,
)


def clip_array(x):
    return np.clip(x, -0.5, 0.5) * x + np.clip(2.0 * x, 0.0, None)


register(
    clip_array,
    [Array((6,), -1.5, 1.5)],
    active=[0],
    kinks=lambda x: min(_min_abs(x, 0.5), _min_abs(x, -0.5), _min_abs(x)),
)


def nested_layer_of_a_constant_and_of_x(x):
    """A nested function called with a constant array and with a differentiated one: the
    constant's tangent is an array of zeros, which W @ dv needs."""
    W = np.outer(x, x)

    def layer(v):
        return W @ v

    return layer(np.ones(3)) + layer(x)


register(nested_layer_of_a_constant_and_of_x, [Array((3,), -1.0, 1.0)], active=[0])


def numpy_functions_of_lists_of_entries(x, y):
    """NumPy functions given Python lists of differentiated numbers (in vector mode their
    tangents are lists of batches, given to NumPy as one batch)."""
    return (np.sum([x[0], y, x[1] * y]) + np.linalg.norm([x[0], x[2]])
            + np.mean([y, 2.0 * y]) * np.max([x[1], 0.5]) + np.prod((x[2], y)))


register(numpy_functions_of_lists_of_entries, [Array((3,), 1.0, 2.0), (-1.0, 1.0)],
         active=[0, 1])


def numpy_rules_given_lists(x, y):
    """np.clip and np.maximum of a list of differentiated numbers, and sorted of a dict's
    values (the rules compared lists, or indexed a view)."""
    a = np.clip([x, y], 0.0, 0.95)
    b = np.maximum([x, y * y], 0.2)
    d = {"p": x * y, "q": 2.0 * y}
    return float(a[0] + 2.0 * a[1] + b @ np.array([1.0, 3.0])) + sorted(d.values())[1] * x


register(numpy_rules_given_lists, [(0.3, 0.6), (0.5, 0.9)], active=[0, 1],
         kinks=lambda x, y: min(abs(x * y - 2.0 * y), abs(y * y - 0.2), abs(y - 0.95)))


def concatenates_a_list_variable_and_a_constant(x):
    """np.concatenate of a list variable plus a display of a constant array (its tangent was
    0.0, which np.concatenate refused)."""
    parts = [x ** 2]
    return np.sum(np.concatenate(parts + [np.zeros(2)]) * np.arange(1.0, 6.0))


register(concatenates_a_list_variable_and_a_constant, [Array((3,), -1.0, 1.0)], active=[0])


def list_variable_with_a_constant_array(x):
    """A list variable of a differentiated and a constant array, given to np.array, np.mean
    and np.max (the constant's tangent is zeros of its shape, not 0.0)."""
    parts = [x ** 2, np.ones(3)]
    return np.sum(np.array(parts)) * np.mean(parts) + np.max(parts, axis=0) @ x


register(list_variable_with_a_constant_array, [Array((3,), 1.2, 2.0)], active=[0])


def fortran_order_flattening(X):
    """ravel, flatten, reshape and copy in Fortran order (vector mode flattens each tangent
    in that order too)."""
    w = np.arange(6.0)
    return (np.ravel(X, order="F") @ w + X.flatten("F") @ w ** 2
            + X.reshape((3, 2), order="F").ravel() @ w + X.copy(order="F").ravel() @ w)


register(fortran_order_flattening, [Array((2, 3), -1.0, 1.0)], active=[0])


def _first_half(a):
    return a[:2]


def writes_through_views_made_by_functions(x):
    """Writes through views that functions make of a constant array (np.reshape, np.asarray,
    a helper returning a slice): the array they view carries the tangents."""
    y = np.zeros(4)
    z = np.reshape(y, (2, 2))
    z[0, 1] = x[0] ** 2
    w = np.asarray(y)
    w[3] = x[1] * x[2]
    v = _first_half(y)
    v[0] = np.sin(x[2])
    return y * x[0]


register(writes_through_views_made_by_functions, [Array((3,), -1.0, 1.0)], active=[0])


def inplace_through_an_alias_of_the_argument(x):
    """y is x, the argument, changed in place through y (the Hessian's code wrote into a
    zero 0.0 for the argument's tangent's tangent)."""
    y = x
    y[0] = 5.0
    y *= 2.0
    return np.sum(y ** 2) + y @ x


register(inplace_through_an_alias_of_the_argument, [Array((3,), -1.0, 1.0)], active=[0])


def power_iteration_from_a_constant_vector(s):
    """The largest eigenvalue of a matrix of s by power iteration: v starts as a constant
    array computed before the loop (its zero tangent was 0.0, which A @ dv refused)."""
    A = np.array([[2.0, 1.0], [1.0, 3.0]]) + s * np.eye(2)
    v = np.ones(2) / np.sqrt(2.0)
    for _ in range(30):
        w = A @ v
        v = w / np.linalg.norm(w)
    return v @ A @ v


register(power_iteration_from_a_constant_vector, [(-0.5, 0.5)], active=[0])


def unpacks_weights_by_a_variable_shape(theta, n):
    """theta.reshape(n, 4) with n an int argument: a method's argument, not an array it views
    (n was taken for one and made differentiated: refused)."""
    W = theta.reshape(n, 4)
    return np.sum(np.tanh(W @ np.arange(1.0, 5.0) * 0.1) ** 2)


register(unpacks_weights_by_a_variable_shape, [Array((12,), -1.0, 1.0), Const(3)], active=[0])


def _as_matrix(v):
    return np.reshape(v, (2, 2))


def writes_through_a_view_a_helper_makes(x):
    """A helper returns np.reshape of its argument: writes through it reach the argument, at
    every order (its derivative code returns the view through a temporary)."""
    a = np.zeros(4)
    m = _as_matrix(a)
    m[1, 0] = x[0] * x[1]
    m[0, 1] = np.sin(x[0])
    return np.sum(a * a)  # a number: its Hessian too


register(writes_through_a_view_a_helper_makes, [Array((2,), -1.0, 1.0)], active=[0])


class Frame(NamedTuple):
    points: np.ndarray
    weights: np.ndarray


def namedtuple_of_arrays(x):
    """A NamedTuple of arrays, built by position and keyword, replaced and read."""
    f = Frame(np.outer(x, x), weights=np.exp(-x))
    g = f._replace(points=f.points @ f.weights[:, None])
    return np.sum(g.points) + g.weights.dot(x)


register(namedtuple_of_arrays, [Array((3,), -1.0, 1.0)], active=[0])


def sort_rows_in_place(A):
    """ndarray.sort() of a differentiated array: its rows in order, weighted by position."""
    B = A * A
    B.sort()
    return B @ np.arange(1.0, B.shape[1] + 1.0)


register(sort_rows_in_place, [Array((2, 3), -1.5, 1.5)], active=[0],
         kinks=lambda A: min(_min_gap(row) for row in A * A))


def where_select(x, y):
    return np.where(x > y, x * y, x - y) + np.where(y < 0.0, 1.0, y ** 2)


register(
    where_select,
    [Array((6,), -1.5, 1.5), Array((6,), -1.5, 1.5)],
    active=[0, 1],
    kinks=lambda x, y: min(_min_abs(x - y), _min_abs(y)),
)


# ============================================================================ operators


def array_arith_ops(x, y):
    a = x + y
    b = x - y
    c = x * y
    d = x / y
    return -a * b + c / d - (-d) + 3.0 / x


register(array_arith_ops, [Array((3, 4), 0.5, 2.0), Array((3, 4), 0.5, 2.0)], active=[0, 1])


def array_pow_operator(x, y):
    return x ** 2 + x ** y - (y * y) ** 0.5 * y + 2.0 ** y


register(array_pow_operator, [Array((5,), 0.3, 2.0), Array((5,), -1.0, 1.0)], active=[0, 1])


def matmul_matrix_vector(A, v):
    return A @ v + A.T @ (A @ v)


register(matmul_matrix_vector, [Array((3, 3)), Array((3,))], active=[0, 1])


def matmul_matrix_matrix(A, B):
    C = A @ B
    return C @ C.T, B.T @ A.T @ A


register(matmul_matrix_matrix, [Array((3, 4)), Array((4, 2))], active=[0, 1])


def broadcast_row_plus_column(r, c):
    # r has shape (1, 4), c has shape (3, 1): results are (3, 4).
    return r + c + r * c - c / (1.0 + r * r)


register(broadcast_row_plus_column, [Array((1, 4)), Array((3, 1))], active=[0, 1])


def broadcast_scalar_times_array(s, x):
    # s: a float; x: an array.
    return s * x + x / s - s ** 2 * x + (x * x) * s


register(broadcast_scalar_times_array, [(0.5, 2.0), Array((2, 3))], active=[0, 1])


def mixed_python_floats_arrays(x, a, b):
    # a, b: Python floats mixed with the array x.
    y = a * x + b
    z = y * 2.0 - 1.5 / (1.0 + x * x)
    return z + a * b + x.sum() * a


register(mixed_python_floats_arrays, [Array((4,)), (-2.0, 2.0), (-2.0, 2.0)], active=[0, 1, 2])


def scalar_param_array_data(s, x):
    # Only the float s is differentiated; the array x is data.
    return np.sum(np.exp(s * x)) + np.mean(x ** 2) * s


register(scalar_param_array_data, [(-1.0, 1.0), Array((8,), -1.0, 1.0)], active=[0])


# ============================================================================ reductions


def reduce_sum_mean(x):
    return np.sum(x) + np.mean(x ** 2) + np.sum(x * x, axis=1) @ np.mean(x, axis=1)


register(reduce_sum_mean, [Array((3, 4))], active=[0])


def reduce_axis_keepdims(x):
    centered = x - np.mean(x, axis=1, keepdims=True)
    return centered * np.sum(x, axis=0, keepdims=True) + np.sum(x, axis=-1)[:, np.newaxis]


register(reduce_axis_keepdims, [Array((3, 4))], active=[0])


def reduce_prod(x):
    return np.prod(x) + np.prod(x, axis=1) * np.prod(x, axis=0, keepdims=True).sum()


register(reduce_prod, [Array((3, 4), 0.5, 1.5)], active=[0])


def reduce_prod_zero_entry(x):
    # Sampled with an exact 0.0 in x: d prod(x) = v[k] * prod of the others (not NaN).
    return np.prod(x) + np.prod(x[:3])


register(reduce_prod_zero_entry, [Array((5,), 0.5, 1.5, zeros=(1,))], active=[0])


def reduce_max_min(x):
    return np.max(x) * np.min(x) + np.max(x, axis=0) + np.min(x, axis=1).sum()


register(
    reduce_max_min,
    [Array((3, 4), -2.0, 2.0)],
    active=[0],
    kinks=lambda x: min(_top_gap(x), _bottom_gap(x), _top_gap(x, axis=0), _bottom_gap(x, axis=1)),
)


def reduce_std_var(x):
    return np.std(x) * np.var(x, axis=1) + np.std(x, axis=1, ddof=1) + np.var(x)


register(reduce_std_var, [Array((3, 5), -2.0, 2.0)], active=[0])


def reduce_cumsum_cumprod(x):
    return np.cumsum(x) * np.cumprod(x), np.cumsum(x.reshape(2, 3), axis=1), np.cumprod(
        x.reshape(2, 3), axis=0
    )


register(reduce_cumsum_cumprod, [Array((6,), 0.5, 1.5)], active=[0])


def linalg_norm_vector_axis(x, M):
    return np.linalg.norm(x) * np.linalg.norm(M, axis=1) + np.linalg.norm(M, axis=0).sum()


register(linalg_norm_vector_axis, [Array((4,)), Array((3, 4))], active=[0, 1])

NORM_SIGNS = np.array([1.0, -1.0, -1.0, 1.0, -1.0])


def linalg_norm_vector_orders(x):
    # entries away from 0 (the kink of 1-norms) with both signs; the largest is clear of the rest
    v = NORM_SIGNS * x
    return (np.linalg.norm(v, 1) + np.linalg.norm(v, np.inf) * np.linalg.norm(v, -np.inf)
            + np.linalg.norm(v, 3) / np.linalg.norm(v, 0.5) + np.linalg.norm(v, -1.5)
            + np.linalg.norm(v, 0) * np.linalg.norm(v, ord=2))


register(linalg_norm_vector_orders, [Array((5,), 0.3, 1.0)], active=[0])


def linalg_norm_matrix_orders(A, S):
    # a tuple: the norms of singular values have no second derivatives (pf.hessian refuses them)
    return (np.linalg.norm(A, "nuc") + np.linalg.norm(A, 2) * np.linalg.norm(A, -2),
            np.linalg.norm(A, 1) - np.linalg.norm(A, -1) + np.linalg.norm(A.T, np.inf),
            np.linalg.norm(S, ord=-np.inf, axis=(2, 0), keepdims=True),
            np.linalg.norm(S, ord=2, axis=(0, 1)))


register(linalg_norm_matrix_orders, [Array((3, 4), 0.2, 1.0), Array((2, 3, 4), 0.2, 1.0)],
         active=[0, 1])


def det_of_singular(A):
    # the last row is zero: det is 0, its tangent the cofactors' sum with dA
    return np.linalg.det(A) + np.linalg.det(A[:2, :2]) ** 2


register(det_of_singular, [Array((3, 3), zeros=(6, 7, 8))], active=[0])


# ============================================================================ linear algebra


def dot_inner_outer(x, y):
    return np.outer(x, y) * np.dot(x, y) + np.inner(x, 2.0 * y)


register(dot_inner_outer, [Array((4,)), Array((4,))], active=[0, 1])


def dot_matmul_matrix(A, x):
    return np.dot(A, x) + np.matmul(A.T, np.dot(A, x)) + np.dot(np.matmul(A, A), x)


register(dot_matmul_matrix, [Array((3, 3)), Array((3,))], active=[0, 1])


def einsum_subscripts(A, x):
    return np.einsum("ij,j->i", A, x) * np.einsum("ij,ij->", A, A)


register(einsum_subscripts, [Array((3, 4)), Array((4,))], active=[0, 1])


def trace_of_product(A, B):
    return np.trace(A @ B) + np.trace(A) ** 2


register(trace_of_product, [Array((3, 3)), Array((3, 3))], active=[0, 1])


def linalg_solve(A, b, B):
    return np.linalg.solve(A, b), np.linalg.solve(A, B)


register(
    linalg_solve,
    [Array((3, 3), -0.3, 0.3, plus_identity=3.0), Array((3,)), Array((3, 2))],
    active=[0, 1, 2],
)


def linalg_inv(A):
    return np.linalg.inv(A) + 0.5 * A


register(linalg_inv, [Array((3, 3), -0.3, 0.3, plus_identity=3.0)], active=[0])


def linalg_det(A):
    d = np.linalg.det(A)
    return d + np.log(d)


register(linalg_det, [Array((3, 3), -0.3, 0.3, plus_identity=3.0)], active=[0])


# ============================================================================ shape operations


def reshape_transpose(x):
    a = x.reshape(3, 4).T
    b = np.transpose(np.reshape(x, (4, 3)))
    return a * b.T + np.reshape(x, (-1,))[:3]


register(reshape_transpose, [Array((2, 6))], active=[0])


def swapaxes_ravel(x):
    return np.swapaxes(x, 0, 2).ravel() * 2.0 + np.ravel(x) * x.ravel()


register(swapaxes_ravel, [Array((2, 3, 4))], active=[0])


def squeeze_expand_dims(x):
    y = np.squeeze(x, axis=0)
    z = np.expand_dims(y, axis=1)
    return z * y + np.squeeze(x)


register(squeeze_expand_dims, [Array((1, 4))], active=[0])


def newaxis_indexing(x, y):
    return x[:, np.newaxis] * y[np.newaxis, :] + x[:, None] + y[None] ** 2


register(newaxis_indexing, [Array((3,)), Array((4,))], active=[0, 1])


def concatenate_stack(x, y):
    return np.concatenate([x, y]), np.stack([x, y], axis=1) * 2.0, np.stack((x * y, x))


register(concatenate_stack, [Array((3,)), Array((3,))], active=[0, 1])


def hstack_vstack(x, y):
    return np.hstack((x, y * y)), np.vstack((x, y)) + np.concatenate((x[None], y[None]), axis=0)


register(hstack_vstack, [Array((4,)), Array((4,))], active=[0, 1])


def broadcast_to_tile_repeat(x):
    a = np.broadcast_to(x, (3, 4))
    b = np.tile(x, (3, 1))
    c = np.repeat(x, 3).reshape(4, 3).T
    return a * b + c


register(broadcast_to_tile_repeat, [Array((4,))], active=[0])


def flip_roll_diff(x, M):
    return (
        np.flip(x) * np.roll(x, 2),
        np.diff(x, n=2),
        np.flip(M, axis=1) + np.roll(M, -1, axis=1) * np.diff(M, axis=0).sum(),
    )


register(flip_roll_diff, [Array((6,)), Array((3, 4))], active=[0, 1])


# ============================================================================ constructors


def zeros_ones_like(x):
    z = np.zeros_like(x)
    o = np.ones_like(x)
    return z + o * x ** 2 + np.full(x.shape, 2.0) * x + np.full_like(x, 0.5)


register(zeros_ones_like, [Array((2, 3))], active=[0])


def zeros_then_fill(s, t):
    # floats s, t written into fresh arrays.
    y = np.zeros(4)
    y[0] = s
    y[1:3] = t * s
    y[3] = np.sin(s)
    z = np.empty(3)
    z.fill(t)
    return y[:3] * z + y[3]


register(zeros_then_fill, [(-2.0, 2.0), (-2.0, 2.0)], active=[0, 1])


def full_with_active_value(x, s):
    return np.full((2, 3), s) * x + np.full(3, s * s)


register(full_with_active_value, [Array((2, 3)), (-2.0, 2.0)], active=[0, 1])


def copy_and_asarray(x):
    y = x.copy()
    z = np.copy(x)
    w = np.asarray(x)
    y[0] = 0.5
    return y + z * w + np.array(x) * 2.0


register(copy_and_asarray, [Array((4,))], active=[0])


def array_of_active_scalars(x, y):
    # floats x, y packed into arrays.
    v = np.array([x, 2.0 * x, x * y])
    M = np.array([[x, y], [y, x * x]])
    return v * v.sum() + np.concatenate([M @ np.array([1.0, 2.0]), [y]])


register(array_of_active_scalars, [(-2.0, 2.0), (-2.0, 2.0)], active=[0, 1])


def asarray_from_list(values, x):
    v = np.asarray(values)
    return v * x + np.asarray(x) ** 2


register(asarray_from_list, [FloatList(4, -2.0, 2.0), Array((4,))], active=[0, 1])


# ============================================================================ array methods


def methods_sum_mean(x):
    return x.sum() + x.sum(axis=0) * x.mean() + x.mean(axis=1).sum()


register(methods_sum_mean, [Array((3, 4))], active=[0])


def methods_dot_reshape_copy(A, y):
    z = A.dot(y)
    B = A.reshape(2, 6).copy()
    B[0, 0] = 1.0
    return z, B * A.reshape(2, 6)


register(methods_dot_reshape_copy, [Array((3, 4)), Array((4,))], active=[0, 1])


def methods_item(x, s):
    # .item() of a one-element array, by flat index, by a multi-index: a number
    total = np.sum(x * x).item()
    return total * x.item(1) + x.reshape(2, 3).item(1, 0) * np.asarray(s).item()


register(methods_item, [Array((6,)), (-1.0, 1.0)], active=[0, 1])


def methods_clip(x, hi):
    return x.clip(-0.5, hi) * x + x.clip(min=0.0)


register(methods_clip, [Array((6,), -1.5, 1.5), (0.3, 1.0)], active=[0, 1],
         kinks=lambda x, hi: min(_min_abs(x, -0.5), _min_abs(x, hi), _min_abs(x)))


def methods_max_T_cumsum(x):
    return x.max(axis=1) * x.T.sum(axis=1)[:3] + x.cumsum()[:3] + x.min()


register(
    methods_max_T_cumsum,
    [Array((3, 4), -2.0, 2.0)],
    active=[0],
    kinks=lambda x: min(_top_gap(x, axis=1), _bottom_gap(x)),
)


# ============================================================================ non-differentiable parts


def argmax_select(x):
    i = np.argmax(x)
    j = np.argmin(x)
    return x[i] ** 2 + x * x[j] + x[x.argmax()]


register(
    argmax_select,
    [Array((6,), -2.0, 2.0)],
    active=[0],
    kinks=lambda x: min(_top_gap(x), _bottom_gap(x)),
)


def argsort_reorder(x):
    idx = np.argsort(x)
    weights = np.arange(x.size) + 1.0
    return np.sum(x[idx] * weights) + np.sort(x) * x


register(argsort_reorder, [Array((6,), -2.0, 2.0)], active=[0], kinks=_min_gap)


def shape_size_ndim(x):
    n = x.size
    r = x.ndim
    m, k = x.shape
    total = 0.0
    for i in range(m):
        total = total + x[i, k - 1] * (i + 1)
    return x.sum() / n + r * x[0, 0] + total + len(x) * x[-1, 0]


register(shape_size_ndim, [Array((3, 4))], active=[0])


def comparison_masks(x):
    mask = x > 0.0
    leaky = np.where(mask, x, 0.1 * x)
    small = x < 1.0
    count = np.sum(mask)
    return leaky + small * x ** 2 + count * x + (x >= -1.0) * 1.5


register(
    comparison_masks,
    [Array((6,), -2.0, 2.0)],
    active=[0],
    kinks=lambda x: min(_min_abs(x), _min_abs(x, 1.0), _min_abs(x, -1.0)),
)


def isnan_guard(x, d):
    # d is data with NaNs; x is differentiated.
    missing = np.isnan(d)
    filled = np.where(missing, 0.0, d)
    n_ok = np.sum(~missing)
    if np.any(np.isnan(x)):
        return x * 0.0
    return x * filled + x ** 2 / n_ok


register(isnan_guard, [Array((5,)), Const(WITH_NAN)], active=[0])


# ============================================================================ indexing


def index_basic(x):
    return x[0, 1] * x[2] + x[1][3] * x[-1, -1] + x[1, :] * x[:, 2].sum()


register(index_basic, [Array((3, 4))], active=[0])


def index_slices_negative_steps(x):
    return x[1:5] * x[::-2] + x[6:2:-1] - x[::2] ** 2 + x[-4:]


register(index_slices_negative_steps, [Array((8,))], active=[0])


def index_slices_2d(M):
    return M[1:, ::2] * M[:-1, 1::2] + M[::-1, :2].sum(axis=1)[:2, None]


register(index_slices_2d, [Array((3, 4))], active=[0])


def index_advanced_integer(x, idx, M):
    return x[idx] * x[[0, 0, 1, 2, 4]] + M[[0, 2], [1, 3]].sum() + M[[2, 0]][:, 0].sum()


register(index_advanced_integer, [Array((5,)), Const(INDEX), Array((3, 4))], active=[0, 2])


def index_boolean_mask(x):
    big = x > 0.5
    return x[big].sum() * 2.0 + np.sum(x[~big] ** 2) + x[x < -0.5].size * x[0]


register(
    index_boolean_mask,
    [Array((8,), -2.0, 2.0)],
    active=[0],
    kinks=lambda x: min(_min_abs(x, 0.5), _min_abs(x, -0.5)),
)


def index_ellipsis_newaxis(x):
    return x[..., np.newaxis] * x[..., 0:1, np.newaxis] + x[np.newaxis, ..., 1]


register(index_ellipsis_newaxis, [Array((2, 3))], active=[0])


# ============================================================================ in-place updates


def setitem_item(x, s):
    # x: an array, s: a float written into a copy of x.
    y = x.copy()
    y[0] = s * x[1]
    y[2] = np.sin(y[0])
    y[-1] = 3.0
    return y


register(setitem_item, [Array((5,)), (-2.0, 2.0)], active=[0, 1])


def setitem_slice(x):
    y = np.zeros(5)
    y[1:] = x[:-1] * 2.0
    y[0] = x[-1]
    y[::2] = y[::2] * x[:3]
    M = np.ones((3, 3))
    M[1, :] = x[:3]
    M[:, 2] = x[2:] ** 2
    return y, M


register(setitem_slice, [Array((5,))], active=[0])


def setitem_augmented(x):
    y = x.copy()
    for i in range(1, len(y)):
        y[i] += y[i - 1] * 0.5
    y[0] -= x[2]
    y[1:3] *= x[3:5]
    y[-1] /= 1.0 + x[0] ** 2
    return y


register(setitem_augmented, [Array((5,))], active=[0])


def heat_equation_explicit(u0, k):
    # 20 explicit steps of u_t = u_xx with fixed ends; k = dt/dx**2 (float, stable < 0.5).
    u = u0.copy()
    for _ in range(20):
        u[1:-1] = u[1:-1] + k * (u[2:] - 2.0 * u[1:-1] + u[:-2])
    return u


register(heat_equation_explicit, [Array((12,)), (0.1, 0.4)], active=[0, 1])


def view_write_changes_base(x):
    y = x * 1.0
    v = y[1:4]
    v[0] = x[0] ** 2
    v *= 2.0
    v[-1] += x[4]
    r = y.reshape(2, 3)
    r[1, 1] = r[1, 1] * x[5]
    return y


register(view_write_changes_base, [Array((6,))], active=[0])


def copy_write_keeps_base(x):
    y = x * 1.0
    c = y[1:4].copy()
    c[0] = x[0] ** 2
    c *= 2.0
    a = y[[0, 2]]  # advanced indexing: a copy as well
    a[0] = 10.0 * x[5]
    return y, c, a


register(copy_write_keeps_base, [Array((6,))], active=[0])


def inplace_mul_through_alias(a, b):
    c = a + 0.0
    alias = c
    c *= b
    c += 1.0
    c = c * 2.0  # rebinding: alias keeps the old array
    return alias * 3.0 + c


register(inplace_mul_through_alias, [Array((4,)), Array((4,))], active=[0, 1])


def inplace_on_argument(a, b):
    # Mutates its first argument, as user code does.
    a *= b
    a -= 0.5 * b
    return a.sum() + a


register(inplace_on_argument, [Array((4,)), Array((4,))], active=[0, 1])


def shifted_then_clamped(x, b):
    # y = x + b is a new array: writing into it must not write into x's tangent
    y = x + b
    y[y > 1.5] = 1.5
    z = np.asarray(x, dtype=float) + 0.0
    z[0] = 0.0
    return y * x + z


register(shifted_then_clamped, [Array((4,), -1.0, 1.0), Array((4,), 0.0, 1.0)], active=[0],
         kinks=lambda x, b: float(np.min(np.abs(x + b - 1.5))), margin=0.05)


def saved_item_then_overwritten(x):
    # t = y[0] is a number: a later y[0] = ... must not change it (nor its tangents' batch)
    y = 2.0 * x
    t = y[0]
    y[0], y[1] = y[1], x[2] * x[0]
    return t * y + np.sum(x, initial=1.0) + x.sum(axis=0, initial=5.0)


register(saved_item_then_overwritten, [Array((3,))], active=[0])


def writes_with_slices_and_lists(X):
    # indices mixing a slice with a list, an array or a mask of the value
    Y = np.zeros((3, 4))
    Y[:, [1, 2]] = X[:, :2]
    Y[:, np.array([0, 3])] = X[:, 1:3] * 2.0
    Z = X * 1.5
    Z[Z[:, 0] > 0.0, :] = 0.0
    return Y * Z + Y


register(writes_with_slices_and_lists, [Array((3, 4))], active=[0],
         kinks=lambda X: float(np.min(np.abs(X[:, 0]))), margin=0.05)


# ============================================================================ realistic programs


def logistic_regression_loss(w, X, y):
    # w differentiated; X (50x3) and y (0/1 labels) are data.
    z = X @ w
    p = 1.0 / (1.0 + np.exp(-z))
    nll = -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
    return nll + 0.01 * (w @ w)


register(
    logistic_regression_loss,
    [Array((3,), -1.0, 1.0), Const(LOGREG_X), Const(LOGREG_Y)],
    active=[0],
)


def mlp_tanh_input(x, W1, b1, W2, b2):
    # Differentiated w.r.t. the input x; the weights are data.
    h = np.tanh(W1 @ x + b1)
    return W2 @ h + b2


register(
    mlp_tanh_input,
    [Array((3,), -1.0, 1.0), Const(MLP_W1), Const(MLP_B1), Const(MLP_W2), Const(MLP_B2)],
    active=[0],
)


def softmax_logsumexp(z):
    # The max-shift is a kink of np.max, but both results are smooth in z.
    m = np.max(z)
    e = np.exp(z - m)
    s = e / np.sum(e)
    lse = m + np.log(np.sum(e))
    return s, lse


register(softmax_logsumexp, [Array((6,), -3.0, 3.0)], active=[0])


def gaussian_log_likelihood(mu, log_sigma, data):
    # floats mu and log_sigma differentiated; data is an array of observations.
    sigma = np.exp(log_sigma)
    r = (data - mu) / sigma
    n = data.size
    return -0.5 * np.sum(r ** 2) - n * log_sigma - 0.5 * n * np.log(2.0 * np.pi)


register(gaussian_log_likelihood, [(-1.0, 1.0), (-0.5, 0.5), Const(GAUSS_DATA)], active=[0, 1])


def finite_difference_stencil(u, h):
    # 5-point Laplacian of u (array) on the interior, grid spacing h (float).
    lap = (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2] - 4.0 * u[1:-1, 1:-1]) / h ** 2
    periodic = (np.roll(u, -1, axis=0) - 2.0 * u + np.roll(u, 1, axis=0)) / h ** 2
    return lap, 0.5 * np.sum(lap ** 2) * h ** 2 + np.sum(periodic * u)


register(finite_difference_stencil, [Array((6, 6)), (0.5, 1.5)], active=[0, 1])


def linear_solve_in_loss(d, lam, A, b, target):
    # d (diagonal shift, array) and lam (ridge, float) differentiated; A, b, target data.
    M = A + np.diag(d) + lam * np.eye(3)
    x = np.linalg.solve(M, b)
    r = x - target
    return np.sum(r * r) + 0.1 * lam * (x @ x)


register(
    linear_solve_in_loss,
    [Array((3,), 0.5, 1.5), (0.1, 1.0), Const(SOLVE_A), Const(SOLVE_B), Const(SOLVE_TARGET)],
    active=[0, 1],
)


# ================================================================= indices the store changes


def relu_by_mask(x):
    """The mask reads the array it stores into: the tangent store must use the mask of the
    values before the store (``dy[y < 0.0]`` after the store would be all False)."""
    y = x.copy()
    y[y < 0.0] = 0.0
    return y * x


def zero_the_largest(x):
    y = x * 2.0
    y[np.argmax(y)] = 0.0
    return y


register(relu_by_mask, [Array((6,), -2.0, 2.0)], active=[0], kinks=lambda x: _min_abs(x))
register(zero_the_largest, [Array((5,), -2.0, 2.0)], active=[0], kinks=lambda x: _top_gap(x))


def _write_row(out, i, v):
    out[i] = np.tanh(v)


def filled_array(x):
    """A zeros array filled row by row by a helper: it carries a tangent from the first call."""
    out = np.zeros((2, x.shape[0]))
    _write_row(out, 0, x)
    _write_row(out, 1, 2.0 * x)
    return out.sum(axis=0) * x


register(filled_array, [Array((4,), -1.5, 1.5)], active=[0])


def builtin_max_of_an_array(x):
    """Python's max and min iterate a 1-d array: the tangent of the item they return."""
    return max(x) * min(x * x)


register(builtin_max_of_an_array, [Array((5,), 0.2, 2.0)], active=[0],
         kinks=lambda x: min(_top_gap(x), _top_gap(-x * x)))


def stores_into_a_scaled_constant(x, s):
    """out is an array computed from a constant array, then written into: its zero tangent is
    an array too."""
    out = x * 1.0
    out[1] = s * s
    return out * s


register(stores_into_a_scaled_constant, [Array((3,), -1.0, 1.0), (-1.5, 1.5)], active=[1])


def writes_through_views(x):
    """Writes through a view (a slice, a reshape) of an array that holds no differentiated
    value yet: the array carries a tangent too, and the view's tangent is a view of it."""
    y = np.zeros(3)
    v = y[1:]
    v[0] = x[0] ** 2
    v[1] = 3.0 * x[1]
    z = np.zeros(4)
    r = z.reshape(2, 2)
    r[1, 1] = x[0] * x[1]
    m = np.zeros((2, 2))
    for row in m:
        row[0] = x[1] * x[1]
    return np.concatenate([y * np.sum(z), m[1]])


register(writes_through_views, [Array((2,), 0.2, 1.5)], active=[0])


def squares_in_place(x):
    """y *= x and y **= 2 on a whole array (second order: the update of dy must not be seen
    by ddy's expression)."""
    y = x * 1.0
    y *= x
    w = x + 0.5
    w **= 2
    return np.sum(y * w)


register(squares_in_place, [Array((3,), -1.0, 1.0)], active=[0])


def recurrent_state_from_a_constant_argument(h0, W, xs):
    """An RNN's gradient with respect to its weights, the initial state given: h starts as
    the constant array h0 (its zero tangent is an array, which W @ dh needs)."""
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h * h)


register(recurrent_state_from_a_constant_argument,
         [Array((2,), -1.0, 1.0), Array((2, 2), -0.6, 0.6), Array((3, 2), -0.5, 0.5)], active=[1])


def steps_a_constant_argument_array(X, p):
    """y = X, then a loop that reads y's shape (y.T, y[::-1]) and makes it a function of p."""
    Y = X
    y = X[0]
    for _ in range(2):
        Y = p * Y.T
        y = p * y[::-1]
    return Y @ y


register(steps_a_constant_argument_array, [Array((2, 2), -1.0, 1.0), (0.5, 1.5)], active=[1])


def writes_through_attribute_and_call_views(A, s):
    """Item stores into views made in the target itself (A.T[0] = s, np.ravel(A)[5] += s,
    A.T[2][0], b = ...): the view is stored in a name first, whose writes reach A's tangent."""
    A = A.copy()
    A.T[0] = s * s
    A.T[1] *= s
    np.ravel(A)[5] += np.sin(s)
    A.T[2][0], b = s * A[0, 1], 2.0
    return A * b


register(writes_through_attribute_and_call_views, [Array((2, 3), -1.0, 1.0), (0.5, 1.5)],
         active=[0, 1])


def augments_the_items_a_mask_of_itself_selects(x, s):
    """y[y < 0] += s: the mask is computed once, before the update changes y."""
    y = x * 1.0
    y[y < 0.0] += s
    return y * s


register(augments_the_items_a_mask_of_itself_selects, [Array((5,), -1.0, 1.0), (0.6, 1.4)],
         active=[0, 1], kinks=lambda x, s: _min_abs(x))


def returns_an_array_the_float_does_not_reach(x, s):
    """No NumPy call, an array argument, and a result that does not depend on s: its
    derivative with respect to s is a zero array of the result's shape, not 0.0."""
    if s > 10.0:
        return x * s
    return x * 2.0


register(returns_an_array_the_float_does_not_reach, [Array((3,), -1.0, 1.0), (0.5, 1.5)],
         active=[1])


def std_over_an_axis_of_length_one(x):
    """np.std over an axis of length 1 is 0 whatever x is: its derivative is 0 (it was NaN,
    the tangent of var over 2 std), and the other rows' derivatives are not touched."""
    return np.sum(np.std(x, axis=0) * x) + np.sum(np.std(x, axis=1))


register(std_over_an_axis_of_length_one, [Array((1, 3), -1.0, 1.0)], active=[0])


def computes_with_integer_index_arrays(x, s):
    """Arrays of ints (indices, counts) beside differentiated values: read, combined and
    used as indices, never written with a differentiated value (their zero tangents refuse
    such a write)."""
    idx = np.arange(3)
    order = idx[::-1].copy()
    z = x * 1.0
    z[order[:2]] = s * 2.0
    counts = np.zeros(3, dtype=int)
    counts[1] += 2
    return z * (idx + counts) + np.sum(order * s)


register(computes_with_integer_index_arrays, [Array((3,), -1.0, 1.0), (0.5, 1.5)],
         active=[0, 1])
