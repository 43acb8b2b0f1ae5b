"""A hunt over the forms followed since this morning (a ``queue.Queue`` filled and drained,
two loops naming one item, a global object's layers, a dict argument holding objects beside
None, numbers and lists, vjp's value code, writes checked for overlap by the flow of values,
``warnings.warn`` shown at the user's line, the tape's ``x.flat``), with programs written as
users write them (about 140, and NET rebound, its layers changed, a callee or a global changed
between vjp and its pullback), in grad, jvp, hessian and vjp against central finite differences,
the caller's objects compared with what Python leaves. It found:

- a wrong value: the tape's ``x.flat`` held in a name could be iterated twice, each pass
  giving every element (``it = x.flat; sum(it) + sum(it)`` twice the sum), where NumPy's
  flat iterator advances as it is read (the second pass is empty, ``next(it)`` takes the
  next element, an index sets it back to the start); it is such an iterator now;
- a wrong place: a derivative of generated code (a second derivative, or code derived from
  a callee's value code) stored in the disk cache was keyed by its text, which is the same
  for one function written in two files, so another file's process loaded it with the
  first file's lines: ``hessian`` showed the warnings of a helper at the other file's line
  (and would point a traceback there). The key holds the user's lines the code came from;
- a wrong number: an array taken out of a ``queue.Queue`` or a ``collections.deque``
  (``q.put(y); z = q.get()``) is the array put in, so ``z[0] = v`` changes ``y`` too, but
  the gradient was of a copy (in grad, jvp and vjp; no error). The queue is followed as a
  list rebound by ``q = q + [y]``, whose items the check of writes did not count as what
  ``q[0]`` may be (a list display's it did). Refused now where ``y`` is read again, as for
  a list; a copy taken out (``q.get().copy()``) is followed.

Where the array put in is not read again, the write is followed to first order; the
second order's check of it, made when the code runs, named the line of astgrad's generated
code (``<astgrad grad of f #9>:12``), and names the user's line now.
"""

import collections
import importlib
import inspect
import queue
import sys
import textwrap

import numpy as np
import pytest

import astgrad
from astgrad import disk_cache
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from test_refusals3 import Box      # (box.scale(w) assigns self.v)


# -- the tape's x.flat is NumPy's iterator ----------------------------------------------

DATA = np.array([[0.3, 0.8, 0.5], [1.1, 0.4, 0.9]])


def held_flat_read_twice(x):
    it = x.flat
    return sum(it) * 2.0 + sum(it)          # the second pass is empty: 0


def held_flat_advanced(x):
    it = x.flat
    a = next(it)
    b = it[4]                               # an index sets it back to the start
    return a * b + next(it) * sum(it)


@pytest.mark.parametrize("program", [held_flat_read_twice, held_flat_advanced], ids=lambda f: f.__name__)
def test_a_held_flat_advances_as_numpy_s_does(program):
    with astgrad.no_grad():
        assert float(program(astgrad.tensor(DATA))) == pytest.approx(program(DATA.copy()), rel=1e-12)
    x = astgrad.tensor(DATA, requires_grad=True)
    (g,) = astgrad.autograd.grad(program(x), x)
    assert_close(g.detach().numpy(), numerical_grad(program, (DATA,)))


# -- the disk cache keeps apart generated code made from two files ------------------------

SOURCE = textwrap.dedent("""\
    import numpy as np


    def f(x, y):
        return np.sum(np.sin(x) * y)
    """)


def test_one_function_written_in_two_files_has_derivatives_of_two_keys(tmp_path, monkeypatch):
    """The first derivatives' texts are the same; a derivative of them shows the user's
    lines of its own file, so it is stored under a key of its own."""
    for name in ("hunt_new_file_a", "hunt_new_file_b"):
        (tmp_path / f"{name}.py").write_text(SOURCE)
        sys.modules.pop(name, None)
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    a, b = (importlib.import_module(name).f for name in ("hunt_new_file_a", "hunt_new_file_b"))
    first_a, first_b = astgrad.grad(a).plain, astgrad.grad(b).plain
    assert first_a.source == first_b.source
    key = ("reverse", (0,), False, None)
    assert disk_cache.entry_key(first_a, key) != disk_cache.entry_key(first_b, key)


# -- an array taken out of a queue or a deque is the array put in ---------------------------

def written_after_a_get(x):
    y = x * 2.0
    q = queue.Queue()
    q.put(y)
    z = q.get()
    z[0] = x[1] ** 2        # the write: it changes y too
    return np.sum(y * x)


def added_to_after_a_get(x):
    y = x * 2.0
    q = queue.Queue()
    q.put(y)
    z = q.get()
    z += x                  # the write
    return np.sum(y * x)


def written_after_a_popleft(x):
    y = x * 2.0
    d = collections.deque()
    d.append(y)
    z = d.popleft()
    z[0] = x[1] ** 2        # the write
    return np.sum(y * x)


def written_after_a_deque_index(x):
    y = x * 2.0
    d = collections.deque()
    d.append(y)
    z = d[0]
    z[1] = x[0] * x[2]      # the write
    return np.sum(y * x)


def stack_grown_by_plus(x):
    stack = []
    stack += [x * 2.0]
    top = stack[-1]
    top[1] = x[0] * x[2]    # the write
    return np.sum(stack[0] * x)


def tuple_unpacked_after_a_join(x):
    y = x * 2.0
    pair = () + (y,) + (x * 3.0,)
    z, _ = pair
    z[0] = x[1] ** 2        # the write
    return np.sum(y * x)


TAKEN_OUT = [written_after_a_get, added_to_after_a_get, written_after_a_popleft, written_after_a_deque_index,
             stack_grown_by_plus, tuple_unpacked_after_a_join]


def _line_of_the_write(f):
    lines, first = inspect.getsourcelines(f)
    return first + next(i for i, text in enumerate(lines) if "# the write" in text)


@pytest.mark.parametrize("f", TAKEN_OUT, ids=lambda f: f.__name__)
def test_a_write_into_an_array_taken_out_of_a_queue_is_refused_where_the_array_put_in_is_read(f):
    x = np.array([0.4, 0.8, 1.1])
    for mode in (lambda v: astgrad.grad(f)(v), lambda v: astgrad.jvp(f, (v,), (v,))):
        with pytest.raises(astgrad.TransformError, match=rf"test_hunt_new\.py:{_line_of_the_write(f)}: "
                           r"(assignment into an element of|augmented assignment \(\+= and the like\) on) "
                           r"'(z|top)' while another name may share its memory.*write into a copy"):
            mode(x)
    assert_close(astgrad.grad(copy_taken_out)(x), numerical_grad(copy_taken_out, (x,)))     # the next call works


def copy_taken_out(x):
    y = x * 2.0
    q = queue.Queue()
    q.put(y)
    z = q.get().copy()
    z[0] = x[1] ** 2
    return np.sum(y * x) + np.sum(z * z)


def test_a_copy_taken_out_of_a_queue_is_followed_in_every_mode():
    x, t = np.array([0.4, 0.8, 1.1]), np.array([0.3, -0.5, 0.7])
    assert_close(astgrad.jvp(copy_taken_out, (x,), (t,))[1], numerical_jvp(copy_taken_out, (x,), (t,)))
    assert_close(astgrad.hessian(copy_taken_out)(x),
                 numerical_hessian(astgrad.grad(copy_taken_out), (x,)), rtol=1e-4, atol=1e-5)


def written_where_nothing_reads_the_array_put_in(x):
    d = collections.deque()
    d.append(x * 2.0)
    z = d.popleft()
    z[0] = x[1] ** 2
    return np.sum(z * x)


def test_the_second_order_check_of_a_write_into_an_item_names_the_users_line():
    f, x = written_where_nothing_reads_the_array_put_in, np.array([0.4, 0.8, 1.1])
    assert_close(astgrad.grad(f)(x), numerical_grad(f, (x,)))
    line = f.__code__.co_firstlineno + 4
    with pytest.raises(TypeError, match=rf"astgrad: .*test_hunt_new\.py:{line}: this writes into an array held by a list"):
        astgrad.hessian(f)(x)


# -- forms the hunt found followed, kept as they are -----------------------------------------

class Lin:
    def __init__(self, a):
        self.a = a

    def __call__(self, h):
        return np.sin(self.a * h)


class Net:
    def __init__(self, layers):
        self.layers = layers


NET = Net([Lin(0.7), Lin(-1.1)])


def gets_until_a_sentinel(x):
    q = queue.Queue()
    q.put(x[0])
    q.put(x[1] * x[2])
    q.put(-1.0)
    s, v = 0.0, q.get()
    while v > 0:
        s = s + v * v
        v = q.get()
    return s


def last_in_first_out(x):
    q = queue.LifoQueue()
    q.put(x[0])
    q.put(x[1] * 2.0)
    return q.get() * 3.0 + q.get() * x[2]


def second_loop_enumerated(x, boxes):
    for b in boxes:
        b.scale(x[0])
    s = 0.0
    for i, b in enumerate(boxes):
        s = s + b.v * x[i]
    return s


def dict_of_a_box_a_list_and_none(x, params):
    params["layer"].scale(x[0] * params["coefs"][0])
    s = params["layer"].v
    for c in params["coefs"]:
        s = s + c * x[1]
    return s + (x[2] if params["extra"] is None else 0.0) * params["lr"]


FOLLOWED = {
    gets_until_a_sentinel: tuple,
    last_in_first_out: tuple,
    second_loop_enumerated: lambda: ([Box(0.3), Box(0.5), Box(0.9)],),
    dict_of_a_box_a_list_and_none: lambda: ({"layer": Box(0.3), "coefs": [1.5, 0.5], "extra": None, "lr": 0.1},),
}


def _state(value):
    if isinstance(value, Box):
        return vars(value)
    if isinstance(value, dict):
        return {k: _state(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_state(v) for v in value]
    return value


def _held_still(value):
    """jvp's tangent holding an argument constant: None for objects, 0.0 for numbers in a dict."""
    if isinstance(value, dict):
        return {k: _held_still(v) for k, v in value.items()}
    if isinstance(value, list) and all(isinstance(v, float) for v in value):
        return [0.0] * len(value)
    return 0.0 if isinstance(value, float) else None


@pytest.mark.parametrize("f", list(FOLLOWED), ids=lambda f: f.__name__)
def test_forms_followed_match_finite_differences_and_leave_the_callers_objects(f):
    rng = np.random.default_rng(len(f.__name__))
    x, t = rng.uniform(0.2, 1.2, 3), rng.normal(size=3)
    fresh = lambda v: f(v, *FOLLOWED[f]())
    held = FOLLOWED[f]()
    assert_close(astgrad.grad(f)(x.copy(), *held), numerical_grad(fresh, (x,)))
    still = [_held_still(v) for v in held]
    assert_close(astgrad.jvp(f, (x.copy(), *held), (t, *still))[1], numerical_jvp(fresh, (x,), (t,)))
    assert _state(held) == _state(FOLLOWED[f]())    # a transform works on copies, as the docs say


def through_the_global_net(x):
    h = x[0]
    for i, layer in enumerate(NET.layers):
        h = layer(h) * x[1] + i * x[2]
    return h


def test_the_global_net_rebound_between_calls_gives_the_gradient_of_what_the_call_computes():
    global NET
    x, gradient = np.array([0.4, 0.8, 1.1]), astgrad.grad(through_the_global_net)
    before = NET
    try:
        for NET in (Net([Lin(0.2), Lin(1.5), Lin(-0.6)]), Net([Lin(0.9)])):
            assert_close(gradient(x), numerical_grad(through_the_global_net, (x,)))
        NET.layers.append(Lin(0.4))
        NET.layers[0].a = -0.3
        assert_close(gradient(x), numerical_grad(through_the_global_net, (x,)))
    finally:
        NET = before
