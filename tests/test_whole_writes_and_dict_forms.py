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

import numpy as np
import pytest

import astgrad
from breadth_modes import check_grad_and_jvp_on_a_copy, check_hessian_on_a_copy
from fd import assert_close, numerical_grad

X3 = np.array([0.3, -1.2, 0.7])
M23 = np.array([[0.3, -1.2, 0.7], [0.1, 0.5, -0.4]])


def sorted_argument(x, w):
    x.sort()                    # each row
    y = x
    y.sort(axis=0)              # each column, through an alias
    xs = [x[1, 2] * w, x[0, 0]]
    kept = xs.sort()            # its value, None, used: the list is sorted all the same
    return np.sum(x[0] * w * np.sin(x)) + xs[0] * 2.0 + xs[1] + (kept is None)


def sorted_reference(x, w):
    s = np.sort(np.sort(x), axis=0)
    low, high = sorted([s[1, 2] * w, s[0, 0]])
    return np.sum(s[0] * w * np.sin(s)) + low * 2.0 + high + 1.0


def copied_then_filled(x, w):
    np.copyto(x, w * x[::-1], where=[True, False, True])
    s = np.sum(np.sin(x) ** 3)
    done = x.fill(w)            # its value, None, used: x is filled all the same
    y = np.empty_like(x)
    y.fill(w * 2.0)
    return s + np.sum(x * y * s) + (done is None)


def copied_where_broadcast(x, w):
    y = np.zeros((2, 3))
    np.copyto(y, x * w)
    np.copyto(y, np.cos(x), where=x > 0)
    return np.sum(y * y * x)


def ordered(x, w):
    d = collections.OrderedDict([("b", np.sin(x) * w), ("a", x * x)])
    del d["b"]
    d["b"] = d["a"] * w         # stored again: last now
    d.update(c=np.cos(x))
    out = 0.0
    for k, v in d.items():      # weighs each item by its place
        out = out * 0.5 + np.sum(v)
    return out + np.sum(d.get("a") * w) + np.sum(d.pop("c")) * len(d)


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
    del b.extra
    b.extra = np.sin(b.v)
    b.scale = w
    del b.scale                 # the class's scale shows again
    c = Slotted(x * w)
    del c.u
    return np.sum(b.extra * c.v) * b.scale


# (program, the same value computed by plain NumPy without changing anything in place)
PROGRAMS = [
    (sorted_argument, sorted_reference, M23),
    (copied_then_filled, lambda x, w: (np.sum(np.sin(np.where([True, False, True], w * x[::-1], x)) ** 3)
                                       * (1.0 + 6.0 * w * w) + 1.0), X3),
    (copied_where_broadcast, lambda x, w: 2.0 * np.sum(np.where(x > 0, np.cos(x), x * w) ** 2 * x), X3),
    (ordered, lambda x, w: (0.25 * np.sum(x * x) + 0.5 * np.sum(x * x * w) + np.sum(np.cos(x))
                            + np.sum(x * x * w) + 2 * np.sum(np.cos(x))), X3),
    (deleted, lambda x, w: np.sum(np.sin(x * w) * x * w) * 0.5, X3),
]


@pytest.mark.parametrize("f, reference, start", PROGRAMS, ids=[f.__name__ for f, _, _ in PROGRAMS])
def test_followed_in_every_mode_against_finite_differences(f, reference, start):
    check_grad_and_jvp_on_a_copy(f, start, 1.3, reference(start.copy(), 1.3))
    check_hessian_on_a_copy(f, start, 1.3)


def test_the_function_itself_changes_its_argument_as_numpy_does():
    x = M23.copy()
    sorted_argument(x, 1.3)
    assert np.array_equal(x, np.sort(np.sort(M23), axis=0))
    x = X3.copy()
    copied_then_filled(x, 2.0)
    assert np.array_equal(x, np.full(3, 2.0))


def view_read_after_sort(x, w):
    v = x[:2]
    x.sort()
    return np.sum(v * w * v)


def copied_with_no_casting(x, w):
    y = x * w
    np.copyto(y, x, casting="no")
    return np.sum(y)


def ordered_moved(x, w):
    d = collections.OrderedDict(a=x * w, b=x)
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


def deleted_from_a_namespace(x, w):
    n = types.SimpleNamespace()
    n.a = x * w
    del n.a
    return np.sum(n.a)


@pytest.mark.parametrize("f, missing", [(deleted_then_read, "'Box' object has no attribute 'extra'"),
                                        (deleted_from_a_namespace, "object has no attribute 'a'")])
def test_reading_a_deleted_attribute_raises_attribute_error_as_python_does(f, missing):
    with pytest.raises(AttributeError, match=missing):
        f(X3.copy(), 1.3)
    for transform in (astgrad.grad(f), lambda x, w: astgrad.jvp(f, (x, w), (x, w))):
        with pytest.raises(AttributeError, match=missing):
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


def values_of_fill_and_sort_used(x, w):
    y = x * 1.0
    done = y.fill(w)
    xs = [x[1] * w, x[0]]
    kept = xs.sort()
    return np.sum(y * x) + xs[0] * 2.0 + xs[1] + (done is None) + (kept is None)


def test_a_fill_or_sort_whose_value_is_used_still_writes():
    # the calls' values (None) bound to names: they gave the derivative of the array and the
    # list as they were before the call, with no error
    for i in (0, 1):
        assert_close(astgrad.grad(values_of_fill_and_sort_used, wrt=i)(X3.copy(), 1.3),
                     numerical_grad(values_of_fill_and_sort_used, (X3, 1.3), wrt=i))
