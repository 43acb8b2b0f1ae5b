"""Forms ordinary code writes that astgrad now follows: ``x.sort()``, ``y.fill(v)`` and
``numpy.copyto(y, x)`` (also ``where=``) on an argument, an alias of one or an array the
function made, each the element write ``y[...] = ...`` it is (an argument's on the copy
the generated code works on); a ``collections.OrderedDict`` used as the dict it behaves
as; ``del obj.a`` on an object the function builds. Each program is checked in ``grad``,
``jvp`` (its value too, against plain NumPy written without in-place changes) and
``hessian`` against central finite differences in float64, and every call must leave
the caller's arrays as they were. What is not followed is refused, naming it."""

import collections
import types
from collections import OrderedDict

import numpy as np
import pytest

import astgrad
from breadth_modes import copies
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

X3 = np.array([0.3, -1.2, 0.7])
M23 = np.array([[0.3, -1.2, 0.7], [0.1, 0.5, -0.4]])


def sorted_argument(x, w):
    x.sort()                    # each row
    y = x
    y.sort(axis=0)              # each column, through an alias
    return np.sum(x[0] * w * np.sin(x))


def filled(x, w):
    s = np.sum(x * x)
    y = np.empty_like(x)
    y.fill(w * 2.0)
    x.fill(w)
    return s + np.sum(x * w * s) + np.sum(y * x * y)


def copied_into_argument(x, w):
    np.copyto(x, w * x[::-1], where=[True, False, True])
    np.copyto(x, np.sin(x) * w)
    return np.sum(x ** 3)


def copied_where_broadcast(x, w):
    y = np.zeros((2, 3))
    np.copyto(y, x * w)
    np.copyto(y, np.cos(x), where=x > 0)
    return np.sum(y * y * x)


def ordered(x, w):
    d = OrderedDict()
    d["b"] = np.sin(x) * w
    d["a"] = x * x
    d["c"] = d["a"] * w
    out = 0.0
    for k, v in d.items():
        out = out * 0.5 + np.sum(v)
    e = collections.OrderedDict([("u", x * w), ("v", np.cos(x))])
    e.update(z=x ** 3)
    del e["u"]
    s = sum(np.sum(v) for v in e.values())
    return out + len(d) * (list(d)[0] == "b") + s + np.sum(e.get("v") * w) + np.sum(e.pop("z"))


class Box:
    scale = 0.5

    def __init__(self, v):
        self.v = v
        self.extra = v * 2.0


class Slotted:
    __slots__ = ("v", "u")

    def __init__(self, v):
        self.v = v
        self.u = v * v


def deleted(x, w):
    b = Box(x * w)
    s = np.sum(b.extra * b.v)
    del b.extra
    b.extra = np.sin(b.v)
    b.scale = w
    del b.scale                 # the class's scale shows again
    c = Slotted(x * w)
    del c.u
    n = types.SimpleNamespace()
    n.a = x * w
    n.b = np.cos(x) * c.v
    del n.a
    return s + np.sum(b.extra * w) * b.scale + np.sum(c.v * c.v) + np.sum(n.b * w)


# (program, the same value computed by plain NumPy without changing anything in place)
PROGRAMS = [
    (sorted_argument, lambda x, w: np.sum(np.sort(np.sort(x), axis=0)[0] * w * np.sin(np.sort(np.sort(x), axis=0))),
     M23),
    (filled, lambda x, w: np.sum(x * x) * (1.0 + np.sum(np.full_like(x, w) * w)) + 3 * w * (w * 2.0) ** 2, X3),
    (copied_into_argument, lambda x, w: np.sum((np.sin(np.where([True, False, True], w * x[::-1], x)) * w) ** 3),
     X3),
    (copied_where_broadcast, lambda x, w: 2.0 * np.sum(np.where(x > 0, np.cos(x), x * w) ** 2 * x), X3),
    (ordered, lambda x, w: (np.sum(np.sin(x) * w) * 0.25 + np.sum(x * x) * 0.5 + np.sum(x * x * w) + 3
                            + np.sum(np.cos(x)) * (1.0 + w) + 2.0 * np.sum(x ** 3)), X3),
    (deleted, lambda x, w: (np.sum(2.0 * (x * w) ** 2) + np.sum(np.sin(x * w) * w) * 0.5
                            + np.sum((x * w) ** 2) + np.sum(np.cos(x) * x * w * w)), X3),
]


@pytest.mark.parametrize("f, reference, start", PROGRAMS, ids=[f.__name__ for f, _, _ in PROGRAMS])
def test_followed_in_every_mode_against_finite_differences(f, reference, start):
    x, w = start.copy(), 1.3
    plain = lambda *a: f(*copies(a))       # noqa: E731 - f writes into its argument

    gradient = astgrad.grad(f, wrt=(0, 1))
    gx, gw = gradient(x, w)
    assert np.array_equal(x, start), "grad changed the caller's array"
    assert_close(gx, numerical_grad(plain, (start, w), wrt=0))
    assert_close(gw, numerical_grad(plain, (start, w), wrt=1))

    tangents = (np.linspace(-0.4, 0.9, x.size).reshape(x.shape), 0.7)
    value, d = astgrad.jvp(f, (x, w), tangents)
    assert np.array_equal(x, start), "jvp changed the caller's array"
    assert_close(value, reference(start.copy(), w), 1e-12, 1e-12)
    assert_close(d, numerical_jvp(plain, (start, w), tangents))

    h = astgrad.hessian(f)(x, w)
    assert np.array_equal(x, start), "hessian changed the caller's array"
    want = numerical_hessian(lambda *a: gradient(*copies(a))[0], (start, w))
    assert_close(np.reshape(h, np.shape(want)), want, 1e-4, 1e-5)


def test_the_function_itself_changes_its_argument_as_numpy_does():
    x = M23.copy()
    sorted_argument(x, 1.3)
    assert np.array_equal(x, np.sort(np.sort(M23), axis=0))
    x = X3.copy()
    copied_into_argument(x, 2.0)
    assert np.array_equal(x, np.sin([2.0 * X3[2], X3[1], 2.0 * X3[0]]) * 2.0)


def view_read_after_sort(x, w):
    v = x[:2]
    x.sort()
    return np.sum(v * w * v)


def copied_with_no_casting(x, w):
    y = x * w
    np.copyto(y, x, casting="no")
    return np.sum(y)


def ordered_moved(x, w):
    d = OrderedDict(a=x * w, b=x)
    d.move_to_end("a")
    return np.sum(next(iter(d.values())))


@pytest.mark.parametrize("f, message", [
    (view_read_after_sort, r"assignment into an element of 'x' while another name may share"),
    (copied_with_no_casting, r"numpy\.copyto with a casting other than 'same_kind' or 'unsafe'.*leave casting= out"),
    (ordered_moved, r"no adjoint rule for collections\.OrderedDict.*one moved, d\.move_to_end\(k\).*is not"),
], ids=["view read after sort", "copyto casting", "OrderedDict.move_to_end"])
def test_what_is_not_followed_is_refused_naming_it(f, message):
    with pytest.raises(astgrad.TransformError, match=message) as error:
        astgrad.grad(f)(X3.copy(), 1.3)
    assert f"{__file__}:" in str(error.value)


def deleted_then_read(x, w):
    b = Box(x * w)
    del b.extra
    return np.sum(b.extra)


def test_reading_a_deleted_attribute_raises_attribute_error_as_python_does():
    with pytest.raises(AttributeError, match="'Box' object has no attribute 'extra'"):
        deleted_then_read(X3.copy(), 1.3)
    for transform in (astgrad.grad(deleted_then_read), lambda x, w: astgrad.jvp(deleted_then_read, (x, w), (x, w))):
        with pytest.raises(AttributeError, match="'Box' object has no attribute 'extra'"):
            transform(X3.copy(), 1.3)


def copied_into_an_attribute(x, w):
    s = types.SimpleNamespace()
    s.W = x * 1.0
    np.copyto(s.W, x * w)
    return np.sum(s.W)


def test_a_write_into_what_is_not_a_name_is_refused_naming_what_was_written():
    with pytest.raises(astgrad.TransformError, match=r"numpy\.copyto into s\.W, which is not a name.*\(p\.W = x"):
        astgrad.grad(copied_into_an_attribute)(X3.copy(), 1.3)


def copied_into_an_int_array(x, w):
    y = np.zeros(3, dtype=int)
    np.copyto(y, x * w)
    return np.sum(y * x)


def test_a_cast_numpy_copyto_refuses_raises_numpys_error_in_every_mode():
    # y[...] = x would truncate quietly; numpy.copyto's 'same_kind' refuses float into int
    cast = r"Cannot cast array data from dtype\('float64'\) to dtype\('int64'\) according to the rule 'same_kind'"
    for call in (lambda x: copied_into_an_int_array(x, 1.3), lambda x: astgrad.grad(copied_into_an_int_array)(x, 1.3),
                 lambda x: astgrad.jvp(copied_into_an_int_array, (x, 1.3), (x, 1.0))):
        with pytest.raises(TypeError, match=cast):
            call(X3.copy())
