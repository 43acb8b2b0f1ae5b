"""The eightieth hunt (tests/hunt80_programs.py): programs an outside user would write,
mixing what the random campaigns mix less, each in grad, value_and_grad, vjp, jvp,
hessian and jvp of grad against central differences at two shapes; and the entry points
used as a user would: a global rebound between two calls of one gradient, ``argnums``
tuples, ``wrt=`` paths into a dataclass and a dict, ``jacobian`` of a vector function
with broadcasting in every mode, ``np.float64`` scalars through ``.item()``, a helper
writing into its argument and returning it, called twice.

What the hunt found:

- a write through a reshape of an expression (``y = (x * w).reshape(2, -1); y[0] += 1.0``)
  was followed once but refused at the second order ("cannot be differentiated twice"),
  where ``t = x * w; y = t.reshape(2, -1)`` was followed: the derivative reads the shape of
  the expression's value (``numpy.reshape(d_y, numpy.shape(t))``) after the write, which the
  check counted as a read of its elements. ``numpy.shape(t)`` and ``numpy.ndim(t)`` read a
  shape alone now in a derivative differentiated again (``reshape_minus1``; and a write
  into the copy a reshape or ravel of a transpose makes, hunt58's v05, v07, z3); not in
  the user's code, where ``t`` may be a list another name extends in place, which changes
  its shape (``list_extended_read_by_shape``: taken there too, it gave a wrong value);
- a helper of the module writing into a view it is given (``_scale_into(y[1:], w)``) is
  refused at the helper's line, but the refusal named no name ("the list, dict or array
  this line writes into (an item of a container or an attribute)") and quoted no line:
  the text of a helper's line inlined from elsewhere in the file was not found. It names
  ``'a'`` and quotes the line now; it is followed now, as the swap of two slices from
  views of them (``swap_items_views_no_copy``) is, each checked in the modes (CASES);
- a crash: ``z = (x * w).T.reshape(-1); z[2] = w`` with ``x`` read after it raised, for a
  float ``w``, "this stores into an element of the argument 'w' ... 'w' is a float": the
  check lifting the refusal of the write took ``w`` for an array of numbers, then refused
  the number ``w`` is when the code ran. An argument that is the value stored may be a
  number now (``argument_stored_into_a_reshape_of_an_expression``, with a float and a
  np.float64 ``w``);
- a write into the row a loop binds (``for row in M: row *= w``, ``for i, row in
  enumerate(M)``, ``for col in M.T``) is refused, the row a view of ``M`` whose write
  Python shows in ``M``; the refusal gave the general advice (write through one name and
  read the others again). It says now that the row is an item of ``M`` and gives the loop
  astgrad follows, ``for i in range(len(M)): row = M[i]`` (the ``rows_by_index_*``
  programs, checked in every mode).

CI runs each program in one mode at one shape (the modes in turn); with
HYPOTHESIS_PROFILE=thorough every program runs in every mode at both shapes."""

import dataclasses
import os
import re

import numpy as np
import pytest

import astgrad
import hunt80_programs as P
from breadth_modes import check, copies
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
X4 = np.array([0.7, -1.3, 0.4, 2.1])
X6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])
SHAPES = (X4, X6)


def _params():
    for k, (name, f) in enumerate(P.CASES):
        for s, x in enumerate(SHAPES):
            for m, mode in enumerate(MODES):
                if THOROUGH or (m == k % len(MODES) and s == k % 2):
                    yield pytest.param(mode, f, x, id=f"{name}-{x.size}-{mode}")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("mode, f, x", list(_params()))
def test_program_in_mode(mode, f, x):
    check(mode, f, (x, 0.8), (0, 1))


@pytest.mark.parametrize("name", sorted(P.REFUSED))
def test_a_refused_program_names_its_line(name):
    holder, offset, words, error = P.REFUSED[name]
    line = getattr(P, holder).__code__.co_firstlineno + offset
    with pytest.raises(getattr(astgrad, error, TypeError), match=rf"hunt80_programs\.py:{line}: {words}") as caught:
        astgrad.grad(getattr(P, name), wrt=(0, 1))(X4.copy(), 0.8)
    if error == "TransformError":       # the user's line quoted
        with open(P.__file__) as source:
            assert caught.value.line.strip() == source.read().splitlines()[line - 1].strip()


K = 2.0


def _uses_k(x):
    return np.sum(np.sin(x) * K)


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_a_global_rebound_between_two_calls_of_one_gradient_is_read_when_it_runs(x, monkeypatch):
    gradient = astgrad.grad(_uses_k)
    for k in (2.0, 5.0):
        monkeypatch.setattr(__import__(__name__), "K", k)
        assert_close(gradient(x), numerical_grad(_uses_k, (x,)))
        assert_close(astgrad.hessian(_uses_k)(x), numerical_hessian(gradient, (x,)), 1e-4, 1e-5)
        value, tangent = astgrad.jvp(_uses_k, (x,), (x[::-1].copy(),))
        assert value == pytest.approx(_uses_k(x))
        assert_close(tangent, numerical_jvp(_uses_k, (x,), (x[::-1].copy(),)))


def _three(a, b, c):
    return np.sum(a * b ** 2) + c * np.sum(np.tanh(a))


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_argnums_tuples(x):
    args = (x, x[::-1].copy(), 0.3)
    g = astgrad.grad(_three, argnums=(0, 2))(*args)
    assert isinstance(g, tuple) and len(g) == 2
    assert_close(g[0], numerical_grad(_three, args, wrt=0))
    assert_close(g[1], numerical_grad(_three, args, wrt=2))
    one = astgrad.grad(_three, argnums=(1,))(*args)
    assert isinstance(one, tuple) and len(one) == 1
    assert_close(one[0], numerical_grad(_three, args, wrt=1))
    value, both = astgrad.value_and_grad(_three, argnums=(0, 1))(*args)
    assert value == pytest.approx(_three(*args))
    assert_close(both[1], numerical_grad(_three, args, wrt=1))
    assert_close(astgrad.hessian(_three, argnums=1)(*args),
                 numerical_hessian(astgrad.grad(_three, argnums=1), args, wrt=1), 1e-4, 1e-5)


@dataclasses.dataclass
class Params:
    W: np.ndarray
    b: float


def _loss(p, x):
    return np.sum(np.tanh(p.W * x + p.b) ** 2)


def _dict_loss(d, x):
    return np.sum(d["w"] * x ** 2) * d["s"]


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_wrt_paths(x):
    p = Params(x[::-1] * 0.5, 0.2)
    by_w = astgrad.grad(_loss, wrt="p.W")
    assert_close(by_w(p, x), numerical_grad(lambda W: _loss(Params(W, 0.2), x), (p.W,)))
    assert_close(astgrad.grad(_loss, wrt="p.b")(p, x), numerical_grad(lambda b: _loss(Params(p.W, b), x), (0.2,)))
    assert_close(astgrad.hessian(_loss, wrt="p.W")(p, x),
                 numerical_hessian(lambda W: by_w(Params(W, 0.2), x), (p.W,)), 1e-4, 1e-5)
    assert_close(astgrad.grad(_loss, wrt=("p.W", "x"))(p, x)[1], numerical_grad(_loss, (p, x), wrt=1))
    d = {"w": x * 0.3, "s": 1.5}
    assert_close(astgrad.grad(_dict_loss, wrt='d["w"]')(d, x),
                 numerical_grad(lambda w: _dict_loss({"w": w, "s": 1.5}, x), (d["w"],)))
    assert_close(astgrad.grad(_dict_loss, wrt="d['s']")(d, x),
                 numerical_grad(lambda s: _dict_loss({"w": d["w"], "s": s}, x), (1.5,)))


def _vector(x, w):
    return np.sum(x[None, :] * np.array([[1.0], [2.0], [3.0]]) * w, axis=1) + np.sin(x[:3])


def _square_vector(x):
    return np.tanh(x[:, None] * x[None, :]).sum(axis=0) * x


def _rows(f, args, wrt, n):
    """The Jacobian of ``f`` (n outputs) by central differences, one row per output."""
    return np.stack([numerical_grad(f, args, wrt=wrt, seed=np.eye(n)[i]) for i in range(n)])


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_jacobian_of_a_vector_function_with_broadcasting(x, mode):
    assert_close(astgrad.jacobian(_vector, mode=mode)(x, 0.8), _rows(_vector, (x, 0.8), 0, 3))
    assert_close(np.reshape(astgrad.jacobian(_vector, wrt=1, mode=mode)(x, 0.8), (3,)),
                 _rows(_vector, (x, 0.8), 1, 3))
    assert_close(astgrad.jacobian(_square_vector, mode=mode)(x), _rows(_square_vector, (x,), 0, x.size))


def _items(x, w):
    s = np.float64(w) * x[0]
    t = s.item() + float(np.float64(x[1]).item()) * w
    return t ** 2 + np.sum(x)


@pytest.mark.parametrize("w", [0.8, np.float64(0.8)], ids=["float", "float64"])
@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_float64_scalars_through_item(x, w):
    for mode in MODES if THOROUGH else ("grad", "hessian", "jvp"):
        check(mode, _items, (x, w), (0, 1))


def _into(a, s):
    a[1:] = a[1:] * s
    return a


def _helper_twice(x, w):
    y = x + 0.0
    _into(y, w)
    z = _into(y, w)
    return np.sum(z * y)


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_a_helper_writing_into_its_argument_and_returning_it_called_twice(x):
    for mode in MODES if THOROUGH else ("value_and_grad", "hessian", "jvp"):
        check(mode, _helper_twice, (x, 0.8), (0, 1))


@pytest.mark.parametrize("w", [0.8, np.float64(0.8), np.array(0.8)], ids=["float", "float64", "0-d"])
def test_a_number_argument_stored_into_an_array_is_followed(w):
    for mode in MODES if THOROUGH else ("grad", "jvp", "hessian"):
        check(mode, P.argument_stored_into_a_reshape_of_an_expression, (X6, w), (1, 0))
