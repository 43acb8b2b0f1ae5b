"""Generated gradients run on Dask arrays: they stay lazy (nothing is computed while
the gradient runs), compute on a dask.distributed cluster, and agree with NumPy.

Needs the optional `dask` extra (``pip install "astgrad[dask]"``); skipped without it.
"""

import warnings

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

import astgrad  # noqa: E402
from fd import assert_close, numerical_grad  # noqa: E402


def logistic_loss(w, X, y):
    z = X @ w
    return np.mean(np.logaddexp(0.0, z) - y * z) + 0.01 * np.sum(w * w)


def elementwise_loss(x, b):
    return np.sum(np.sin(x) * x ** 2 + np.tanh(x - b) + np.maximum(x, 0.0))


def chunked_loss(x):
    """Reshape, slicing, max, where (its untaken branch), concatenate and a norm."""
    m = x.reshape(4, -1)
    top = np.max(m, axis=0)
    safe = np.where(x > 0, np.sqrt(np.abs(x)), 0.0)
    joined = np.concatenate([x[1:] * x[:-1], safe])
    return np.sum(top ** 2) + np.sum(joined) + np.linalg.norm(x)


def _refuse_to_compute(dsk, keys, **kwargs):
    raise AssertionError("the gradient computed a Dask array while it ran")


@pytest.fixture(scope="module")
def client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                           dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        yield client


def _data(seed=0, n=400):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6))
    y = (X @ rng.normal(size=6) + 0.5 * rng.normal(size=n) > 0).astype(float)
    return X, y, rng.normal(size=6)


def test_logistic_regression_gradient_on_a_cluster(client):
    X, y, w = _data()
    dX, dy = da.from_array(X, chunks=(100, 6)), da.from_array(y, chunks=100)
    with dask.config.set(scheduler=_refuse_to_compute):
        lazy = astgrad.grad(logistic_loss)(w, dX, dy)
    assert isinstance(lazy, da.Array) and lazy.shape == (6,)
    got = client.compute(lazy).result()
    expected = astgrad.grad(logistic_loss)(w, X, y)
    assert_close(got, expected, rtol=1e-12, atol=1e-14)
    assert_close(got, numerical_grad(lambda v: logistic_loss(v, X, y), w))


def test_elementwise_gradient_on_a_cluster(client):
    x = np.random.default_rng(1).normal(size=1000)
    x[:3] = 0.0                                    # maximum's tie and where's untaken branch
    dx = da.from_array(x, chunks=250)
    with dask.config.set(scheduler=_refuse_to_compute):
        lazy_x, lazy_b = astgrad.grad(elementwise_loss, wrt=(0, 1))(dx, 0.3)
        lazy_c = astgrad.grad(chunked_loss)(dx)
    got_x, got_b, got_c = client.compute([lazy_x, lazy_b, lazy_c], sync=True)
    expected_x, expected_b = astgrad.grad(elementwise_loss, wrt=(0, 1))(x, 0.3)
    assert_close(got_x, expected_x, rtol=1e-12, atol=1e-14)
    assert_close(got_b, expected_b, rtol=1e-12, atol=1e-14)
    expected_c = astgrad.grad(chunked_loss)(x)
    assert np.all(np.isfinite(got_c))
    assert_close(got_c, expected_c, rtol=1e-12, atol=1e-14)


def test_value_and_grad_jvp_and_hvp_stay_lazy():
    X, y, w = _data(2, 200)
    dX, dy = da.from_array(X, chunks=(50, 6)), da.from_array(y, chunks=50)
    v = np.linspace(-1.0, 1.0, 6)
    with dask.config.set(scheduler=_refuse_to_compute):
        value, g = astgrad.value_and_grad(logistic_loss)(w, dX, dy)
        _, slope = astgrad.jvp(logistic_loss, (w, dX, dy), (v, np.zeros_like(X), np.zeros_like(y)))
        hv = astgrad.hvp(logistic_loss)(w, dX, dy, v)
    value, g, slope, hv = dask.compute(value, g, slope, hv, scheduler="threads")
    assert_close(value, logistic_loss(w, X, y))
    assert_close(g, astgrad.grad(logistic_loss)(w, X, y), rtol=1e-12)
    assert_close(slope, g @ v, rtol=1e-10)
    assert_close(hv, astgrad.hvp(logistic_loss)(w, X, y, v), rtol=1e-12)
