"""The twenty-ninth hunt: what users hand astgrad and how they compose its transforms.

About 340 probes: arguments of every dtype and layout (float32, float16, ints,
bools, complex, NumPy scalars, 0-d, empty, size-1 broadcasting, strided, reversed, Fortran,
read-only, ndarray subclasses, object arrays, lists, tuples, dicts, namedtuples,
dataclasses), ``wrt`` in every spelling, keyword arguments, methods and partials, the
transforms composed (jvp of grad, grad of value_and_grad, hessian in one of several
arguments, ...), tangents and cotangents of the wrong shape, the dtype of what comes
back, whether it aliases what was given, and exported modules against the in-process
derivative. It found:

- a wrong number: the pullback ``vjp`` returns runs ``f``'s code again on the primals
  themselves, so writing into a primal after ``vjp`` (an optimizer's ``x -= lr * g``
  before the pullback is called) gave the derivative at the new point, with the value
  ``vjp`` returned still that of the old one; now refused, as PyTorch refuses a backward
  pass through a tensor changed in place since it was saved;
- a wrong number: an ndarray subclass of the user's redefining ``__array_ufunc__`` (or an
  operator: ``__mul__``) got the derivative of the plain operations (jvp and hessian too);
  now refused, naming what the subclass redefines;
- a gradient NumPy refuses to write into: the gradient of ``np.sum(x)``, ``np.mean(x)``
  (and any reduction's) was a read-only broadcast, so ``g *= 0.5`` or ``g[0] = 0``
  raised ``ValueError: assignment destination is read-only``;
- a gradient of a program Python refuses: a function writing into a read-only argument
  (``x.flags.writeable = False``, a ``np.broadcast_to`` view) raises NumPy's ``ValueError``
  in Python, while its derivatives wrote into a copy and gave numbers; the copy is
  read-only now, so the write raises there too;
- a result aliasing what the caller gave: the pullback of ``lambda x: x`` (or a reshape,
  a transpose) returned the cotangent itself or a view of it, and ``jvp`` the tangent, so
  writing into the result changed the caller's cotangent or tangent.
"""

import collections
import dataclasses
import functools
import importlib.util

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp

RNG = np.random.default_rng(29)
X3 = RNG.standard_normal(3)
Y3 = RNG.standard_normal(3)
M34 = RNG.standard_normal((3, 4))


def sin_times(x):
    return np.sum(np.sin(x) * x)


def weighted(x, y, z):
    return np.sum(x * y ** 2) + z * np.sum(x)


def sum_of(x):
    return np.sum(x)


def mean_square(x):
    return np.mean(x * x)


def doubled_sin(x):
    return np.sin(x) * 2.0


# -- what the hunt found ----------------------------------------------------------------

def test_a_primal_written_after_vjp_is_refused_by_the_pullback():
    x = X3.copy()
    out, pullback = astgrad.vjp(doubled_sin, x)
    x -= 0.5                                             # an optimizer's step, in place
    with pytest.raises(ValueError, match="vjp pullback: primal 0 was written into after vjp was called, .*"
                                         r"or call vjp again at the new point \(or give vjp a copy"):
        pullback(np.ones(3))
    x[:] = X3                                            # the values vjp was given again: followed
    assert_close(pullback(np.ones(3))[0], 2.0 * np.cos(X3))
    p = {"w": X3.copy(), "s": [0.5, Y3.copy()]}
    out, pullback = astgrad.vjp(lambda p: sin_times(p["w"]) * p["s"][0] + np.sum(p["s"][1]), p)
    p["s"][1][0] = 9.0
    with pytest.raises(ValueError, match=r"primal 0\['s'\]\[1\] was written into"):
        pullback(1.0)
    p["s"][1] = Y3.copy()
    assert_close(pullback(1.0)[0]["w"], 0.5 * numerical_grad(sin_times, (X3.copy(),)))


class Tripled(np.ndarray):
    """Python's np.sin of it is three times the sine."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        result = getattr(ufunc, method)(*[np.asarray(v) for v in inputs], **kwargs)
        return result * 3.0 if ufunc is np.sin else result


class Doubling(np.ndarray):
    """Python's x * y of it is twice the product."""

    def __mul__(self, other):
        return np.asarray(self) * other * 2.0


class Labelled(np.ndarray):
    """Adds an attribute and a method of its own: its operations are a plain array's."""

    def __array_finalize__(self, obj):
        self.label = getattr(obj, "label", "")

    def described(self):
        return f"{self.label}: {self.shape}"


def sine_sum(x):
    return np.sum(np.sin(x))


def square_sum(x):
    return np.sum(x * x)


SUBCLASSED = [
    (sine_sum, Tripled, "__array_ufunc__"),
    (square_sum, Doubling, "__mul__"),
]
TRANSFORMS = {
    "grad": lambda f, x: astgrad.grad(f)(x),
    "jvp": lambda f, x: astgrad.jvp(f, (x,), (np.ones(3),)),
    "vjp": lambda f, x: astgrad.vjp(f, x),
    "hessian": lambda f, x: astgrad.hessian(f)(x),
    "in a dict": lambda f, x: astgrad.grad(lambda p: f(p["x"]))({"x": x}),
}


@pytest.mark.parametrize("transform", list(TRANSFORMS))
@pytest.mark.parametrize("f, kind, redefined", SUBCLASSED, ids=[k.__name__ for _, k, _ in SUBCLASSED])
def test_a_subclass_redefining_operations_is_refused(f, kind, redefined, transform):
    x = X3.copy().view(kind)
    with pytest.raises(TypeError, match=rf"is a {kind.__name__}, a subclass of np.ndarray that defines its own "
                                        rf"{redefined}, .*pass a plain array, np.asarray\(x\)"):
        TRANSFORMS[transform](f, x)
    assert_close(astgrad.grad(f)(np.asarray(x)), numerical_grad(f, (X3.copy(),)))     # the next call works


def test_a_subclass_adding_only_its_own_attributes_is_followed():
    x = X3.copy().view(Labelled)
    assert_close(astgrad.grad(sin_times)(x), numerical_grad(sin_times, (X3.copy(),)))
    assert_close(astgrad.jvp(sin_times, (x,), (Y3,))[1], numerical_jvp(sin_times, (X3.copy(),), (Y3,)))
    memmap_like = np.rec.array(X3.copy())               # NumPy's own subclasses keep a plain array's values
    assert_close(astgrad.grad(sin_times)(memmap_like), numerical_grad(sin_times, (X3.copy(),)))


WRITTEN_INTO = {
    "grad of a sum": lambda x: astgrad.grad(sum_of)(x),
    "grad of a mean": lambda x: astgrad.grad(mean_square)(x),
    "value_and_grad": lambda x: astgrad.value_and_grad(sum_of)(x)[1],
    "grad, wrt a tuple": lambda x: astgrad.grad(weighted, (0, 2))(x, Y3, 0.5)[0],
    "vjp": lambda x: astgrad.vjp(sum_of, x)[1](1.0)[0],
    "a dict's item": lambda x: astgrad.grad(lambda p: np.sum(p["w"]))({"w": x})["w"],
}


@pytest.mark.parametrize("name", list(WRITTEN_INTO))
def test_a_gradient_can_be_written_into_and_the_next_is_the_same(name):
    g = WRITTEN_INTO[name](X3)
    expected = g.copy()
    g *= 0.5                                             # gradient clipping, in place
    g[0] = 7.0
    assert_close(WRITTEN_INTO[name](X3), expected)


VIEWS = [lambda x: x, lambda x: x.reshape(2, 2), lambda x: x.reshape(2, 2).T]


@pytest.mark.parametrize("f", VIEWS, ids=["itself", "reshape", "transpose"])
def test_a_result_is_not_the_cotangent_or_tangent_given(f):
    x = RNG.standard_normal(4)
    out, pullback = astgrad.vjp(f, x)
    cotangent = np.ones(out.shape)
    g = pullback(cotangent)[0]
    g *= 3.0
    assert_close(cotangent, np.ones(out.shape))
    assert_close(pullback(cotangent)[0], np.ones(4))
    tangent = np.ones(4)
    _, t = astgrad.jvp(f, (x,), (tangent,))
    t *= 3.0
    assert_close(tangent, np.ones(4))


def zeroes_the_first(x, c):
    if c:
        x[0] = 0.0
    return np.sum(x ** 2)


READ_ONLY_WRITES = {
    "grad": lambda x, c: astgrad.grad(zeroes_the_first)(x, c),
    "jvp": lambda x, c: astgrad.jvp(zeroes_the_first, (x, c), (np.ones(3), None)),
    "vjp": lambda x, c: astgrad.vjp(zeroes_the_first, x, c),
    "hessian": lambda x, c: astgrad.hessian(zeroes_the_first)(x, c),
}


@pytest.mark.parametrize("transform", list(READ_ONLY_WRITES))
def test_a_write_into_a_read_only_argument_raises_as_in_python(transform):
    x = X3.copy()
    x.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        zeroes_the_first(x, True)
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        READ_ONLY_WRITES[transform](x, True)
    assert np.array_equal(x, X3) and not x.flags.writeable
    if transform == "grad":                              # no write: followed
        assert_close(READ_ONLY_WRITES[transform](x, False), 2 * X3)


# -- a sample of the passing probes: a permanent differential campaign --------------------

NT = collections.namedtuple("NT", "a b")


@dataclasses.dataclass
class Params:
    w: np.ndarray
    s: float
    n: int = 3


def record_loss(p):
    return np.sum(p.w * p.s) * p.n


def pair_loss(p):
    return np.sum(p.a ** 2) * p.b


def fortran_loss(x, w):
    return np.sum(np.sin(x @ w))


def leaf_grad(f, args, wrt=0):
    return numerical_grad(f, tuple(np.array(a, dtype=float) if isinstance(a, np.ndarray) else a for a in args), wrt)


def _readonly(values):
    values = np.array(values)
    values.flags.writeable = False
    return values


INPUTS = [      # (name, f, args, rtol): the gradient of the float64 call, in the argument's dtype
    ("float32", sin_times, (X3.astype(np.float32),), 1e-3),
    ("float16", sin_times, (X3.astype(np.float16),), 1e-2),
    ("numpy float32 scalar", lambda x: x * x + 3.0 * x, (np.float32(0.7),), 1e-5),
    ("python int", lambda x: x * x + 3.0 * x, (2,), 1e-7),
    ("int array", square_sum, (np.array([1, 2, 3]),), 1e-7),
    ("0-d", sin_times, (np.array(0.4),), 1e-7),
    ("empty", sin_times, (np.zeros((0, 3)),), 1e-7),
    ("strided", sin_times, (M34[::2, 1::2],), 1e-7),
    ("reversed", sin_times, (X3[::-1],), 1e-7),
    ("transposed", lambda x: np.sum(np.cumsum(x, axis=1) ** 2), (M34.T,), 1e-7),
    ("broadcast view", sin_times, (np.broadcast_to(X3, (2, 3)),), 1e-7),
    ("read-only", lambda x: np.prod(x) + sin_times(x), (_readonly(X3),), 1e-7),
]


@pytest.mark.parametrize("name, f, args, rtol", INPUTS, ids=[row[0] for row in INPUTS])
def test_inputs_of_every_kind(name, f, args, rtol):
    g = astgrad.grad(f)(*args)
    x = args[0]
    assert_close(g, leaf_grad(f, args), rtol=rtol, atol=rtol)
    if isinstance(x, np.ndarray):
        assert g.shape == x.shape and g.dtype == (x.dtype if x.dtype.kind == "f" else np.float64)
        assert g.flags.writeable
    elif isinstance(x, np.floating):
        assert type(g) is type(x)


def test_arguments_holding_arrays():
    p = {"w": X3.copy(), "b": [0.5, {"k": Y3.copy()}]}
    tree = lambda p: np.sum(p["w"] * p["b"][0]) + np.sum(p["b"][1]["k"] ** 3)   # noqa: E731
    g = astgrad.grad(tree)(p)
    assert_close(g["w"], np.full(3, 0.5))
    assert_close(g["b"][0], np.sum(X3))
    assert_close(g["b"][1]["k"], 3 * Y3 ** 2)
    g = astgrad.grad(pair_loss)(NT(X3, 0.7))
    assert type(g) is NT and np.allclose(g.a, 1.4 * X3) and g.b == pytest.approx(np.sum(X3 ** 2))
    g = astgrad.grad(record_loss)(Params(X3, 0.4))
    assert type(g) is Params and np.allclose(g.w, 1.2) and g.s == pytest.approx(3 * np.sum(X3))
    assert_close(astgrad.grad(fortran_loss)(np.asfortranarray(M34[:, :3]), X3),
                 leaf_grad(fortran_loss, (M34[:, :3], X3)))
    assert_close(astgrad.grad(sin_times)([0.5, 1.5, -0.3]), leaf_grad(sin_times, (np.array([0.5, 1.5, -0.3]),)))


def test_refused_inputs_name_the_argument_and_leave_the_next_call_working():
    for x, says in [(True, "argument 0 is a bool"), (np.array([1 + 1j, 2.0]), "is complex"),
                    (np.matrix(M34[:2, :2]), "is a np.matrix"), (np.array([0.5, 1.5], dtype=object), "dtype object")]:
        with pytest.raises(TypeError, match=says):
            astgrad.grad(square_sum)(x)
    assert_close(astgrad.grad(square_sum)(X3), 2 * X3)


class Model:
    def __init__(self):
        self.w = 2.0

    def loss(self, x):
        return self.w * np.sum(x ** 2)

    @staticmethod
    def cube(x):
        return x ** 3


def with_default(x, s=2.0):
    return np.sum(x) * s


def test_wrt_and_call_spellings():
    args = (X3, Y3, 0.6)
    expected = [leaf_grad(weighted, args, i) for i in range(3)]
    assert_close(astgrad.grad(weighted, -1)(*args), expected[2])
    assert_close(astgrad.grad(weighted, (-3, "y"))(*args), (expected[0], expected[1]))
    assert_close(astgrad.grad(weighted, np.int64(1))(X3, y=Y3, z=0.6), expected[1])
    assert_close(astgrad.grad(weighted, "x")(z=0.6, y=Y3, x=X3), expected[0])
    assert_close(astgrad.grad(weighted, [0, 2])(*args), (expected[0], expected[2]))
    assert astgrad.grad(with_default, "s")(X3) == pytest.approx(np.sum(X3))
    assert_close(astgrad.grad(functools.partial(weighted, z=0.6))(X3, Y3), expected[0])
    assert astgrad.grad(functools.partial(weighted, z=0.6), "z")(X3, Y3, z=0.1) == pytest.approx(np.sum(X3))
    model = Model()
    assert_close(astgrad.grad(model.loss)(X3), 4 * X3)
    assert astgrad.grad(Model.cube)(2.0) == pytest.approx(12.0)
    for wrt, error in [((0, 0), ValueError), (3, ValueError), (-4, ValueError), ("q", ValueError),
                       (1.0, TypeError), (True, TypeError), ((), ValueError)]:
        with pytest.raises(error, match="wrt"):
            astgrad.grad(weighted, wrt)(*args)
    with pytest.raises(TypeError, match="too many positional arguments"):
        astgrad.grad(weighted)(*args, 1.0)


def test_transforms_composed():
    t = Y3
    value, derivative = astgrad.jvp(astgrad.grad(sin_times), (X3,), (t,))
    second = 2 * np.cos(X3) - X3 * np.sin(X3)
    assert_close(value, np.sin(X3) + X3 * np.cos(X3))
    assert_close(derivative, second * t)

    def tangent_of(x):
        return astgrad.jvp(lambda v: np.sin(v) * v, (x,), (t,))[1]
    assert_close(astgrad.jacobian(tangent_of)(X3), np.diag(second * t))

    both = astgrad.value_and_grad(lambda x: x * x + 3.0 * x)

    def through_value_and_grad(x):
        v, g = both(x)
        return v + g * g
    assert astgrad.grad(through_value_and_grad)(0.7) == pytest.approx(2 * 0.7 + 3 + 4 * (2 * 0.7 + 3))
    assert_close(astgrad.hessian(weighted, 1)(X3, Y3, 0.6), np.diag(2 * X3))
    assert_close(astgrad.grad(astgrad.grad(lambda x, y: x ** 2 * y ** 3, 0), 1)(0.5, 0.7), 3 * 0.7 ** 2)
    with pytest.raises(ValueError, match="returned a value of shape"):
        astgrad.grad(astgrad.grad(square_sum))(X3)


def test_tangents_and_cotangents_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"tangent 0 is of shape \(1,\), but primal 0 is of shape \(3,\)"):
        astgrad.jvp(doubled_sin, (X3,), (np.ones(1),))
    out, pullback = astgrad.vjp(doubled_sin, X3)
    with pytest.raises(ValueError, match=r"the cotangent is of shape \(\), but doubled_sin's output is of shape"):
        pullback(1.0)
    assert_close(pullback(np.array([1, 2, 3]))[0], 2 * np.cos(X3) * [1, 2, 3])
    assert_close(pullback(np.ones(3, np.float32))[0], 2 * np.cos(X3))


def exported_loss(w, x):
    return np.sum(np.tanh(x @ w) ** 2)


def test_an_exported_module_gives_the_in_process_numbers(tmp_path):
    path = tmp_path / "grad_exported_loss.py"
    astgrad.export(exported_loss, 0, path=str(path))
    spec = importlib.util.spec_from_file_location("grad_exported_loss", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    w, x = X3.copy(), M34.T.copy()
    for given in (w, w.astype(np.float32), list(w)):
        exported, in_process = module.grad_exported_loss(given, x), astgrad.grad(exported_loss)(given, x)
        assert_close(exported, in_process, rtol=1e-6)
        assert type(exported) is type(in_process)
    assert_close(module.grad_exported_loss(w, x), leaf_grad(exported_loss, (w, x)))
