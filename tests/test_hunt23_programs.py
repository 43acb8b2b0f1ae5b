"""The twenty-third acceptance hunt: what it found, as permanent tests. A dict copied off
an object's attribute (``m = self.m.copy()``, ``m = o.m.copy()``) holds that attribute's
very lists, so a write into one of them through the copy changes the object too: it was
followed as if the copy were deep (a wrong value and gradient with no error) and is
refused now, naming the line, as for a dict argument's copy; and a negative base to an
integer power differentiated in the exponent, which has no derivative there, is NaN in
every mode (it was 0). A slice write changing a list's length stops reverse mode whichever side
is differentiated, and a helper assigning an attribute of an object it is handed (an item,
attribute, slice or copy of what a differentiated list or object holds) is refused: both
gave wrong gradients with no error."""

import math

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X3 = np.array([0.3, -0.4, 0.9])


class Table:
    def __init__(self, x):
        self.m = {"a": [x[0], x[1]], "b": [x[2]]}

    def write_item(self, w):
        m = self.m.copy()
        m["a"][0] = m["a"][0] * w          # Python: self.m["a"][0] changes too
        return m["a"][0] + self.m["a"][0]

    def append_item(self, w):
        m = self.m.copy()
        m["b"].append(w)                    # Python: self.m["b"] grows too
        return sum(m["b"]) + sum(self.m["b"])

    def rebind_key(self, w):
        m = self.m.copy()
        m["a"] = [v * w for v in m["a"]]    # the copy's key only: self.m["a"] keeps its list
        return sum(m["a"]) + sum(self.m["a"]) * w


def method_writes_item(x, w):
    return Table(x).write_item(w) * x[2]      # was 1.53 for d/dx0 where Python's is 1.26


def method_appends(x, w):
    return Table(x).append_item(w) * x[0]


def inline_copy_writes_item(x, w):
    t = Table(x)
    m = t.m.copy()
    m["a"][0] = m["a"][0] * w                # the value was 0.288 for Python's 0.378
    return m["a"][0] + t.m["a"][0]


def method_rebinds_key(x, w):
    return Table(x).rebind_key(w) * x[2]


@pytest.mark.parametrize("f, says", [
    (method_writes_item, r"the call of Table\.write_item changes the object it is called on in place"),
    (method_appends, r"the call of Table\.append_item changes the object it is called on in place"),
    (inline_copy_writes_item, r"assignment into an element of an item of 'm' while that item may share "
                              r"its memory with 't'"),
], ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("transform", ["grad", "jvp"])
def test_a_write_through_a_copy_of_an_attribute_dict_is_refused(f, says, transform):
    call = (lambda: astgrad.grad(f, wrt=(0, 1))(X3, 0.7)) if transform == "grad" else \
        (lambda: astgrad.jvp(f, (X3, 0.7), (np.ones(3), 1.0)))
    with pytest.raises(astgrad.TransformError, match=r"test_hunt23_programs\.py:\d+: (" + says + ")"):
        call()
    check("grad", method_rebinds_key, (X3, 0.7), (0, 1))      # the next call works


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_copy_of_an_attribute_dict_whose_key_is_rebound_is_followed(mode):
    check(mode, method_rebinds_key, (X3, 0.7), (0, 1))


def negative_base(x):
    return (-2.0) ** x


def powers(x):
    return np.sum(np.power(np.array([-2.0, 0.0, 3.0]), x))


def positive_base(x):
    return 3.0 ** x + math.pow(0.5, x)


def test_a_negative_base_has_no_derivative_by_the_exponent():
    # it was 0 in every mode; PyTorch and JAX give NaN; the value stays Python's
    assert np.isnan(astgrad.grad(negative_base)(2.0))
    value, tangent = astgrad.jvp(negative_base, (3.0,), (1.0,))
    assert value == -8.0 and np.isnan(tangent)
    assert np.isnan(astgrad.hessian(negative_base)(2.0))
    g = astgrad.grad(powers)(np.array([2.0, 2.0, 2.0]))
    assert np.isnan(g[0]) and g[1] == 0.0 and g[2] == pytest.approx(9.0 * np.log(3.0))
    with pytest.raises(TypeError, match="complex"):
        astgrad.grad(negative_base)(2.5)          # complex in Python
    check("grad", positive_base, (0.7,), (0,))    # a positive base, after all of these
    check("hessian", positive_base, (0.7,), (0,))


def slice_grown_then_read(x, w):
    y = list(x)
    y[1:2] = [w[0], w[1]]                  # four items for three: the later ones move
    s = 0.0
    for i in range(len(y)):
        s = s + y[i] * (i + 1)
    return s * w[2]


def slice_grown_through_an_alias(x, w):
    y = list(x)
    z = y                                  # Python: z sees the new items too
    y[1:2] = [w[0], w[1]]
    s = 0.0
    for i in range(len(z)):
        s = s + z[i] * (i + 1)
    return s * w[2]


def test_a_slice_write_changing_a_list_length_stops_where_only_the_list_is_differentiated():
    # with only x differentiated the gradient was [0, -1.5, -2] for Python's [-0.5, 0, -2]
    w = np.array([1.2, 0.7, -0.5])
    for mode in ("grad", "jvp", "hessian"):      # the function's own list: rebuilt as a new list
        check(mode, slice_grown_then_read, (X3, w), (0, 1))
    for wrt in (0, 1):                          # a list another name holds is written in place
        with pytest.raises(TypeError, match=r"test_hunt23_programs\.py:\d+: astgrad: a slice write into a list "
                                            r"that changes its length .*xs = xs\[:i\] \+ list\(v\) \+ xs\[j:\]"):
            astgrad.grad(slice_grown_through_an_alias, wrt=wrt)(X3, w)
    check("jvp", slice_grown_through_an_alias, (X3, w), (0, 1))      # forward mode follows it


class Box:
    def __init__(self, v):
        self.v = v


class Holder:
    def __init__(self, box):
        self.box = box


def bump_each(boxes, w):
    for box in boxes:
        box.v = box.v * w


def bump(box, w):
    box.v = box.v * w


def readout(boxes, w):
    return boxes[0].v * w[0] + boxes[1].v * w[1] + boxes[2].v


def item_to_helper(x, w):
    boxes = [Box(x[i]) for i in range(3)]
    bump(boxes[0], w[2])                    # the gradient in x[0] was w[0] for w[0] * w[2]
    return readout(boxes, w)


def slice_to_helper(x, w):
    boxes = [Box(x[i]) for i in range(3)]
    bump_each(boxes[:2], w[2])
    return readout(boxes, w)


def copy_to_helper(x, w):
    boxes = [Box(x[i]) for i in range(3)]
    bump_each(list(boxes), w[2])
    return readout(boxes, w)


def display_to_helper(x, w):
    boxes = [Box(x[i]) for i in range(3)]
    middle = boxes[1]
    bump_each([middle], w[2])
    return readout(boxes, w)


def attribute_to_helper(x, w):
    h = Holder(Box(x[0]))
    bump(h.box, w[2])
    return h.box.v * w[0]


@pytest.mark.parametrize("f", [item_to_helper, slice_to_helper, copy_to_helper, display_to_helper,
                               attribute_to_helper], ids=lambda f: f.__name__)
@pytest.mark.parametrize("transform", [lambda f, x, w: astgrad.grad(f)(x, w),
                                       lambda f, x, w: astgrad.jvp(f, (x, w), (np.ones(3), np.zeros(3)))],
                         ids=["grad", "jvp"])
def test_a_helper_changing_an_object_a_differentiated_list_holds_is_refused(f, transform):
    # the change was not seen (the value was right): a wrong gradient with no error
    w = np.array([1.2, 0.7, -0.5])
    with pytest.raises(astgrad.TransformError, match=r"test_hunt23_programs\.py:\d+: (calling \S*bump\w* for its "
                                                     r"effect on a differentiated value|the call of bump\w* changes its "
                                                     r"argument \S+ in place \(a change in place at \S+:\d+: "
                                                     r"box\.v = box\.v \* w\))"):
        transform(f, X3, w)
    check("grad", method_rebinds_key, (X3, 0.7), (0, 1))      # the next call works
