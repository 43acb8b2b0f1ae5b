"""Methods changing an object an argument's list, tuple, dict or attribute holds, for
each kind of object the argument may hold: a class with ``__slots__``, with a ``__new__``
of its own, with ``__setattr__``, ``__getattr__`` or a property of its own, a frozen
dataclass written through ``object.__setattr__``, a subclass of ``list``, a method
changing ``self`` through a helper function. Each is followed on a copy (against central
finite differences: gradient, jvp, hessian; the caller's objects left as they were) or
refused at the user's line, the caller's objects untouched and the next call working:
never a silent number."""

import collections
import dataclasses
import inspect

import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp


def _set(obj, w):
    obj.v = obj.v * w


class Slotted:
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def scale(self, w):
        self.v = self.v * w


class SlottedSub(Slotted):
    __slots__ = ("k", "__weakref__")

    def __init__(self, v):
        super().__init__(v)
        self.k = 1.0


@dataclasses.dataclass(slots=True)
class SlottedRecord:
    v: float

    def scale(self, w):
        self.v = self.v * w


class Plain:
    def __init__(self, v):
        self.v = v

    def scale(self, w):
        self.v = self.v * w


class OwnNew:
    def __new__(cls, v):
        made = super().__new__(cls)
        made.v = v
        return made

    def scale(self, w):
        self.v = self.v * w


class OwnSetattr(Plain):
    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)


class OwnGetattr(Plain):
    def __getattr__(self, name):
        raise AttributeError(name)


class WithProperty:
    def __init__(self, v):
        self._v = v

    @property
    def v(self):
        return self._v

    @v.setter
    def v(self, value):
        self._v = value

    def scale(self, w):
        self.v = self.v * w


@dataclasses.dataclass(frozen=True)
class Frozen:
    v: float

    def scale(self, w):
        object.__setattr__(self, "v", self.v * w)


class Row(list):
    @property
    def v(self):
        return self[0]

    def scale(self, w):
        self[0] = self[0] * w


class ThroughHelper(Plain):
    def scale(self, w):
        _set(self, w)


class Point(collections.namedtuple("Point", "v")):
    __slots__ = ()

    def scale(self, w):
        return Point(self.v * w)


def in_list(w, boxes):
    boxes[0].scale(w)
    return boxes[0].v * w


def in_loop(w, boxes):
    for b in boxes:
        b.scale(w)
    return boxes[0].v * w + boxes[1].v


def in_attribute(w, model):
    model.layers[0].scale(w)
    return model.layers[0].v * w


def in_dict(w, d):
    d["a"].scale(w)
    return d["a"].v * w


def alone(w, box):
    box.scale(w)
    return box.v * w


def new_point(w, points):
    p = points[0].scale(w)
    return p.v * w + points[1].v


class Model:
    def __init__(self, layers):
        self.layers = layers


def _made(kind, v):
    return kind([v]) if kind is Row else kind(v)


def _argument(f, kind, holder=list):
    items = [_made(kind, 0.35), _made(kind, 1.5)]
    if f is in_attribute:
        return Model(items)
    if f is in_dict:
        return {"a": items[0], "b": items[1]}
    return items[0] if f is alone else holder(items)


FOLLOWED = [(in_list, Plain, list), (in_list, Plain, tuple), (in_loop, Plain, list),
            (in_loop, OwnGetattr, list), (new_point, Point, list), (new_point, Point, tuple),
            (in_list, Slotted, list), (in_list, Slotted, tuple), (in_loop, Slotted, tuple), (alone, Slotted, list),
            (in_loop, SlottedSub, list), (in_list, SlottedRecord, list),
            (in_dict, Slotted, list), (in_dict, Plain, list),
            (in_attribute, Slotted, list), (in_attribute, Plain, list)]


@pytest.mark.parametrize("f, kind, holder", FOLLOWED, ids=lambda p: getattr(p, "__name__", str(p)))
def test_followed_on_copies(f, kind, holder):
    w = 0.8
    given = _argument(f, kind, holder)

    def plain(x):
        return f(x, _argument(f, kind, holder))

    assert_close(astgrad.grad(f)(w, given), numerical_grad(plain, (w,)))
    held = given.values() if f is in_dict else given.layers if f is in_attribute else given
    values = (lambda: [given.v]) if f is alone else (lambda: [b.v for b in held])
    assert values() == ([0.35] if f is alone else [0.35, 1.5])       # the caller's objects as they were
    records = (Point, SlottedRecord)       # (a record takes a tangent)
    tangent_in = None if f in (alone, in_attribute) else dict.fromkeys(given) if f is in_dict else \
        holder([kind(0.0) if kind in records else None] * len(given))
    _, tangent = astgrad.jvp(f, (w, given), (1.0, tangent_in))
    assert_close(tangent, numerical_jvp(plain, (w,), (1.0,)))

    def gradient(x):
        return astgrad.grad(f)(x, _argument(f, kind, holder))

    assert_close(astgrad.hessian(f)(w, given), numerical_grad(gradient, (w,)), rtol=1e-4)
    assert values() == ([0.35] if f is alone else [0.35, 1.5])
    if kind is Slotted:         # f itself changes them, as Python does
        f(w, given)
        assert values()[0] == pytest.approx(0.35 * w)


REFUSED = [(in_dict, OwnNew, list), (in_list, OwnNew, list), (alone, OwnNew, list),
           (in_list, OwnSetattr, list), (in_list, WithProperty, list), (in_list, Frozen, list),
           (in_list, Row, list), (in_list, ThroughHelper, list), (in_attribute, OwnNew, list)]


@pytest.mark.parametrize("f, kind, holder", REFUSED, ids=lambda p: getattr(p, "__name__", str(p)))
def test_refused_at_the_line(f, kind, holder):
    given = _argument(f, kind, holder)
    line = inspect.getsourcelines(f)[1] + (2 if f is in_loop else 1)
    with pytest.raises(astgrad.TransformError, match=rf"test_slots_args52\.py:{line}: .*scale") as caught:
        astgrad.grad(f)(0.8, given)
    advice = ("instead", "return a new object", "outside the differentiated")
    assert any(words in str(caught.value) for words in advice)
    values = [given.v] if f is alone else [b.v for b in (given.layers if f is in_attribute else
                                                        given.values() if f is in_dict else given)]
    assert values == [0.35] if f is alone else values == [0.35, 1.5]     # the caller's objects untouched
    assert_close(astgrad.grad(in_list)(0.8, [Plain(0.35)]), 2 * 0.35 * 0.8)    # the next call works


SLOTTED_GLOBAL = Slotted(0.35)


def through_a_global(w, box):
    box.scale(w)
    return box.v * SLOTTED_GLOBAL.v


def with_another_argument(w, box, other):
    box.scale(w)
    return box.v * w


def _twice():
    b = Slotted(0.35)
    return in_list, (0.8, [b, b]), [b], lambda: ([Slotted(0.35)],)


def _global():
    return through_a_global, (0.8, SLOTTED_GLOBAL), [SLOTTED_GLOBAL], lambda: (Slotted(0.35),)


def _in_another_slotted_argument():
    b = Slotted(0.35)       # reached through the other argument's slot
    return with_another_argument, (0.8, b, Slotted(b)), [b], lambda: (Slotted(0.35), Slotted(0.1))


@pytest.mark.parametrize("case", [_twice, _global, _in_another_slotted_argument], ids=lambda c: c.__name__)
def test_a_slotted_object_reached_otherwise_is_refused_and_the_next_call_works(case):
    f, args, objects, fresh = case()
    line = inspect.getsourcelines(f)[1] + 1
    with pytest.raises(TypeError, match=rf"test_slots_args52\.py:{line}: the object the argument .* gives is also "
                                        "reached otherwise here.*Hand the function the object only once"):
        astgrad.grad(f)(*args)
    assert [b.v for b in objects] == [0.35]         # the caller's objects untouched
    assert_close(astgrad.grad(f)(0.8, *fresh()), numerical_grad(lambda x: f(x, *fresh()), (0.8,)))   # the next call works
