"""Test rows for the NumPy entries of the tangent rule table (see ``rule_rows``).

Same row format as ``rule_rows``, whose keys ``("linear", callable)``, ``("helper",
callable)`` and ``("inplace", name)`` only NumPy rows use.  Arguments are arrays
(``numpy_specs.Array``) in domains away from singular points and kinks (``kinks=`` gives the
distance, as for scalar rows); each linear primitive is called the typical way
(``np.sum(x, axis=0)``, ``np.concatenate([a, b])``...), with every argument it is linear in
differentiated (test_rules then also holds each one constant in turn).

Row names: ``np_`` templates (``RULES[f].variants``), ``npl_`` linear rules, ``nph_`` helper
rules (reductions), ``npi_`` in-place operators on arrays, ``npz_`` zero rules, and ``nps_``
templates called on Python floats (the result is a NumPy scalar); the kink-free interval
``nps_`` rows also give the program generator of ``test_hypothesis_programs`` its generic
NumPy ops.

This module does not import ``rule_rows`` (which imports it): ``row`` here only records its
arguments in ``SPECS``, and ``rule_rows`` registers them.  ``xfail=reason`` marks a row that
fails because of a known library bug (strict: the row must fail).
"""

import inspect

import numpy as np

from checks import FloatList, Int, _is_interval
from numpy_specs import Array, WellConditioned, distinct, is_array_spec, min_abs, min_gap

SPECS = []  # (key, func, domain, options) for rule_rows.row

KINK = dict(margin=0.1, fd_step=1e-3)


def row(key, func, domain, **options):
    """Record a row; by default every float, float-list and array argument is differentiated."""
    if "active" not in options:
        options["active"] = tuple(
            i for i, spec in enumerate(domain)
            if _is_interval(spec) or isinstance(spec, FloatList) or is_array_spec(spec)
        )
    SPECS.append((key, func, domain, options))
    return func


def R(func, arity):
    return ("rule", func, arity)


def L(func):
    return ("linear", func)


def Z(func):
    return ("zero", func)


def H(func):
    return ("helper", func)


def IP(name):
    return ("inplace", name)


V3 = Array((3,))
V4 = Array((4,))
M23 = Array((2, 3))
M33 = Array((3, 3))


# ============================================================================ elementwise: unary


def np_sin(x):
    return np.sin(x)


def np_cos(x):
    return np.cos(x)


def np_tan(x):
    return np.tan(x)


def np_arcsin(x):
    return np.arcsin(x)


def np_arccos(x):
    return np.arccos(x)


def np_arctan(x):
    return np.arctan(x)


def np_sinh(x):
    return np.sinh(x)


def np_cosh(x):
    return np.cosh(x)


def np_tanh(x):
    return np.tanh(x)


def np_arcsinh(x):
    return np.arcsinh(x)


def np_arccosh(x):
    return np.arccosh(x)


def np_arctanh(x):
    return np.arctanh(x)


def np_exp(x):
    return np.exp(x)


def np_exp2(x):
    return np.exp2(x)


def np_expm1(x):
    return np.expm1(x)


def np_log(x):
    return np.log(x)


def np_log_ratio(n, d):
    return np.log(n / d)


def np_log_product(a, b):
    return np.log(a * b)


def np_log2(x):
    return np.log2(x)


def np_log10(x):
    return np.log10(x)


def np_log1p(x):
    return np.log1p(x)


def np_sqrt(x):
    return np.sqrt(x)


def np_cbrt(x):
    return np.cbrt(x)


def np_square(x):
    return np.square(x)


def np_reciprocal(x):
    return np.reciprocal(x)


def np_abs(x):
    return np.abs(x)


def np_absolute(x):
    return np.absolute(x)


row(R(np.sin, 1), np_sin, [Array((2, 3), -3.0, 3.0)])
row(R(np.cos, 1), np_cos, [Array((2, 3), -3.0, 3.0)])
row(R(np.tan, 1), np_tan, [Array((3,), -1.3, 1.3)])
row(R(np.arcsin, 1), np_arcsin, [Array((3,), -0.9, 0.9)])
row(R(np.arccos, 1), np_arccos, [Array((3,), -0.9, 0.9)])
row(R(np.arctan, 1), np_arctan, [Array((3,), -3.0, 3.0)])
row(R(np.sinh, 1), np_sinh, [V3])
row(R(np.cosh, 1), np_cosh, [V3])
row(R(np.tanh, 1), np_tanh, [V3])
row(R(np.arcsinh, 1), np_arcsinh, [Array((3,), -3.0, 3.0)])
row(R(np.arccosh, 1), np_arccosh, [Array((3,), 1.2, 4.0)])
row(R(np.arctanh, 1), np_arctanh, [Array((3,), -0.9, 0.9)])
row(R(np.exp, 1), np_exp, [M23])
row(R(np.exp2, 1), np_exp2, [V3])
row(R(np.expm1, 1), np_expm1, [V3])
row(R(np.log, 1), np_log, [Array((2, 3), 0.1, 5.0)])
row(("pattern", np.log, "Div"), np_log_ratio, [Array((2, 3), 0.1, 5.0), Array((3,), 0.1, 5.0)])
row(("pattern", np.log, "Mult"), np_log_product, [Array((3,), 0.1, 5.0), (0.1, 5.0)])
row(R(np.log2, 1), np_log2, [Array((3,), 0.1, 5.0)])
row(R(np.log10, 1), np_log10, [Array((3,), 0.1, 5.0)])
row(R(np.log1p, 1), np_log1p, [Array((3,), -0.8, 4.0)])
row(R(np.sqrt, 1), np_sqrt, [Array((3,), 0.1, 5.0)])
row(R(np.cbrt, 1), np_cbrt, [Array((3,), -3.0, 3.0)], kinks=min_abs, margin=0.2)
row(R(np.square, 1), np_square, [V3])
row(R(np.reciprocal, 1), np_reciprocal, [V3], kinks=min_abs, margin=0.3)
# np.abs is np.absolute: one table key, both spellings
row(R(np.absolute, 1), np_abs, [V4], kinks=min_abs, **KINK)
row(R(np.absolute, 1), np_absolute, [V4], kinks=min_abs, **KINK)


# ============================================================================ elementwise: binary


def np_arctan2(y, x):
    return np.arctan2(y, x)


def _atan2_kinks(y, x):
    """Distance to the origin (minus 0.2) and to the branch cut x < 0, y = 0."""
    return float(np.min(np.minimum(np.hypot(y, x) - 0.2, np.where(x < 0, np.abs(y), 1.0))))


def np_hypot(x, y):
    return np.hypot(x, y)


def np_power(l, r):
    return np.power(l, r)


def np_power_int_exponent(x):
    return np.power(x, 3)  # a negative base must not reach np.log


def np_power_scalar_exponent(x, p):
    return np.power(x, p)


def np_maximum(a, b):
    return np.maximum(a, b)


def np_minimum(a, b):
    return np.minimum(a, b)


def np_fmax(a, b):
    return np.fmax(a, b)


def np_fmin(a, b):
    return np.fmin(a, b)


def np_fmax_nan_first(a, b):
    return np.fmax(a, b)


def np_fmax_nan_second(a, b):
    return np.fmax(a, b)


def np_fmin_nan_first(a, b):
    return np.fmin(a, b)


def np_fmin_nan_second(a, b):
    return np.fmin(a, b)


def np_multiply(a, b):
    return np.multiply(a, b)


def np_multiply_scalar(a, s):
    return np.multiply(a, s)


def np_add(a, b):
    return np.add(a, b)


def np_subtract(a, b):
    return np.subtract(a, b)


def np_divide(a, b):
    return np.divide(a, b)


def np_divide_scalar(s, b):
    return np.divide(s, b)



def _pair_gap(a, b):
    return min_gap(a, b)


def _divisor(a, b):
    return min_abs(b)


NAN_1 = Array((3,), nan_at=(1,))

row(R(np.arctan2, 2), np_arctan2, [V3, V3], kinks=_atan2_kinks, **KINK)
row(R(np.hypot, 2), np_hypot, [V3, V3], kinks=lambda x, y: float(np.min(np.hypot(x, y))),
    margin=0.3)
row(R(np.power, 2), np_power, [Array((3,), 0.2, 3.0), V3])
row(R(np.power, 2), np_power_int_exponent, [V3])
row(R(np.power, 2), np_power_scalar_exponent, [Array((3,), 0.2, 3.0), (-2.0, 2.0)])
row(R(np.maximum, 2), np_maximum, [V4, V4], kinks=_pair_gap, **KINK)
row(R(np.minimum, 2), np_minimum, [V4, V4], kinks=_pair_gap, **KINK)
row(R(np.fmax, 2), np_fmax, [V4, V4], kinks=_pair_gap, **KINK)
row(R(np.fmin, 2), np_fmin, [V4, V4], kinks=_pair_gap, **KINK)
# fmax/fmin ignore a NaN operand (the result is the other one): so must the tangent
row(R(np.fmax, 2), np_fmax_nan_first, [NAN_1, V3], kinks=_pair_gap, **KINK)
row(R(np.fmax, 2), np_fmax_nan_second, [V3, NAN_1], kinks=_pair_gap, **KINK)
row(R(np.fmin, 2), np_fmin_nan_first, [NAN_1, V3], kinks=_pair_gap, **KINK)
row(R(np.fmin, 2), np_fmin_nan_second, [V3, NAN_1], kinks=_pair_gap, **KINK)
row(R(np.multiply, 2), np_multiply, [M23, M23])
row(R(np.multiply, 2), np_multiply_scalar, [M23, (-2.0, 2.0)])  # broadcasting a float
row(R(np.add, 2), np_add, [V3, V3])
row(R(np.subtract, 2), np_subtract, [V3, V3])
row(R(np.divide, 2), np_divide, [V3, V3], kinks=_divisor, margin=0.3)
row(R(np.divide, 2), np_divide_scalar, [(-2.0, 2.0), Array((3,), 0.5, 2.0)])


# ============================================================================ where, clip


def np_where(x, y):
    return np.where(x > y, x, y)


def np_where_mask(a, b):
    return np.where(np.array([True, False, True]), a, b)


def np_where_scalar_branch(x, s):
    return np.where(x > 0.0, x, s)


def np_clip(x, lo, hi):
    return np.clip(x, lo, hi)


def np_clip_constant_bounds(x):
    return np.clip(x, -0.5, 0.5)


def np_clip_upper_only(x, hi):
    return np.clip(x, None, hi)


def np_clip_keyword_bounds(x, hi):
    return np.clip(x, a_min=-0.5, a_max=hi)


def np_clip_numpy2_keywords(x, hi):
    return np.clip(x, min=-0.5, max=hi) + np.clip(x, max=0.2)


def np_relu(x):
    return np.maximum(x, 0.0)


def np_clip_crossed_bounds(x, lo, hi):
    return np.clip(x, lo, hi)  # lo > hi: NumPy returns hi everywhere


def _clip_kinks(x, lo, hi):
    return min(min_gap(x, lo), min_gap(x, hi))


row(R(np.where, 3), np_where, [V4, V4], kinks=_pair_gap, **KINK)
row(R(np.where, 3), np_where_mask, [V3, V3])
row(R(np.where, 3), np_where_scalar_branch, [V4, (-2.0, 2.0)], kinks=lambda x, s: min_abs(x),
    **KINK)
row(R(np.clip, 3), np_clip, [V4, (-1.0, -0.3), (0.3, 1.0)], kinks=_clip_kinks, **KINK)
row(R(np.clip, 3), np_clip_constant_bounds, [V4], kinks=lambda x: min_gap(np.abs(x), 0.5),
    **KINK)
row(R(np.clip, 3), np_clip_upper_only, [V4, (-1.0, 1.0)], kinks=min_gap, **KINK)
row(R(np.clip, 3), np_clip_keyword_bounds, [V4, (0.3, 1.0)],
    kinks=lambda x, hi: min(min_gap(x, -0.5), min_gap(x, hi)), **KINK)
if "min" in inspect.signature(np.clip).parameters:  # NumPy >= 2.1
    row(R(np.clip, 3), np_clip_numpy2_keywords, [V4, (0.3, 1.0)],
        kinks=lambda x, hi: min(min_gap(x, -0.5), min_gap(x, hi), min_gap(x, 0.2)), **KINK)
row(R(np.maximum, 2), np_relu, [V4], kinks=min_abs, **KINK)
# every x below both bounds: np.clip returns hi, so the tangent is dhi
row(R(np.clip, 3), np_clip_crossed_bounds, [Array((3,), -2.0, -1.2), (0.5, 1.0), (-1.0, -0.5)])


# ============================================================================ linear algebra


def np_solve(A, b):
    return np.linalg.solve(A, b)


def np_solve_matrix_rhs(A, B):
    return np.linalg.solve(A, B)


def np_inv(A):
    return np.linalg.inv(A)


def np_det(A):
    return np.linalg.det(A)


row(R(np.linalg.solve, 2), np_solve, [WellConditioned(3), V3])
row(R(np.linalg.solve, 2), np_solve_matrix_rhs, [WellConditioned(3), Array((3, 2))])
row(R(np.linalg.inv, 1), np_inv, [WellConditioned(3)])
row(H(np.linalg.det), np_det, [WellConditioned(3)])


def np_solve_2x2(A, b):
    return np.linalg.solve(A, b)


def np_inv_batched(A):
    return np.linalg.inv(A)


def np_det_batched(A):
    return np.linalg.det(A)


row(R(np.linalg.solve, 2), np_solve_2x2, [WellConditioned(2, scale=2.0, spread=0.5), Array((2,))])
row(R(np.linalg.inv, 1), np_inv_batched, [WellConditioned(3, batch=(2,))])
row(H(np.linalg.det), np_det_batched, [WellConditioned(3, batch=(2,))])

SECOND_ROW_ZERO = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])


def nph_det_singular(A):
    return np.linalg.det(A * SECOND_ROW_ZERO)  # singular: the tangent is sum(cofactors * dA)


row(H(np.linalg.det), nph_det_singular, [M33])


# ============================================================================ linear: reductions


def npl_sum(x):
    return np.sum(x, axis=0)


def npl_sum_all(x):
    return np.sum(x)


def npl_mean(x):
    return np.mean(x, axis=1)


def npl_cumsum(x):
    return np.cumsum(x)


def npl_diff(x):
    return np.diff(x)


def npl_trace(A):
    return np.trace(A)


row(L(np.sum), npl_sum, [M23])
row(L(np.sum), npl_sum_all, [M23])
row(L(np.mean), npl_mean, [M23])
row(L(np.cumsum), npl_cumsum, [V4])
row(L(np.diff), npl_diff, [V4])
row(L(np.trace), npl_trace, [M33])


# ============================================================================ linear: shapes


def npl_reshape(x):
    return np.reshape(x, (3, 2))


def npl_transpose(x):
    return np.transpose(x)


def npl_swapaxes(x):
    return np.swapaxes(x, 0, 1)


def npl_ravel(x):
    return np.ravel(x)


def npl_squeeze(x):
    return np.squeeze(x)


def npl_expand_dims(x):
    return np.expand_dims(x, 0)


def npl_broadcast_to(x):
    return np.broadcast_to(x, (2, 3))


def npl_tile(x):
    return np.tile(x, 2)


def npl_repeat(x):
    return np.repeat(x, 2)


def npl_flip(x):
    return np.flip(x)


def npl_roll(x):
    return np.roll(x, 1)


def npl_diagonal(A):
    return np.diagonal(A)


def npl_take_along_axis(x):
    return np.take_along_axis(x, np.array([[2, 0, 1], [1, 1, 0]]), axis=1)


def npl_take(x):
    return np.take(x, [2, 0])


def npl_moveaxis(x):
    return np.moveaxis(x, 0, -1)


def npl_atleast_1d(v):
    return np.atleast_1d(v)


def npl_atleast_2d(x):
    return np.atleast_2d(x)


def npl_diag(x):
    return np.diag(x)


def npl_diag_of_matrix(A):
    return np.diag(A, 1)


def npl_triu(A):
    return np.triu(A)


def npl_tril(A):
    return np.tril(A, -1)


def npl_flipud(x):
    return np.flipud(x)


def npl_fliplr(x):
    return np.fliplr(x)


def npl_rot90(x):
    return np.rot90(x, 3)


def npl_deg2rad(x):
    return np.deg2rad(x)


def npl_rad2deg(x):
    return np.rad2deg(x)


def npl_degrees(x):
    return np.degrees(x)


def npl_radians(x):
    return np.radians(x)


row(L(np.reshape), npl_reshape, [M23])
row(L(np.flipud), npl_flipud, [M23])
row(L(np.fliplr), npl_fliplr, [M23])
row(L(np.rot90), npl_rot90, [M23])
row(L(np.deg2rad), npl_deg2rad, [V3])
row(L(np.rad2deg), npl_rad2deg, [V3])
row(L(np.degrees), npl_degrees, [M23])
row(L(np.radians), npl_radians, [(-2.0, 2.0)])
row(L(np.transpose), npl_transpose, [M23])
row(L(np.swapaxes), npl_swapaxes, [M23])
row(L(np.ravel), npl_ravel, [M23])
row(L(np.squeeze), npl_squeeze, [Array((1, 3))])
row(L(np.expand_dims), npl_expand_dims, [V3])
row(L(np.broadcast_to), npl_broadcast_to, [V3])
row(L(np.tile), npl_tile, [V3])
row(L(np.repeat), npl_repeat, [V3])
row(L(np.flip), npl_flip, [V3])
row(L(np.roll), npl_roll, [V4])
row(L(np.diagonal), npl_diagonal, [M33])
row(L(np.take), npl_take, [V3])
row(L(np.take_along_axis), npl_take_along_axis, [M23])
row(L(np.moveaxis), npl_moveaxis, [M23])
row(L(np.atleast_1d), npl_atleast_1d, [(-2.0, 2.0)])
row(L(np.atleast_2d), npl_atleast_2d, [V3])
row(L(np.diag), npl_diag, [V3])
row(L(np.diag), npl_diag_of_matrix, [M33])
row(L(np.triu), npl_triu, [M33])
row(L(np.tril), npl_tril, [M33])


# ============================================================================ linear: copies


def npl_copy(x):
    return np.copy(x)


def npl_asarray(xs):
    return np.asarray(xs)


def npl_array(a, b):
    return np.array([a, b])


def npl_negative(x):
    return np.negative(x)


def npl_positive(x):
    return np.positive(x)


def npl_real(x):
    return np.real(x)


row(L(np.copy), npl_copy, [V3])
row(L(np.asarray), npl_asarray, [FloatList(3, -2.0, 2.0)])
row(L(np.array), npl_array, [(-2.0, 2.0), (-2.0, 2.0)])
row(L(np.negative), npl_negative, [V3])
row(L(np.positive), npl_positive, [V3])
row(L(np.real), npl_real, [V3])


# ============================================================================ linear: joining


def npl_concatenate(a, b):
    return np.concatenate([a, b])


def npl_stack(a, b):
    return np.stack([a, b], axis=1)


def npl_hstack(a, b):
    return np.hstack((a, b))


def npl_vstack(a, b):
    return np.vstack([a, b])


def npl_concatenate_list_variable(a, b):
    parts = [a, b]
    return np.concatenate(parts)


def npl_stack_list_variable(a, b):
    parts = [a, b]
    return np.stack(parts)


def npl_column_stack(a, b):
    return np.column_stack([a, b])


def npl_dstack(a, b):
    return np.dstack((a, b))


row(L(np.concatenate), npl_concatenate, [V3, Array((2,))])
row(L(np.column_stack), npl_column_stack, [V3, Array((3, 2))])
row(L(np.dstack), npl_dstack, [M23, M23])
# the list in a variable, one array constant: its tangent must be a zero array, not 0.0
row(L(np.concatenate), npl_concatenate_list_variable, [V3, Array((2,))], active=(0,))
row(L(np.stack), npl_stack_list_variable, [V3, V3], active=(1,))
row(L(np.stack), npl_stack, [V3, V3])
row(L(np.hstack), npl_hstack, [V3, Array((2,))])
row(L(np.vstack), npl_vstack, [V3, V3])


# ============================================================================ linear: fills


def npl_full(v):
    return np.full((3,), v)


def npl_full_like(x, v):
    return np.full_like(x, v)


row(L(np.full), npl_full, [(-2.0, 2.0)])
row(L(np.full_like), npl_full_like, [M23, (-2.0, 2.0)], active=(1,))


# ============================================================================ linear: products


def npl_dot(A, x):
    return np.dot(A, x)


def npl_dot_vectors(x, y):
    return np.dot(x, y)


def npl_matmul(A, B):
    return np.matmul(A, B)


def npl_inner(x, y):
    return np.inner(x, y)


def npl_outer(x, y):
    return np.outer(x, y)


def npl_kron(a, b):
    return np.kron(a, b)


def npl_cross(x, y):
    return np.cross(x, y)


def npl_tensordot(A, B):
    return np.tensordot(A, B, axes=1)


def npl_einsum(A, x):
    return np.einsum("ij,j->i", A, x)


def npl_einsum_three(A, B, x):
    return np.einsum("ij,jk,k->i", A, B, x)


def npl_vdot(A, B):
    return np.vdot(A, B)


def npl_trapezoid(y):
    return np.trapezoid(y, dx=0.5)


def npl_trapezoid_x(y):
    return np.trapezoid(y, np.array([0.0, 0.5, 1.5]), axis=1)


row(L(np.dot), npl_dot, [M23, V3])
row(L(np.vdot), npl_vdot, [M23, M23])
if hasattr(np, "trapezoid"):  # NumPy 2
    row(L(np.trapezoid), npl_trapezoid, [V4])
    row(L(np.trapezoid), npl_trapezoid_x, [M23])
row(L(np.dot), npl_dot_vectors, [V3, V3])
row(L(np.matmul), npl_matmul, [M23, Array((3, 2))])
row(L(np.inner), npl_inner, [V3, V3])
row(L(np.outer), npl_outer, [V3, Array((2,))])
row(L(np.kron), npl_kron, [Array((2,)), V3])
row(L(np.cross), npl_cross, [V3, V3])
row(L(np.tensordot), npl_tensordot, [M23, Array((3, 2))])
row(L(np.einsum), npl_einsum, [M23, V3])
row(L(np.einsum), npl_einsum_three, [M23, Array((3, 2)), Array((2,))])


# ============================================================================ helpers: reductions


def nph_max(x):
    return np.max(x)


def nph_max_axis(x):
    return np.max(x, axis=0)


def nph_amax(x):
    return np.amax(x, axis=1, keepdims=True)


def nph_min(x):
    return np.min(x)


def nph_min_axis(x):
    return np.min(x, axis=1)


def nph_amin(x):
    return np.amin(x, axis=0, keepdims=True)


def nph_prod(x):
    return np.prod(x)


def nph_prod_axis(x):
    return np.prod(x, axis=0)


def nph_prod_zero_entry(x):
    return np.prod(x * np.array([1.0, 0.0, 1.0]))  # exact at a zero factor


def nph_cumprod(x):
    return np.cumprod(x)


def nph_var(x):
    return np.var(x)


def nph_var_axis_ddof(x):
    return np.var(x, axis=0, ddof=1)


def nph_std(x):
    return np.std(x)


def nph_std_axis(x):
    return np.std(x, axis=1, keepdims=True)


def nph_norm(x):
    return np.linalg.norm(x)


def nph_norm_frobenius(A):
    return np.linalg.norm(A)


def nph_norm_axis(A):
    return np.linalg.norm(A, axis=1)


def nph_norm_orders(x):
    return np.linalg.norm(x, 1) + np.linalg.norm(x, np.inf) + np.linalg.norm(x, -np.inf) ** 2


def nph_norm_p(x):
    return np.linalg.norm(x, 3), np.linalg.norm(x, -1.5)


def nph_norm_matrix_orders(A):
    return np.linalg.norm(A, 1) * np.linalg.norm(A, -np.inf) + np.linalg.norm(A.T, -1)


def nph_norm_matrix_axes(S):
    return np.linalg.norm(S, ord=np.inf, axis=(2, 0), keepdims=True)


def _abs_gaps(x):
    return min(min_abs(x), distinct(np.abs(x)))


def _sum_gaps(A):
    return min(min_abs(A), distinct(np.abs(A).sum(axis=0)), distinct(np.abs(A).sum(axis=1)))


def nph_sort(x):
    return np.sort(x)


def nph_sort_axis(A):
    return np.sort(A, axis=0)


def _column_gaps(A):
    return min(distinct(column) for column in np.transpose(A))


row(H(np.max), nph_max, [M23], kinks=distinct, **KINK)
row(H(np.max), nph_max_axis, [M23], kinks=_column_gaps, **KINK)
row(H(np.amax), nph_amax, [M23], kinks=lambda A: min(distinct(r) for r in A), **KINK)
row(H(np.min), nph_min, [M23], kinks=distinct, **KINK)
row(H(np.min), nph_min_axis, [M23], kinks=lambda A: min(distinct(r) for r in A), **KINK)
row(H(np.amin), nph_amin, [M23], kinks=_column_gaps, **KINK)
row(H(np.prod), nph_prod, [V4])
row(H(np.prod), nph_prod_axis, [M23])
row(H(np.prod), nph_prod_zero_entry, [V3])
row(H(np.cumprod), nph_cumprod, [V4], kinks=min_abs, margin=0.3)
row(H(np.var), nph_var, [V4])
row(H(np.var), nph_var_axis_ddof, [Array((3, 2))])
row(H(np.std), nph_std, [V4])
row(H(np.std), nph_std_axis, [Array((2, 4))])
row(H(np.linalg.norm), nph_norm, [V3], kinks=lambda x: float(np.linalg.norm(x)), margin=0.3)
row(H(np.linalg.norm), nph_norm_frobenius, [M23])
row(H(np.linalg.norm), nph_norm_axis, [M23],
    kinks=lambda A: float(np.min(np.linalg.norm(A, axis=1))), margin=0.3)
row(H(np.linalg.norm), nph_norm_orders, [V4], kinks=_abs_gaps, **KINK)
row(H(np.linalg.norm), nph_norm_p, [V3], kinks=min_abs, **KINK)
row(H(np.linalg.norm), nph_norm_matrix_orders, [M23], kinks=_sum_gaps, **KINK)
row(H(np.linalg.norm), nph_norm_matrix_axes, [Array((2, 3, 2))],
    kinks=lambda S: min(min_abs(S), distinct(np.abs(S).sum(axis=(0,)))), **KINK)
row(H(np.sort), nph_sort, [V4], kinks=distinct, **KINK)
row(H(np.sort), nph_sort_axis, [Array((3, 2))], kinks=_column_gaps, **KINK)


def nph_max_last_axis(x):
    return np.max(x, axis=-1, keepdims=True)


def nph_sort_flat(x):
    return np.sort(x, axis=None)


def nph_prod_axes(x):
    return np.prod(x, axis=(0, 1))


def nph_max_axes(x):
    return np.max(x, axis=(0, 1))


row(H(np.max), nph_max_last_axis, [M23], kinks=lambda A: min(distinct(r) for r in A), **KINK)
row(H(np.sort), nph_sort_flat, [M23], kinks=distinct, **KINK)
row(H(np.prod), nph_prod_axes, [Array((2, 3, 2))])
row(H(np.max), nph_max_axes, [Array((2, 3, 2))],
    kinks=lambda x: min(distinct(x[:, :, k]) for k in range(2)), **KINK)


# ============================================================================ in-place operators


def npi_add(a, b):
    a += b
    return a


def npi_sub(a, b):
    a -= b
    return a


def npi_mult(a, b):
    a *= b
    return a


def npi_div(a, b):
    a /= b
    return a


def npi_add_alias(a, b):
    view = a[1:]
    a += b
    return view  # a view sees the in-place update, so must its tangent


def npi_mult_scalar(a, s):
    a *= s
    return a


row(IP("Add"), npi_add, [V3, V3])
row(IP("Sub"), npi_sub, [V3, V3])
row(IP("Mult"), npi_mult, [V3, V3])
row(IP("Div"), npi_div, [V3, Array((3,), 0.5, 2.0)])
row(IP("Add"), npi_add_alias, [V3, V3])
row(IP("Mult"), npi_mult_scalar, [V3, (-2.0, 2.0)])


def npi_pow(a, b):
    view = a[1:]
    a **= b
    return view + a[1:]  # the view sees the in-place power, so must its tangent


def npi_mod(a, b):
    view = a[:2]
    a %= b
    return view * a[:2]


def npi_floordiv(a, b):
    alias = a
    a //= b
    return alias * b  # a // b is piecewise constant: only b's own term remains


row(IP("Pow"), npi_pow, [Array((3,), 0.5, 2.0), Array((3,), -1.5, 1.5)])
row(IP("Mod"), npi_mod, [Array((3,), 1.6, 1.9), Array((3,), 1.0, 1.5)])
row(IP("FloorDiv"), npi_floordiv, [Array((3,), 1.6, 1.9), Array((3,), 1.0, 1.5)])


# ============================================================================ zero: no tangent


def npz_argmax(x):
    return np.argmax(x)


def npz_argmin(x):
    return np.argmin(x)


def npz_argsort(x):
    return np.argsort(x)


def npz_sign(x):
    return np.sign(x)


def npz_floor(x):
    return np.floor(x)


def npz_ceil(x):
    return np.ceil(x)


def npz_round(x):
    return np.round(x, 1)


def npz_rint(x):
    return np.rint(x)


def npz_trunc(x):
    return np.trunc(x)


def npz_isnan(x):
    return np.isnan(x)


def npz_isfinite(x):
    return np.isfinite(x)


def npz_isinf(x):
    return np.isinf(x)


def npz_shape(x):
    return np.shape(x)


def npz_size(x):
    return np.size(x)


def npz_ndim(x):
    return np.ndim(x)


def npz_zeros(n):
    return np.zeros(n)


def npz_ones(n):
    return np.ones(n)


def npz_empty(n):
    return np.empty(n).shape  # the values are uninitialized memory


def npz_zeros_like(x):
    return np.zeros_like(x)


def npz_ones_like(x):
    return np.ones_like(x)


def npz_empty_like(x):
    return np.empty_like(x).shape  # the values are uninitialized memory


def npz_eye(n):
    return np.eye(n)


def npz_identity(n):
    return np.identity(n)


def npz_equal(x, y):
    return np.equal(x, y)


def npz_not_equal(x, y):
    return np.not_equal(x, y)


def npz_less(x, y):
    return np.less(x, y)


def npz_less_equal(x, y):
    return np.less_equal(x, y)


def npz_greater(x, y):
    return np.greater(x, y)


def npz_greater_equal(x, y):
    return np.greater_equal(x, y)


def npz_logical_and(x, y):
    return np.logical_and(x > 0.0, y > 0.0)


def npz_logical_or(x, y):
    return np.logical_or(x, y)


def npz_logical_not(x):
    return np.logical_not(x)


def npz_nonzero(x):
    return np.nonzero(x)


def npz_count_nonzero(x):
    return np.count_nonzero(x)


def npz_allclose(x, y):
    return np.allclose(x, y)


def npz_isclose(x, y):
    return np.isclose(x, y)


def npz_any(x):
    return np.any(x > 1.0)


def npz_all(x):
    return np.all(x)


def npz_floor_divide(x, y):
    return np.floor_divide(x, y)


def npz_searchsorted(x):
    return np.searchsorted(np.array([-1.0, 0.0, 1.0]), x)


ZERO = dict(zero=True)
N = [Int(1, 4)]
row(Z(np.argmax), npz_argmax, [V4], **ZERO)
row(Z(np.argmin), npz_argmin, [V4], **ZERO)
row(Z(np.argsort), npz_argsort, [V4], **ZERO)
row(Z(np.sign), npz_sign, [V4], **ZERO)
row(Z(np.floor), npz_floor, [V4], **ZERO)
row(Z(np.ceil), npz_ceil, [V4], **ZERO)
row(Z(np.round), npz_round, [V4], **ZERO)
row(Z(np.rint), npz_rint, [V4], **ZERO)
row(Z(np.trunc), npz_trunc, [V4], **ZERO)
row(Z(np.isnan), npz_isnan, [NAN_1], **ZERO)
row(Z(np.isfinite), npz_isfinite, [NAN_1], **ZERO)
row(Z(np.isinf), npz_isinf, [V3], **ZERO)
row(Z(np.shape), npz_shape, [M23], **ZERO)
row(Z(np.size), npz_size, [M23], **ZERO)
row(Z(np.ndim), npz_ndim, [M23], **ZERO)
# ints with a tangent: pushforward must still treat these results as constants
row(Z(np.zeros), npz_zeros, N, active=(0,), **ZERO)
row(Z(np.ones), npz_ones, N, active=(0,), **ZERO)
row(Z(np.empty), npz_empty, N, active=(0,), **ZERO)
row(Z(np.zeros_like), npz_zeros_like, [M23], **ZERO)
row(Z(np.ones_like), npz_ones_like, [M23], **ZERO)
row(Z(np.empty_like), npz_empty_like, [M23], **ZERO)
row(Z(np.eye), npz_eye, N, active=(0,), **ZERO)
row(Z(np.identity), npz_identity, N, active=(0,), **ZERO)
row(Z(np.equal), npz_equal, [V3, V3], **ZERO)
row(Z(np.not_equal), npz_not_equal, [V3, V3], **ZERO)
row(Z(np.less), npz_less, [V3, V3], **ZERO)
row(Z(np.less_equal), npz_less_equal, [V3, V3], **ZERO)
row(Z(np.greater), npz_greater, [V3, V3], **ZERO)
row(Z(np.greater_equal), npz_greater_equal, [V3, V3], **ZERO)
row(Z(np.logical_and), npz_logical_and, [V3, V3], **ZERO)
row(Z(np.logical_or), npz_logical_or, [V3, V3], **ZERO)
row(Z(np.logical_not), npz_logical_not, [V3], **ZERO)
row(Z(np.nonzero), npz_nonzero, [V3], **ZERO)
row(Z(np.count_nonzero), npz_count_nonzero, [V3], **ZERO)
row(Z(np.allclose), npz_allclose, [V3, V3], **ZERO)
row(Z(np.isclose), npz_isclose, [V3, V3], **ZERO)
row(Z(np.any), npz_any, [V3], **ZERO)
row(Z(np.all), npz_all, [V3], **ZERO)
row(Z(np.floor_divide), npz_floor_divide, [V3, Array((3,), 0.5, 2.0)], **ZERO)
row(Z(np.searchsorted), npz_searchsorted, [V3], **ZERO)


# ============================================================ zero rules that should not be


def npz_linspace_endpoints(a, b):
    return np.linspace(a, b, 5)


# linspace is linear in its two ends, jointly (a template row, not a linear one)
row(R(np.linspace, 3), npz_linspace_endpoints, [(-2.0, 0.0), (0.5, 2.0)])


# ====================================================================== NumPy on floats


def nps_sin(x):
    return np.sin(x)


def nps_cos(x):
    return np.cos(x)


def nps_tan(x):
    return np.tan(x)


def nps_arcsin(x):
    return np.arcsin(x)


def nps_arccos(x):
    return np.arccos(x)


def nps_arctan(x):
    return np.arctan(x)


def nps_sinh(x):
    return np.sinh(x)


def nps_cosh(x):
    return np.cosh(x)


def nps_tanh(x):
    return np.tanh(x)


def nps_arcsinh(x):
    return np.arcsinh(x)


def nps_arccosh(x):
    return np.arccosh(x)


def nps_arctanh(x):
    return np.arctanh(x)


def nps_exp(x):
    return np.exp(x)


def nps_exp2(x):
    return np.exp2(x)


def nps_expm1(x):
    return np.expm1(x)


def nps_log(x):
    return np.log(x)


def nps_log2(x):
    return np.log2(x)


def nps_log10(x):
    return np.log10(x)


def nps_log1p(x):
    return np.log1p(x)


def nps_sqrt(x):
    return np.sqrt(x)


def nps_cbrt(x):
    return np.cbrt(x)


def nps_square(x):
    return np.square(x)


def nps_reciprocal(x):
    return np.reciprocal(x)


def nps_abs(x):
    return np.abs(x)


def nps_arctan2(y, x):
    return np.arctan2(y, x)


def nps_hypot(x, y):
    return np.hypot(x, y)


def nps_power(l, r):
    return np.power(l, r)


def nps_maximum(a, b):
    return np.maximum(a, b)


def nps_minimum(a, b):
    return np.minimum(a, b)


def nps_fmax(a, b):
    return np.fmax(a, b)


def nps_fmin(a, b):
    return np.fmin(a, b)


def nps_multiply(a, b):
    return np.multiply(a, b)


def nps_add(a, b):
    return np.add(a, b)


def nps_subtract(a, b):
    return np.subtract(a, b)


def nps_divide(a, b):
    return np.divide(a, b)


def nps_clip(x, lo, hi):
    return np.clip(x, lo, hi)


def nps_where(x, y):
    return np.where(x > y, x, y)


def _gap(a, b):
    return abs(a - b)


# Kink-free intervals (no kinks=...): the program generator draws these as generic ops.
X2 = [(-2.0, 2.0)] * 2
row(R(np.sin, 1), nps_sin, [(-3.0, 3.0)])
row(R(np.cos, 1), nps_cos, [(-3.0, 3.0)])
row(R(np.tan, 1), nps_tan, [(-1.3, 1.3)])
row(R(np.arcsin, 1), nps_arcsin, [(-0.9, 0.9)])
row(R(np.arccos, 1), nps_arccos, [(-0.9, 0.9)])
row(R(np.arctan, 1), nps_arctan, [(-3.0, 3.0)])
row(R(np.sinh, 1), nps_sinh, [(-2.0, 2.0)])
row(R(np.cosh, 1), nps_cosh, [(-2.0, 2.0)])
row(R(np.tanh, 1), nps_tanh, [(-2.0, 2.0)])
row(R(np.arcsinh, 1), nps_arcsinh, [(-3.0, 3.0)])
row(R(np.arccosh, 1), nps_arccosh, [(1.2, 4.0)])
row(R(np.arctanh, 1), nps_arctanh, [(-0.9, 0.9)])
row(R(np.exp, 1), nps_exp, [(-2.0, 2.0)])
row(R(np.exp2, 1), nps_exp2, [(-2.0, 2.0)])
row(R(np.expm1, 1), nps_expm1, [(-2.0, 2.0)])
row(R(np.log, 1), nps_log, [(0.1, 5.0)])
row(R(np.log2, 1), nps_log2, [(0.1, 5.0)])
row(R(np.log10, 1), nps_log10, [(0.1, 5.0)])
row(R(np.log1p, 1), nps_log1p, [(-0.8, 4.0)])
row(R(np.sqrt, 1), nps_sqrt, [(0.1, 5.0)])
row(R(np.cbrt, 1), nps_cbrt, [(0.2, 3.0)])
row(R(np.square, 1), nps_square, [(-2.0, 2.0)])
row(R(np.reciprocal, 1), nps_reciprocal, [(0.3, 3.0)])
row(R(np.arctan2, 2), nps_arctan2, [(-2.0, 2.0), (0.3, 2.0)])
row(R(np.hypot, 2), nps_hypot, [(0.3, 2.0), (-2.0, 2.0)])
row(R(np.power, 2), nps_power, [(0.2, 3.0), (-2.0, 2.0)])
row(R(np.multiply, 2), nps_multiply, X2)
row(R(np.add, 2), nps_add, X2)
row(R(np.subtract, 2), nps_subtract, X2)
row(R(np.divide, 2), nps_divide, [(-2.0, 2.0), (0.5, 2.0)])
# with kinks
row(R(np.absolute, 1), nps_abs, [(-2.0, 2.0)], kinks=abs, **KINK)
row(R(np.maximum, 2), nps_maximum, X2, kinks=_gap, **KINK)
row(R(np.minimum, 2), nps_minimum, X2, kinks=_gap, **KINK)
row(R(np.fmax, 2), nps_fmax, X2, kinks=_gap, **KINK)
row(R(np.fmin, 2), nps_fmin, X2, kinks=_gap, **KINK)
row(R(np.clip, 3), nps_clip, [(-2.0, 2.0), (-1.0, -0.3), (0.3, 1.0)],
    kinks=lambda x, lo, hi: min(abs(x - lo), abs(x - hi)), **KINK)
row(R(np.where, 3), nps_where, X2, kinks=_gap, **KINK)


# ============================================ pushforward's own helpers (in generated code, so
# that generated code can be differentiated again: second derivatives)
from pushforward import rules as rules_module  # noqa: E402
from pushforward import special  # noqa: E402


def sp_fresh(t):
    return special.fresh(t)


def sp_keyed(ts):
    return special.keyed(ts)[1][1] * special.keyed(ts)[0][0] + special.keyed(ts)[2][1]


def sp_members(a, b):
    return special.members([a, np.ones(3)], [b, 0.0])[1] + special.members([a], [b])[0]


def sp_fit(v, t):
    return special.fit(v, t)


def sp_max_tangent(x, dx):
    return special.max_tangent(x, dx, np.max(x, axis=0), axis=0)


def sp_min_tangent(x, dx):
    return special.min_tangent(x, dx, np.min(x, axis=1), axis=1, keepdims=True)


def sp_update(v, d, new):
    return special.update(v, d.copy(), new)


def sp_pow_log(base, power):
    return special.pow_log(base, power)


def sp_zeros_like(x):
    return special.zeros_like(x)


def sp_sign(x):
    return special.sign(x)


def sp_sort_order(xs):
    return special.sort_order(xs)


def sp_sorted_tangent(xs, dxs):
    return (special.sorted_tangent(xs, dxs, sorted(xs))[1]
            + special.sorted_tangent(xs, dxs, None, key=abs, reverse=True)[0]
            + special.sorted_tangent({"a": 1.0}, {"a": dxs[0]}, ["a"])[0])


def sp_sort_in_place(xs):  # the user's code: normalize writes ys[:] = sort_copy(ys, ...)
    ys = [x * 1.5 for x in xs]
    ys.sort(key=lambda y: y * y, reverse=True)
    return ys


def sp_sort_array_in_place(x):
    y = 2.0 * x
    y.sort()
    return y


def sp_sort_copy_tangent(x, dx):
    return special.sort_copy_tangent(x, dx, None)[::-1] * special.sort_copy_tangent(
        list(x), list(dx), None, reverse=True)


def sp_position(xs, v):
    return special.position(xs + [v], v)  # v is among the items


row(L(special.fresh), sp_fresh, [V3])
row(L(special.members), sp_members, [V3, V3], active=(1,))
row(L(special.keyed), sp_keyed, [FloatList(3, -2.0, 2.0)])
row(L(special.sorted_tangent), sp_sorted_tangent,
    [FloatList(3, -2.0, 2.0), FloatList(3, -2.0, 2.0)], active=(1,))
row(H(special.sort_copy), sp_sort_in_place, [FloatList(4, -2.0, 2.0)],
    kinks=lambda xs: distinct(np.square(xs)), **KINK)
row(H(special.sort_copy), sp_sort_array_in_place, [M23], kinks=distinct, **KINK)
row(L(special.sort_copy_tangent), sp_sort_copy_tangent, [V3, V3], active=(1,))
row(L(special.fit), sp_fit, [V3, (-1.0, 1.0)], active=(1,))
row(L(special.max_tangent), sp_max_tangent, [M23, M23], active=(1,))
row(L(special.min_tangent), sp_min_tangent, [M23, M23], active=(1,))
row(R(special.update, 3), sp_update, [V3, V3, V3], active=(1, 2))
row(R(special.pow_log, 2), sp_pow_log, [(0.5, 2.0), (-1.5, 1.5)])
def sp_singular_weights(A):
    return special.singular_weights(A, 2)


row(H(special.singular_weights), sp_singular_weights, [M23],
    skip="its tangent refuses (UnsupportedDerivativeError, tested in test_corpus_numpy)")


def sp_singular_vectors_tangent(A):
    return rules_module._singular_vectors_tangent(A, A, 1.0, 2)


row(Z(rules_module._singular_vectors_tangent), sp_singular_vectors_tangent, [M23],
    skip="it raises UnsupportedDerivativeError when it runs (tested in test_corpus_numpy); "
         "the zero rule lets the code calling it be differentiated again")
row(Z(special.zeros_like), sp_zeros_like, [V3], **ZERO)
row(Z(special.sign), sp_sign, [(0.2, 2.0)], **ZERO)
row(Z(special.sort_order), sp_sort_order, [FloatList(4, -2.0, 2.0)], **ZERO)
row(Z(special.position), sp_position, [FloatList(4, -2.0, 2.0), (-2.0, 2.0)], **ZERO)


# ... and vector mode's versions of them (a Hessian differentiates vector-mode code). Outside
# vector mode they act on plain arrays as the helpers above do.
from pushforward import batch  # noqa: E402


def bt_fresh(t):
    return batch.fresh(t)


def bt_fit(v, t):
    return batch.fit(v, t * np.ones(3))


def bt_update(v, d, new):
    return batch.update(v, d.copy(), new)


def bt_zeros_like(x):
    return batch.zeros_like([x, 2.0 * x])


def bt_array(x, y):
    return batch.array([x, y * x])


def bt_asarray(x):
    return batch.asarray(x) * 2.0


def bt_full(x):
    return batch.full((2, 3), x)


def bt_full_like(v, x):
    return batch.full_like(v, x)


row(L(batch.fresh), bt_fresh, [V3])
row(L(batch.fit), bt_fit, [V3, (-1.0, 1.0)], active=(1,))
row(R(batch.update, 3), bt_update, [V3, V3, V3], active=(1, 2))
row(Z(batch.zeros_like), bt_zeros_like, [(-1.0, 1.0)], **ZERO)
row(L(batch.array), bt_array, [(-1.0, 1.0), (-1.0, 1.0)])
row(L(batch.asarray), bt_asarray, [V3])
row(L(batch.full), bt_full, [(-1.0, 1.0)])
row(L(batch.full_like), bt_full_like, [V3, (-1.0, 1.0)], active=(1,))


def np_logaddexp(a, b):
    return np.logaddexp(a, b)


def np_logaddexp2(a, b):
    return np.logaddexp2(a, b)


def nps_logaddexp(a, b):
    return np.logaddexp(a, b)


row(R(np.logaddexp, 2), np_logaddexp, [Array((4,), -3.0, 3.0), Array((4,), -3.0, 3.0)])
row(R(np.logaddexp2, 2), np_logaddexp2, [Array((4,), -3.0, 3.0), Array((4,), -3.0, 3.0)])
row(R(np.logaddexp, 2), nps_logaddexp, [(-3.0, 3.0), (-3.0, 3.0)])


def nps_logaddexp2(a, b):
    return np.logaddexp2(a, b)


row(R(np.logaddexp2, 2), nps_logaddexp2, [(-3.0, 3.0), (-3.0, 3.0)])
