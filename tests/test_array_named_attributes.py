"""Attributes of an argument named like an array's (``t.size``, ``t.ndim``, ``t.T``,
``t.shape``, ``getattr(t, "nbytes")``, ``self.size`` in a method) are the object's own
where the argument is a namedtuple or a dataclass, or a list or tuple of them: they carry
the field's derivative. Such a read was taken for NumPy's array attribute, whose
derivative is none, wherever nothing else in the code showed an object there: the
gradient of ``t.size * np.sum(x) + t.ndim`` in a namedtuple ``t`` was ``T(0.0, 0.0)``
where Python's is ``T(sum(x), 1.0)``, with no error. A dict holding such objects, which no
layout describes, is refused at the line reading the attribute."""

import collections
import dataclasses
import inspect

import numpy as np
import pytest

import astgrad
from fd import assert_close

T = collections.namedtuple("T", "size ndim")
Shaped = collections.namedtuple("Shaped", "T shape nbytes")


@dataclasses.dataclass
class D:
    size: float
    ndim: float


class Scaled(collections.namedtuple("Scaled", "size w")):
    def apply(self, x):
        return self.size * np.sum(x ** 2) + self.w * self.size


def sum_and_field(x, t):                # the reproducer: t is read only by array-named fields
    return t.size * np.sum(x) + t.ndim


def field_and_item(x, t):
    return t.size * np.sum(np.sin(x)) + t.ndim ** 2 + t[0] * t.ndim


def field_alone(x, t):                  # nothing but the read itself
    return t.size


def transposed_and_shaped(x, t):
    return np.sum(x * t.T) * t.shape + getattr(t, "nbytes") ** 2 + x.shape[0] * np.sum(x.T)


def loop_over_items(x, ts):
    total = 0.0
    for p in ts:
        total = total + p.size * np.sum(np.cos(x * p.ndim))
    return total


def comprehension_and_item(x, ts):
    first = ts[0]
    return sum([p.size ** 2 * np.sum(x) for p in ts]) + first.ndim * ts[1].size


def item_chosen_when_it_runs(x, ts):
    t = ts[int(x[0] > 0.0)]
    return t.size * np.sum(x ** 2) + ts[int(x[1] > 0.0)].ndim ** 2


def shifted(t, x):
    return T(t.size + x[0], t.ndim * 2.0)


def from_a_helper(x, t):                # what the helper gives is a T: every return builds one
    u = shifted(t, x)
    return u.size * np.sum(x) + u.ndim ** 2 + shifted(u, x * 2.0).size ** 2 + only_the_size(t) * x[1]


def only_the_size(t):
    return t.size


def method_reading_self_size(x, s):
    return s.apply(x) * s.size


PROGRAMS = [  # (function, the object made of a vector of floats, that vector)
    (sum_and_field, lambda v: T(*v), [0.7, 2.0]),
    (field_and_item, lambda v: T(*v), [0.7, 1.3]),
    (field_alone, lambda v: D(*v), [0.7, 2.0]),
    (sum_and_field, lambda v: D(*v), [0.4, 1.1]),
    (transposed_and_shaped, lambda v: Shaped(*v), [0.7, 1.3, -0.4]),
    (loop_over_items, lambda v: [T(v[0], v[1]), T(v[2], v[3])], [0.7, 1.3, -0.4, 0.9]),
    (comprehension_and_item, lambda v: (D(v[0], v[1]), T(v[2], v[3])), [0.7, 1.3, -0.4, 0.9]),
    (item_chosen_when_it_runs, lambda v: [D(v[0], v[1]), D(v[2], v[3])], [0.7, 1.3, -0.4, 0.9]),
    (from_a_helper, lambda v: T(*v), [0.7, 1.3]),
    (method_reading_self_size, lambda v: Scaled(*v), [0.7, 1.3]),
]
IDS = [f"{f.__name__}-{type(make([0.0] * len(v))).__name__}" for f, make, v in PROGRAMS]
X = np.array([0.3, -0.5, 0.8])
EPS = 1e-6


def _floats(value):
    """The floats of an object (a namedtuple, a dataclass, a list or tuple of them), in order."""
    if dataclasses.is_dataclass(value):
        return [getattr(value, f.name) for f in dataclasses.fields(value)]
    if type(value) in (list, tuple):
        return [number for item in value for number in _floats(item)]
    return [float(item) for item in value]


def _differences(g, v):
    """Central differences of ``g`` (a vector of floats -> a float or a vector), one column
    per entry of ``v``."""
    columns = []
    for k in range(len(v)):
        plus, minus = list(v), list(v)
        plus[k] += EPS
        minus[k] -= EPS
        columns.append((np.asarray(g(plus)) - np.asarray(g(minus))) / (2 * EPS))
    return np.stack(columns, axis=-1)


@pytest.mark.parametrize("mode", ["grad", "jvp", "second_order"])
@pytest.mark.parametrize("f, make, v", PROGRAMS, ids=IDS)
def test_the_objects_own_attribute_carries_its_derivative(f, make, v, mode):
    gradient = astgrad.grad(f, wrt=1)
    if mode == "grad":
        got = gradient(X, make(v))
        assert type(got) is type(make(v))
        assert_close(np.array(_floats(got)), _differences(lambda w: f(X, make(w)), v))
    elif mode == "jvp":
        w = [0.3, -1.1, 0.6, 0.2][:len(v)]
        _, d = astgrad.jvp(f, (X, make(v)), (np.zeros_like(X), make(w)))
        assert_close(d, np.dot(_differences(lambda u: f(X, make(u)), v), w))
    else:       # the hessian (a namedtuple) or the jvp of the gradient, against differences of the gradient
        want = _differences(lambda u: _floats(gradient(X, make(u))), v)
        if type(make(v)) is T:
            assert_close(np.reshape(astgrad.hessian(f, wrt=1)(X, make(v)), want.shape), want, 1e-4, 1e-5)
        w = [0.3, -1.1, 0.6, 0.2][:len(v)]
        _, d = astgrad.jvp(gradient, (X, make(v)), (np.zeros_like(X), make(w)))
        assert_close(np.array(_floats(d)), want @ w, 1e-4, 1e-5)


def test_the_reproducer_gives_pythons_gradient():
    x = np.array([0.3, 0.4])
    assert astgrad.grad(sum_and_field, wrt=1)(x, T(0.7, 2.0)) == pytest.approx(T(0.7, 1.0))        # was T(0, 0)
    assert astgrad.grad(field_and_item, wrt=1)(x, T(0.7, 2.0)) == pytest.approx(
        T(np.sum(np.sin(x)) + 2.0, 4.0 + 0.7))


def in_a_dict(x, d):
    return d["a"].size * np.sum(x)


def in_a_dict_by_getattr(x, d):
    return getattr(d["a"], "ndim") * np.sum(x)


@pytest.mark.parametrize("f, attr", [(in_a_dict, "size"), (in_a_dict_by_getattr, "ndim")])
@pytest.mark.parametrize("held", [T(0.7, 2.0), D(0.7, 2.0)], ids=["namedtuple", "dataclass"])
def test_an_object_in_a_dict_reads_its_own_field(f, attr, held):
    """``d["a"].size`` on an object a dict argument holds is the object's field, as in
    Python (an array's .size where the dict holds an array)."""
    gradient = astgrad.grad(f, wrt=0)
    assert_close(gradient(X, {"a": held}), np.full(3, getattr(held, attr)), 1e-12, 1e-12)
    assert gradient(X, {"a": np.ones(2)}) == pytest.approx(np.full(3, 2.0 if attr == "size" else 1.0))


@pytest.mark.parametrize("f, attr", [(in_a_dict, "size"), (in_a_dict_by_getattr, "ndim")])
@pytest.mark.parametrize("held", [T(0.7, 2.0), D(0.7, 2.0)], ids=["namedtuple", "dataclass"])
def test_an_object_in_a_dict_beside_a_number_reads_its_field_and_beside_none_is_refused(f, attr, held):
    """Beside a number the dict's layout is known, and ``.size`` is the object's field;
    beside None (a dict astgrad has no layout for) it is refused at the user's line."""
    line = inspect.getsourcelines(f)[1] + 1
    gradient = astgrad.grad(f, wrt=0)
    assert_close(gradient(X, {"a": held, "b": 1.0}), np.full(3, getattr(held, attr)), 1e-12, 1e-12)
    with pytest.raises(astgrad.TransformError, match=rf"test_array_named_attributes.py:{line}: astgrad cannot "
                       rf"differentiate \.{attr} of an object in a dict argument(.|\n)*give such an object as an "
                       rf"argument of its own, or the objects alone in a list or a tuple \(at most 64 of them\)"):
        gradient(X, {"a": held, "b": None})
    assert gradient(X, {"a": np.ones(2)}) == pytest.approx(np.full(3, 2.0 if attr == "size" else 1.0))


def test_arrays_read_as_before():
    """An array's .T and .shape beside a namedtuple's fields of those names: NumPy's."""
    g = astgrad.grad(transposed_and_shaped, wrt=0)(X, Shaped(0.5, 2.0, 3.0))
    assert_close(g, np.full(3, 0.5 * 2.0 + 3.0), 1e-12, 1e-12)


def test_an_exported_derivative_refuses_a_record_it_reads_as_an_array():
    """Exported code is made without the arguments: it reads t.size as NumPy's, so it
    refuses a namedtuple there; an array goes through."""
    namespace = {}
    exec(compile(astgrad.export(sum_and_field, wrt=1), "<exported>", "exec"), namespace)
    with pytest.raises(TypeError, match="argument 't' holds a T: this exported derivative was generated without "
                       r"seeing its arguments(.|\n)*Take the derivative in process"):
        namespace["grad_sum_and_field"](X, T(0.7, 2.0))
    assert_close(namespace["grad_sum_and_field"](X, np.ones(2)), np.zeros(2), 0, 0)
