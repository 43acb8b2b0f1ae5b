"""Messages and over-refusals: what these programs do is followed in every mode it claims
(checked against central finite differences), or refused naming the user's file:line with
advice that fits the construct (never a line of the standard library, never Python's bare
error from inside the generated code, never a wrong value)."""

import copy
import dataclasses
import inspect

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

ARR = np.array([0.5, -1.2, 2.0])


def line_of(f, text):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if text in line)


# -- programs that are followed ----------------------------------------------------------

@dataclasses.dataclass
class Pair:
    a: float
    b: float


def squared_a_times_b(p):
    return p.a * p.a * p.b


def grad_by_path(x):
    p = Pair(x, 2.0 * x)
    return astgrad.grad(squared_a_times_b, wrt="p.a")(p) * x


def value_and_grad_by_path(x):
    v, g = astgrad.value_and_grad(squared_a_times_b, wrt="p.b")(Pair(x * x, x))
    return v + g * x


def scale_first(xs, a):
    c = xs.copy()
    c[0] *= a
    return c


def number_item_of_a_list_argument(a, xs):
    c = scale_first(xs, a)
    return c[0] * np.sum(c[1] * a)


def number_item_of_a_list_built_here(a, arr):
    xs = [1.0, arr * a]
    c = scale_first(xs, a)
    return c[0] * np.sum(c[1])


class Holder:
    def __init__(self, q):
        self.q = q


def zip_over_an_attribute(x, w):
    s = 0.0
    for a, b in zip(w.q, [x, x * x]):
        s = s + a * b
    return s


FOLLOWED = [  # (function, arguments, tangents), differentiated with respect to argument 0
    (grad_by_path, (1.3,), (1.0,)),
    (value_and_grad_by_path, (0.7,), (1.0,)),
    (number_item_of_a_list_argument, (1.3, [1.5, ARR]), (1.0, None)),
    (number_item_of_a_list_built_here, (1.3, ARR), (1.0, None)),
    (zip_over_an_attribute, (0.9, Holder([1.5, -2.0])), (1.0, None)),
    (zip_over_an_attribute, (0.9, Holder(np.array([1.5, -2.0, 4.0]))), (1.0, None)),
]


@pytest.mark.parametrize("f, args, tangents", FOLLOWED, ids=lambda v: getattr(v, "__name__", ""))
def test_followed_in_grad_jvp_and_hessian(f, args, tangents):
    assert_close(astgrad.grad(f)(*args), numerical_grad(f, args))
    value, tangent = astgrad.jvp(lambda a: f(a, *args[1:]), args[:1], tangents[:1])
    assert_close(value, f(*args))
    assert_close(tangent, numerical_jvp(f, args, tangents))
    assert_close(astgrad.hessian(f)(*args), numerical_hessian(astgrad.grad(f), args).reshape(()))


# -- programs that are refused -------------------------------------------------------------

class Box:
    def __init__(self):
        self.log = []


def append_to_an_object_read_out_of_a_list(w, x):
    # (b = boxes[0], bound once after the list, is followed: tests/test_leftovers_round51.py)
    boxes = [Box(), Box()]
    b = boxes[0] if len(boxes[1].log) == 0 else boxes[1]
    b.log.append(x * w)
    return sum(b.log) + len(boxes[1].log)


class Acc:
    def __init__(self, v):
        self.v = v

    def add(self, x):
        self.v = self.v + x


def copy_of_an_object(w):
    a = Acc(w)
    b = copy.copy(a)
    b.add(w * w)
    return b.v * a.v


def copy_of_an_object_read(w):
    b = copy.copy(Acc(w))
    return b.v * w


def local_grad_by_path(x):
    w = 3.0 * x

    def g(p):
        return p.a * p.b * w
    return astgrad.grad(g, wrt="p.a")(Pair(x, x)) * x


REFUSED = [  # (function, the text of the line named, what the message says)
    (local_grad_by_path, "astgrad.grad(g", "a path into an argument, of a local function reading variables"),
    (append_to_an_object_read_out_of_a_list, "b.log.append", "held by the object b, which a list or dict holds"),
    (copy_of_an_object_read, "copy.copy", "copy.copy of an object of your class"),
]


@pytest.mark.parametrize("f, line, says", REFUSED, ids=lambda v: getattr(v, "__name__", ""))
def test_refused_at_the_users_line_with_advice_for_the_construct(f, line, says):
    where = f"{__file__}:{line_of(f, line)}:"
    args = (2.0,) * len(inspect.signature(f).parameters)
    for make in (lambda: astgrad.grad(f)(*args), lambda: astgrad.jvp(f, args, (1.0,) * len(args)),
                 lambda: astgrad.hessian(f)(*args)):
        with pytest.raises(astgrad.TransformError) as info:
            make()
        assert where in str(info.value) and says in str(info.value), str(info.value)
    assert_close(astgrad.grad(grad_by_path)(1.3), numerical_grad(grad_by_path, (1.3,)))     # nothing left half-done


def test_copy_of_an_object_changed_by_a_method_names_the_users_line_in_every_mode():
    for make in (lambda: astgrad.grad(copy_of_an_object)(2.0), lambda: astgrad.jvp(copy_of_an_object, (2.0,), (1.0,)),
                 lambda: astgrad.hessian(copy_of_an_object)(2.0)):
        with pytest.raises(astgrad.TransformError) as info:
            make()
        message = str(info.value)
        assert f"{__file__}:{line_of(copy_of_an_object, 'copy.copy')}: astgrad cannot differentiate copy.copy of an " \
               f"object of your class" in message or \
               f"{__file__}:{line_of(copy_of_an_object, 'b.add')}: calling .add() changes 'b' in place" in message, message
        assert "copy.py" not in message


def copy_of_an_argument(w, a):
    b = copy.copy(a)
    return b.v * w


def test_copy_of_an_object_with_no_derivative_runs_as_python_does():
    assert_close(astgrad.grad(copy_of_an_argument)(1.5, Acc(2.0)), 2.0)


def test_a_written_item_that_is_an_array_is_still_stopped():
    with pytest.raises(TypeError, match=r"astgrad: .*:%d: the call of scale_first changes an array"
                       % line_of(number_item_of_a_list_argument, "scale_first(")):
        astgrad.grad(number_item_of_a_list_argument)(1.3, [ARR * 1.0, 1.5])


@pytest.mark.parametrize("q, says", [({0: 5.0, 1: 7.0}, "zip(list(d), ...)"), (iter([1.0, 2.0]), "zip(list(v), ...)")],
                         ids=["dict", "iterator"])
def test_zip_over_what_is_not_read_by_position_is_stopped_at_its_line(q, says):
    """A dict gives its keys when iterated; reading it by position would give values."""
    where = f"astgrad: {__file__}:{line_of(zip_over_an_attribute, 'zip(')}: argument 1 of zip()"
    for run in (lambda: astgrad.grad(zip_over_an_attribute)(0.9, Holder(q)),
                lambda: astgrad.jvp(zip_over_an_attribute, (0.9, Holder(q)), (1.0, None))):
        with pytest.raises(TypeError) as info:
            run()
        assert str(info.value).startswith(where) and says in str(info.value), str(info.value)
