"""The state a transform leaves behind: after each transform the globals, the objects
they hold and the arguments are as one plain call of ``f`` leaves them, and a refused
program leaves them as they were.

- a helper counting in a global object of each kind (a types.SimpleNamespace, a class
  with __slots__, a dict subclass of yours, a class attribute, a dataclass, a property,
  Counter, deque, defaultdict) changes it once, in every mode;
- a container changed four levels down by a helper is put back at that depth: the
  columns of jacobian and hessian, and vjp's pullback, read what the call read;
- hessian refuses before f runs, as grad does;
- read-only arrays in a list argument stay read-only (NumPy's error, as a plain call);
- a dataclass or namedtuple primal written into after vjp is refused by the pullback.
"""

import collections
import dataclasses
import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp


@dataclasses.dataclass
class Record:
    calls: int = 0


class Slotted:
    __slots__ = ("calls",)

    def __init__(self):
        self.calls = 0


class WithProperty:
    def __init__(self):
        self._calls = 0

    @property
    def calls(self):
        return self._calls

    @calls.setter
    def calls(self, value):
        self._calls = value


class Table(dict):
    pass


class Model:
    calls = 0


NS = types.SimpleNamespace(calls=0)
SLOTS = Slotted()
TABLE = Table(calls=0)
RECORD = Record()
PROPERTY = WithProperty()
COUNTER = collections.Counter()
QUEUE = collections.deque()
DEFAULTS = collections.defaultdict(int)


def count_ns():
    NS.calls += 1


def count_slots():
    SLOTS.calls += 1


def count_table():
    TABLE["calls"] += 1


def count_class():
    Model.calls += 1


def count_record():
    RECORD.calls += 1


def count_property():
    PROPERTY.calls += 1


def count_counter():
    COUNTER["calls"] += 1


def count_queue():
    QUEUE.append(1)


def count_defaults():
    DEFAULTS["calls"] += 1


def counting(count):
    """f calling ``count`` (a helper changing a global object), then computing from x."""
    def f(x):
        count()
        return np.sum(np.sin(x) * x)
    f.__name__ = f"counting_{count.__name__[len('count_'):]}"
    return f


counting_ns, counting_slots, counting_table = map(counting, (count_ns, count_slots, count_table))
counting_class, counting_record, counting_property, counting_counter, counting_queue, counting_defaults = map(
    counting, (count_class, count_record, count_property, count_counter, count_queue, count_defaults))


X, V = np.array([0.3, 0.7]), np.array([1.0, 0.5])
MODES = {
    "grad": lambda f: astgrad.grad(f)(X),
    "vjp": lambda f: astgrad.vjp(f, X)[1](1.0),
    "jvp": lambda f: astgrad.jvp(f, (X,), (V,)),
    "jacobian": lambda f: astgrad.jacobian(f)(X),
    "hessian": lambda f: astgrad.hessian(f)(X),
    "hvp": lambda f: astgrad.hvp(f)(X, V),
    "jvp_of_grad": lambda f: astgrad.jvp(astgrad.grad(f), (X,), (V,)),
}
COUNTED = [(counting_ns, lambda: NS.calls), (counting_slots, lambda: SLOTS.calls),
           (counting_table, lambda: TABLE["calls"])]
ALSO_COUNTED = [(counting_class, lambda: Model.calls), (counting_record, lambda: RECORD.calls), (counting_property, lambda: PROPERTY.calls),
                (counting_counter, lambda: COUNTER["calls"]), (counting_queue, lambda: len(QUEUE)),
                (counting_defaults, lambda: DEFAULTS["calls"])]
CASES = [(f, read, mode) for f, read in COUNTED for mode in MODES] + \
        [(f, read, mode) for f, read in ALSO_COUNTED for mode in ("vjp", "hessian")]


@pytest.mark.parametrize("f, read, mode", CASES, ids=[f"{f.__name__}-{mode}" for f, _, mode in CASES])
def test_a_global_object_is_changed_as_one_call_changes_it(f, read, mode):
    before = read()
    f(X)
    one_call = read() - before
    assert one_call == 1
    before = read()
    MODES[mode](f)
    assert read() - before == one_call, f"{mode} of {f.__name__} changed the object {read() - before} times"


DEEP = {"a": [[[1.0]]]}


def bump_deep():
    DEEP["a"][0][0][0] += 1.0


def reads_deep(x):
    bump_deep()
    return np.sum(x ** 2) * DEEP["a"][0][0][0] + np.sum(np.sin(x))


def _deep_from(start):
    def plain(x):
        DEEP["a"][0][0][0] = start
        return reads_deep(x)
    return plain


DEEP_MODES = {
    "jacobian": (lambda: astgrad.jacobian(reads_deep)(X), lambda p: numerical_grad(p, (X,))),
    "vjp": (lambda: astgrad.vjp(reads_deep, X)[1](1.0)[0], lambda p: numerical_grad(p, (X,))),
    "jvp": (lambda: astgrad.jvp(reads_deep, (X,), (V,))[1], lambda p: numerical_jvp(p, (X,), (V,))),
    # sum(x ** 2) * c + sum(sin(x)), c = 2.0 after the bump: its second derivative
    "hessian": (lambda: astgrad.hessian(reads_deep)(X), lambda p: np.diag(2 * 2.0 - np.sin(X))),
}


@pytest.mark.parametrize("mode", list(DEEP_MODES))
def test_a_container_changed_four_levels_down_is_put_back_there(mode):
    run, expected = DEEP_MODES[mode]
    want = expected(_deep_from(1.0))
    DEEP["a"][0][0][0] = 1.0
    got = run()
    assert DEEP["a"][0][0][0] == 2.0        # as one call leaves it
    assert_close(got, want, rtol=1e-5, atol=1e-6, msg=mode)


LOG = []


class Holder:
    pass


HOLDER = Holder()


def logs_then_refused(x):
    LOG.append(1.0)
    HOLDER.a = x
    return np.sum(x ** 2)


@pytest.mark.parametrize("transform", ["grad", "hessian", "hvp", "jacobian"])
def test_a_refused_program_leaves_the_globals_as_they_were(transform):
    run = {"grad": lambda: astgrad.grad(logs_then_refused)(X), "hessian": lambda: astgrad.hessian(logs_then_refused)(X),
           "hvp": lambda: astgrad.hvp(logs_then_refused)(X, V),
           "jacobian": lambda: astgrad.jacobian(logs_then_refused)(X)}[transform]
    del LOG[:]
    with pytest.raises(astgrad.TransformError) as refused:
        run()
    assert f"{__file__}:{logs_then_refused.__code__.co_firstlineno + 2}: " in str(refused.value)
    assert "assign to a local name" in str(refused.value)
    assert LOG == []
    assert_close(astgrad.hessian(reads_deep)(X).shape, (2, 2))       # the next transform works


def adds_into_an_item(xs, w):
    xs[0] += w
    return np.sum(xs[0] * w)


def test_a_read_only_array_in_a_list_stays_read_only():
    frozen = np.array([1.0, 2.0])
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        adds_into_an_item([frozen], 0.5)
    with pytest.raises(ValueError, match="read-only"):
        astgrad.grad(adds_into_an_item, wrt=1)([frozen], 0.5)
    namespace = {}
    exec(compile(astgrad.export(adds_into_an_item, wrt=1), "<exported>", "exec"), namespace)
    with pytest.raises(ValueError, match="read-only"):
        namespace["grad_adds_into_an_item"]([frozen], 0.5)
    assert np.array_equal(frozen, [1.0, 2.0])
    writable = [np.array([1.0, 2.0])]      # the next call, on a writable array, is followed
    got = astgrad.grad(adds_into_an_item, wrt=1)(writable, 0.5)
    assert_close(got, numerical_grad(lambda w: adds_into_an_item([np.array([1.0, 2.0])], w), (0.5,)))
    assert np.array_equal(writable[0], [1.0, 2.0])


@dataclasses.dataclass
class Params:
    w: np.ndarray
    b: float


Pair = collections.namedtuple("Pair", "w b")


def affine(p, x):
    return np.sum(p.w * x) + p.b * np.sum(x)


@pytest.mark.parametrize("make", [Params, Pair], ids=["dataclass", "namedtuple"])
def test_a_field_written_into_after_vjp_is_refused_by_the_pullback(make):
    p = make(np.array([1.0, 2.0]), 0.5)
    out, pullback = astgrad.vjp(affine, p, X)
    p.w[0] = 5.0
    with pytest.raises(ValueError, match=r"vjp pullback: primal 0\.w was written into after vjp was called.*"
                                         r"call vjp again at the new point"):
        pullback(1.0)
    _, pullback = astgrad.vjp(affine, p, X)     # at the new point: followed
    grads = pullback(1.0)
    assert_close(grads[1], numerical_grad(lambda x: affine(p, x), (X,)))


def _arrays_in_an_object_array(*arrays):
    held = np.empty(len(arrays), dtype=object)
    held[:] = list(arrays)
    return held


def test_vjp_of_an_object_array_of_arrays_compares_its_items():
    """An array of objects holding arrays, given to vjp as a primal held constant: the
    pullback compares its items with what vjp saw (NumPy's array_equal of two such arrays
    raised its bare 'truth value of an array is ambiguous'), and the run of f works on
    copies of the items, as on a list's."""
    def scaled_first(x, w):
        return np.sum(x[0] ** 2) * w

    held = _arrays_in_an_object_array(np.array([1.0, 2.0]), np.array([3.0]))
    out, pullback = astgrad.vjp(scaled_first, held, 0.8)
    assert_close(out, 4.0)
    assert_close(pullback(1.0)[1], numerical_grad(lambda w: scaled_first(held, w), (0.8,)))
    held[0][1] = 7.0
    with pytest.raises(ValueError, match=r"vjp pullback: primal 0\[0\] was written into after vjp was called"):
        pullback(1.0)
    out, pullback = astgrad.vjp(scaled_first, held, 0.8)
    held[1] = 2.5       # an item replaced by a number
    with pytest.raises(ValueError, match=r"vjp pullback: primal 0\[1\] was written into after vjp was called"):
        pullback(1.0)
