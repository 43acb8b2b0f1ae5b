"""A method assigning attributes of self, called on an object an argument gives or holds
(``box.scale(w)``, ``boxes[0].scale(w)``, ``for b in boxes: b.scale(w)``, a dataclass's
``r.step(w)``): the transforms follow it on copies, so they leave the caller's objects as
they were, while ``f`` itself changes them as Python does. Checked against central finite
differences in grad, jvp and hessian; where another way reaches the object (two items of
the list are one object, a global holds it, a helper is given it) it is refused."""

import copy
import dataclasses
import re

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


class Box:
    def __init__(self, v):
        self.v = v

    def scale(self, w):
        self.v = np.sin(self.v * w) + w


@dataclasses.dataclass
class Rec:
    v: float
    u: np.ndarray

    def step(self, w):
        self.v = np.sin(self.v * w) + np.sum(self.u)
        self.u = self.u * self.v


def scaled_argument(w, box):
    box.scale(w)
    box.scale(w)
    return box.v * w


def scaled_item(w, boxes):
    boxes[0].scale(w)
    return boxes[0].v * w + boxes[1].v


def scaled_in_a_loop(w, boxes):
    for b in boxes:
        b.scale(w)
    return sum(t.v for t in boxes) * w


def stepped_record(w, r):
    r.step(w)
    r.step(w)
    return r.v * w + np.sum(r.u ** 2)


PROGRAMS = {
    "argument": (scaled_argument, lambda: Box(0.3)),
    "item": (scaled_item, lambda: [Box(0.3), Box(-1.2)]),
    "loop": (scaled_in_a_loop, lambda: [Box(0.3), Box(-1.2), Box(0.8)]),
    "dataclass": (stepped_record, lambda: Rec(0.3, np.array([0.2, -0.1]))),
}


def _state(value):
    """What the caller's objects hold, to compare after a transform."""
    if isinstance(value, list):
        return [_state(item) for item in value]
    return {k: np.copy(v) for k, v in vars(value).items()}


def _plain(f, objects):
    return lambda w: f(w, copy.deepcopy(objects))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_a_method_changing_an_argument_object_is_followed_on_copies(name, mode):
    f, make = PROGRAMS[name]
    objects = make()
    before = _state(objects)
    w = float(np.random.default_rng(len(name)).uniform(0.4, 0.9))
    plain = _plain(f, objects)
    if mode == "grad":
        assert_close(astgrad.grad(f)(w, objects), numerical_grad(plain, (w,)))
    elif mode == "jvp":
        still = Rec(0.0, np.zeros(2)) if isinstance(objects, Rec) else None    # a dataclass takes a tangent
        value, tangent = astgrad.jvp(f, (w, objects), (1.0, still))
        assert_close((value, tangent), (plain(w), numerical_jvp(plain, (w,), (1.0,))))
    else:
        gradient = astgrad.grad(f)
        want = numerical_hessian(lambda v: gradient(v, copy.deepcopy(objects)), (w,))
        assert_close(astgrad.hessian(f)(w, objects), np.reshape(want, ()), 1e-4, 1e-5)
    assert_close(_state(objects), before)       # the caller's objects are left as they were
    f(w, objects)
    assert not np.allclose(np.hstack([np.ravel(v) for v in _values(_state(objects))]),
                           np.hstack([np.ravel(v) for v in _values(before)]))     # f itself changes them


def _values(state):
    return [v for item in (state if isinstance(state, list) else [state]) for v in item.values()]


def test_the_gradient_of_a_dataclass_argument_a_method_changes():
    r = Rec(0.3, np.array([0.2, -0.1]))
    gw, gr = astgrad.grad(stepped_record, wrt=(0, 1))(0.7, r)
    by_fields = lambda v, u: stepped_record(0.7, Rec(v, u))        # noqa: E731
    assert_close(gw, numerical_grad(_plain(stepped_record, r), (0.7,)))
    assert_close((gr.v, gr.u), (numerical_grad(by_fields, (0.3, r.u), wrt=0),
                                numerical_grad(by_fields, (0.3, r.u), wrt=1)))
    tangent = Rec(0.4, np.array([-0.3, 0.5]))
    _, d = astgrad.jvp(stepped_record, (0.7, r), (0.2, tangent))
    assert_close(d, numerical_jvp(lambda w, v, u: stepped_record(w, Rec(v, u)), (0.7, 0.3, r.u.copy()),
                                  (0.2, 0.4, tangent.u)))
    assert r.v == 0.3 and np.array_equal(r.u, [0.2, -0.1])


SHARED = Box(0.3)


def scaled_and_read_through_a_global(w, box):
    box.scale(w)
    return box.v * SHARED.v


def shared_value():
    return SHARED.v


def scaled_and_read_through_a_helper(w, box):
    box.scale(w)
    return box.v * shared_value()


def bump(box, w):
    box.scale(w)


def handed_to_a_helper(w, box):
    bump(box, w)
    box.scale(w)
    return box.v * w


def scaled_in_a_loop_of_a_reused_name(w, boxes):
    for b in boxes:
        b.scale(w)
    total = 0.0
    for b in boxes:         # (each loop's b is its own, as a comprehension's is: followed)
        total = total + b.v
    return total * w


def scaled_in_a_loop_of_a_name_read_after(w, boxes):
    for b in boxes:
        b.scale(w)
    for b in boxes:
        b.scale(w * 2.0)
    return b.v * w          # the last item, which the second loop left bound


def _line(f, text):
    lines, start = __import__("inspect").getsourcelines(f)
    return f"{__file__}:{start + next(i for i, line in enumerate(lines) if text in line)}"


def test_an_object_reached_another_way_is_refused_and_the_next_call_works():
    box = Box(0.3)
    pattern = re.escape(f"astgrad: {_line(scaled_item, 'boxes[0].scale(w)')}: the object the argument boxes[0] gives "
                        "is also reached otherwise here")
    with pytest.raises(TypeError, match=pattern + ".*Hand the function the object only once"):
        astgrad.grad(scaled_item)(0.7, [box, box])
    with pytest.raises(TypeError, match="the object the argument box gives is also reached otherwise here"):
        astgrad.grad(scaled_and_read_through_a_global)(0.7, SHARED)
    with pytest.raises(TypeError, match="the object the argument box gives is also reached otherwise here"):
        astgrad.jvp(scaled_and_read_through_a_helper, (0.7, SHARED), (1.0, None))
    assert box.v == 0.3 and SHARED.v == 0.3
    other = Box(0.3)
    assert_close(astgrad.grad(scaled_and_read_through_a_global)(0.7, other),
                 numerical_grad(_plain(scaled_and_read_through_a_global, other), (0.7,)))


def test_an_object_handed_on_or_not_known_is_refused_naming_the_line():
    with pytest.raises(astgrad.TransformError, match=re.escape(_line(bump, "box.scale(w)")) + ": .*"
                       + re.escape("the method call .scale() of a Box, which assigns self.v, on an object astgrad "
                                   "does not follow from state to state")):
        astgrad.grad(handed_to_a_helper)(0.7, Box(0.3))
    with pytest.raises(astgrad.TransformError, match=re.escape(
            _line(scaled_in_a_loop_of_a_name_read_after, "b.scale(w)")) + ": .*" + re.escape(
            "the method call .scale() of a Box, which assigns self.v, on an item of the argument boxes that astgrad "
            "does not follow from state to state: the name b is bound elsewhere too, so it stands for no one item; "
            "bind b only in this loop")):
        astgrad.grad(scaled_in_a_loop_of_a_name_read_after)(0.7, [Box(0.3), Box(0.5)])
    assert_close(astgrad.grad(scaled_in_a_loop_of_a_reused_name)(0.7, [Box(0.3), Box(0.5)]),
                 numerical_grad(lambda w: scaled_in_a_loop_of_a_reused_name(w, [Box(0.3), Box(0.5)]), (0.7,)))
    boxes = [Box(0.3), Box(0.5)]
    assert_close(astgrad.grad(scaled_in_a_loop)(0.7, boxes), numerical_grad(_plain(scaled_in_a_loop, boxes), (0.7,)))
