"""Vector mode: full Jacobians in one pass, checked against per-column JVPs and FD.

For every NumPy corpus function, at a seeded point, ``pf.jacobian(f, wrt=<its differentiated
arguments>)`` is contracted with a seeded random direction; the result must equal
``pf.jvp`` along that direction (itself checked against finite differences in
test_corpus_numpy) to rounding, and the finite-difference JVP to the corpus tolerance. Shapes
follow the contract ``out.shape + in.shape``; chunked Jacobians equal unchunked ones; and
tangent batches behave like single tangents through broadcasting, indexing and in-place updates.
"""

import copy
import math
import random
import zlib

import numpy as np
import pytest
from checks import assert_close_structured, fd_jvp, max_abs_leaf, random_direction
from corpus_numpy import CASES, Array

import pushforward as pf
from pushforward import batch

IDS = [case.name for case in CASES]


def _contract(d, v):
    """A derivative w.r.t. one input (the input's structure, each leaf of the output leaf's
    shape, or one array ``out.shape + in.shape``) applied to a direction ``v``."""
    if v is None:
        return 0.0
    if isinstance(v, (list, tuple)):
        return sum((_contract(a, b) for a, b in zip(d, v)), 0.0)
    if isinstance(v, dict):
        return sum((_contract(d[k], v[k]) for k in v), 0.0)
    if isinstance(v, np.ndarray):
        return np.tensordot(d, v, axes=v.ndim)
    return np.asarray(d) * v


def _apply(value, jac, tangents, active):
    """The JVP along ``tangents`` from Jacobians ``jac`` (one per active argument)."""
    if isinstance(value, (list, tuple)):
        return type(value)(_apply(v, [j[i] for j in jac], tangents, active)
                           for i, v in enumerate(value))
    if isinstance(value, dict):
        return {k: _apply(v, [j[k] for j in jac], tangents, active) for k, v in value.items()}
    total = sum((_contract(j, tangents[i]) for j, i in zip(jac, active)), 0.0)
    return float(total) if np.ndim(total) == 0 else total


def _case_point(case):
    rng = random.Random(zlib.crc32(f"vector:{case.name}".encode()))
    args = case.sample(rng)
    return args, random_direction(args, rng, case.active)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_jacobian_equals_jvps_and_fd(case):
    args, tangents = _case_point(case)
    jac = pf.jacobian(case.func, wrt=tuple(case.active))(*copy.deepcopy(args))
    value, jvp = pf.jvp(case.func, copy.deepcopy(args), copy.deepcopy(tangents))
    got = _apply(value, jac, tangents, case.active)
    scale = max(1.0, max_abs_leaf(value), max_abs_leaf(jvp))
    assert_close_structured(got, jvp, rtol=1e-9, atol=1e-11 * scale)
    expected = fd_jvp(case.func, args, tangents, h=case.fd_step)
    assert_close_structured(got, expected, rtol=case.rtol,
                            atol=case.atol if case.atol is not None else 1e-8 * scale)


@pytest.mark.parametrize("case", [c for c in CASES if any(
    isinstance(c.domain[i], Array) for i in c.active)][::4], ids=lambda c: c.name)
def test_chunked_jacobian_equals_one_pass(case):
    args, _ = _case_point(case)
    whole = pf.jacobian(case.func, wrt=tuple(case.active))(*copy.deepcopy(args))
    for chunk in (1, 3):
        parts = pf.jacobian(case.func, wrt=tuple(case.active), chunk=chunk)(*copy.deepcopy(args))
        # the same operations; only LAPACK's solve may round differently for another number
        # of right-hand sides (the batch size)
        assert_close_structured(parts, whole, rtol=1e-14, atol=0.0)


def test_chunked_jacobian_of_a_function_updating_its_argument():
    """Each pass but the last runs on copies of the arguments: every chunk of columns starts
    from the inputs as given, and the caller's array is updated once, as by f itself."""
    def scale_in_place(a, b):
        a *= b
        a -= 0.5 * b
        return a.sum() + a

    rng = np.random.default_rng(8)
    a, b = rng.normal(size=4), rng.normal(size=4)
    whole = pf.jacobian(scale_in_place, wrt=(0, 1))(a.copy(), b)
    # closed form: out_i = sum_j (a_j b_j - b_j / 2) + a_i b_i - b_i / 2
    eye = np.eye(4)
    np.testing.assert_allclose(whole[0], b[None, :] + eye * b, rtol=1e-15)
    np.testing.assert_allclose(whole[1], (a - 0.5)[None, :] + eye * (a - 0.5), rtol=1e-15)
    given, expected = a.copy(), a.copy()
    scale_in_place(expected, b)
    for chunk in (1, 3):
        given = a.copy()
        parts = pf.jacobian(scale_in_place, wrt=(0, 1), chunk=chunk)(given, b)
        assert_close_structured(parts, whole, rtol=0.0, atol=0.0)
        np.testing.assert_array_equal(given, expected)


def test_jacobian_shape_is_out_shape_plus_in_shape():
    def f(x, A):
        return np.tanh(A @ x)[:, None] * x

    rng = np.random.default_rng(3)
    x, A = rng.normal(size=4), rng.normal(size=(5, 4))
    value, J = pf.forward_diff(f)(x, A)
    assert J.shape == value.shape + x.shape == (5, 4, 4)
    JA = pf.jacobian(f, wrt="A")(x, A)
    assert JA.shape == (5, 4) + A.shape
    # closed form: d f[i, k] / d x[j] = (1 - t_i^2) A[i, j] x[k] + t_i delta_kj
    t = np.tanh(A @ x)
    closed = ((1 - t * t)[:, None, None] * A[:, None, :] * x[None, :, None]
              + t[:, None, None] * np.eye(4)[None, :, :])
    np.testing.assert_allclose(J, closed, rtol=1e-13, atol=1e-15)


def test_scalar_output_gives_the_gradient_with_the_input_shape():
    def loss(W):
        return np.sum(np.sin(W) ** 2)

    W = np.random.default_rng(4).normal(size=(3, 2))
    value, grad = pf.forward_diff(loss)(W)
    np.testing.assert_allclose(grad, 2 * np.sin(W) * np.cos(W), rtol=1e-14)
    assert value == loss(W)


def test_constant_output_has_a_zero_jacobian():
    def f(x):
        return x * 2.0, np.ones(3)

    _, (dx, dc) = pf.forward_diff(f)(np.arange(2.0))
    np.testing.assert_array_equal(dx, 2.0 * np.eye(2))
    np.testing.assert_array_equal(dc, np.zeros((3, 2)))


def test_scalar_parameter_times_array_data_does_not_mix_axes():
    """A scalar's batch of tangents against an array whose length equals the batch size."""

    def f(p, X):
        return p[0] * X + p[1]

    X = np.array([1.0, 2.0])
    _, J = pf.forward_diff(f)([3.0, 5.0], X)
    np.testing.assert_array_equal(J[0], X)
    np.testing.assert_array_equal(J[1], np.ones(2))


def test_in_place_updates_and_views_in_vector_mode():
    def f(x):
        y = np.zeros(4)
        y[0] = x[0] * x[1]
        v = y[1:]  # a view: writing into it changes y
        v[:] = np.sin(x[1:])
        y[2] += x[0] ** 2
        u = y.copy()
        u[3] = 0.0  # a copy: y keeps its entry
        return y + u

    x = np.array([0.3, -0.7, 1.1, 0.4])
    J = pf.jacobian(f)(x)
    cols = [pf.jvp(f, (x,), (e,))[1] for e in np.eye(4)]
    np.testing.assert_allclose(J, np.stack(cols, axis=-1), rtol=1e-15)
    fd = np.stack([fd_jvp(f, (x,), (e,)) for e in np.eye(4)], axis=-1)
    np.testing.assert_allclose(J, fd, rtol=1e-7, atol=1e-9)


def test_list_of_floats_through_np_array():
    def f(xs):
        a = np.array([xs[0], xs[1] * xs[0], 2.0])
        return np.sum(a * a)

    xs = [0.5, -1.5]
    _, g = pf.forward_diff(f)(xs)
    x0, x1 = xs
    # f = x0^2 + (x0 x1)^2 + 4
    assert g == pytest.approx([2 * x0 + 2 * x1 * x1 * x0, 2 * x0 * x0 * x1], rel=1e-14)


BATCH_CASES = {
    # name: (function of one tangent-like array, value shape)
    "sum_axis": (lambda t: np.sum(t, axis=1), (3, 4)),
    "sum_negative_axis_keepdims": (lambda t: np.sum(t, axis=-2, keepdims=True), (3, 4)),
    "mean_all": (lambda t: np.mean(t), (3, 4)),
    "cumsum_flat": (lambda t: np.cumsum(t), (3, 4)),
    "reshape": (lambda t: t.reshape(2, 6), (3, 4)),
    "transpose": (lambda t: t.T, (3, 4)),
    "transpose_axes": (lambda t: np.transpose(t, (1, 2, 0)), (2, 3, 4)),
    "squeeze": (lambda t: np.squeeze(t), (3, 1, 4)),
    "expand_dims": (lambda t: np.expand_dims(t, -1), (3, 4)),
    "concatenate_constant": (lambda t: np.concatenate([t, np.ones((2, 4))], axis=0), (3, 4)),
    "stack_last": (lambda t: np.stack([t, 2.0 * t], axis=-1), (3, 4)),
    "hstack": (lambda t: np.hstack([t, t]), (3, 4)),
    "vstack_vectors": (lambda t: np.vstack([t, t]), (4,)),
    "broadcast_to": (lambda t: np.broadcast_to(t, (2, 3, 4)), (3, 4)),
    "tile": (lambda t: np.tile(t, (2, 1)), (3, 4)),
    "repeat": (lambda t: np.repeat(t, 2, axis=0), (3, 4)),
    "flip": (lambda t: np.flip(t), (3, 4)),
    "roll": (lambda t: np.roll(t, 1), (3, 4)),
    "diff": (lambda t: np.diff(t, axis=0), (3, 4)),
    "trace": (lambda t: np.trace(t), (4, 4)),
    "diagonal": (lambda t: t.diagonal(), (4, 4)),
    "where_mask": (lambda t: np.where(np.arange(4) > 1, t, 0.0), (3, 4)),
    "matmul_left": (lambda t: np.arange(12.0).reshape(4, 3) @ t, (3,)),
    "matmul_right": (lambda t: t @ np.arange(12.0).reshape(4, 3), (2, 4)),
    "matmul_stack": (lambda t: np.ones((2, 4, 3)) @ t, (3, 5)),
    "dot_vector": (lambda t: np.dot(np.arange(3.0), t), (3, 2)),
    "dot_matrix": (lambda t: np.dot(t, np.arange(6.0).reshape(3, 2)), (4, 3)),
    "inner": (lambda t: np.inner(np.arange(4.0), t), (2, 4)),
    "outer": (lambda t: np.outer(t, np.arange(3.0)), (4,)),
    "tensordot": (lambda t: np.tensordot(np.ones((2, 3)), t, axes=1), (3, 4)),
    "einsum_implicit": (lambda t: np.einsum("ij,jk", np.ones((2, 3)), t), (3, 4)),
    "einsum_trace_out": (lambda t: np.einsum("ii->", t), (3, 3)),
    "solve_vector": (lambda t: np.linalg.solve(np.eye(3) * 2.0 + 0.1, t), (3,)),
    "solve_matrix": (lambda t: np.linalg.solve(np.eye(3) * 2.0 + 0.1, t), (3, 2)),
    "index_advanced_apart": (lambda t: t[[0, 2], :, [1, 0]], (3, 2, 2)),
    "index_mask": (lambda t: t[np.array([True, False, True])], (3, 4)),
    "index_newaxis": (lambda t: t[None, 1:, ::2], (3, 4)),
    "kron_falls_back_per_tangent": (lambda t: np.kron(t, np.ones((2, 2))), (2, 2)),
    "cross": (lambda t: np.cross(t, np.array([1.0, 2.0, 3.0])), (4, 3)),
    "scalar_times_array": (lambda t: np.arange(5.0) * t, ()),
    "take_along_axis": (lambda t: np.take_along_axis(t, np.array([[1], [0], [2]]), axis=1), (3, 4)),
}


@pytest.mark.parametrize("name", sorted(BATCH_CASES))
def test_a_batch_behaves_like_each_of_its_tangents(name):
    """Each operation on a Batch of B tangents equals the operation on each tangent."""
    op, shape = BATCH_CASES[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    stack = rng.normal(size=(5,) + shape)
    with batch.size(5):
        out = op(batch.Batch(stack))
    expected = np.stack([op(t) for t in stack])
    assert isinstance(out, batch.Batch)
    np.testing.assert_allclose(out.a, expected, rtol=1e-14, atol=1e-14)


def test_setitem_on_a_batch_lifts_the_value_to_the_region():
    stack = np.zeros((3, 4, 2))
    b = batch.Batch(stack)
    b[1:3] = batch.Batch(np.arange(6.0).reshape(3, 2))  # each tangent's (2,) broadcast over rows
    for k in range(3):
        np.testing.assert_array_equal(stack[k, 1:3], np.broadcast_to(np.arange(6.0).reshape(3, 2)[k], (2, 2)))
    b[0] = 1.0
    assert np.all(stack[:, 0] == 1.0)


def test_chunk_must_be_positive():
    with pytest.raises(pf.PushforwardError, match="chunk"):
        pf.jacobian(math.sin, chunk=0)


def test_jacobians_are_new_writeable_arrays():
    def loss(w):
        return np.sum(w ** 2)

    def constant(w):
        return np.ones(3)

    _, g = pf.forward_diff(loss)(np.ones(4))
    g *= 2.0  # the caller owns the result
    np.testing.assert_array_equal(g, 4.0 * np.ones(4))
    J = pf.jacobian(constant)(np.zeros(2))
    assert J.flags.writeable and J.flags.c_contiguous and J.shape == (3, 2)
    J[0, 0] = 1.0
    assert pf.jacobian(constant)(np.zeros(2))[0, 0] == 0.0


def test_accumulators_and_aliases_of_updated_arrays():
    import corpus_helpers as ch

    x = np.array([0.3, -1.2, 0.8])
    rows = [np.array([1.0, 2.0, -1.0]), np.array([0.5, 0.5, 3.0])]
    for f in (ch.accumulate_arrays_privately, ch.accumulate_and_keep_history):
        value, J = pf.forward_diff(f)(x, rows)
        np.testing.assert_array_equal(value, f(x, rows))
        fd = np.stack([fd_jvp(f, (x, rows), (e, None)) for e in np.eye(3)], axis=-1)
        np.testing.assert_allclose(J, fd, rtol=1e-8, atol=1e-10)
        _, t = pf.jvp(f, (x, rows), (np.ones(3), None))
        np.testing.assert_allclose(t, fd @ np.ones(3), rtol=1e-8, atol=1e-10)
    # the list holds the updated array: both entries are the final s
    np.testing.assert_allclose(ch.accumulate_and_keep_history(x, rows),
                               2.0 * (rows[0] + rows[1]) * x, rtol=1e-15)
