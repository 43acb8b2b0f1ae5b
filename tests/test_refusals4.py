"""Over-refusals and misleading messages the thirty-first hunt left: objects a closure
or a global holds changed by a method in a helper (refused, saying to pass them as
arguments); the loops over a list argument of objects astgrad follows now
(``reversed(boxes)``, ``boxes[1:]``, a comprehension made for its effect, ``b1, b2 =
boxes``), with the caller's objects left as they were; a helper storing into a list
argument (one message in every mode); constants put into a global's queue or list in the
function itself (followed, once per call), and a helper doing so, whose derivative would
run it twice (refused: it gave twice the gradient); export of closures holding NaN,
infinity or library functions. Checked against central finite differences."""
import inspect

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

X = np.array([0.4, 0.9, 1.3])


class Box:
    def __init__(self, v):
        self.v = v

    def scale(self, w):
        self.v = np.sin(self.v * w) + w


def boxes():
    return [Box(0.3), Box(0.7), Box(1.1)]


# -- loops over a list argument of objects, followed -----------------------------------

def loop_over_reversed(x, bs):
    acc = x[1]
    for b in reversed(bs):
        b.scale(x[0] * acc)
        acc = acc + b.v
    return acc * bs[0].v


def loop_over_a_slice(x, bs):
    for b in bs[1:]:
        b.scale(x[0] * x[2])
    return bs[0].v * bs[1].v + bs[2].v * x[1]


def loop_over_a_stepped_slice(x, bs):
    acc = x[2]
    for b in bs[::-2]:
        b.scale(x[0] + acc)
        acc = acc * b.v
    return acc + bs[1].v * x[1]


def comprehension_for_its_effect(x, bs):
    [b.scale(x[0] * x[1]) for b in bs]
    return bs[0].v * bs[2].v + x[2]


def unpacked(x, bs):
    b1, b2, b3 = bs
    b1.scale(x[0])
    b3.scale(b1.v * x[2])
    return b1.v * b2.v + b3.v * x[1]


def own_list_reversed(x):
    bs = [Box(0.5), Box(x[1])]
    acc = x[2]
    for b in reversed(bs):
        b.scale(x[0] + acc)
        acc = acc * b.v
    return acc


FOLLOWED = [loop_over_reversed, loop_over_a_slice, loop_over_a_stepped_slice, comprehension_for_its_effect,
            unpacked]


def _states(bs):
    return [b.v for b in bs]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_a_loop_over_a_list_argument_of_objects_is_followed_in_every_mode(f):
    rng = np.random.default_rng(len(f.__name__))
    x, t = rng.uniform(0.2, 1.2, 3), rng.normal(size=3)
    fresh = lambda v: f(v, boxes())         # Python changes the objects it is given: a new list each run
    held = boxes()
    assert_close(astgrad.grad(f)(x.copy(), held), numerical_grad(fresh, (x,)))
    assert_close(astgrad.jvp(f, (x.copy(), held), (t, None))[1], numerical_jvp(fresh, (x,), (t,)))
    assert_close(astgrad.hessian(f)(x.copy(), held),
                 numerical_hessian(lambda v: astgrad.grad(f)(v, boxes()), (x,)), rtol=1e-4, atol=1e-5)
    assert _states(held) == _states(boxes())     # the derivative works on copies
    called = boxes()
    f(x, called)
    assert _states(called) != _states(boxes())   # as Python does, the function itself changes them


def test_a_loop_over_reversed_of_a_list_the_function_builds_is_followed():
    x, t = np.array([0.3, 0.8, 0.6]), np.array([0.5, -1.0, 0.25])
    assert_close(astgrad.grad(own_list_reversed)(x.copy()), numerical_grad(own_list_reversed, (x,)))
    assert_close(astgrad.jvp(own_list_reversed, (x.copy(),), (t,))[1], numerical_jvp(own_list_reversed, (x,), (t,)))
    assert_close(astgrad.hessian(own_list_reversed)(x.copy()),
                 numerical_hessian(astgrad.grad(own_list_reversed), (x,)), rtol=1e-4, atol=1e-5)


# -- an object a closure or a global holds, changed by a method in a helper -------------

def scaled(x, box):
    box.scale(x[0])
    return box.v * x[1]


HELD = Box(0.3)
_SCALE_LINE = inspect.getsourcelines(scaled)[1] + 1


def _through_a_closure():
    box = Box(0.3)
    return box, lambda v: scaled(v, box)


@pytest.mark.parametrize("whose", ["closure variable", "global"])
def test_an_object_from_outside_changed_by_a_method_is_refused_saying_to_pass_it_as_an_argument(whose):
    box, f = _through_a_closure() if whose == "closure variable" else (HELD, lambda v: scaled(v, HELD))
    name = "box" if whose == "closure variable" else "HELD"
    transforms = [lambda: astgrad.grad(f)(X.copy()), lambda: astgrad.vjp(f, X.copy()),
                  lambda: astgrad.jvp(f, (X.copy(),), (np.ones(3),)), lambda: astgrad.hessian(f)(X.copy())]
    for transform in transforms:
        with pytest.raises(astgrad.TransformError,
                           match=rf"test_refusals4.py:{_SCALE_LINE}: the method call \.scale\(\) changes the {whose} "
                                 rf"{name}, an object the function reads from outside.*pass it as one \(grad\(f\)"
                                 r"\(x, obj\), jvp\(f, \(x, obj\), \(dx, None\)\)\)"):
            transform()
    assert box.v == 0.3
    # the advice works: the object passed as an argument is followed, on a copy
    assert_close(astgrad.jvp(scaled, (X.copy(), box), (np.ones(3), None))[1],
                 numerical_jvp(lambda v: scaled(v, Box(0.3)), (X,), (np.ones(3),)))
    assert box.v == 0.3


# -- a helper storing into a list argument it is handed ---------------------------------

def bump(pos, v):
    pos[0] = pos[0] + v
    return pos[0] * v


def handed_a_list(x, pos):
    a = bump(pos, x[0])
    b = bump(pos, x[1])
    return a + b * pos[0]


def test_a_helper_storing_into_a_list_argument_gets_one_message_in_every_mode():
    pos = [0.0]
    transforms = [lambda: astgrad.grad(handed_a_list)(X.copy(), pos),
                  lambda: astgrad.jvp(handed_a_list, (X.copy(), pos), (np.ones(3), [0.0])),
                  lambda: astgrad.jvp(lambda v: handed_a_list(v, pos), (X.copy(),), (np.ones(3),)),
                  lambda: astgrad.hessian(handed_a_list)(X.copy(), pos)]
    for transform in transforms:
        with pytest.raises(TypeError, match=r"test_refusals4.py:\d+: astgrad: bump stores items into the list "
                                            r"handed to it as pos \(pos\[k\] = v\).*make the list in the function"):
            transform()
    assert pos == [0.0]
    # the forms the message names are followed: the list made in the function
    made = lambda v: handed_a_list(v, [0.0])        # noqa: E731
    assert_close(astgrad.grad(made)(X.copy()), numerical_grad(made, (X,)))


# -- constants stored into a global's queue or list in the function itself ---------------

import queue        # noqa: E402

QUEUE = queue.Queue()
LOG = []


def put_a_constant(x):
    QUEUE.put(1.0)
    return np.sum(np.sin(x) * x[1]) * QUEUE.qsize()


def append_a_constant(x):
    LOG.append(1.0)
    return np.sum(np.sin(x) * x[1]) * len(LOG)


def put_a_varied_value(x):
    QUEUE.put(x[0])
    return np.sum(np.sin(x))


def append_a_varied_value(x):
    LOG.append(x[0])
    return np.sum(np.sin(x)) * len(LOG)


def _count(held):
    return held.qsize() if isinstance(held, queue.Queue) else len(held)


@pytest.mark.parametrize("f, held", [(put_a_constant, QUEUE), (append_a_constant, LOG)],
                         ids=["queue.put", "list.append"])
def test_a_constant_stored_into_a_global_is_followed_as_python_runs_it_once_per_call(f, held):
    x, t = np.array([0.3, 0.8, 0.6]), np.array([0.5, -1.0, 0.25])
    before = _count(held)
    # each derivative call runs the function once, as Python's call does: one more item each
    at = lambda n: (lambda v: np.sum(np.sin(v) * v[1]) * n)       # noqa: E731
    assert_close(astgrad.grad(f)(x.copy()), numerical_grad(at(before + 1), (x,)))
    assert _count(held) == before + 1
    assert_close(astgrad.jvp(f, (x.copy(),), (t,))[1], numerical_jvp(at(before + 2), (x,), (t,)))
    assert _count(held) == before + 2
    assert_close(astgrad.hessian(f)(x.copy()), numerical_hessian(astgrad.grad(at(before + 3)), (x,)),
                 rtol=1e-4, atol=1e-5)
    assert _count(held) == before + 3


@pytest.mark.parametrize("f", [put_a_varied_value, append_a_varied_value], ids=lambda f: f.__name__)
def test_a_differentiated_value_stored_into_a_global_is_still_refused(f):
    before = _count(QUEUE), len(LOG)
    for transform in (lambda: astgrad.grad(f)(X.copy()), lambda: astgrad.jvp(f, (X.copy(),), (np.ones(3),))):
        with pytest.raises(astgrad.TransformError, match=r"test_refusals4.py:\d+: .*(Queue.put|append to 'LOG')"):
            transform()
    assert (_count(QUEUE), len(LOG)) == before


def put_through_a_helper():
    QUEUE.put(1.0)


def putting_helper(x):
    put_through_a_helper()
    return np.sin(x) * QUEUE.qsize()


@pytest.mark.parametrize("f", [put_a_constant, putting_helper], ids=["itself", "through a helper"])
def test_a_queue_put_in_a_helper_whose_derivative_runs_it_again_is_refused(f):
    # differentiated as a helper, its derivative would run it a second time (twice the items)
    before = QUEUE.qsize()
    outer = lambda v: np.sum(f(v)) * 2.0        # noqa: E731
    for transform in (lambda: astgrad.grad(outer)(X.copy()), lambda: astgrad.vjp(outer, X.copy())):
        with pytest.raises(astgrad.TransformError, match=r"test_refusals4.py:\d+: the call of \w+ runs code that "
                                                         r"changes memory the function did not create .*(Queue.put|put_through_a_helper)"):
            transform()
    assert QUEUE.qsize() == before


# -- export of closures holding a NaN, an infinity or a library function ------------------

import math          # noqa: E402
import importlib.util  # noqa: E402


def _closing_over(c, big, fn, scalar_fn):
    def loss(x):
        kept = 0.0 if math.isnan(c) else 1.0
        return np.sum(fn(x) * 1.5) + scalar_fn(x[0]) * (2.0 - kept) + float(big > 1e308)
    return loss


def test_export_writes_nan_inf_and_library_functions_a_closure_holds(tmp_path):
    loss = _closing_over(float("nan"), np.float64(np.inf), np.sin, math.cos)
    text = astgrad.export(loss, 0)
    assert 'float("nan")' in text and 'numpy.float64(float("inf"))' in text
    assert "from numpy import sin as fn" in text and "from math import cos as scalar_fn" in text
    path = tmp_path / "closing_over.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = np.array([0.3, -0.7, 1.1])
    exported = [getattr(module, n) for n in dir(module) if n.startswith("grad_")][0]
    assert_close(exported(x), numerical_grad(loss, (x,)))
    assert_close(exported(x), astgrad.grad(loss)(x))
